/* theodoi: the date input, shown and typed dd/mm/yyyy whatever the browser's language (a native
 * <input type="date"> shows mm/dd/yyyy in an English-language browser), submitted as ISO yyyy-mm-dd.
 *
 * Accepts 7/12/2026, 07/12/2026, 07-12-2026, 7.12.2026 and a pasted 2026-12-07: the spellings that
 * engine/web/pages/filters.py parse_day accepts, so a page works the same without this file. On leaving the
 * field the text is normalised to 07/12/2026, or the field says why it is refused. A small month grid opens
 * from the button beside the field.
 *
 * window.theodoiDate.attach(input, options) turns a text input into the widget (form-widgets.js uses it for
 * "format": "date" fields); on the server-rendered pages every <input data-date> is upgraded at load: the
 * visible input gives its name to a hidden input that carries the ISO date, so links and handlers keep ISO.
 * Loaded by base.html on every page, before the form scripts.
 */
(function () {
  "use strict";

  var MESSAGE = "Ngày không hợp lệ, nhập theo dạng ngày/tháng/năm";
  // \s and \d as Python's re.ASCII reads them (filters.py), so both sides accept the same text.
  var DAY_FIRST = /^(\d{1,2})[ \t\n\r\f\v]*([\/.\-])[ \t\n\r\f\v]*(\d{1,2})[ \t\n\r\f\v]*\2[ \t\n\r\f\v]*(\d{4})$/;
  var YEAR_FIRST = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
  var WEEKDAYS = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"];
  var WEEKDAY_NAMES = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"];

  function pad(number, width) {
    var text = String(number);
    while (text.length < width) text = "0" + text;
    return text;
  }

  function daysIn(year, month) {
    var leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  }

  function isoOf(year, month, day) {
    return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2);
  }

  // The ISO date of what was typed, "" for nothing, null for text that is not a real date.
  function parse(text) {
    text = String(text === undefined || text === null ? "" : text).trim();
    if (text === "") return "";
    var year, month, day;
    var match = DAY_FIRST.exec(text);
    if (match) {
      day = Number(match[1]);
      month = Number(match[3]);
      year = Number(match[4]);
    } else if ((match = YEAR_FIRST.exec(text))) {
      year = Number(match[1]);
      month = Number(match[2]);
      day = Number(match[3]);
    } else {
      return null;
    }
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
    return isoOf(year, month, day);
  }

  // dd/mm/yyyy of an ISO date; anything else is returned as it is.
  function format(iso) {
    var match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso || ""));
    return match ? match[3] + "/" + match[2] + "/" + match[1] : String(iso || "");
  }

  function todayIso() {
    var now = new Date();
    return isoOf(now.getFullYear(), now.getMonth() + 1, now.getDate());
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // options: value (ISO or typed text), min and max (ISO), readonly, report(message or null) to show or
  // clear the field's message. Returns {el, input, iso(), set(iso), check()}: iso() is "" when empty, null
  // when invalid or out of range; check() shows the message and says whether the value is acceptable.
  function attach(input, options) {
    options = options || {};
    var report = options.report || function () {};
    input.type = "text";
    input.setAttribute("inputmode", "numeric");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("placeholder", "dd/mm/yyyy");
    input.setAttribute("maxlength", "10");
    if (!input.getAttribute("title")) input.setAttribute("title", "Ngày/tháng/năm, ví dụ 07/12/2026");
    if (options.value !== undefined && options.value !== null) input.value = String(options.value);
    var first = parse(input.value);
    if (first) input.value = format(first);

    var box = el("span", "date-input");
    if (input.parentNode) input.parentNode.insertBefore(box, input);
    box.appendChild(input);

    function problem(iso) {
      if (iso === null) return MESSAGE;
      if (iso && options.min && iso < options.min) return "Ngày phải từ " + format(options.min) + " trở đi";
      if (iso && options.max && iso > options.max) return "Ngày không được sau " + format(options.max);
      return null;
    }

    function current() {
      var iso = parse(input.value);
      return problem(iso) ? null : iso;
    }

    function check() {
      var iso = parse(input.value);
      if (iso) input.value = format(iso);
      var message = problem(iso);
      input.setAttribute("aria-invalid", message ? "true" : "false");
      report(message);
      return !message;
    }

    input.addEventListener("blur", check);
    input.addEventListener("input", function () {
      if (input.getAttribute("aria-invalid") === "true" && !problem(parse(input.value))) check();
    });

    var controller = {
      el: box,
      input: input,
      iso: current,
      set: function (iso) {
        input.value = format(iso);
        check();
        input.dispatchEvent(new Event("change", { bubbles: true }));
      },
      check: check,
    };
    if (!options.readonly && !input.readOnly && !input.disabled) picker(controller, options);
    return controller;
  }

  // The button and the month grid beside the input.
  function picker(controller, options) {
    var input = controller.input;
    var button = el("button", "date-pick");
    button.type = "button";
    button.setAttribute("aria-label", "Chọn ngày trên lịch");
    button.setAttribute("title", "Chọn ngày trên lịch");
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");
    button.appendChild(el("span", "date-pick-icon"));
    controller.el.appendChild(button);
    var popup = el("div", "date-popup");
    popup.setAttribute("role", "dialog");
    popup.setAttribute("aria-label", "Chọn ngày");
    popup.hidden = true;
    controller.el.appendChild(popup);
    var shown = null; // {year, month} of the grid

    function close(focusInput) {
      popup.hidden = true;
      button.setAttribute("aria-expanded", "false");
      if (focusInput) input.focus();
    }

    function move(delta) {
      var index = shown.year * 12 + (shown.month - 1) + delta;
      shown = { year: Math.floor(index / 12), month: (index % 12) + 1 };
      draw();
    }

    function draw() {
      popup.textContent = "";
      var head = el("div", "date-popup-head");
      var previous = el("button", "", "‹");
      previous.type = "button";
      previous.setAttribute("aria-label", "Tháng trước");
      previous.addEventListener("click", function () { move(-1); });
      var next = el("button", "", "›");
      next.type = "button";
      next.setAttribute("aria-label", "Tháng sau");
      next.addEventListener("click", function () { move(1); });
      var title = el("span", "date-popup-title", "Tháng " + shown.month + "/" + shown.year);
      title.setAttribute("aria-live", "polite");
      head.appendChild(previous);
      head.appendChild(title);
      head.appendChild(next);
      popup.appendChild(head);

      var grid = el("table", "date-grid");
      var row = el("tr");
      WEEKDAYS.forEach(function (name, i) {
        var th = el("th", "", name);
        th.setAttribute("abbr", WEEKDAY_NAMES[i]);
        row.appendChild(th);
      });
      var thead = el("thead");
      thead.appendChild(row);
      grid.appendChild(thead);
      var body = el("tbody");
      var selected = controller.iso();
      var today = todayIso();
      var lead = (new Date(shown.year, shown.month - 1, 1).getDay() + 6) % 7; // Monday first
      var count = daysIn(shown.year, shown.month);
      row = el("tr");
      for (var blank = 0; blank < lead; blank++) row.appendChild(el("td"));
      for (var day = 1; day <= count; day++) {
        var iso = isoOf(shown.year, shown.month, day);
        var cell = el("td");
        var pick = el("button", "date-day", String(day));
        pick.type = "button";
        pick.setAttribute("aria-label", format(iso));
        if (iso === selected) pick.setAttribute("aria-pressed", "true");
        if (iso === today) pick.classList.add("today");
        if ((options.min && iso < options.min) || (options.max && iso > options.max)) pick.disabled = true;
        pick.addEventListener("click", choose(iso));
        cell.appendChild(pick);
        row.appendChild(cell);
        if ((lead + day) % 7 === 0) {
          body.appendChild(row);
          row = el("tr");
        }
      }
      if (row.children.length) body.appendChild(row);
      grid.appendChild(body);
      popup.appendChild(grid);
    }

    function choose(iso) {
      return function () {
        controller.set(iso);
        close(true);
      };
    }

    button.addEventListener("click", function () {
      if (!popup.hidden) return close(false);
      var start = controller.iso() || (options.max && todayIso() > options.max ? options.max : todayIso());
      shown = { year: Number(start.slice(0, 4)), month: Number(start.slice(5, 7)) };
      draw();
      popup.hidden = false;
      button.setAttribute("aria-expanded", "true");
      var focus = popup.querySelector("[aria-pressed=true]") || popup.querySelector(".today") || popup.querySelector(".date-day");
      if (focus) focus.focus();
    });
    popup.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        close(true);
      }
    });
    document.addEventListener("click", function (event) {
      if (!popup.hidden && !controller.el.contains(event.target)) close(false);
    });
  }

  // A server-rendered <input data-date name=...>: the hidden input takes the name and carries ISO; a
  // refused date stops the form's submission with the message beside the field.
  function upgrade(input) {
    if (input.getAttribute("data-date-ready")) return;
    input.setAttribute("data-date-ready", "1");
    var message = el("span", "error date-error");
    message.setAttribute("role", "alert");
    message.hidden = true;
    var controller = attach(input, {
      min: input.getAttribute("data-min") || undefined,
      max: input.getAttribute("data-max") || undefined,
      report: function (text) {
        message.textContent = text || "";
        message.hidden = !text;
      },
    });
    controller.el.parentNode.insertBefore(message, controller.el.nextSibling);
    var name = input.getAttribute("name");
    if (!name) return;
    var hidden = el("input");
    hidden.type = "hidden";
    hidden.name = name;
    input.removeAttribute("name");
    controller.el.parentNode.insertBefore(hidden, controller.el);
    // A refused value is sent as typed: the server refuses it too, with its own message, if it gets there.
    function sync() {
      var iso = controller.iso();
      hidden.value = iso === null ? input.value : iso;
    }
    sync();
    input.addEventListener("input", sync);
    input.addEventListener("change", sync);
    input.addEventListener("blur", sync);
    if (input.form) {
      input.form.addEventListener("submit", function (event) {
        sync();
        if (!controller.check()) {
          event.preventDefault();
          input.focus();
        }
      });
    }
  }

  function upgradeAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("input[data-date]"), upgrade);
  }

  window.theodoiDate = { MESSAGE: MESSAGE, parse: parse, format: format, attach: attach, upgradeAll: upgradeAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { upgradeAll(); });
  } else {
    upgradeAll();
  }
})();
