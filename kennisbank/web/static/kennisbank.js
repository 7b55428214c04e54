/* Kennisbank's one script, loaded from 'self' (the CSP allows no inline code). Only an enhancement: every page works
   without it. Opening a "Bronvermelding" shows the reference (that needs no script); this also copies it. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");  /* says the enhancements below are active */

  function say(details, text) {
    var status = details.querySelector(".kopieer-status");
    if (status) {
      status.textContent = text;
    }
  }

  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copied(details, text) {
    details.setAttribute("data-gekopieerd", text);
    say(details, "Bronvermelding gekopieerd.");
  }

  function copyBySelection(details, node, text) {
    select(node);
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (error) {
      ok = false;
    }
    if (ok) {
      copied(details, text);
    } else {
      say(details, "Bronvermelding geselecteerd: kopieer met Ctrl+C (Cmd+C op een Mac).");
    }
  }

  function copy(details) {
    var node = details.querySelector(".bron-tekst");
    if (!node) {
      return;
    }
    var text = node.textContent.replace(/\s+/g, " ").trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        select(node);
        copied(details, text);
      }, function () {
        copyBySelection(details, node, text);
      });
    } else {
      copyBySelection(details, node, text);
    }
  }

  /* "toggle" does not bubble, so listen while it is captured on its way down to the <details>. */
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.matches && details.matches("details.bron") && details.open) {
      copy(details);
    }
  }, true);
}());
