/* theodoi editor: the draft (diagram XML and form files) kept in this tab's sessionStorage, keyed by the
 * stored version it was opened on. The editor keeps it before a save is sent to be checked, so a refused
 * save loses nothing; the page a deploy lands on names the version in data-deployed-draft, and this
 * script, loaded there too, drops that draft: it is stored now.
 *
 * sessionStorage, not localStorage: a draft belongs to the tab that made it and goes when the tab closes.
 */
(function () {
  "use strict";

  var ns = (window.theodoiModeler = window.theodoiModeler || {});
  var PREFIX = "theodoi.draft.";

  function key(definitionId) {
    return PREFIX + definitionId;
  }

  // {xml, forms: {name: text}, savedAt: ISO text}, or null when there is none or it cannot be read.
  function load(definitionId) {
    var draft = null;
    try {
      draft = JSON.parse(window.sessionStorage.getItem(key(definitionId)) || "null");
    } catch (error) {
      return null;  // storage switched off, or text that is not a draft: open the stored version
    }
    var whole = draft && typeof draft.xml === "string" && draft.forms && typeof draft.forms === "object" &&
      Object.keys(draft.forms).every(function (name) { return typeof draft.forms[name] === "string"; });
    return whole ? draft : null;
  }

  // Throws when the browser refuses (storage full or switched off): the caller says so.
  function keep(definitionId, xml, forms) {
    var draft = { xml: xml, forms: forms, savedAt: new Date().toISOString() };
    window.sessionStorage.setItem(key(definitionId), JSON.stringify(draft));
  }

  function discard(definitionId) {
    try {
      window.sessionStorage.removeItem(key(definitionId));
    } catch (error) {
      // Storage switched off: there is no draft to drop.
    }
  }

  ns.drafts = { load: load, keep: keep, discard: discard };

  var deployed = document.querySelector("[data-deployed-draft]");
  if (deployed) discard(deployed.getAttribute("data-deployed-draft"));
})();
