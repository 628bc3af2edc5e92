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
