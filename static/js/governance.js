// Trend charts of the action-plan dashboard; the table above carries the same figures without JavaScript.
(function () {
  "use strict";
  function draw() {
    var node = document.getElementById("plan-charts");
    var box = document.getElementById("plan-charts-box");
    if (!node || !box || typeof window.Chart === "undefined") return;
    var charts = JSON.parse(node.textContent);
    var targetLabel = JSON.parse(document.getElementById("plan-target-label").textContent);
    box.hidden = false;
    charts.forEach(function (c) {
      var canvas = document.getElementById("chart-" + c.id);
      if (!canvas) return;
      new window.Chart(canvas, {
        type: "line",
        data: {
          labels: c.years,
          datasets: [
            { label: c.name, data: c.values.map(function (v) { return v === null ? null : Number(v); }),
              borderColor: "#0b5cab", backgroundColor: "#0b5cab", spanGaps: false, tension: 0.2 },
            { label: targetLabel, data: c.years.map(function () { return Number(c.target); }),
              borderColor: "#d9480f", borderDash: [6, 4], pointRadius: 0 }
          ]
        },
        options: { responsive: true, scales: { y: { beginAtZero: true } } }
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
