/* theodoi editor: the version's form files (JSON Schema and UI schema) beside the diagram, each edited as
 * JSON with a live preview drawn by the product's own renderer (form.js), as staff will see the form.
 *
 * form.js draws once, into #form-root, when it runs; the preview runs it again for every change by adding a
 * fresh <script src=form.js> (allowed by a script-src 'self' policy), so the preview is the real renderer,
 * never a copy of it.
 */
(function () {
  "use strict";

  var ns = (window.theodoiModeler = window.theodoiModeler || {});
  var h = window.theodoiForm.h;

  var SCHEMA = ".schema.json";
  var UI = ".uischema.json";
  var PREVIEW_DELAY_MS = 250;  // typing pauses this long before the preview is redrawn

  // Vietnamese for the browser's JSON.parse messages, with the line and column counted here.
  var JSON_PROBLEMS = [
    [/Unexpected end of JSON input|Unterminated/, "nội dung bị cắt cụt: thiếu dấu đóng }, ] hoặc dấu nháy"],
    [/property name/, "cần tên thuộc tính đặt trong dấu nháy kép"],
    [/Expected ',' or '}'/, "thiếu dấu phẩy hoặc dấu }"],
    [/Expected ',' or ']'/, "thiếu dấu phẩy hoặc dấu ]"],
    [/Bad control character/, "chuỗi chứa ký tự xuống dòng hoặc ký tự điều khiển (dùng \\n)"],
    [/Unexpected non-whitespace character after JSON/, "còn nội dung thừa sau khi đối tượng đã đóng"],
    [/Unexpected token|not valid JSON/, "ký tự không hợp lệ"],
  ];

  function parseProblem(text, error) {
    var message = String(error && error.message);
    var rule = JSON_PROBLEMS.filter(function (r) { return r[0].test(message); })[0];
    var what = rule ? rule[1] : "cú pháp không hợp lệ";
    var position = /position (\d+)/.exec(message);
    if (!position) return "Lỗi cú pháp JSON: " + what + ".";
    var before = text.slice(0, Number(position[1])).split("\n");
    return "Lỗi cú pháp JSON ở dòng " + before.length + ", cột " + (before[before.length - 1].length + 1) + ": " + what + ".";
  }

  // {value} or {problem}: what a form file's text says, checked as far as the editor can.
  function read(name, text) {
    if (!text.trim()) return { problem: "Tệp " + name + " đang để trống." };
    var value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { problem: parseProblem(text, error) };
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      return { problem: "Tệp " + name + " phải là một đối tượng JSON ({ ... })." };
    }
    return { value: value };
  }

  function template(name, title) {
    if (name.slice(-UI.length) === UI) return { "ui:order": [] };
    return { title: title || "", type: "object", required: [], properties: {} };
  }

  // `refs()` lists the diagram's form references: [{schema, ui, title}] (user tasks and the start form).
  // `draftTexts` ({name: text}, from a kept draft) replaces the stored version's forms, as typed.
  ns.forms = function (config, parts, refs, draftTexts) {
    var texts = draftTexts || {};
    if (!draftTexts) {
      Object.keys(config.forms).forEach(function (name) {
        texts[name] = JSON.stringify(config.forms[name], null, 2) + "\n";
      });
    }
    var files = Object.keys(texts).sort().map(function (name) {
      return { name: name, text: texts[name] };
    });
    var selected = null;
    var timer = null;

    function find(name) {
      return files.filter(function (f) { return f.name === name; })[0] || null;
    }

    function names() {
      return files.map(function (f) { return f.name; });
    }

    function usedBy(name) {
      return refs().filter(function (r) { return r.schema === name || r.ui === name; })
        .map(function (r) { return r.title; });
    }

    function partner(name) {
      var pair = refs().filter(function (r) { return r.schema === name || r.ui === name; })[0];
      if (pair) return pair.schema === name ? pair.ui : pair.schema;
      if (name.slice(-SCHEMA.length) === SCHEMA) return name.slice(0, -SCHEMA.length) + UI;
      if (name.slice(-UI.length) === UI) return name.slice(0, -UI.length) + SCHEMA;
      return null;
    }

    function drawList() {
      parts.list.textContent = "";
      files.forEach(function (file) {
        var broken = read(file.name, file.text).problem;
        var users = usedBy(file.name);
        var button = h("button", { type: "button", className: "mp-file" + (file === selected ? " active" : ""),
          "aria-current": file === selected ? "true" : null },
          h("span", { className: "mp-file-name", text: file.name }),
          broken ? h("span", { className: "badge badge-danger", text: "lỗi JSON" }) : null,
          h("span", { className: "mp-file-use muted", text: users.length ? users.join(", ") : "chưa được sơ đồ dùng" }));
        button.addEventListener("click", function () { select(file.name); });
        parts.list.appendChild(h("li", {}, button));
      });
      var missing = [];
      refs().forEach(function (r) {
        [r.schema, r.ui].forEach(function (n) { if (n && !find(n) && missing.indexOf(n) < 0) missing.push(n); });
      });
      parts.missing.textContent = "";
      missing.forEach(function (n) { parts.missing.appendChild(h("option", { value: n })); });
    }

    function select(name) {
      selected = find(name);
      parts.text.value = selected ? selected.text : "";
      parts.text.disabled = !selected;
      parts.title.textContent = selected ? selected.name : "Chưa chọn tệp biểu mẫu";
      drawList();
      preview();
    }

    function showProblem(text) {
      parts.problem.textContent = text || "";
      parts.problem.hidden = !text;
    }

    function preview() {
      timer = null;
      var old = document.getElementById("form-root");
      if (old) old.parentNode.removeChild(old);
      if (!selected) return showProblem("");
      var own = read(selected.name, selected.text);
      if (own.problem) return showProblem(own.problem);
      var isUi = selected.name.slice(-UI.length) === UI;
      var other = partner(selected.name);
      var otherFile = other ? find(other) : null;
      var otherValue = otherFile ? read(otherFile.name, otherFile.text) : { value: null };
      if (otherValue.problem) return showProblem("Tệp đi kèm " + other + " có lỗi: " + otherValue.problem);
      if (isUi && !otherFile) return showProblem("Chưa có tệp " + (other || SCHEMA) + " đi kèm để xem trước giao diện này.");
      showProblem("");
      parts.config.textContent = JSON.stringify({
        schema: isUi ? otherValue.value : own.value,
        ui: isUi ? own.value : otherValue.value || {},
        data: {},
        units: config.units,
      });
      var root = h("div", { id: "form-root", className: "jsonform", "data-config": parts.config.id });
      parts.preview.appendChild(root);
      var focused = document.activeElement;
      var script = h("script", { src: config.formScript });
      script.addEventListener("load", function () {
        script.parentNode.removeChild(script);
        // "ui:autofocus" in the previewed form must not take the cursor out of the JSON being typed.
        if (focused && document.activeElement !== focused) focused.focus();
        if (!root.querySelector("form")) showProblem("Không hiển thị được biểu mẫu với nội dung này.");
      });
      document.body.appendChild(script);
    }

    parts.text.addEventListener("input", function () {
      if (!selected) return;
      selected.text = parts.text.value;
      if (timer) clearTimeout(timer);
      timer = setTimeout(function () { drawList(); preview(); }, PREVIEW_DELAY_MS);
    });

    function create(name, title) {
      name = (name || "").trim();
      if (!/^[A-Za-z0-9_.-]+\.json$/.test(name)) {
        return "Tên tệp chỉ gồm chữ không dấu, số, _ . - và kết thúc bằng .json (ví dụ duyet" + SCHEMA + ").";
      }
      if (!find(name)) {
        files.push({ name: name, text: JSON.stringify(template(name, title), null, 2) + "\n" });
        files.sort(function (a, b) { return a.name < b.name ? -1 : 1; });
      }
      select(name);
      return null;
    }

    // The files to upload with the diagram, or the problems that stop the save.
    function collect() {
      var problems = [];
      files.forEach(function (file) {
        var checked = read(file.name, file.text);
        if (checked.problem) problems.push(file.name + ": " + checked.problem);
      });
      return { files: files.slice(), problems: problems };
    }

    select(files.length ? files[0].name : null);
    return { names: names, create: create, select: select, collect: collect, refresh: drawList };
  };
})();
