/* Copy-to-clipboard buttons and a mailto link that follows edits (no inline script: CSP).
 *
 * <button data-copy-target="ID" data-copy-done="Copied.">  copies the value of #ID.
 * <a data-mailto-subject="ID" data-mailto-body="ID">        its href follows those fields.
 * An element #copy-status (role="status") announces the result.
 */
(function () {
  "use strict";

  function announce(text) {
    var status = document.getElementById("copy-status");
    if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }

  function copyBySelection(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) {
      return;
    }
    var done = button.getAttribute("data-copy-done") || "Copied to the clipboard.";
    var failed = "Could not copy automatically: the text is selected, press Ctrl+C (or Cmd+C).";
    var text = "value" in field ? field.value : field.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { announce(done); },
        function () { announce(copyBySelection(field) ? done : failed); }
      );
    } else {
      announce(copyBySelection(field) ? done : failed);
    }
  }

  function crlf(text) {
    return text.replace(/\r?\n/g, "\r\n");
  }

  function updateMailto(link) {
    var subject = document.getElementById(link.getAttribute("data-mailto-subject"));
    var body = document.getElementById(link.getAttribute("data-mailto-body"));
    if (!subject || !body) {
      return;
    }
    link.href = "mailto:?subject=" + encodeURIComponent(subject.value) +
      "&body=" + encodeURIComponent(crlf(body.value));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (button) {
      copy(button);
    }
  });

  document.addEventListener("input", function () {
    document.querySelectorAll("a[data-mailto-body]").forEach(updateMailto);
  });
})();
