/* theodoi: a small form renderer for JSON Schema + UI schema (vanilla JS, no build step).
 *
 * Reads {schema, ui, data, units, users, readonly, submitUrl, submitLabel} from the <script
 * type="application/json"> named by #form-root[data-config], renders the form, and posts the data as JSON
 * with the session's CSRF token. `units` is the unit directory ({code, name, unit_type}) for the unit
 * pickers: "ui:widget": "unit" on a string, and "ui:widget": "units" (or "items": {"ui:widget": "unit"}) on
 * an array of strings; names are shown, codes are submitted. A unit list with "ui:options": {"exclude":
 * "lead_unit"} disables the unit chosen in that sibling field of the same object. `users` is the user
 * directory ({username, full_name, roles}) for "ui:widget": "user" with "ui:options": {"role": ...} on a
 * string: a select of the users having that role, submitting the username. `rooms` is the names of VP's
 * active tracking rooms for "ui:widget": "room" on a string: a select of them. `choices` holds named lists
 * ({list: [{code, label}]}) for "ui:widget": "choice" with "ui:options": {"list": name} (sectors, leaders);
 * "none": true offers the "ui:placeholder" as the empty choice. Without a directory (or with
 * no one in it) these fields stay plain inputs. The server validates; this file only shows its answers next
 * to the fields (paths such as "tasks/0/due_date"). What was typed is kept until it is sent, and a lost
 * session is recovered on the page before sending again (session-recovery.js, loaded by base.html).
 *
 * Part 3 of 3: the schema walker, objects and arrays, the server's errors and the submit. Load
 * form-schema.js and form-widgets.js first; all three share the one global window.theodoiForm.
 */
(function () {
  "use strict";

  var root = document.getElementById("form-root");
  if (!root) return;
  var config = JSON.parse(document.getElementById(root.getAttribute("data-config")).textContent);
  var rootSchema = config.schema || { type: "object", properties: {} };
  var readonlyForm = !!config.readonly;
  var units = Array.isArray(config.units) ? config.units : [];
  var users = Array.isArray(config.users) ? config.users : [];
  var rooms = Array.isArray(config.rooms) ? config.rooms : [];
  var lists = config.choices && typeof config.choices === "object" ? config.choices : {};
  var ns = window.theodoiForm;
  var reader = ns.schemaReader(rootSchema);
  var resolve = reader.resolve;
  var mainType = reader.mainType;
  var choicesOf = reader.choicesOf;
  var orderedKeys = ns.orderedKeys;
  var h = ns.h;
  var addErrorTo = ns.addErrorTo;
  var widgets = ns.widgets(reader, units, users);

  function lowerFirst(text) {
    return text ? text.charAt(0).toLowerCase() + text.slice(1) : text;
  }

  // ---- the schema walker: objects and arrays here, leaf fields from form-widgets.js ---------------

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
    if (ui["ui:widget"] === "hidden") return widgets.hiddenField(value);
    // Widgets of their own files register here by name (form-files.js: "files"); they get the page's config.
    var custom = (ns.customWidgets || {})[ui["ui:widget"]];
    if (custom) return custom(schema, ui, value, ctx, config);
    var type = mainType(schema);
    var choices = choicesOf(schema);
    var unitWidget = units.length ? ui["ui:widget"] : null;  // no directory: plain inputs, as before
    if (type === "object" || (schema.properties && !type)) return objectField(schema, ui, value, ctx);
    if (type === "array") {
      var items = resolve(schema.items || {});
      if (unitWidget === "units" || (units.length && (ui.items || {})["ui:widget"] === "unit")) {
        return widgets.unitList(value, ctx);
      }
      if (mainType(items) === "object") return arrayOfObjects(schema, items, ui, value, ctx, options);
      if (choicesOf(items)) return widgets.multiChoice(schema, items, value, ctx);
      if (["string", "integer", "number"].indexOf(mainType(items)) >= 0) return widgets.commaList(schema, items, ui, value, ctx);
      return widgets.jsonField(schema, ui, value, ctx);
    }
    if (unitWidget === "unit") return widgets.unitSelect(schema, value, ctx);
    if (ui["ui:widget"] === "user" && type === "string") {
      var people = widgets.usersWithRole(options.role);
      if (people.length) return widgets.userSelect(schema, ui, people, value, ctx);
    }
    if (ui["ui:widget"] === "room" && type === "string" && rooms.length) {
      return widgets.selectField(schema, roomChoices(value), value, ctx);
    }
    var listed = ui["ui:widget"] === "choice" && Array.isArray(lists[options.list]) ? lists[options.list] : [];
    if (type === "string" && ui["ui:widget"] === "choice") {
      // An empty list (the administrators have not set it up yet): nothing to choose, nothing asked.
      if (!listed.length) return widgets.hiddenField(value);
      return widgets.selectField(schema, listChoices(listed, ui, value), value, ctx);
    }
    if (choices) return widgets.selectField(schema, choices, value, ctx);
    if (type === "boolean") return widgets.checkboxField(value, ctx);
    if (type === "integer" || type === "number") return widgets.numberField(schema, ui, value, ctx, type);
    if (type === "string") return widgets.textField(schema, ui, value, ctx, options);
    return widgets.jsonField(schema, ui, value, ctx);
  }

  // The active rooms; a room retired since stays choosable so that opening a form never drops its value.
  function roomChoices(value) {
    var choices = rooms.map(function (name) { return { value: name, title: name }; });
    if (typeof value === "string" && value && rooms.indexOf(value) < 0) {
      choices.push({ value: value, title: value + " (đã ngừng theo dõi nhiệm vụ mới)" });
    }
    return choices;
  }

  // A list of the page's directory ({code, label}); a retired entry stays choosable, as rooms do. A nullable
  // field offers its placeholder as the "none" choice.
  function listChoices(listed, ui, value) {
    var choices = listed.map(function (item) { return { value: item.code, title: item.label }; });
    if (typeof value === "string" && value && !listed.some(function (item) { return item.code === value; })) {
      choices.push({ value: value, title: value + " (đã ngừng sử dụng)" });
    }
    if (ui["ui:placeholder"] && ui["ui:options"] && ui["ui:options"].none) {
      choices.unshift({ value: null, title: ui["ui:placeholder"] });
    }
    return choices;
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
    linkExclusions(schema, ui, children);
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

  // "ui:options": {"exclude": "lead_unit"} on a unit list: the unit chosen in that sibling select cannot be
  // ticked as well (a task's lead unit is not also one of its coordinating units), live as the select changes.
  function linkExclusions(schema, ui, children) {
    Object.keys(children).forEach(function (key) {
      var name = ((ui[key] || {})["ui:options"] || {}).exclude;
      var source = name ? children[name] : null;
      var target = children[key];
      if (!source || !source.watch || !target.exclude) return;
      var hint = "(" + lowerFirst(resolve(schema.properties[name]).title || name) + ")";
      var update = function () { target.exclude(source.get(), hint); };
      source.watch(update);
      update();
    });
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

  // What was typed survives a reload and a lost session (session-recovery.js).
  var session = window.theodoiSession;
  var drafts = session ? session.draft(window.location.pathname) : { read: function () { return null; }, save: function () {}, drop: function () {} };

  // ---- assemble ---------------------------------------------------------------------------------

  var editable = !readonlyForm && !!config.submitUrl;
  var draft = editable ? drafts.read() : null;
  var form = h("form", { novalidate: true, className: "jsonform-form" });
  var summary = h("div", { className: "flash flash-error", role: "alert", hidden: true });
  var initial = draft && typeof draft === "object" ? draft : config.data || {};
  var top = build(rootSchema, config.ui || {}, initial, { key: null, label: "", required: true, top: true });
  if (rootSchema.description) form.appendChild(h("p", { className: "muted", text: rootSchema.description }));
  var discard = null;
  if (draft) {
    discard = h("button", { type: "button", className: "link" }, "Bỏ nội dung này, nhập lại từ đầu");
    discard.addEventListener("click", function () {
      drafts.drop();
      window.location.reload();
    });
    form.appendChild(h("div", { className: "flash flash-info restored", role: "status" },
      "Đã khôi phục nội dung bạn nhập trước đó. ", discard));
  }
  form.appendChild(summary);
  form.appendChild(top.el);
  if (editable) {
    var keep = function () { drafts.save(top.get() || {}); };
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("click", function (event) {  // adding or removing a row changes the data too
      if (event.target && event.target.type === "button" && event.target !== discard) window.setTimeout(keep, 0);
    });
  }

  function showSummary(lines) {
    summary.textContent = "";
    lines.forEach(function (line) { summary.appendChild(h("div", { text: line })); });
    summary.hidden = !lines.length;
  }

  if (!readonlyForm && config.submitUrl) {
    var button = h("button", { type: "submit", className: "primary" }, config.submitLabel || "Gửi");
    form.appendChild(h("div", { className: "form-actions" }, button));
    var send = function (data) {
      return fetch(config.submitUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrfToken() },
        body: JSON.stringify(data),
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          return { status: response.status, body: body || {} };
        });
      });
    };
    // The session ended or its token went stale: sign in again in a dialog (session-recovery.js), then send
    // the same data once more, unless someone else signed in.
    var sendRecovering = function (data) {
      return send(data).then(function (answer) {
        if (!session || !session.isLost(answer.status, answer.body)) return answer;
        return session.recover().then(function (result) {
          if (result.ok) return send(data);
          return { status: 0, body: {}, recovery: result };
        });
      });
    };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors();
      showSummary([]);
      button.disabled = true;
      var data = top.get() || {};
      drafts.save(data);
      sendRecovering(data)
        .then(function (answer) {
          var body = answer.body;
          if (answer.status >= 200 && answer.status < 300) {
            drafts.drop();
            window.location.assign(body.redirect || window.location.href);
            return;
          }
          button.disabled = false;
          if (answer.recovery && answer.recovery.other) {
            showSummary([
              "Bạn vừa đăng nhập bằng tài khoản " + answer.recovery.fullName + ", không phải tài khoản đã mở biểu mẫu này, " +
              "nên nội dung chưa được gửi. Tải lại trang để làm việc với tài khoản " + answer.recovery.fullName + ".",
            ]);
          } else if (answer.recovery) {
            showSummary(["Phiên đăng nhập đã hết hạn; nội dung chưa được gửi nhưng vẫn được giữ trên trang. " +
              "Bấm \u201c" + button.textContent + "\u201d để đăng nhập lại và gửi."]);
          } else if (answer.status === 422) {
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
            showSummary(["Phiên đăng nhập đã hết hạn; nội dung bạn nhập vẫn được giữ trên trang. Bấm \u201c" +
              button.textContent + "\u201d để đăng nhập lại và gửi."]);
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
