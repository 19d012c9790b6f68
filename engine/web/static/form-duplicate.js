/* theodoi: "Vẫn tiếp nhận văn bản này" on the Tiếp nhận văn bản form (vanilla JS, no build step).
 *
 * The "duplicate" widget of the form renderer ("ui:widget": "duplicate" on the boolean confirm_duplicate)
 * shows nothing until the server answers that a document of the same number, type and issue date is
 * registered already (engine/web/pages/documents.py duplicate_on_page: a 422 whose message is for this field
 * and whose "confirm_duplicate/document" part is the registered document's address). Then it shows that
 * message, a link to the document and the checkbox; the next submit sends confirm_duplicate: true only if
 * the box is ticked. Until then the field sends nothing, so a first submit is never a confirmation.
 * Load after form-widgets.js and before form.js (form.js calls ns.customWidgets by name).
 */
(function () {
  "use strict";

  var ns = (window.theodoiForm = window.theodoiForm || {});
  ns.customWidgets = ns.customWidgets || {};
  var counter = 0;

  ns.customWidgets.duplicate = function (schema, ui, value, ctx) {
    var h = ns.h;
    counter += 1;
    var id = "duplicate-" + counter;
    var box = h("input", { id: id, type: "checkbox", disabled: ctx.readonly });
    var message = h("p", { className: "duplicate-message" });
    var link = h("a", { hidden: true }, "Xem văn bản đã tiếp nhận");
    var el = h(
      "div",
      { className: "field duplicate flash flash-info", role: "alert", hidden: true },
      message,
      h("p", {}, link),
      h("div", { className: "field checkbox" }, box, h("label", { for: id, text: schema.title || ctx.label }))
    );
    // Only a link within this site: the address comes from the server's answer, never from typed data.
    var linkPart = {
      el: link,
      get: function () { return undefined; },
      child: function () { return null; },
      addError: function (address) {
        if (!/^\/[^\/\\]/.test(address)) return;
        link.setAttribute("href", address);
        link.hidden = false;
      },
    };
    return {
      el: el,
      get: function () { return el.hidden ? undefined : box.checked; },
      child: function (segment) { return segment === "document" ? linkPart : null; },
      addError: function (text) {
        message.textContent = text;
        el.hidden = false;
        el.classList.add("has-error");
      },
    };
  };
})();
