// Behaviour the pages ask for with data- attributes, so that no page needs inline script or event
// handler attributes (the Content-Security-Policy allows scripts from files only).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-submit-on-change]") && el.form) el.form.submit();
  });
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el.matches && el.matches("input[data-select-on-focus]")) el.select();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
