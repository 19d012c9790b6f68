/* theodoi editor: the moddle descriptor of the spiffworkflow: extensions the engine reads, so that bpmn-js
 * imports them as typed elements and writes them back as they were. The element and attribute names are
 * SpiffWorkflow 3.2's (its parser reads <spiffworkflow:parameter id=...> and resultVariable), laid out like
 * SpiffArena's bpmn-js-spiffworkflow descriptor. Type names are lower case because moddle writes a type's
 * name as its tag.
 */
(function () {
  "use strict";

  var ns = (window.theodoiModeler = window.theodoiModeler || {});

  function body(typeName, propertyName) {
    return {
      name: typeName,
      superClass: ["Element"],
      properties: [{ name: propertyName, isBody: true, type: "String" }],
    };
  }

  function attributes(typeName, names) {
    return {
      name: typeName,
      superClass: ["Element"],
      properties: names.map(function (name) { return { name: name, isAttr: true, type: "String" }; }),
    };
  }

  ns.spiffworkflowDescriptor = {
    name: "SpiffWorkflow",
    uri: "http://spiffworkflow.org/bpmn/schema/1.0/core",
    prefix: "spiffworkflow",
    associations: [],
    types: [
      body("preScript", "script"),
      body("postScript", "script"),
      body("instructionsForEndUser", "instructions"),
      body("messagePayload", "payload"),
      body("messageVariable", "variable"),
      body("calledDecisionId", "decisionId"),
      {
        name: "properties",
        superClass: ["Element"],
        properties: [{ name: "properties", type: "property", isMany: true }],
      },
      attributes("property", ["name", "value"]),
      {
        name: "serviceTaskOperator",
        superClass: ["Element"],
        properties: [
          { name: "id", isAttr: true, type: "String" },
          { name: "resultVariable", isAttr: true, type: "String" },
          { name: "parameterList", type: "parameters" },
        ],
      },
      {
        name: "parameters",
        superClass: ["Element"],
        properties: [{ name: "parameters", type: "parameter", isMany: true }],
      },
      attributes("parameter", ["id", "type", "value"]),
    ],
  };
})();
