/* The error summary (partials/error_summary.html, {% error_summary %}): keyboard and screen
 * reader users start there, and each of its links takes them to the control in error.
 *
 * On load, the focus moves to #error-summary (tabindex="-1"; role="alert" announces it too).
 * A link to a control focuses the control and scrolls its label (or its group's legend)
 * into view, so the question is read with it. No inline script: CSP.
 */
(function () {
  "use strict";

  function labelOf(control) {
    var fieldset = control.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    if ((control.type === "radio" || control.type === "checkbox") && legend) {
      return legend;
    }
    var labels = control.labels;
    return (labels && labels.length && labels[0]) || control;
  }

  function start() {
    var summary = document.getElementById("error-summary");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var control = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!control) {
        return;
      }
      event.preventDefault();
      labelOf(control).scrollIntoView();
      control.focus({ preventScroll: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
