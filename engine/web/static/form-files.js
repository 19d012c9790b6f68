/* theodoi: Tệp đính kèm in forms and pages (vanilla JS, no build step).
 *
 * 1. The "files" widget of the form renderer ("ui:widget": "files" on an array of {file_id, name, size,
 *    content_type, sha256}): choose or drop files, each is checked here (size, kind) and then uploaded at
 *    once to config.files.url with the page's CSRF token, with its progress; a file can be removed before the
 *    form is sent. The form sends only the file_id of each uploaded file: the server checks that each is the
 *    sender's upload for this user task (or new document, or this start form) and keeps its own name, size
 *    and SHA-256.
 *    Read-only, it lists the files as links. Load after form-widgets.js and before form.js.
 * 2. Previews in any page: a <details class="file-preview" data-src data-kind data-name> (templates/_files.html
 *    and this widget) gets its frame (PDF) or image when first opened, so that a page of many files loads
 *    none of them until asked.
 */
(function () {
  "use strict";

  var ns = (window.theodoiForm = window.theodoiForm || {});
  var PREVIEW = { "application/pdf": "pdf", "image/png": "image", "image/jpeg": "image" };
  var counter = 0;

  var h = ns.h; // dom.js

  // 1536 -> "1,5 KB", as engine/files/kinds.py format_size writes it.
  function formatSize(size) {
    if (typeof size !== "number" || !isFinite(size)) return "";
    var value = size;
    var unit = "B";
    var units = ["KB", "MB", "GB"];
    for (var i = 0; i < units.length && Math.round(value * 10) / 10 >= 1024; i++) {
      value = value / 1024;
      unit = units[i];
    }
    if (unit === "B") return String(size).replace(/\B(?=(\d{3})+(?!\d))/g, ".") + " B";
    var parts = value.toFixed(1).split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return (parts[1] === "0" ? whole : whole + "," + parts[1]) + " " + unit;
  }

  function extensionOf(name) {
    var dot = name.lastIndexOf(".");
    return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // ---- previews ------------------------------------------------------------------------------------

  function fillPreview(details) {
    if (details.getAttribute("data-filled")) return;
    details.setAttribute("data-filled", "1");
    var src = details.getAttribute("data-src");
    var name = details.getAttribute("data-name") || "";
    var shown = details.getAttribute("data-kind") === "image"
      ? h("img", { src: src, alt: name, className: "file-preview-image" })
      : h("iframe", { src: src, title: "Xem tệp " + name, className: "file-preview-frame" });
    details.appendChild(shown);
  }

  // Open: the frame or image (made once) over the page, and "Xem" reads "Đóng"; one preview at a time.
  function toggled(details) {
    var summary = details.querySelector("summary");
    if (details.open) {
      fillPreview(details);
      Array.prototype.forEach.call(document.querySelectorAll("details.file-preview[open]"), function (other) {
        if (other !== details) other.open = false;
      });
    }
    if (summary) summary.textContent = details.open ? "Đóng" : "Xem";
  }

  function wire(details) {
    if (details.getAttribute("data-wired")) return;
    details.setAttribute("data-wired", "1");
    details.addEventListener("toggle", function () { toggled(details); });
    if (details.open) toggled(details);
  }

  function previewBox(url, kind, name) {
    var details = h("details", { className: "file-preview", "data-src": url, "data-kind": kind, "data-name": name },
      h("summary", { text: "Xem" }));
    wire(details);
    return details;
  }

  function wirePreviews(root) {
    Array.prototype.forEach.call(root.querySelectorAll("details.file-preview[data-src]"), wire);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    Array.prototype.forEach.call(document.querySelectorAll("details.file-preview[open]"), function (details) {
      details.open = false;
    });
  });

  // ---- the widget ----------------------------------------------------------------------------------

  function contentUrl(base, fileId, preview) {
    return base + "/" + encodeURIComponent(fileId) + (preview ? "?xem=1" : "");
  }

  // One line of the list: a file uploaded before (or now), or one being uploaded, or one refused.
  function describe(line, meta, base) {
    line.textContent = "";
    if (meta.file_id) {
      line.appendChild(h("a", { href: contentUrl(base, meta.file_id, false), className: "file-name" }, meta.name || "Tệp"));
    } else {
      line.appendChild(h("span", { className: "file-name" }, meta.name || "Tệp"));
    }
    var size = formatSize(meta.size);
    if (size) line.appendChild(h("span", { className: "muted" }, " (" + size + ")"));
    if (!meta.file_id) line.appendChild(h("span", { className: "muted" }, " — chỉ có thông tin tệp"));
    var kind = meta.file_id ? PREVIEW[meta.content_type] : null;
    if (kind) line.appendChild(previewBox(contentUrl(base, meta.file_id, true), kind, meta.name || ""));
  }

  function uploadMessage(status, body, name, target) {
    if (body && body.message && status !== 400) return body.message;
    if (status === 413) return "Tệp “" + name + "” vượt quá dung lượng cho phép (tối đa " + target.maxSize + " mỗi tệp).";
    if (status === 400) return "Phiên làm việc không hợp lệ hoặc đã hết hạn; vui lòng tải lại trang và thử lại.";
    if (status === 401) return "Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại.";
    if (status === 403) return "Bạn không có quyền đính kèm tệp cho công việc này.";
    if (status === 409) return "Công việc này đã được xử lý; không thể đính kèm thêm tệp.";
    return "Không tải lên được tệp “" + name + "” (lỗi " + status + "). Vui lòng thử lại.";
  }

  function filesWidget(schema, ui, value, ctx, config) {
    var target = config.files || null;
    var base = target && target.url ? target.url : "/tep-dinh-kem";
    var editable = !ctx.readonly && !!target;
    var maxItems = typeof schema.maxItems === "number" ? schema.maxItems : 20;
    var allowed = target && target.accept ? target.accept.split(",").map(function (e) { return e.replace(/^\./, ""); }) : [];
    var id = "files" + (++counter);
    var entries = [];  // {meta (once uploaded), line, pending, failed}
    var pending = 0;

    var list = h("ul", { className: "files", id: id });
    var label = ctx.label ? h("div", { className: "label" }, ctx.label) : null;
    var help = ctx.help ? h("span", { className: "help", text: ctx.help }) : null;
    var errors = h("span", { className: "error", role: "alert", hidden: true });
    var el = h("div", { className: "field files-field" }, label, list);

    function refreshEmpty() {
      var empty = list.querySelector(".files-empty");
      if (!entries.length && !empty) list.appendChild(h("li", { className: "files-empty muted", text: "Chưa có tệp đính kèm." }));
      if (entries.length && empty) list.removeChild(empty);
    }

    function removable(entry) {
      if (!editable) return;
      var remove = h("button", { type: "button", className: "link danger" }, entry.failed ? "Bỏ qua" : "Xóa");
      remove.setAttribute("aria-label", (entry.failed ? "Bỏ qua " : "Xóa tệp ") + entry.name);
      remove.addEventListener("click", function () {
        if (entry.xhr && entry.pending) entry.xhr.abort();
        entries.splice(entries.indexOf(entry), 1);
        list.removeChild(entry.line);
        refreshEmpty();
      });
      var preview = entry.line.querySelector("details.file-preview");
      entry.line.insertBefore(h("span", {}, " ", remove, " "), preview);
    }

    function addDone(meta) {
      var entry = { meta: meta, name: meta.name || "", line: h("li", { className: "file" }) };
      describe(entry.line, meta, base);
      entries.push(entry);
      list.appendChild(entry.line);
      removable(entry);
      refreshEmpty();
      return entry;
    }

    function fail(entry, message) {
      entry.failed = true;
      entry.line.textContent = "";
      entry.line.classList.add("has-error");
      entry.line.appendChild(h("span", { className: "error", role: "alert" }, message));
      removable(entry);
    }

    function holdSubmit(delta) {
      pending += delta;
      var form = el.closest("form");
      if (!form) return;
      Array.prototype.forEach.call(form.querySelectorAll('button[type="submit"]'), function (button) {
        button.disabled = pending > 0;
        button.title = pending > 0 ? "Đang tải tệp lên, vui lòng đợi" : "";
      });
    }

    function upload(file) {
      var entry = { name: file.name, line: h("li", { className: "file uploading" }) };
      entries.push(entry);
      list.appendChild(entry.line);
      refreshEmpty();
      var ext = extensionOf(file.name);
      if (allowed.length && allowed.indexOf(ext) < 0) {
        fail(entry, "Không nhận tệp “" + file.name + "”: loại tệp " + (ext ? "“." + ext + "”" : "không có phần mở rộng") +
          " không được phép đính kèm. Các loại được nhận: " + target.accept.split(",").join(", ") + ".");
        return;
      }
      if (target.maxBytes && file.size > target.maxBytes) {
        fail(entry, "Tệp “" + file.name + "” vượt quá dung lượng cho phép (tối đa " + target.maxSize + " mỗi tệp).");
        return;
      }
      var progress = h("progress", { max: "100", value: "0" });
      progress.setAttribute("aria-label", "Đang tải lên " + file.name);
      var status = h("span", { className: "muted" }, " Đang tải lên…");
      entry.line.appendChild(h("span", { className: "file-name" }, file.name));
      entry.line.appendChild(h("span", { className: "muted" }, " (" + formatSize(file.size) + ") "));
      entry.line.appendChild(progress);
      entry.line.appendChild(status);
      var data = new FormData();
      data.append("file", file, file.name);
      if (target.task_id) data.append("task_id", target.task_id);
      if (target.purpose) data.append("purpose", target.purpose);
      if (target.process_id) data.append("process_id", target.process_id);
      // XMLHttpRequest rather than fetch: only it reports the progress of what is sent.
      var xhr = new XMLHttpRequest();
      entry.xhr = xhr;
      entry.pending = true;
      holdSubmit(1);
      function finish() {
        if (!entry.pending) return;
        entry.pending = false;
        holdSubmit(-1);
      }
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
      });
      xhr.addEventListener("load", function () {
        finish();
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 201 && body && body.file_id) {
          entry.line.classList.remove("uploading");
          entry.meta = { file_id: body.file_id, name: body.name, size: body.size, content_type: body.content_type, sha256: body.sha256 };
          entry.name = body.name;
          describe(entry.line, entry.meta, base);
          removable(entry);
        } else {
          fail(entry, uploadMessage(xhr.status, body, file.name, target));
        }
      });
      xhr.addEventListener("error", function () {
        finish();
        fail(entry, "Không kết nối được với máy chủ khi tải lên “" + file.name + "”. Vui lòng thử lại.");
      });
      xhr.addEventListener("abort", finish);
      xhr.open("POST", target.url);
      xhr.setRequestHeader("X-CSRF-Token", csrfToken());
      xhr.setRequestHeader("Accept", "application/json");
      xhr.send(data);
    }

    function take(fileList) {
      errors.hidden = true;
      errors.textContent = "";
      for (var i = 0; i < fileList.length; i++) {
        if (entries.filter(function (e) { return !e.failed; }).length >= maxItems) {
          ns.addErrorTo(errors, el, "Chỉ đính kèm tối đa " + maxItems + " tệp.");
          return;
        }
        upload(fileList[i]);
      }
    }

    (Array.isArray(value) ? value : []).forEach(function (meta) {
      if (meta && typeof meta === "object") addDone(meta);
    });
    refreshEmpty();

    if (editable) {
      var input = h("input", { type: "file", id: id + "-input", multiple: true, className: "files-input",
        accept: target.accept || null });
      input.addEventListener("change", function () {
        take(input.files);
        input.value = "";
      });
      var zone = h("div", { className: "files-drop" },
        h("label", { for: id + "-input", className: "button" }, "Chọn tệp"),
        input,
        h("span", { className: "muted" }, " hoặc kéo thả tệp vào đây. Tối đa " + target.maxSize + " mỗi tệp; nhận " +
          (target.accept || "").split(",").join(", ") + "."));
      zone.addEventListener("dragover", function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
      zone.addEventListener("dragleave", function () { zone.classList.remove("dragging"); });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        zone.classList.remove("dragging");
        if (event.dataTransfer && event.dataTransfer.files) take(event.dataTransfer.files);
      });
      el.appendChild(zone);
    } else if (!ctx.readonly && !target) {
      el.appendChild(h("p", { className: "muted", text: "Tệp đính kèm được thêm ở bước xử lý tiếp theo." }));
    }
    if (help) el.appendChild(help);
    el.appendChild(errors);

    function uploaded() {
      return entries.filter(function (e) { return e.meta && !e.failed; });
    }

    return {
      el: el,
      get: function () {
        var out = uploaded().map(function (e) { return e.meta; });
        return out.length || ctx.required || Array.isArray(value) ? out : undefined;
      },
      // The server names a file by its place among those sent ("attachments/0/file_id").
      child: function (segment) {
        var entry = uploaded()[Number(segment)];
        if (!entry) return null;
        var box = h("span", { className: "error", role: "alert", hidden: true });
        entry.line.appendChild(box);
        return {
          el: entry.line,
          get: function () { return entry.meta; },
          child: function () { return null; },
          addError: function (text) { ns.addErrorTo(box, entry.line, text); },
        };
      },
      addError: function (text) { ns.addErrorTo(errors, el, text); },
    };
  }

  ns.customWidgets = ns.customWidgets || {};
  ns.customWidgets.files = filesWidget;
  ns.formatFileSize = formatSize;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { wirePreviews(document); });
  } else {
    wirePreviews(document);
  }
})();
