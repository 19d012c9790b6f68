/* theodoi form renderer, part 2 of 3: the DOM helper and the leaf fields (inputs, selects, checkbox lists,
 * the unit pickers, the user picker).
 *
 * Loaded after dom.js and form-schema.js and before form.js; adds addErrorTo and widgets to window.theodoiForm.
 * Every field is {el, get(), child(segment), addError(text)}; get() returns undefined to leave the key out.
 * The unit select also has watch(callback), called on every change, and the unit list exclude(code, hint),
 * which disables one unit (form.js wires the two for "ui:options": {"exclude": ...}).
 */
(function () {
  "use strict";

  var ns = (window.theodoiForm = window.theodoiForm || {});
  var counter = 0;

  var h = ns.h; // dom.js

  function nextId() {
    counter += 1;
    return "f" + counter;
  }

  // "Sở Tài chính" matches "so tai chinh": accents and đ folded, case ignored.
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }

  function sameValue(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function wrapper(ctx, control, id) {
    var label = null;
    if (ctx.label) {
      label = h("label", { for: id }, ctx.label);
      if (ctx.required) label.appendChild(h("span", { className: "required", title: "bắt buộc", text: "*" }));
    }
    var help = ctx.help ? h("span", { className: "help", text: ctx.help }) : null;
    var errors = h("span", { className: "error", role: "alert", hidden: true });
    var el = h("div", { className: "field" }, label, control, help, errors);
    return { el: el, errors: errors };
  }

  function addErrorTo(box, container, text) {
    box.hidden = false;
    box.textContent = box.textContent ? box.textContent + "; " + text : text;
    container.classList.add("has-error");
  }

  // The leaf fields of one form: `reader` is its ns.schemaReader, `units` its unit directory and `users`
  // its user directory ({username, full_name, roles}).
  ns.widgets = function (reader, units, users) {
    var choicesOf = reader.choicesOf;
    var mainType = reader.mainType;
    var isNullable = reader.isNullable;

    // The directory grouped by unit_type, in its own order; codes not in it (a unit closed since, a code
    // typed elsewhere) stay choosable under their own heading so that opening a form never drops a value.
    function unitGroups(codes) {
      var groups = [];
      var byType = {};
      var known = {};
      units.forEach(function (unit) {
        var label = unit.unit_type || "Khác";
        if (!byType[label]) {
          byType[label] = { label: label, units: [] };
          groups.push(byType[label]);
        }
        byType[label].units.push(unit);
        known[unit.code] = true;
      });
      var unknown = (codes || []).filter(function (code) { return code && !known[code]; });
      if (unknown.length) {
        groups.push({
          label: "Không có trong danh mục đơn vị đang hoạt động",
          units: unknown.map(function (code) { return { code: code, name: code }; }),
        });
      }
      return groups;
    }

    function hiddenField(value) {
      return { el: null, get: function () { return value; }, child: function () { return null; }, addError: function () {} };
    }

    function multiChoice(schema, items, value, ctx) {
      var id = nextId();
      var selected = Array.isArray(value) ? value : [];
      var boxes = [];
      var list = h("div", { className: "choices", id: id, role: "group" });
      choicesOf(items).forEach(function (choice) {
        var box = h("input", { type: "checkbox", disabled: ctx.readonly });
        box.checked = selected.some(function (v) { return sameValue(v, choice.value); });
        boxes.push({ box: box, value: choice.value });
        list.appendChild(h("label", {}, box, " " + choice.title));
      });
      var w = wrapper(ctx, list, id);
      return {
        el: w.el,
        get: function () {
          var out = boxes.filter(function (b) { return b.box.checked; }).map(function (b) { return b.value; });
          return out.length || ctx.required || Array.isArray(value) ? out : undefined;
        },
        child: function () { return null; },
        addError: function (text) { addErrorTo(w.errors, w.el, text); },
      };
    }

    function commaList(schema, items, ui, value, ctx) {
      var id = nextId();
      var numeric = ["integer", "number"].indexOf(mainType(items)) >= 0;
      var input = h("input", {
        id: id,
        type: "text",
        value: Array.isArray(value) ? value.join(", ") : "",
        placeholder: ui["ui:placeholder"] || "Các giá trị, cách nhau bởi dấu phẩy",
        readonly: ctx.readonly,
      });
      var w = wrapper(ctx, input, id);
      return {
        el: w.el,
        get: function () {
          var parts = input.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
          if (numeric) parts = parts.map(function (s) { return isNaN(Number(s)) ? s : Number(s); });
          return parts.length || ctx.required || Array.isArray(value) ? parts : undefined;
        },
        child: function () { return null; },
        addError: function (text) { addErrorTo(w.errors, w.el, text); },
      };
    }

    function selectField(schema, choices, value, ctx) {
      var id = nextId();
      var select = h("select", { id: id, disabled: ctx.readonly });
      var hasNull = choices.some(function (c) { return c.value === null; });
      if (!hasNull) select.appendChild(h("option", { value: "" }, "— Chọn —"));
      var current = value === undefined && hasNull ? null : value;  // no value yet: the explicit "none"
      choices.forEach(function (choice, i) {
        var option = h("option", { value: String(i) }, choice.title);
        if (current !== undefined && sameValue(current, choice.value)) option.selected = true;
        select.appendChild(option);
      });
      var w = wrapper(ctx, select, id);
      return {
        el: w.el,
        get: function () {
          if (select.value === "") return undefined;
          return choices[Number(select.value)].value;
        },
        child: function () { return null; },
        addError: function (text) { addErrorTo(w.errors, w.el, text); },
      };
    }

    // The users of the directory having `role`; none when no role is named (the page sends no one then).
    function usersWithRole(role) {
      if (typeof role !== "string") return [];
      return users.filter(function (user) { return Array.isArray(user.roles) && user.roles.indexOf(role) >= 0; });
    }

    // The full name of each of `people`, submitting the username; the username is shown only to tell
    // apart two people of the same name. A username not among them (a user deactivated since, or given
    // another role) stays choosable so that opening a form never drops it.
    function userSelect(schema, ui, people, value, ctx) {
      var id = nextId();
      var select = h("select", { id: id, disabled: ctx.readonly });
      select.appendChild(h("option", { value: "" }, ui["ui:placeholder"] || "— Chọn người dùng —"));
      var known = false;
      var named = {};
      people.forEach(function (user) { named[user.full_name] = (named[user.full_name] || 0) + 1; });
      people.forEach(function (user) {
        var label = !user.full_name ? user.username
          : named[user.full_name] > 1 ? user.full_name + " (" + user.username + ")" : user.full_name;
        select.appendChild(h("option", { value: user.username }, label));
        if (user.username === value) known = true;
      });
      if (typeof value === "string" && value && !known) {
        select.appendChild(h("option", { value: value }, value + " (không có trong danh sách đang hoạt động)"));
      }
      return codeField(schema, select, id, value, ctx);
    }

    function unitSelect(schema, value, ctx) {
      var id = nextId();
      var select = h("select", { id: id, disabled: ctx.readonly });
      select.appendChild(h("option", { value: "" }, "— Chọn đơn vị —"));
      unitGroups(value ? [value] : []).forEach(function (group) {
        var optgroup = h("optgroup", { label: group.label });
        group.units.forEach(function (unit) {
          optgroup.appendChild(h("option", { value: unit.code }, unit.name));
        });
        select.appendChild(optgroup);
      });
      var field = codeField(schema, select, id, value, ctx);
      field.watch = function (callback) { select.addEventListener("change", callback); };
      return field;
    }

    // The field of a <select> whose options submit codes (usernames, unit codes); the empty choice
    // sends null where the schema allows it, else nothing, so the server reports it as required.
    function codeField(schema, select, id, value, ctx) {
      select.value = typeof value === "string" ? value : "";
      var w = wrapper(ctx, select, id);
      return {
        el: w.el,
        get: function () {
          if (select.value === "") return isNullable(schema) ? null : undefined;
          return select.value;
        },
        child: function () { return null; },
        addError: function (text) { addErrorTo(w.errors, w.el, text); },
      };
    }

    // A checkbox list grouped by unit type, with a search box when the directory is long and a line
    // naming what is chosen (the chosen units may be scrolled out of sight).
    function unitList(value, ctx) {
      var id = nextId();
      var selected = Array.isArray(value) ? value : [];
      var entries = [];
      var list = h("div", { className: "choices unit-choices", id: id, role: "group", "aria-label": ctx.label });
      var chosen = h("div", { className: "unit-chosen muted", "aria-live": "polite" });
      var excludedHint = h("span", { className: "unit-hint", hidden: true });
      unitGroups(selected).forEach(function (group) {
        var heading = h("div", { className: "unit-group", text: group.label });
        list.appendChild(heading);
        group.units.forEach(function (unit) {
          var box = h("input", { type: "checkbox", value: unit.code, disabled: ctx.readonly });
          box.checked = selected.indexOf(unit.code) >= 0;
          var label = h("label", {}, box, " " + unit.name);
          entries.push({ box: box, unit: unit, label: label, heading: heading, key: fold(unit.name + " " + unit.code) });
          list.appendChild(label);
        });
      });

      function showChosen() {
        var names = entries.filter(function (e) { return e.box.checked; }).map(function (e) { return e.unit.name; });
        chosen.textContent = names.length ? "Đã chọn " + names.length + ": " + names.join("; ") : "Chưa chọn đơn vị nào.";
      }
      list.addEventListener("change", showChosen);
      showChosen();

      var control = h("div", { className: "unit-picker" });
      if (entries.length > 12 && !ctx.readonly) {
        var search = h("input", { type: "search", className: "unit-search", placeholder: "Tìm đơn vị…", "aria-label": "Tìm đơn vị" });
        search.addEventListener("input", function () {
          var wanted = fold(search.value.trim());
          var shown = {};
          entries.forEach(function (e) {
            var match = !wanted || e.key.indexOf(wanted) >= 0;
            e.label.hidden = !match;
            if (match) shown[e.heading.textContent] = true;
          });
          entries.forEach(function (e) { e.heading.hidden = !shown[e.heading.textContent]; });
        });
        control.appendChild(search);
      }
      control.appendChild(list);
      control.appendChild(chosen);
      var w = wrapper(ctx, control, id);
      return {
        el: w.el,
        get: function () {
          var out = entries.filter(function (e) { return e.box.checked; }).map(function (e) { return e.unit.code; });
          return out.length || ctx.required || Array.isArray(value) ? out : undefined;
        },
        child: function () { return null; },
        addError: function (text) { addErrorTo(w.errors, w.el, text); },
        // At most one unit is excluded at a time: unchecked, disabled, and marked with `hint`. A read-only
        // form keeps its boxes as they were saved and only shows the mark.
        exclude: function (code, hint) {
          entries.forEach(function (e) {
            var excluded = !!code && e.unit.code === code;
            if (excluded && !ctx.readonly) e.box.checked = false;
            e.box.disabled = excluded || ctx.readonly;
            e.label.classList.toggle("excluded", excluded);
            if (excluded) {
              excludedHint.textContent = " " + hint;
              e.label.appendChild(excludedHint);
            }
          });
          excludedHint.hidden = !code || !entries.some(function (e) { return e.unit.code === code; });
          showChosen();
        },
      };
    }

    function checkboxField(value, ctx) {
      var id = nextId();
      var box = h("input", { id: id, type: "checkbox", disabled: ctx.readonly });
      box.checked = value === true;
      var label = h("label", { for: id, text: ctx.label });
      var help = ctx.help ? h("span", { className: "help", text: ctx.help }) : null;
      var errors = h("span", { className: "error", role: "alert", hidden: true });
      var el = h("div", { className: "field checkbox" }, box, label, help, errors);
      return {
        el: el,
        get: function () { return box.checked; },
        child: function () { return null; },
        addError: function (text) { addErrorTo(errors, el, text); },
      };
    }

    function numberField(schema, ui, value, ctx, type) {
      var id = nextId();
      var input = h("input", {
        id: id,
        type: "number",
        step: type === "integer" ? "1" : "any",
        value: value === undefined || value === null ? "" : value,
        placeholder: ui["ui:placeholder"],
        readonly: ctx.readonly,
      });
      var w = wrapper(ctx, input, id);
      return {
        el: w.el,
        get: function () {
          var raw = input.value.trim();
          if (raw === "") return isNullable(schema) ? null : undefined;
          var n = Number(raw);
          return isNaN(n) ? raw : n;
        },
        child: function () { return null; },
        addError: function (text) { addErrorTo(w.errors, w.el, text); },
      };
    }

    // "format": "date" or "ui:widget": "date": typed or picked dd/mm/yyyy, submitted ISO (date-input.js,
    // loaded by base.html). A refused date is sent as typed, so the server's 422 marks the field too.
    function dateField(schema, ui, value, ctx) {
      var id = nextId();
      var input = h("input", { id: id, type: "text", readonly: ctx.readonly });
      var w = null;
      var date = window.theodoiDate.attach(input, {
        value: value === undefined || value === null ? "" : value,
        readonly: ctx.readonly,
        report: function (message) {
          w.errors.textContent = message || "";
          w.errors.hidden = !message;
          w.el.classList.toggle("has-error", !!message);
        },
      });
      if (ui["ui:autofocus"] && !ctx.readonly) input.setAttribute("autofocus", "");
      w = wrapper(ctx, date.el, id);
      return {
        el: w.el,
        get: function () {
          var iso = date.iso();
          if (iso === "") return isNullable(schema) ? null : undefined;
          return iso === null ? input.value.trim() : iso;
        },
        child: function () { return null; },
        addError: function (message) { addErrorTo(w.errors, w.el, message); },
      };
    }

    function textField(schema, ui, value, ctx, options) {
      var id = nextId();
      var widget = ui["ui:widget"];
      if ((schema.format === "date" || widget === "date") && widget !== "textarea" && window.theodoiDate) {
        return dateField(schema, ui, value, ctx);
      }
      var text = value === undefined || value === null ? "" : String(value);
      var control;
      if (widget === "textarea") {
        control = h("textarea", { id: id, rows: options.rows || 4, placeholder: ui["ui:placeholder"], readonly: ctx.readonly });
        control.value = text;
      } else {
        var inputType = "text";
        if (schema.format === "date" || widget === "date") inputType = "date";
        else if (schema.format === "email" || widget === "email") inputType = "email";
        else if (widget === "password") inputType = "password";
        control = h("input", {
          id: id,
          type: inputType,
          value: text,
          placeholder: ui["ui:placeholder"],
          readonly: ctx.readonly,
        });
      }
      if (ui["ui:autofocus"] && !ctx.readonly) control.setAttribute("autofocus", "");
      var w = wrapper(ctx, control, id);
      return {
        el: w.el,
        get: function () {
          if (control.value === "") return isNullable(schema) ? null : undefined;
          return control.value;
        },
        child: function () { return null; },
        addError: function (message) { addErrorTo(w.errors, w.el, message); },
      };
    }

    function jsonField(schema, ui, value, ctx) {
      var id = nextId();
      var area = h("textarea", { id: id, rows: 4, readonly: ctx.readonly, className: "json" });
      area.value = value === undefined ? "" : JSON.stringify(value, null, 2);
      var w = wrapper(ctx, area, id);
      return {
        el: w.el,
        get: function () {
          if (area.value.trim() === "") return undefined;
          try { return JSON.parse(area.value); } catch (e) { return area.value; }
        },
        child: function () { return null; },
        addError: function (text) { addErrorTo(w.errors, w.el, text); },
      };
    }

    return {
      hiddenField: hiddenField,
      multiChoice: multiChoice,
      commaList: commaList,
      selectField: selectField,
      usersWithRole: usersWithRole,
      userSelect: userSelect,
      unitSelect: unitSelect,
      unitList: unitList,
      checkboxField: checkboxField,
      numberField: numberField,
      textField: textField,
      jsonField: jsonField,
    };
  };

  ns.addErrorTo = addErrorTo;
})();
