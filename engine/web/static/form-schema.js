/* theodoi form renderer, part 1 of 3: reading a JSON Schema and its UI schema (no DOM).
 *
 * Loaded before form-widgets.js and form.js; adds schemaReader and orderedKeys to window.theodoiForm.
 */
(function () {
  "use strict";

  var ns = (window.theodoiForm = window.theodoiForm || {});

  // Local "$ref"s point into the form's own schema, so every helper that follows them comes from a
  // reader made for that root schema.
  ns.schemaReader = function (rootSchema) {
    // Follow local "$ref"s ("#/$defs/task"); the referring schema's own keys (title...) win.
    function resolve(schema) {
      var seen = 0;
      while (schema && schema.$ref && seen < 32) {
        var target = rootSchema;
        schema.$ref.replace(/^#\/?/, "").split("/").forEach(function (part) {
          if (part && target) target = target[part.replace(/~1/g, "/").replace(/~0/g, "~")];
        });
        var merged = {};
        Object.keys(target || {}).forEach(function (k) { merged[k] = target[k]; });
        Object.keys(schema).forEach(function (k) { if (k !== "$ref") merged[k] = schema[k]; });
        schema = merged;
        seen += 1;
      }
      return schema || {};
    }

    function typesOf(schema) {
      if (Array.isArray(schema.type)) return schema.type;
      if (schema.type) return [schema.type];
      if (schema.properties) return ["object"];
      if (schema.items) return ["array"];
      var alternatives = schema.oneOf || schema.anyOf;
      if (alternatives) {
        var found = [];
        alternatives.forEach(function (alt) {
          alt = resolve(alt);
          var t = alt.type || (alt.const === null ? "null" : alt.const !== undefined ? typeof alt.const : null);
          if (t && found.indexOf(t) < 0) found.push(t);
        });
        return found;
      }
      return [];
    }

    function mainType(schema) {
      var types = typesOf(schema).filter(function (t) { return t !== "null"; });
      return types.length ? types[0] : null;
    }

    function isNullable(schema) {
      return typesOf(schema).indexOf("null") >= 0;
    }

    // A closed list of values: enum, or oneOf/anyOf whose alternatives are each a const (or null).
    function choicesOf(schema) {
      if (Array.isArray(schema.enum)) {
        var names = schema.enumNames || [];
        return schema.enum.map(function (v, i) {
          return { value: v, title: names[i] || (v === null ? "(Không)" : String(v)) };
        });
      }
      var alternatives = schema.oneOf || schema.anyOf;
      if (!Array.isArray(alternatives) || !alternatives.length) return null;
      var choices = [];
      for (var i = 0; i < alternatives.length; i++) {
        var alt = resolve(alternatives[i]);
        if (alt.const !== undefined) choices.push({ value: alt.const, title: alt.title || String(alt.const) });
        else if (alt.type === "null") choices.push({ value: null, title: alt.title || "(Không)" });
        else return null;
      }
      return choices;
    }

    return { resolve: resolve, typesOf: typesOf, mainType: mainType, isNullable: isNullable, choicesOf: choicesOf };
  };

  function orderedKeys(properties, ui) {
    var keys = Object.keys(properties || {});
    var order = (ui && ui["ui:order"]) || [];
    var result = [];
    order.forEach(function (key) {
      if (key === "*") return;
      if (keys.indexOf(key) >= 0 && result.indexOf(key) < 0) result.push(key);
    });
    var rest = keys.filter(function (k) { return result.indexOf(k) < 0; });
    var star = order.indexOf("*");
    if (star < 0) return result.concat(rest);
    var before = order.slice(0, star).filter(function (k) { return result.indexOf(k) >= 0; });
    return before.concat(rest, result.filter(function (k) { return before.indexOf(k) < 0; }));
  }

  ns.orderedKeys = orderedKeys;
})();
