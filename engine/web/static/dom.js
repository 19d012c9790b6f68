/* theodoi: the one DOM helper of the page scripts (vanilla JS, no build step), loaded before them.
 * h("p", {className: "x", text: "…", disabled: true}, child, …) builds an element: attributes false, null or
 * undefined are left out, true sets an empty attribute, children are nodes or strings.
 */
(function () {
  "use strict";

  var ns = (window.theodoiForm = window.theodoiForm || {});

  ns.h = function h(tag, attrs) {
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
  };
})();
