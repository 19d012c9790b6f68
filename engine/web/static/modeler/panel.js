/* theodoi editor: the properties panel (ours, not bpmn-js-properties-panel): the frame, its field widgets,
 * and the sections for every element, the process, the start event, sequence flows and timers. The task
 * sections are in panel-tasks.js; each file appends its section builders to ns.panelSections, in the order
 * the panel shows them.
 *
 * A field commits on "change" (leaving the field, choosing an option), one modeling command per change,
 * so Ctrl+Z undoes it. The panel is rebuilt when the selection changes and when something else (undo,
 * a move on the canvas) changes the element shown, never under the analyst's cursor.
 */
(function () {
  "use strict";

  var ns = (window.theodoiModeler = window.theodoiModeler || {});
  var h = window.theodoiForm.h;
  ns.panelSections = ns.panelSections || [];

  var KINDS = {
    "bpmn:UserTask": "Công việc của người dùng",
    "bpmn:ServiceTask": "Tác vụ tự động (gọi thao tác)",
    "bpmn:ScriptTask": "Tác vụ kịch bản",
    "bpmn:ManualTask": "Công việc thủ công",
    "bpmn:Task": "Tác vụ",
    "bpmn:SubProcess": "Quy trình con",
    "bpmn:CallActivity": "Gọi quy trình khác",
    "bpmn:SequenceFlow": "Luồng tuần tự",
    "bpmn:ExclusiveGateway": "Cổng rẽ nhánh (chọn một)",
    "bpmn:InclusiveGateway": "Cổng rẽ nhánh (chọn nhiều)",
    "bpmn:ParallelGateway": "Cổng song song",
    "bpmn:EventBasedGateway": "Cổng theo sự kiện",
    "bpmn:StartEvent": "Sự kiện bắt đầu",
    "bpmn:EndEvent": "Sự kiện kết thúc",
    "bpmn:BoundaryEvent": "Sự kiện biên",
    "bpmn:IntermediateCatchEvent": "Sự kiện trung gian (chờ)",
    "bpmn:IntermediateThrowEvent": "Sự kiện trung gian (phát)",
    "bpmn:Participant": "Bể (đơn vị tham gia)",
    "bpmn:Lane": "Làn",
    "bpmn:Process": "Quy trình",
    "bpmn:Collaboration": "Quy trình",
    "bpmn:TextAnnotation": "Ghi chú",
    "bpmn:DataObjectReference": "Đối tượng dữ liệu",
    "bpmn:DataStoreReference": "Kho dữ liệu",
    "bpmn:Group": "Nhóm",
  };

  var counter = 0;
  function nextId() {
    counter += 1;
    return "mp-" + counter;
  }

  // ---- field widgets: each returns a DOM element and calls commit(value) on change -----------------

  function labelled(label, control, id, hint) {
    return h("div", { className: "mp-field" },
      h("label", { for: id }, label),
      control,
      hint ? (typeof hint === "string" ? h("p", { className: "mp-hint", text: hint }) : hint) : null);
  }

  function textField(label, value, commit, opts) {
    opts = opts || {};
    var id = nextId();
    var control = opts.multiline
      ? h("textarea", { id: id, rows: opts.rows || 3, spellcheck: opts.code ? "false" : null,
        className: opts.code ? "mp-code" : null, placeholder: opts.placeholder }, value || "")
      : h("input", { id: id, type: "text", value: value || "", list: opts.list, placeholder: opts.placeholder,
        className: opts.code ? "mp-code" : null, spellcheck: opts.code ? "false" : null });
    if (opts.readonly) control.readOnly = true;
    else control.addEventListener("change", function () { commit(control.value); });
    return labelled(label, control, id, opts.hint);
  }

  function selectField(label, choices, value, commit, hint) {
    var id = nextId();
    var control = h("select", { id: id });
    choices.forEach(function (choice) {
      control.appendChild(h("option", { value: choice.value, selected: choice.value === value }, choice.label));
    });
    control.addEventListener("change", function () { commit(control.value); });
    return labelled(label, control, id, hint);
  }

  function checkField(label, checked, commit, hint) {
    var id = nextId();
    var box = h("input", { id: id, type: "checkbox", checked: !!checked });
    box.addEventListener("change", function () { commit(box.checked); });
    return h("div", { className: "mp-field mp-check" }, box, h("label", { for: id }, label),
      hint ? h("p", { className: "mp-hint", text: hint }) : null);
  }

  // Roles as checkboxes named in Vietnamese; a code the directory does not know stays ticked and flagged.
  function rolesField(label, roles, selected, commit, hint) {
    var codes = Object.keys(roles);
    selected.forEach(function (code) { if (codes.indexOf(code) < 0) codes.push(code); });
    var boxes = [];
    var list = h("div", { className: "mp-choices", role: "group", "aria-label": label });
    codes.forEach(function (code) {
      var id = nextId();
      var box = h("input", { id: id, type: "checkbox", value: code, checked: selected.indexOf(code) >= 0 });
      boxes.push(box);
      box.addEventListener("change", function () {
        commit(boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }));
      });
      var text = roles[code] ? roles[code] : code + " (vai trò không có trong hệ thống)";
      list.appendChild(h("label", { for: id, className: roles[code] ? null : "mp-unknown" }, box, " " + text));
    });
    return h("fieldset", { className: "mp-field" }, h("legend", { text: label }), list,
      hint ? h("p", { className: "mp-hint", text: hint }) : null);
  }

  function section(title) {
    var box = h("section", { className: "mp-section" }, h("h3", { text: title }));
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) box.appendChild(arguments[i]);
    return box;
  }

  ns.fields = { text: textField, select: selectField, check: checkField, roles: rolesField, section: section };

  // ---- the frame -------------------------------------------------------------------------------------

  ns.panel = function (modeler, container, config, hooks) {
    var eventBus = modeler.get("eventBus");
    var canvas = modeler.get("canvas");
    var ext = ns.extensions(modeler);
    var current = null;
    var committing = false;

    // Run one edit from the panel; `rebuild` when the edit changes which fields the panel shows.
    function commit(fn, rebuild) {
      committing = true;
      try {
        fn();
      } finally {
        committing = false;
      }
      if (rebuild) show(current);
    }

    function show(element) {
      current = element || canvas.getRootElement();
      container.textContent = "";
      var bo = current.businessObject;
      if (!bo) return;  // the empty canvas while a diagram is being imported
      var ctx = { element: current, bo: bo, ext: ext, config: config, hooks: hooks, commit: commit,
        is: function (type) { return bo.$instanceOf(type); } };
      container.appendChild(h("h2", { text: KINDS[bo.$type] || bo.$type.replace(/^bpmn:/, "") }));
      ns.panelSections.forEach(function (build) {
        var el = build(ctx);
        if (el) container.appendChild(el);
      });
    }

    eventBus.on("selection.changed", function (event) {
      show(event.newSelection.length === 1 ? event.newSelection[0] : null);
    });
    eventBus.on("elements.changed", function (event) {
      if (committing || !current) return;
      if (event.elements.indexOf(current) >= 0) show(current);
    });
    eventBus.on("import.done", function () { show(null); });
    return { show: show, current: function () { return current; } };
  };

  // ---- sections for every element -----------------------------------------------------------------

  function documentation(ctx, element, bo) {
    var docs = bo.get("documentation") || [];
    return textField("Mô tả", docs.length ? docs[0].text : "", function (text) {
      ctx.commit(function () {
        if (docs.length && !text) ctx.ext.update(element, bo, { documentation: docs.slice(1) });
        else if (docs.length) ctx.ext.update(element, docs[0], { text: text });
        else if (text) ctx.ext.update(element, bo, { documentation: [ctx.ext.create("bpmn:Documentation", { text: text }, bo)] });
      });
    }, { multiline: true, rows: 3 });
  }

  // Name, id and documentation; the process's own are in the process section.
  ns.panelSections.push(function general(ctx) {
    if (ctx.is("bpmn:Process") || ctx.is("bpmn:Collaboration")) return null;
    var named = "name" in ctx.bo.$descriptor.propertiesByName;
    return section("Thông tin chung",
      named ? textField("Tên", ctx.bo.name, function (name) {
        ctx.commit(function () { ctx.ext.modeling.updateLabel(ctx.element, name); });
      }) : null,
      textField("Mã (id)", ctx.bo.id, null, { readonly: true, code: true }),
      documentation(ctx, ctx.element, ctx.bo));
  });

  // The process behind the root (a process, or a collaboration of one pool) or behind a selected pool.
  function processOf(bo) {
    if (bo.$instanceOf("bpmn:Process")) return bo;
    if (bo.$instanceOf("bpmn:Participant")) return bo.processRef || null;
    if (bo.$instanceOf("bpmn:Collaboration")) {
      var pools = (bo.participants || []).filter(function (p) { return p.processRef; });
      return pools.length ? pools[0].processRef : null;
    }
    return null;
  }

  ns.panelSections.push(function processSection(ctx) {
    var process = processOf(ctx.bo);
    if (!process) return null;
    var element = ctx.element;
    return section("Thuộc tính quy trình",
      textField("Tên quy trình", process.name, function (name) {
        ctx.commit(function () { ctx.ext.update(element, process, { name: name || undefined }); });
      }),
      textField("Mã quy trình", process.id, null, { readonly: true, code: true,
        hint: "Mã quy trình là tên tệp (" + ctx.config.filename + ") và là khóa của các phiên bản; không đổi ở đây." }),
      checkField("Cho phép chạy (isExecutable)", process.isExecutable, function (on) {
        ctx.commit(function () { ctx.ext.update(element, process, { isExecutable: on }); });
      }, "Quy trình không được đánh dấu sẽ bị từ chối khi triển khai."),
      checkField("Tự khởi động theo lịch (startAutomatically)", ctx.ext.property(process, "startAutomatically") === "true",
        function (on) {
          ctx.commit(function () { ctx.ext.setProperty(element, process, "startAutomatically", on ? "true" : ""); });
        }, "Hệ thống tự tạo một phiên chạy khi chưa có phiên nào đang chạy (quy trình báo cáo định kỳ)."),
      ctx.bo === process ? documentation(ctx, element, process) : null);
  });

  // A form file name: a datalist of the version's forms, and a way to create the one it names.
  ns.formFileField = function (ctx, bo, label, key, suffix) {
    var listId = nextId();
    var names = ctx.hooks.formNames().filter(function (n) { return n.slice(-suffix.length) === suffix; });
    var datalist = h("datalist", { id: listId });
    names.forEach(function (n) { datalist.appendChild(h("option", { value: n })); });
    var value = ctx.ext.property(bo, key);
    var hint = null;
    if (value && ctx.hooks.formNames().indexOf(value) < 0) {
      var create = h("button", { type: "button", className: "mp-small" }, "Tạo biểu mẫu này");
      create.addEventListener("click", function () { ctx.hooks.createForm(value); });
      hint = h("p", { className: "mp-hint mp-warn" }, "Phiên bản chưa có tệp " + value + ". ", create);
    } else {
      hint = "Tệp " + suffix + " trong thẻ Biểu mẫu.";
    }
    var field = textField(label, value, function (name) {
      ctx.commit(function () { ctx.ext.setProperty(ctx.element, bo, key, name.trim()); }, true);
    }, { list: listId, code: true, hint: hint });
    field.appendChild(datalist);
    return field;
  };

  ns.panelSections.push(function startSection(ctx) {
    var bo = ctx.bo;
    var noneStart = ctx.is("bpmn:StartEvent") && !(bo.eventDefinitions || []).length;
    if (!noneStart || !bo.$parent || !bo.$parent.$instanceOf("bpmn:Process")) return null;
    return section("Khởi tạo theo yêu cầu",
      rolesField("Vai trò được khởi tạo (candidateStarterGroups)", ctx.config.roles,
        ctx.ext.listProperty(bo, "candidateStarterGroups"), function (codes) {
          ctx.commit(function () { ctx.ext.setProperty(ctx.element, bo, "candidateStarterGroups", codes.join(",")); });
        }, "Không chọn vai trò nào: quy trình không xuất hiện ở trang Khởi tạo."),
      ns.formFileField(ctx, bo, "Biểu mẫu khởi tạo (JSON Schema)", "formJsonSchemaFilename", ".schema.json"),
      ns.formFileField(ctx, bo, "Giao diện biểu mẫu khởi tạo (UI schema)", "formUiSchemaFilename", ".uischema.json"));
  });

  ns.panelSections.push(function flowSection(ctx) {
    if (!ctx.is("bpmn:SequenceFlow")) return null;
    var bo = ctx.bo;
    var condition = bo.conditionExpression;
    var source = bo.sourceRef;
    var fromGateway = source && (source.$instanceOf("bpmn:ExclusiveGateway") || source.$instanceOf("bpmn:InclusiveGateway"));
    if (!condition && !fromGateway) return null;
    var isDefault = source && source.default === bo;
    return section("Điều kiện rẽ nhánh",
      textField("Biểu thức điều kiện (Python)", condition ? condition.body : "", function (text) {
        ctx.commit(function () {
          if (!text) ctx.ext.update(ctx.element, bo, { conditionExpression: undefined });
          else if (condition) ctx.ext.update(ctx.element, condition, { body: text });
          else ctx.ext.update(ctx.element, bo, { conditionExpression: ctx.ext.create("bpmn:FormalExpression", { body: text }, bo) });
        });
      }, { multiline: true, rows: 2, code: true,
        placeholder: 'decision == "accept"',
        hint: isDefault ? "Đây là luồng mặc định: đi khi không luồng nào khác thỏa điều kiện."
          : "Biểu thức Python trên dữ liệu của quy trình, ví dụ decision == \"accept\" hoặc not approved (không dùng ${...} hay true/false)." }));
  });

  var TIMER_KINDS = [
    { value: "timeDate", label: "Đến ngày, giờ (timeDate)", example: "add_working_days(issued_on, 3)" },
    { value: "timeDuration", label: "Sau một khoảng thời gian (timeDuration)", example: '"P3D"' },
    { value: "timeCycle", label: "Lặp lại (timeCycle)", example: '"R2/PT1H"' },
  ];
  var HELPERS = {
    add_working_days: ["add_working_days(ngày, n)", "ngày làm việc thứ n sau ngày đã cho"],
    effective_due_date: ["effective_due_date(hạn)", "hạn rơi vào ngày nghỉ được lùi sang ngày làm việc kế tiếp"],
    working_days_between: ["working_days_between(từ, đến)", "số ngày làm việc từ sau ngày đầu đến hết ngày cuối"],
    end_of_day: ["end_of_day(ngày)", "thời điểm hết ngày (24:00 giờ Việt Nam)"],
    now: ["now()", "thời điểm hiện tại"],
    today: ["today()", "ngày hôm nay (giờ Việt Nam)"],
  };

  function helperList(helpers) {
    var list = h("dl", { className: "mp-helpers" });
    helpers.forEach(function (name) {
      var known = HELPERS[name] || [name + "(...)", ""];
      list.appendChild(h("dt", {}, h("code", { text: known[0] })));
      list.appendChild(h("dd", { text: known[1] }));
    });
    return h("details", { className: "mp-field" }, h("summary", { text: "Hàm ngày làm việc dùng được trong biểu thức" }), list);
  }
  ns.helperList = helperList;

  ns.panelSections.push(function timerSection(ctx) {
    var timer = (ctx.bo.eventDefinitions || []).filter(function (d) { return d.$instanceOf("bpmn:TimerEventDefinition"); })[0];
    if (!timer) return null;
    var kind = TIMER_KINDS.filter(function (k) { return timer[k.value]; })[0] || TIMER_KINDS[0];
    var expression = timer[kind.value];
    var update = function (props) { ctx.ext.update(ctx.element, timer, props); };
    return section("Hẹn giờ",
      selectField("Loại hẹn giờ", TIMER_KINDS, kind.value, function (value) {
        ctx.commit(function () {
          var props = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
          props[value] = ctx.ext.create("bpmn:FormalExpression", { body: expression ? expression.body : "" }, timer);
          update(props);
        }, true);
      }),
      textField("Biểu thức", expression ? expression.body : "", function (text) {
        ctx.commit(function () {
          if (expression) ctx.ext.update(ctx.element, expression, { body: text });
          else {
            var props = {};
            props[kind.value] = ctx.ext.create("bpmn:FormalExpression", { body: text }, timer);
            update(props);
          }
        }, !expression);
      }, { multiline: true, rows: 2, code: true, placeholder: kind.example,
        hint: "Biểu thức Python. Ví dụ: " + kind.example + (kind.value === "timeDate"
          ? " (một ngày: hạn kết thúc lúc 24:00 ngày đó)." : " (chuỗi ISO 8601).") }),
      helperList(ctx.config.helpers));
  });
})();
