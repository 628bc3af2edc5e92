// Forms: the error summary takes the focus after a failed submit, its links focus their field, and
// forms marked data-confirm ask in a <dialog> before they post (the server asks on a page without it).
(function () {
  if (window.keqiaoForms) return;
  window.keqiaoForms = true;

  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.scrollIntoView({ block: "start" });
    summary.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[data-focus]");
    if (!link) return;
    var field = document.getElementById(link.dataset.focus);
    if (!field) return;
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus();
  });

  var dialog = null;
  function confirmDialog() {
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.id = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    dialog.innerHTML =
      '<form method="dialog"><h2 id="confirm-dialog-title"></h2><p id="confirm-dialog-detail"></p>' +
      '<div class="actions"><button class="btn" value="ok" id="confirm-dialog-ok"></button>' +
      '<button class="btn secondary" value="cancel" id="confirm-dialog-cancel"></button></div></form>';
    document.body.appendChild(dialog);
    return dialog;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    // a button may carry its own question (a form with several decisions), else the form's applies
    var asking = submitter && submitter.hasAttribute("data-confirm") ? submitter : form;
    if (!asking.hasAttribute("data-confirm") || form.querySelector("input[name=confirmed]")) return;
    if (typeof HTMLDialogElement !== "function") return; // the server asks on a page instead
    event.preventDefault();
    var d = confirmDialog();
    d.querySelector("#confirm-dialog-title").textContent = asking.dataset.confirm;
    d.querySelector("#confirm-dialog-detail").textContent = asking.dataset.confirmDetail || "";
    d.querySelector("#confirm-dialog-ok").textContent = asking.dataset.confirmButton || asking.dataset.confirm;
    d.querySelector("#confirm-dialog-cancel").textContent = asking.dataset.confirmCancel || "Cancel";
    d.returnValue = "";
    d.addEventListener("close", function onClose() {
      d.removeEventListener("close", onClose);
      if (d.returnValue !== "ok") return;
      var confirmed = document.createElement("input");
      confirmed.type = "hidden"; confirmed.name = "confirmed"; confirmed.value = "1";
      form.appendChild(confirmed);
      if (submitter && submitter.name) {
        var pressed = document.createElement("input");
        pressed.type = "hidden"; pressed.name = submitter.name; pressed.value = submitter.value;
        form.appendChild(pressed);
      }
      // form.submit() ignores the pressed button's formaction: take it over
      if (submitter && submitter.hasAttribute("formaction")) form.action = submitter.formAction;
      form.submit();
    });
    d.showModal();
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusSummary);
  else focusSummary();
})();
