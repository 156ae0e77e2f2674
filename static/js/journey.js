// Progressive enhancement of the answering pages. Everything works without it.
// - moves focus to the error summary, so screen reader and keyboard users hear what is wrong;
// - counts the characters left in a note as the limit gets near;
// - warns before leaving a page whose answers were changed but not saved.
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  var notes = document.querySelectorAll("textarea[maxlength]");
  Array.prototype.forEach.call(notes, function (textarea) {
    var limit = parseInt(textarea.getAttribute("maxlength"), 10);
    var counter = document.createElement("p");
    counter.className = "form-text note-counter";
    counter.setAttribute("aria-live", "polite");
    textarea.insertAdjacentElement("afterend", counter);
    function update() {
      var left = limit - textarea.value.length;
      if (left < 0) {
        counter.textContent = -left + (left === -1 ? " character" : " characters") + " over the limit";
      } else {
        counter.textContent = left <= 200 ? left + (left === 1 ? " character" : " characters") + " left" : "";
      }
    }
    textarea.addEventListener("input", update);
    update();
  });

  var form = document.querySelector("form[data-unsaved-warning]");
  if (form) {
    var changed = false;
    form.addEventListener("change", function () { changed = true; });
    form.addEventListener("input", function () { changed = true; });
    form.addEventListener("submit", function () { changed = false; });
    window.addEventListener("beforeunload", function (event) {
      if (changed) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }
})();
