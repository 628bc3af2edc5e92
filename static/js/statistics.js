// Charts of the transaction statistics page; the tables above carry the same figures without JavaScript.
(function () {
  "use strict";
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function draw() {
    var data = read("stats-data");
    if (data) {
      // amounts arrive as exact decimal strings
      data.months.technology_amount = data.months.technology_amount.map(Number);
      data.fields.technology_amount = data.fields.technology_amount.map(Number);
    }
    var labels = read("stats-labels");
    var box = document.getElementById("stats-charts");
    if (!data || !labels || !box || typeof window.Chart === "undefined") return;
    box.hidden = false;
    var brand = "#0b5cab";
    var accent = "#d9480f";

    new window.Chart(document.getElementById("chart-months"), {
      data: {
        labels: data.months.labels,
        datasets: [
          { type: "bar", label: labels.technology_amount, data: data.months.technology_amount,
            backgroundColor: brand, yAxisID: "amount", order: 2 },
          { type: "line", label: labels.count, data: data.months.count, borderColor: accent,
            backgroundColor: accent, yAxisID: "count", tension: 0.2, order: 1 }
        ]
      },
      options: {
        responsive: true,
        interaction: { mode: "index", intersect: false },
        scales: {
          amount: { type: "linear", position: "left", beginAtZero: true },
          count: { type: "linear", position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
                   ticks: { precision: 0 } }
        }
      }
    });

    var palette = ["#0b5cab", "#d9480f", "#15803d", "#b45309", "#7c3aed", "#0891b2",
                   "#be185d", "#4d7c0f", "#1e40af", "#9f1239", "#6b7280"];
    var fields = document.getElementById("chart-fields");
    if (!data.fields.labels.length) {
      fields.closest("figure").hidden = true;
      return;
    }
    new window.Chart(fields, {
      type: "doughnut",
      data: {
        labels: data.fields.labels,
        datasets: [{ label: labels.technology_amount, data: data.fields.technology_amount,
                     backgroundColor: palette.slice(0, data.fields.labels.length) }]
      },
      options: { responsive: true, plugins: { legend: { position: "right" } } }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
