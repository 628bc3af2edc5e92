// Review decisions on an annual report ask once before they are sent: <form data-confirm="question">.
// Without JavaScript the form is sent as it is; the decision is recorded and can be seen in the history.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
  });
})();
