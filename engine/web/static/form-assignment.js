/* theodoi: the assignment picker of the form renderer (vanilla JS, no build step).
 *
 * "ui:widget": "assignment" on an integer field, with "ui:options": {"purpose": "data_correction" or
 * "local_feedback"}: people find a task by what they know of it (the document's number, words of its content,
 * the lead unit; accents and case aside) and see "12/QĐ-UBND – nhiệm vụ 1: nội dung (đơn vị chủ trì)"; the
 * form still sends the assignment's id, which the processes use. The list comes from the page twin of
 * GET /api/v1/assignment-choices (engine/web/pages/assignment_choices.py), whose address this script tag
 * carries in data-choices-url; the server decides what the user may pick. Read-only, the field shows the
 * chosen task's label, never its id. Load after form-widgets.js and before form.js.
 */
(function () {
  "use strict";

  var ns = (window.theodoiForm = window.theodoiForm || {});
  ns.customWidgets = ns.customWidgets || {};
  var script = document.currentScript;
  var choicesUrl = (script && script.getAttribute("data-choices-url")) || "/assignment-choices";
  var counter = 0;
  var WAIT_MS = 250; // typing pauses this long before the list is asked for

  function fetchChoices(purpose, params) {
    var query = ["purpose=" + encodeURIComponent(purpose || "")];
    Object.keys(params).forEach(function (key) {
      query.push(key + "=" + encodeURIComponent(params[key]));
    });
    return fetch(choicesUrl + "?" + query.join("&"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });
  }

  function nullable(schema) {
    var type = schema.type;
    return type === "null" || (Array.isArray(type) && type.indexOf("null") >= 0);
  }

  ns.customWidgets.assignment = function (schema, ui, value, ctx) {
    var h = ns.h;
    counter += 1;
    var id = "assignment-" + counter;
    var purpose = (ui["ui:options"] || {}).purpose || "data_correction";
    var chosen = typeof value === "number" ? value : null;
    var label = ctx.label ? h("label", { for: id }, ctx.label) : null;
    if (label && ctx.required) label.appendChild(h("span", { className: "required", title: "bắt buộc", text: "*" }));
    var shown = h("div", { className: "assignment-chosen", "aria-live": "polite" });
    var help = ctx.help ? h("span", { className: "help", text: ctx.help }) : null;
    var errors = h("span", { className: "error", role: "alert", hidden: true });
    var el = h("div", { className: "field assignment-picker" }, label);

    function showChosen(text) {
      shown.textContent = "";
      if (chosen === null) {
        shown.appendChild(h("span", { className: "muted", text: ctx.readonly ? "—" : "Chưa chọn nhiệm vụ." }));
        return;
      }
      shown.appendChild(h("strong", { text: text }));
      if (!ctx.readonly) {
        var clear = h("button", { type: "button", className: "link" }, "Bỏ chọn");
        clear.addEventListener("click", function () {
          chosen = null;
          showChosen("");
          if (input) input.focus();
        });
        shown.appendChild(document.createTextNode(" "));
        shown.appendChild(clear);
      }
    }

    // The label of the value the form opened with (a saved form, a draft): asked for by id.
    function labelChosen() {
      if (chosen === null) return showChosen("");
      showChosen("Đang tải thông tin nhiệm vụ…");
      fetchChoices(purpose, { id: chosen })
        .then(function (answer) {
          var item = (answer.items || [])[0];
          showChosen(item ? item.label : "Nhiệm vụ đã chọn không còn trong danh sách bạn được xem");
        })
        .catch(function () { showChosen("Không tải được thông tin nhiệm vụ đã chọn"); });
    }

    var input = null;
    if (ctx.readonly) {
      el.appendChild(shown);
    } else {
      input = h("input", {
        id: id,
        type: "search",
        className: "assignment-search",
        placeholder: ui["ui:placeholder"] || "Gõ số, ký hiệu văn bản, nội dung hoặc đơn vị chủ trì…",
        autocomplete: "off",
        role: "combobox",
        "aria-autocomplete": "list",
        "aria-expanded": "false",
        "aria-controls": id + "-list",
      });
      if (ui["ui:autofocus"]) input.setAttribute("autofocus", "");
      var list = h("ul", { id: id + "-list", className: "assignment-options plain", role: "listbox", hidden: true });
      var status = h("div", { className: "assignment-status muted", "aria-live": "polite" });
      el.appendChild(shown);
      el.appendChild(input);
      el.appendChild(list);
      el.appendChild(status);
      var timer = null;
      var asked = 0;
      var options = [];
      var active = -1;

      var close = function () {
        list.hidden = true;
        input.setAttribute("aria-expanded", "false");
        active = -1;
      };
      var mark = function (index) {
        options.forEach(function (option, i) { option.el.setAttribute("aria-selected", i === index ? "true" : "false"); });
        active = index;
        if (options[index] && options[index].el.scrollIntoView) options[index].el.scrollIntoView({ block: "nearest" });
      };
      var pick = function (item) {
        // A search still waiting for the typing pause, or on its way, would reopen the list under the
        // chosen task and push the rest of the form down while the person moves on.
        window.clearTimeout(timer);
        asked += 1;
        chosen = item.id;
        showChosen(item.label);
        input.value = "";
        status.textContent = "";
        close();
        input.dispatchEvent(new Event("change", { bubbles: true })); // the page's draft keeps the choice
      };
      var show = function (answer) {
        list.textContent = "";
        options = (answer.items || []).map(function (item) {
          var option = h("li", { role: "option", className: "assignment-option", "aria-selected": "false", text: item.label });
          option.addEventListener("mousedown", function (event) {
            event.preventDefault(); // keep the focus in the box until the choice is made
            pick(item);
          });
          list.appendChild(option);
          return { el: option, item: item };
        });
        list.hidden = !options.length;
        input.setAttribute("aria-expanded", options.length ? "true" : "false");
        active = -1;
        if (!options.length) status.textContent = answer.note || "Không tìm thấy nhiệm vụ phù hợp.";
        else status.textContent = options.length >= 20 ? "Gõ thêm để thu hẹp danh sách." : "";
      };
      var search = function () {
        var mine = ++asked;
        fetchChoices(purpose, { q: input.value.trim() })
          .then(function (answer) { if (mine === asked) show(answer); })
          .catch(function () { if (mine === asked) status.textContent = "Không tải được danh sách nhiệm vụ; vui lòng thử lại."; });
      };
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(search, WAIT_MS);
      });
      input.addEventListener("focus", function () { if (list.hidden) search(); });
      input.addEventListener("blur", function () { window.setTimeout(close, 150); });
      input.addEventListener("keydown", function (event) {
        if (event.key === "ArrowDown" && options.length) {
          event.preventDefault();
          list.hidden = false;
          mark(Math.min(active + 1, options.length - 1));
        } else if (event.key === "ArrowUp" && options.length) {
          event.preventDefault();
          mark(Math.max(active - 1, 0));
        } else if (event.key === "Enter" && active >= 0) {
          event.preventDefault(); // choose, not submit
          pick(options[active].item);
        } else if (event.key === "Escape") {
          close();
        }
      });
    }
    if (help) el.appendChild(help);
    el.appendChild(errors);
    labelChosen();

    return {
      el: el,
      get: function () {
        if (chosen === null) return nullable(schema) ? null : undefined;
        return chosen;
      },
      child: function () { return null; },
      addError: function (text) { ns.addErrorTo(errors, el, text); },
    };
  };
})();
