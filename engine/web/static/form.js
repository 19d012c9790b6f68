/* theodoi: a small form renderer for JSON Schema + UI schema (vanilla JS, no build step).
 *
 * Reads {schema, ui, data, units, readonly, submitUrl, submitLabel} from the <script type="application/json">
 * named by #form-root[data-config], renders the form, and posts the data as JSON with the session's
 * CSRF token. `units` is the unit directory ({code, name, unit_type}) for the unit pickers:
 * "ui:widget": "unit" on a string, and "ui:widget": "units" (or "items": {"ui:widget": "unit"}) on an
 * array of strings; names are shown, codes are submitted. The server validates; this file only shows its answers next to the fields (paths such as
 * "tasks/0/due_date").
 */
(function () {
  "use strict";

  var root = document.getElementById("form-root");
  if (!root) return;
  var config = JSON.parse(document.getElementById(root.getAttribute("data-config")).textContent);
  var rootSchema = config.schema || { type: "object", properties: {} };
  var readonlyForm = !!config.readonly;
  var units = Array.isArray(config.units) ? config.units : [];
  var counter = 0;

  // ---- small helpers ------------------------------------------------------------------------------

  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === undefined || value === null || value === false) return;
      if (key === "text") el.textContent = value;
      else if (key === "className") el.className = value;
      else if (value === true) el.setAttribute(key, "");
      else el.setAttribute(key, String(value));
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return el;
  }

  function nextId() {
    counter += 1;
    return "f" + counter;
  }

  function lowerFirst(text) {
    return text ? text.charAt(0).toLowerCase() + text.slice(1) : text;
  }

  // Follow local "$ref"s ("#/$defs/task"); the referring schema's own keys (title...) win.
  function resolve(schema) {
    var seen = 0;
    while (schema && schema.$ref && seen < 32) {
      var target = rootSchema;
      schema.$ref.replace(/^#\/?/, "").split("/").forEach(function (part) {
        if (part && target) target = target[part.replace(/~1/g, "/").replace(/~0/g, "~")];
      });
      var merged = {};
      Object.keys(target || {}).forEach(function (k) { merged[k] = target[k]; });
      Object.keys(schema).forEach(function (k) { if (k !== "$ref") merged[k] = schema[k]; });
      schema = merged;
      seen += 1;
    }
    return schema || {};
  }

  function typesOf(schema) {
    if (Array.isArray(schema.type)) return schema.type;
    if (schema.type) return [schema.type];
    if (schema.properties) return ["object"];
    if (schema.items) return ["array"];
    var alternatives = schema.oneOf || schema.anyOf;
    if (alternatives) {
      var found = [];
      alternatives.forEach(function (alt) {
        alt = resolve(alt);
        var t = alt.type || (alt.const === null ? "null" : alt.const !== undefined ? typeof alt.const : null);
        if (t && found.indexOf(t) < 0) found.push(t);
      });
      return found;
    }
    return [];
  }

  function mainType(schema) {
    var types = typesOf(schema).filter(function (t) { return t !== "null"; });
    return types.length ? types[0] : null;
  }

  function isNullable(schema) {
    return typesOf(schema).indexOf("null") >= 0;
  }

  // A closed list of values: enum, or oneOf/anyOf whose alternatives are each a const (or null).
  function choicesOf(schema) {
    if (Array.isArray(schema.enum)) {
      var names = schema.enumNames || [];
      return schema.enum.map(function (v, i) {
        return { value: v, title: names[i] || (v === null ? "(Không)" : String(v)) };
      });
    }
    var alternatives = schema.oneOf || schema.anyOf;
    if (!Array.isArray(alternatives) || !alternatives.length) return null;
    var choices = [];
    for (var i = 0; i < alternatives.length; i++) {
      var alt = resolve(alternatives[i]);
      if (alt.const !== undefined) choices.push({ value: alt.const, title: alt.title || String(alt.const) });
      else if (alt.type === "null") choices.push({ value: null, title: alt.title || "(Không)" });
      else return null;
    }
    return choices;
  }

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

  // "Sở Tài chính" matches "so tai chinh": accents and đ folded, case ignored.
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }

  function sameValue(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function orderedKeys(properties, ui) {
    var keys = Object.keys(properties || {});
    var order = (ui && ui["ui:order"]) || [];
    var result = [];
    order.forEach(function (key) {
      if (key === "*") return;
      if (keys.indexOf(key) >= 0 && result.indexOf(key) < 0) result.push(key);
    });
    var rest = keys.filter(function (k) { return result.indexOf(k) < 0; });
    var star = order.indexOf("*");
    if (star < 0) return result.concat(rest);
    var before = order.slice(0, star).filter(function (k) { return result.indexOf(k) >= 0; });
    return before.concat(rest, result.filter(function (k) { return before.indexOf(k) < 0; }));
  }

  // ---- fields: each has el, get() (undefined = leave the key out), child(segment), addError(text) ----

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

  function build(schema, ui, value, ctx) {
    schema = resolve(schema);
    ui = ui || {};
    var options = ui["ui:options"] || {};
    ctx = {
      key: ctx.key,
      label: ctx.label === undefined ? (schema.title || ctx.key || "") : ctx.label,
      required: ctx.required,
      help: ui["ui:help"] || schema.description || "",
      readonly: readonlyForm || ui["ui:readonly"] === true || ui["ui:disabled"] === true || schema.readOnly === true,
      top: ctx.top,
    };
    if (value === undefined && schema.default !== undefined) value = JSON.parse(JSON.stringify(schema.default));
    if (ui["ui:widget"] === "hidden") return hiddenField(value);
    var type = mainType(schema);
    var choices = choicesOf(schema);
    var unitWidget = units.length ? ui["ui:widget"] : null;  // no directory: plain inputs, as before
    if (type === "object" || (schema.properties && !type)) return objectField(schema, ui, value, ctx);
    if (type === "array") {
      var items = resolve(schema.items || {});
      if (unitWidget === "units" || (units.length && (ui.items || {})["ui:widget"] === "unit")) {
        return unitList(value, ctx);
      }
      if (mainType(items) === "object") return arrayOfObjects(schema, items, ui, value, ctx, options);
      if (choicesOf(items)) return multiChoice(schema, items, value, ctx);
      if (["string", "integer", "number"].indexOf(mainType(items)) >= 0) return commaList(schema, items, ui, value, ctx);
      return jsonField(schema, ui, value, ctx);
    }
    if (unitWidget === "unit") return unitSelect(schema, value, ctx);
    if (choices) return selectField(schema, choices, value, ctx);
    if (type === "boolean") return checkboxField(value, ctx);
    if (type === "integer" || type === "number") return numberField(schema, ui, value, ctx, type);
    if (type === "string") return textField(schema, ui, value, ctx, options);
    return jsonField(schema, ui, value, ctx);
  }

  function hiddenField(value) {
    return { el: null, get: function () { return value; }, child: function () { return null; }, addError: function () {} };
  }

  function objectField(schema, ui, value, ctx) {
    value = value && typeof value === "object" ? value : {};
    var required = schema.required || [];
    var children = {};
    var body = ctx.top ? h("div", { className: "object" }) : h("fieldset", { className: "object" });
    if (!ctx.top && ctx.label) body.appendChild(h("legend", { text: ctx.label }));
    if (!ctx.top && ctx.help) body.appendChild(h("p", { className: "help muted", text: ctx.help }));
    var errors = h("p", { className: "error flash flash-error", role: "alert", hidden: true });
    body.appendChild(errors);
    orderedKeys(schema.properties, ui).forEach(function (key) {
      var field = build(schema.properties[key], ui[key], value[key], {
        key: key,
        required: required.indexOf(key) >= 0,
      });
      children[key] = field;
      if (field.el) body.appendChild(field.el);
    });
    return {
      el: body,
      get: function () {
        var out = {};
        Object.keys(children).forEach(function (key) {
          var v = children[key].get();
          if (v !== undefined) out[key] = v;
        });
        return out;
      },
      child: function (segment) { return children[segment] || null; },
      addError: function (text) { addErrorTo(errors, body, text); },
    };
  }

  function arrayOfObjects(schema, items, ui, value, ctx, options) {
    var itemUi = ui.items || {};
    var itemTitle = items.title || "Mục";
    var addLabel = options.addLabel || "Thêm " + lowerFirst(itemTitle);
    var removeLabel = options.removeLabel || "Xóa";
    var rows = [];
    var container = h("fieldset", { className: "array" });
    if (ctx.label) {
      var legend = h("legend", { text: ctx.label });
      if (ctx.required) legend.appendChild(h("span", { className: "required", title: "bắt buộc", text: "*" }));
      container.appendChild(legend);
    }
    if (ctx.help) container.appendChild(h("p", { className: "help muted", text: ctx.help }));
    var errors = h("p", { className: "error", role: "alert", hidden: true });
    container.appendChild(errors);
    var list = h("div", { className: "array-items" });
    container.appendChild(list);

    function renumber() {
      rows.forEach(function (row, i) { row.legend.textContent = itemTitle + " " + (i + 1); });
    }

    function addRow(rowValue) {
      var field = build(items, itemUi, rowValue, { key: null, label: "", required: false, top: true });
      var legend = h("legend", {});
      var box = h("fieldset", { className: "array-item" }, legend, field.el);
      var row = { field: field, el: box, legend: legend };
      if (!ctx.readonly) {
        var remove = h("button", { type: "button", className: "danger" }, removeLabel);
        remove.addEventListener("click", function () {
          rows.splice(rows.indexOf(row), 1);
          list.removeChild(box);
          renumber();
        });
        box.appendChild(h("div", { className: "item-actions" }, remove));
      }
      rows.push(row);
      list.appendChild(box);
      renumber();
      return row;
    }

    var initial = Array.isArray(value) ? value : [];
    initial.forEach(function (v) { addRow(v); });
    var minimum = schema.minItems || 0;
    while (rows.length < minimum) addRow(undefined);
    if (!ctx.readonly) {
      var add = h("button", { type: "button" }, "+ " + addLabel);
      add.addEventListener("click", function () {
        var row = addRow(undefined);
        var first = row.el.querySelector("input, textarea, select");
        if (first) first.focus();
      });
      container.appendChild(h("div", { className: "array-actions" }, add));
    }
    return {
      el: container,
      get: function () {
        if (!rows.length && !ctx.required && !Array.isArray(value)) return undefined;
        return rows.map(function (row) { return row.field.get(); });
      },
      child: function (segment) {
        var row = rows[Number(segment)];
        return row ? row.field : null;
      },
      addError: function (text) { addErrorTo(errors, container, text); },
    };
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

  function textField(schema, ui, value, ctx, options) {
    var id = nextId();
    var widget = ui["ui:widget"];
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

  // ---- the server's answers --------------------------------------------------------------------

  // jsonschema speaks English; staff read Vietnamese. Unknown messages are shown as they come.
  function friendly(message) {
    var rules = [
      [/^bắt buộc|^None is not of type|is a required property/, "bắt buộc nhập"],
      [/^\[\] (is too short|should be non-empty)/, "cần ít nhất một mục"],
      [/is too short|should be non-empty/, "không được để trống"],
      [/is too long|is expected to be empty/, "quá dài"],
      [/is not a '(date|date-time)'/, "ngày không hợp lệ"],
      [/does not match/, "không đúng định dạng"],
      [/has non-unique elements/, "có mục bị trùng"],
      [/is less than (or equal to )?the minimum/, "nhỏ hơn giá trị tối thiểu"],
      [/is greater than (or equal to )?the maximum/, "lớn hơn giá trị tối đa"],
      [/^True was expected/, "phải được chọn"],
      [/is not one of|was expected|is not valid under any of the given schemas/, "giá trị không hợp lệ"],
      [/is not of type/, "giá trị không đúng kiểu"],
    ];
    for (var i = 0; i < rules.length; i++) if (rules[i][0].test(message)) return rules[i][1];
    return message;
  }

  function showFieldErrors(field, fields) {
    var unplaced = [];
    Object.keys(fields || {}).forEach(function (path) {
      var segments = path === "" ? [] : path.split("/");
      var target = field;
      var used = 0;
      while (used < segments.length) {
        var next = target.child(segments[used]);
        if (!next || !next.el) break;
        target = next;
        used += 1;
      }
      var text = friendly(String(fields[path]));
      if (used < segments.length) {
        var rest = segments.slice(used).map(function (s) { return /^\d+$/.test(s) ? "mục " + (Number(s) + 1) : s; });
        text = rest.join(" / ") + ": " + text;
      }
      if (target === field && used === 0) unplaced.push(text);
      else target.addError(text);
    });
    return unplaced;
  }

  function clearErrors() {
    Array.prototype.forEach.call(root.querySelectorAll(".error"), function (el) {
      el.textContent = "";
      el.hidden = true;
    });
    Array.prototype.forEach.call(root.querySelectorAll(".has-error"), function (el) {
      el.classList.remove("has-error");
    });
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // ---- assemble ---------------------------------------------------------------------------------

  var form = h("form", { novalidate: true, className: "jsonform-form" });
  var summary = h("div", { className: "flash flash-error", role: "alert", hidden: true });
  var top = build(rootSchema, config.ui || {}, config.data || {}, { key: null, label: "", required: true, top: true });
  if (rootSchema.description) form.appendChild(h("p", { className: "muted", text: rootSchema.description }));
  form.appendChild(summary);
  form.appendChild(top.el);

  function showSummary(lines) {
    summary.textContent = "";
    lines.forEach(function (line) { summary.appendChild(h("div", { text: line })); });
    summary.hidden = !lines.length;
  }

  if (!readonlyForm && config.submitUrl) {
    var button = h("button", { type: "submit", className: "primary" }, config.submitLabel || "Gửi");
    form.appendChild(h("div", { className: "form-actions" }, button));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors();
      showSummary([]);
      button.disabled = true;
      fetch(config.submitUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrfToken() },
        body: JSON.stringify(top.get() || {}),
      })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            return { status: response.status, body: body || {} };
          });
        })
        .then(function (answer) {
          var body = answer.body;
          if (answer.status >= 200 && answer.status < 300) {
            window.location.assign(body.redirect || window.location.href);
            return;
          }
          button.disabled = false;
          if (answer.status === 422) {
            var unplaced = showFieldErrors(top, (body.details || {}).fields || {});
            showSummary([body.message || "Dữ liệu không hợp lệ", "Vui lòng kiểm tra các trường được đánh dấu."].concat(unplaced));
            var first = root.querySelector(".has-error");
            if (first) {
              if (first.scrollIntoView) first.scrollIntoView({ block: "center" });
              var control = first.querySelector("input, textarea, select");
              if (control) control.focus();
            }
          } else if (answer.status === 409) {
            showSummary([body.error === "stale_instance"
              ? "Dữ liệu vừa được người khác thay đổi; vui lòng tải lại trang và thử lại."
              : "Công việc này đã được xử lý."]);
          } else if (answer.status === 401) {
            showSummary(["Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại (mở trang trong thẻ mới để không mất dữ liệu đã nhập)."]);
          } else if (answer.status === 403) {
            showSummary(["Bạn không có quyền thực hiện việc này."]);
          } else {
            showSummary([body.message || "Không gửi được biểu mẫu (lỗi " + answer.status + "). Vui lòng thử lại."]);
          }
          if (summary.scrollIntoView) summary.scrollIntoView({ block: "center" });
        })
        .catch(function () {
          button.disabled = false;
          showSummary(["Không kết nối được với máy chủ. Vui lòng thử lại."]);
        });
    });
  }

  root.appendChild(form);
  var autofocus = root.querySelector("[autofocus]");
  if (autofocus) autofocus.focus();
})();
