/* theodoi editor: reading and writing a diagram element's spiffworkflow: extensions through bpmn-js's
 * modeling API, so every change is one undoable command and the rest of the element is left as it was.
 *
 * ns.extensions(modeler) returns the accessors the panel uses. `element` is the shape or connection the
 * change belongs to (bpmn-js redraws and notifies it); `bo` is the moddle element whose extensions change
 * (the shape's own business object, or the process behind a participant).
 */
(function () {
  "use strict";

  var ns = (window.theodoiModeler = window.theodoiModeler || {});

  ns.extensions = function (modeler) {
    var modeling = modeler.get("modeling");
    var moddle = modeler.get("moddle");

    function update(element, target, properties) {
      modeling.updateModdleProperties(element, target, properties);
    }

    function values(bo) {
      return (bo.extensionElements && bo.extensionElements.get("values")) || [];
    }

    function first(bo, type) {
      return values(bo).filter(function (v) { return v.$type === type; })[0] || null;
    }

    function create(type, attrs, parent) {
      var made = moddle.create(type, attrs);
      made.$parent = parent;
      return made;
    }

    function addExtension(element, bo, child) {
      var ext = bo.extensionElements;
      if (!ext) {
        ext = create("bpmn:ExtensionElements", { values: [] }, bo);
        update(element, bo, { extensionElements: ext });
      }
      child.$parent = ext;
      update(element, ext, { values: ext.get("values").concat([child]) });
    }

    // An emptied container goes, and so does an emptied <extensionElements>: saving writes no husks.
    function removeExtension(element, bo, child) {
      var rest = values(bo).filter(function (v) { return v !== child; });
      if (rest.length) update(element, bo.extensionElements, { values: rest });
      else update(element, bo, { extensionElements: undefined });
    }

    function propertyElement(bo, name) {
      var box = first(bo, "spiffworkflow:properties");
      var found = box ? box.get("properties").filter(function (p) { return p.name === name; }) : [];
      return { box: box, property: found[0] || null };
    }

    // <spiffworkflow:properties><spiffworkflow:property name=... value=.../>: "" when absent.
    function property(bo, name) {
      var found = propertyElement(bo, name).property;
      return found && found.value != null ? found.value : "";
    }

    function setProperty(element, bo, name, value) {
      var found = propertyElement(bo, name);
      var box = found.box;
      if (!value) {
        if (!found.property) return;
        var rest = box.get("properties").filter(function (p) { return p !== found.property; });
        if (rest.length) update(element, box, { properties: rest });
        else removeExtension(element, bo, box);
        return;
      }
      if (found.property) {
        update(element, found.property, { value: value });
        return;
      }
      if (!box) {
        box = create("spiffworkflow:properties", { properties: [] }, null);
        box.get("properties").push(create("spiffworkflow:property", { name: name, value: value }, box));
        addExtension(element, bo, box);
        return;
      }
      var added = create("spiffworkflow:property", { name: name, value: value }, box);
      update(element, box, { properties: box.get("properties").concat([added]) });
    }

    // An extension whose text is its content (preScript, postScript, instructionsForEndUser).
    function bodyText(bo, type, attr) {
      var found = first(bo, type);
      return found ? found.get(attr) || "" : "";
    }

    function setBodyText(element, bo, type, attr, text) {
      var found = first(bo, type);
      if (!text) {
        if (found) removeExtension(element, bo, found);
      } else if (found) {
        var change = {};
        change[attr] = text;
        update(element, found, change);
      } else {
        var attrs = {};
        attrs[attr] = text;
        addExtension(element, bo, create(type, attrs, null));
      }
    }

    // A comma-separated list property (candidateGroups "unit_staff,unit_leader") as an array.
    function listProperty(bo, name) {
      return property(bo, name).split(",").map(function (s) { return s.trim(); }).filter(Boolean);
    }

    return {
      moddle: moddle,
      modeling: modeling,
      update: update,
      first: first,
      create: create,
      addExtension: addExtension,
      removeExtension: removeExtension,
      property: property,
      setProperty: setProperty,
      listProperty: listProperty,
      bodyText: bodyText,
      setBodyText: setBodyText,
    };
  };
})();
