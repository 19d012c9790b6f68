/* Zoom and pan for the diagrams the server draws inline (engine/definitions/svg.py): the wheel zooms at the
   pointer, dragging moves the diagram, the +, − and "Vừa khung" buttons zoom at the centre or fit it again.
   It only changes the SVG's viewBox. No library and nothing inline, so a strict Content-Security-Policy holds. */
(function () {
  "use strict";

  var MIN = 0.25; // zoom levels relative to the fitted view
  var MAX = 8;
  var STEP = 1.25;

  function setup(box) {
    var svg = box.querySelector(".zoom-view svg");
    if (!svg || !svg.viewBox || !svg.viewBox.baseVal) return;
    var start = svg.viewBox.baseVal;
    var home = { x: start.x, y: start.y, w: start.width, h: start.height };
    var view = { x: home.x, y: home.y, w: home.w, h: home.h };
    svg.removeAttribute("height"); // the width stays the natural size; CSS shrinks it to fit the page

    function apply() {
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
      box.setAttribute("data-zoom-level", (home.w / view.w).toFixed(2));
    }

    function centre() {
      return { x: view.x + view.w / 2, y: view.y + view.h / 2 };
    }

    function at(event) {
      var matrix = svg.getScreenCTM();
      if (!matrix) return centre();
      var point = svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      return point.matrixTransform(matrix.inverse());
    }

    function zoom(factor, point) {
      var level = home.w / view.w;
      var wanted = Math.min(MAX, Math.max(MIN, level * factor));
      factor = wanted / level;
      view.x = point.x - (point.x - view.x) / factor;
      view.y = point.y - (point.y - view.y) / factor;
      view.w /= factor;
      view.h /= factor;
      apply();
    }

    box.addEventListener("click", function (event) {
      var button = event.target.closest("[data-zoom]");
      if (!button) return;
      var action = button.getAttribute("data-zoom");
      if (action === "in") zoom(STEP, centre());
      else if (action === "out") zoom(1 / STEP, centre());
      else {
        view = { x: home.x, y: home.y, w: home.w, h: home.h };
        apply();
      }
    });

    svg.addEventListener(
      "wheel",
      function (event) {
        event.preventDefault();
        zoom(event.deltaY < 0 ? STEP : 1 / STEP, at(event));
      },
      { passive: false }
    );

    var drag = null;
    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      var matrix = svg.getScreenCTM();
      drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, scale: matrix ? matrix.a : 1 };
      svg.setPointerCapture(event.pointerId);
      box.classList.add("dragging");
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag) return;
      view.x = drag.vx - (event.clientX - drag.x) / drag.scale;
      view.y = drag.vy - (event.clientY - drag.y) / drag.scale;
      apply();
    });
    function stop() {
      drag = null;
      box.classList.remove("dragging");
    }
    svg.addEventListener("pointerup", stop);
    svg.addEventListener("pointercancel", stop);
    apply();
  }

  document.querySelectorAll("[data-diagram-zoom]").forEach(setup);
})();
