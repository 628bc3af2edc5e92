// Suggestion buttons fill a form field: <button data-fill="id_field" data-value="...">.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-fill]");
  if (!button) return;
  var field = document.getElementById(button.dataset.fill);
  if (field) { field.value = button.dataset.value; field.dispatchEvent(new Event("change")); }
});

// Filters that apply on change: <select data-autosubmit> submits its form (no inline handlers, so the
// Content-Security-Policy can forbid inline script).
document.addEventListener("change", function (event) {
  var field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});

// The menu button of narrow screens: <button aria-expanded aria-controls="site-menu">. Without script the
// button stays hidden and the menu is shown in full; with it, the menu is folded behind the button.
(function () {
  var button = document.getElementById("menu-toggle");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;
  document.documentElement.classList.add("has-menu-toggle");
  button.hidden = false;
  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  }
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();

// Search filters: on a narrow screen the results come first and the filters fold behind "Filter"; an
// htmx swap of the results keeps the panel as the user left it.
var narrowScreen = window.matchMedia("(max-width: 860px)");
var facetPanelOpen = !narrowScreen.matches;
function syncFacetPanel(root) {
  var panel = (root || document).querySelector("#facet-panel");
  if (panel) panel.open = facetPanelOpen || !narrowScreen.matches;
}
syncFacetPanel(document);
document.addEventListener("toggle", function (event) {
  if (event.target.id === "facet-panel" && narrowScreen.matches) facetPanelOpen = event.target.open;
}, true);
narrowScreen.addEventListener("change", function () { syncFacetPanel(document); });

// After htmx replaces the search results: bring their top into view (a pager link at the bottom of
// page 1 must not leave the reader at the bottom of page 2), move keyboard focus there, and announce
// the new count and page in the polite live region.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (!target || target.id !== "results") return;
  syncFacetPanel(target);
  var top = target.getBoundingClientRect().top;
  if (top < 0) window.scrollTo({ top: window.scrollY + top - 8 });
  var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (trigger && trigger.closest && trigger.closest(".pager")) {
    target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
  }
  var live = document.getElementById("live-status");
  if (!live) return;
  var parts = [];
  var count = target.querySelector("#result-count");
  if (count) parts.push(count.textContent.trim());
  var pager = target.querySelector("[data-page-status]");
  if (pager) parts.push(pager.dataset.pageStatus);
  live.textContent = "";
  window.setTimeout(function () { live.textContent = parts.join("，"); }, 50);
});

// A table wider than the screen scrolls sideways in place; it takes keyboard focus then, so that it can
// be scrolled without a mouse (and screen readers announce it as one region).
function markScrollableTables() {
  document.querySelectorAll("table.list").forEach(function (table) {
    if (table.scrollWidth > table.clientWidth + 1) table.setAttribute("tabindex", "0");
    else table.removeAttribute("tabindex");
  });
}
markScrollableTables();
window.addEventListener("resize", markScrollableTables);
document.addEventListener("htmx:afterSettle", markScrollableTables);
