// Accessible names for the admin's autocomplete pickers (select2, e.g. the user of a membership or an executive).
// select2 hides the <select> and shows a combobox named only by aria-labelledby="<its text box>": empty while
// nothing is picked, so the combobox and its text box have no name (axe: aria-input-field-name). Here the
// combobox is named by the field's own name (the <select>'s aria-label, as LabelledInline gives inline rows, or
// its <label>) followed by the person picked, and the text box by the same field name.
(function () {
  "use strict";

  function fieldName(select) {
    var name = select.getAttribute("aria-label");
    if (!name && select.id) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      name = label ? label.textContent.trim().replace(/:$/, "") : "";
    }
    return name;
  }

  function nameAll(root) {
    var selects = root.querySelectorAll("select.admin-autocomplete.select2-hidden-accessible");
    Array.prototype.forEach.call(selects, function (select) {
      var widget = select.nextElementSibling;
      var combobox = widget && widget.querySelector(".select2-selection[role=combobox]");
      var box = combobox && combobox.querySelector(".select2-selection__rendered[id]");
      var name = fieldName(select);
      if (!box || !name) {
        return;
      }
      combobox.id = combobox.id || select.id + "-combobox";
      combobox.setAttribute("aria-label", name);
      combobox.setAttribute("aria-labelledby", combobox.id + " " + box.id);
      box.setAttribute("aria-labelledby", combobox.id);
    });
  }

  // After Django's autocomplete.js has made the pickers: once the page is loaded (jQuery runs its ready
  // handlers, which make them, from a timeout, hence the timeout here), and on a new inline row
  // ("formset:added", whose listeners run in turn: Django's first after this timeout).
  function later(root) {
    window.setTimeout(function () {
      nameAll(root);
    }, 0);
  }
  window.addEventListener("load", function () {
    later(document);
  });
  document.addEventListener("formset:added", function (event) {
    later(event.target);
  });
})();
