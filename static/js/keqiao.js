// Suggestion buttons fill a form field: <button data-fill="id_field" data-value="...">.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-fill]");
  if (!button) return;
  var field = document.getElementById(button.dataset.fill);
  if (field) { field.value = button.dataset.value; field.dispatchEvent(new Event("change")); }
});
