/* theodoi editor: the page's wiring. Opens the stored version in bpmn-js with the spiffworkflow: descriptor,
 * attaches the properties panel and the forms tab, and saves by submitting the diagram and every form
 * file, as files, to the upload page, which validates, runs the scenario tests and asks before deploying.
 *
 * Reads its configuration from the JSON block named by #modeler[data-config]; no inline script.
 */
(function () {
  "use strict";

  var ns = window.theodoiModeler;
  var h = window.theodoiForm.h;
  var root = document.getElementById("modeler");
  if (!root || !window.BpmnJS) return;
  var config = JSON.parse(document.getElementById(root.getAttribute("data-config")).textContent);
  var notice = document.getElementById("modeler-notice");
  var saveButton = document.getElementById("modeler-save");

  function say(kind, lines) {
    notice.textContent = "";
    notice.className = "flash flash-" + kind;
    lines.forEach(function (line) { notice.appendChild(h("div", { text: line })); });
    notice.hidden = !lines.length;
  }

  var modeler = new window.BpmnJS({
    container: "#modeler-canvas",
    moddleExtensions: { spiffworkflow: ns.spiffworkflowDescriptor },
  });
  var ext = ns.extensions(modeler);

  // Every form file the diagram names: user tasks and the start form.
  function refs() {
    var found = [];
    modeler.get("elementRegistry").forEach(function (element) {
      if (element.labelTarget) return;
      var bo = element.businessObject;
      var schema = ext.property(bo, "formJsonSchemaFilename");
      var ui = ext.property(bo, "formUiSchemaFilename");
      if (schema || ui) found.push({ schema: schema, ui: ui, title: bo.name || bo.id });
    });
    return found;
  }

  // ---- tabs ----------------------------------------------------------------------------------------

  var tabs = Array.prototype.slice.call(root.querySelectorAll("[role=tab]"));
  function openTab(tab) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    });
    if (tab.id === "tab-forms") forms.refresh();
    else modeler.get("canvas").resized();
  }
  tabs.forEach(function (tab) { tab.addEventListener("click", function () { openTab(tab); }); });
  var formsTab = document.getElementById("tab-forms");

  var forms = ns.forms(config, {
    list: document.getElementById("form-files"),
    missing: document.getElementById("form-missing"),
    title: document.getElementById("form-title"),
    text: document.getElementById("form-text"),
    problem: document.getElementById("form-problem"),
    preview: document.getElementById("form-preview"),
    config: document.getElementById("form-preview-config"),
  }, refs);

  var panel = ns.panel(modeler, document.getElementById("modeler-panel"), config, {
    formNames: forms.names,
    createForm: function (name) {
      var element = panel.current();
      forms.create(name, element && element.businessObject.name);
      openTab(formsTab);
    },
  });

  var newForm = document.getElementById("form-new");
  newForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var problem = forms.create(newForm.elements.name.value);
    document.getElementById("form-new-problem").textContent = problem || "";
    if (!problem) newForm.elements.name.value = "";
  });

  // ---- open ----------------------------------------------------------------------------------------

  modeler.importXML(config.xml).then(function (result) {
    modeler.get("canvas").zoom("fit-viewport");
    if (result.warnings.length) {
      // What bpmn-js could not read is left out when it writes the file: say so before anyone saves.
      say("error", ["Trình soạn thảo không đọc được " + result.warnings.length +
        " chỗ trong sơ đồ; các chỗ này sẽ mất nếu lưu:"].concat(result.warnings.map(function (w) { return w.message; })));
    }
  }).catch(function (error) {
    saveButton.disabled = true;
    say("error", ["Không mở được sơ đồ trong trình soạn thảo: " + error.message]);
  });

  // ---- save: the upload page validates, tests and asks before deploying ---------------------------

  function fill(input, files) {
    var transfer = new DataTransfer();
    files.forEach(function (file) { transfer.items.add(file); });
    input.files = transfer.files;
  }

  saveButton.addEventListener("click", function () {
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();  // commit the field being typed in
    var collected = forms.collect();
    if (collected.problems.length) {
      say("error", ["Chưa lưu được: sửa lỗi trong các tệp biểu mẫu trước."].concat(collected.problems));
      openTab(formsTab);
      return;
    }
    saveButton.disabled = true;
    say("info", ["Đang gửi sơ đồ và biểu mẫu để kiểm tra…"]);
    modeler.saveXML({ format: true }).then(function (result) {
      var form = document.getElementById("modeler-submit");
      fill(form.elements.file, [new File([result.xml], config.filename, { type: "application/xml" })]);
      fill(form.elements.forms, collected.files.map(function (file) {
        return new File([file.text], file.name, { type: "application/json" });
      }));
      form.submit();
    }).catch(function (error) {
      saveButton.disabled = false;
      say("error", ["Không xuất được sơ đồ: " + error.message]);
    });
  });
})();
