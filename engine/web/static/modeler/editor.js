/* theodoi editor: the page's wiring. Opens the stored version in bpmn-js with the spiffworkflow: descriptor,
 * attaches the properties panel and the forms tab, and saves by submitting the diagram and every form
 * file, as files, to the upload page, which validates, runs the scenario tests and asks before deploying.
 * Before it submits, it keeps a draft in the tab (drafts.js) and opens that draft the next time, so a
 * refused save loses nothing.
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
  var drafts = ns.drafts;
  var draft = drafts.load(config.definitionId);

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
  }, refs, draft && draft.forms);

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

  // ---- open: the draft kept by a save, else the stored version --------------------------------------

  // dd/mm/yyyy HH:MM in the configured zone, as the server's pages write times.
  function localTime(iso) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: config.timeZone, day: "2-digit", month: "2-digit", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(new Date(iso)).forEach(function (part) { parts[part.type] = part.value; });
    return parts.day + "/" + parts.month + "/" + parts.year + " " + parts.hour + ":" + parts.minute;
  }

  if (draft) {
    document.getElementById("modeler-draft-text").textContent = "Đang mở bản nháp chưa triển khai, lưu lúc " +
      localTime(draft.savedAt) + ". Bản nháp chỉ có trong thẻ trình duyệt này.";
    document.getElementById("modeler-draft").hidden = false;
    document.getElementById("modeler-draft-discard").addEventListener("click", function () {
      if (!window.confirm("Bỏ bản nháp? Mọi thay đổi chưa triển khai trong bản nháp sẽ mất.")) return;
      drafts.discard(config.definitionId);
      window.location.reload();
    });
  }

  modeler.importXML(draft ? draft.xml : config.xml).then(function (result) {
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

  // Back from the report, the browser may show this page as it was left, mid-save (back/forward cache):
  // the edits are all there, and saving again must work.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    saveButton.disabled = false;
    say("info", []);
  });

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
      var texts = {};
      collected.files.forEach(function (file) { texts[file.name] = file.text; });
      try {
        drafts.keep(config.definitionId, result.xml, texts);
      } catch (error) {
        var go = window.confirm("Trình duyệt không giữ được bản nháp (bộ nhớ đầy hoặc bị tắt): nếu bản lưu " +
          "bị từ chối, các thay đổi sẽ mất. Vẫn gửi kiểm tra?");
        if (!go) {
          saveButton.disabled = false;
          say("info", ["Chưa gửi sơ đồ để kiểm tra."]);
          return;
        }
      }
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
