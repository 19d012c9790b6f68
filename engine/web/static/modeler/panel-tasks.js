/* theodoi editor: the panel's task sections: who a user task goes to, its form, deadline, subject and
 * instructions; a service task's operator and parameters (from the registered operators); a script task's
 * script; the pre- and post-scripts of any task. Loaded after panel.js.
 */
(function () {
  "use strict";

  var ns = window.theodoiModeler;
  var h = window.theodoiForm.h;
  var f = ns.fields;

  function propertyField(ctx, label, key, opts) {
    return f.text(label, ctx.ext.property(ctx.bo, key), function (value) {
      ctx.commit(function () { ctx.ext.setProperty(ctx.element, ctx.bo, key, value.trim()); });
    }, opts);
  }

  ns.panelSections.push(function userTaskSection(ctx) {
    if (!ctx.is("bpmn:UserTask")) return null;
    var bo = ctx.bo;
    return h("div", {},
      f.section("Giao việc",
        f.roles("Nhóm xử lý (candidateGroups)", ctx.config.roles, ctx.ext.listProperty(bo, "candidateGroups"), function (codes) {
          ctx.commit(function () { ctx.ext.setProperty(ctx.element, bo, "candidateGroups", codes.join(",")); });
        }, "Người có một trong các vai trò đã chọn thấy công việc trong mục Việc cần làm."),
        propertyField(ctx, "Đơn vị xử lý (candidateUnit)", "candidateUnit", { code: true,
          placeholder: 'assignment["lead_unit"]',
          hint: "Biểu thức Python cho mã đơn vị; để trống thì mọi đơn vị có vai trò trên đều thấy." })),
      f.section("Biểu mẫu",
        ns.formFileField(ctx, bo, "Tệp biểu mẫu (JSON Schema)", "formJsonSchemaFilename", ".schema.json"),
        ns.formFileField(ctx, bo, "Tệp giao diện biểu mẫu (UI schema)", "formUiSchemaFilename", ".uischema.json")),
      f.section("Thời hạn và trích yếu",
        propertyField(ctx, "Hạn xử lý (dueDate)", "dueDate", { code: true, placeholder: "add_working_days(issued_on, 3)",
          hint: "Biểu thức Python cho ra một ngày (hạn kết thúc lúc 24:00) hoặc thời điểm; để trống nếu không có hạn." }),
        ns.helperList(ctx.config.helpers),
        propertyField(ctx, "Trích yếu (subject)", "subject", { code: true,
          placeholder: 'document["number"] + ": " + document["title"]',
          hint: "Biểu thức Python; hiện trong danh sách Việc cần làm." })),
      f.section("Hướng dẫn",
        f.text("Hướng dẫn cho người xử lý", ctx.ext.bodyText(bo, "spiffworkflow:instructionsForEndUser", "instructions"), function (text) {
          ctx.commit(function () {
            ctx.ext.setBodyText(ctx.element, bo, "spiffworkflow:instructionsForEndUser", "instructions", text);
          });
        }, { multiline: true, rows: 6, hint: "Markdown; {{ tên_biến }} chèn dữ liệu của quy trình." })));
  });

  // ---- service task: the operator and one row per parameter ---------------------------------------

  function operatorOf(ctx) {
    return ctx.ext.first(ctx.bo, "spiffworkflow:serviceTaskOperator");
  }

  function parametersOf(operator) {
    var list = operator && operator.parameterList;
    return list ? list.get("parameters") : [];
  }

  var TYPES = ["str", "int", "float", "bool", "any"];

  function setOperatorName(ctx, operator, name) {
    if (!name) {
      if (operator) ctx.ext.removeExtension(ctx.element, ctx.bo, operator);
    } else if (operator) {
      ctx.ext.update(ctx.element, operator, { id: name });
    } else {
      ctx.ext.addExtension(ctx.element, ctx.bo, ctx.ext.create("spiffworkflow:serviceTaskOperator", { id: name }, null));
    }
  }

  function setParameter(ctx, operator, name, changes) {
    var list = operator.parameterList;
    if (!list) {
      list = ctx.ext.create("spiffworkflow:parameters", { parameters: [] }, operator);
      ctx.ext.update(ctx.element, operator, { parameterList: list });
    }
    var found = list.get("parameters").filter(function (p) { return p.id === name; })[0];
    if (found && changes === null) {
      ctx.ext.update(ctx.element, list, { parameters: list.get("parameters").filter(function (p) { return p !== found; }) });
    } else if (found) {
      ctx.ext.update(ctx.element, found, changes);
    } else if (changes) {
      var made = ctx.ext.create("spiffworkflow:parameter", { id: name, type: changes.type || "any", value: changes.value || "" }, list);
      ctx.ext.update(ctx.element, list, { parameters: list.get("parameters").concat([made]) });
    }
  }

  function parameterRow(ctx, operator, declared, given) {
    var name = declared ? declared.name : given.id;
    var valueInput = h("input", { type: "text", className: "mp-code", value: given ? given.value || "" : "",
      "aria-label": "Giá trị của " + name, spellcheck: "false",
      placeholder: declared && !declared.required ? "mặc định: " + JSON.stringify(declared.default) : "" });
    var type = given ? given.type || "any" : "any";
    var typeSelect = h("select", { "aria-label": "Kiểu của " + name });
    TYPES.concat(TYPES.indexOf(type) < 0 ? [type] : []).forEach(function (t) {
      typeSelect.appendChild(h("option", { value: t, selected: t === type }, t));
    });
    valueInput.addEventListener("change", function () {
      ctx.commit(function () {
        if (!valueInput.value && (!declared || !declared.required)) setParameter(ctx, operator, name, null);
        else setParameter(ctx, operator, name, { value: valueInput.value, type: typeSelect.value });
      }, true);
    });
    typeSelect.addEventListener("change", function () {
      ctx.commit(function () { setParameter(ctx, operator, name, { type: typeSelect.value, value: valueInput.value }); });
    });
    var label = h("span", { className: "mp-param-name" }, h("code", { text: name }));
    if (declared && declared.required) label.appendChild(h("span", { className: "required", title: "bắt buộc", text: "*" }));
    var note = null;
    if (!declared) {
      var remove = h("button", { type: "button", className: "mp-small danger" }, "Xóa");
      remove.addEventListener("click", function () {
        ctx.commit(function () { setParameter(ctx, operator, name, null); }, true);
      });
      note = h("span", { className: "mp-flag" }, "Thao tác không nhận tham số này ", remove);
    } else if (declared.required && !(given && given.value)) {
      note = h("span", { className: "mp-flag" }, "Bắt buộc, chưa có giá trị");
    }
    return h("tr", { className: declared ? null : "mp-unknown" },
      h("td", {}, label, note), h("td", {}, valueInput), h("td", {}, typeSelect));
  }

  ns.panelSections.push(function serviceTaskSection(ctx) {
    if (!ctx.is("bpmn:ServiceTask")) return null;
    var operator = operatorOf(ctx);
    var name = operator ? operator.id || "" : "";
    var known = ctx.config.operators.filter(function (op) { return op.name === name; })[0] || null;
    // Offered by what they do, in Vietnamese; the hint below repeats the whole title (a narrow panel cuts
    // the choice short) and the name the diagram stores, which deploy messages also use.
    var choices = [{ value: "", label: "— Chọn thao tác —" }].concat(ctx.config.operators.map(function (op) {
      return { value: op.name, label: op.title || op.name };
    }).sort(function (a, b) { return a.label.localeCompare(b.label, "vi"); }));
    if (name && !known) choices.push({ value: name, label: name + " (chưa đăng ký)" });
    var box = f.section("Thao tác",
      f.select("Thao tác được gọi (serviceTaskOperator)", choices, name, function (value) {
        ctx.commit(function () { setOperatorName(ctx, operator, value); }, true);
      }, known ? [known.title, "mã " + name].filter(Boolean).join(" · ") : (name ? "Thao tác này không có trong hệ thống: triển khai sẽ bị từ chối." : null)));
    if (!operator) return box;
    box.appendChild(f.text("Biến nhận kết quả (resultVariable)", operator.resultVariable, function (value) {
      ctx.commit(function () { ctx.ext.update(ctx.element, operator, { resultVariable: value.trim() || undefined }); });
    }, { code: true }));
    var given = parametersOf(operator);
    var declared = known ? known.parameters : [];
    var rows = h("tbody", {});
    declared.forEach(function (p) {
      rows.appendChild(parameterRow(ctx, operator, p, given.filter(function (g) { return g.id === p.name; })[0] || null));
    });
    given.forEach(function (g) {
      var isDeclared = declared.some(function (p) { return p.name === g.id; });
      if (!isDeclared) rows.appendChild(parameterRow(ctx, operator, known && known.acceptsAny ? { name: g.id } : null, g));
    });
    box.appendChild(h("table", { className: "mp-params" },
      h("thead", {}, h("tr", {}, h("th", { text: "Tham số" }), h("th", { text: "Giá trị (biểu thức Python)" }), h("th", { text: "Kiểu" }))),
      rows));
    return box;
  });

  ns.panelSections.push(function scriptTaskSection(ctx) {
    if (!ctx.is("bpmn:ScriptTask")) return null;
    return f.section("Kịch bản",
      f.text("Kịch bản (Python)", ctx.bo.script, function (text) {
        ctx.commit(function () { ctx.ext.update(ctx.element, ctx.bo, { script: text, scriptFormat: ctx.bo.scriptFormat || "python" }); });
      }, { multiline: true, rows: 10, code: true, hint: "Không được import; dùng được các hàm ngày làm việc." }),
      ns.helperList(ctx.config.helpers));
  });

  ns.panelSections.push(function prePostSection(ctx) {
    if (!ctx.is("bpmn:UserTask") && !ctx.is("bpmn:ServiceTask")) return null;
    function script(label, type) {
      return f.text(label, ctx.ext.bodyText(ctx.bo, type, "script"), function (text) {
        ctx.commit(function () { ctx.ext.setBodyText(ctx.element, ctx.bo, type, "script", text); });
      }, { multiline: true, rows: 4, code: true });
    }
    var hasScript = ctx.ext.first(ctx.bo, "spiffworkflow:preScript") || ctx.ext.first(ctx.bo, "spiffworkflow:postScript");
    // Folded when empty: most tasks have none, and the panel stays short at 1366×768.
    return h("details", { className: "mp-section mp-fold", open: !!hasScript },
      h("summary", { text: "Kịch bản trước và sau" }),
      script("Chạy trước (preScript)", "spiffworkflow:preScript"),
      script("Chạy sau (postScript)", "spiffworkflow:postScript"));
  });
})();
