// The structured rule editor without page reloads: a changed fact or operator swaps in the
// fact's own value widget, and the add / remove buttons re-arrange the rows in place. The
// server draws the rows (the same code as without JavaScript); nothing is saved here.
(function () {
  "use strict";
  function editorUrl() {
    var holder = document.getElementById("pm-editor-url");
    return holder ? holder.getAttribute("data-url") : null;
  }
  function refresh(action, focusName) {
    var url = editorUrl();
    var editor = document.getElementById("pm-rule-editor");
    if (!url || !editor) return;
    var form = editor.closest("form");
    var data = new FormData(form);
    data.delete("_rule_action");
    if (action) data.append("_rule_action", action);
    fetch(url, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body || !body.html) return;
        editor.outerHTML = body.html;
        if (focusName) {
          var again = document.querySelector('[name="' + focusName + '"]');
          if (again) again.focus();
        }
      });
  }
  var timer = null;
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.closest || !target.closest("#pm-rule-editor")) return;
    refresh(null, target.name);
  });
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!target.closest || !target.closest("#pm-rule-editor") || target.tagName !== "INPUT") return;
    clearTimeout(timer);
    // Only the sentences change while typing: swap the aside, keep the caret in its box.
    timer = setTimeout(function () {
      var url = editorUrl();
      var editor = document.getElementById("pm-rule-editor");
      if (!url || !editor) return;
      var data = new FormData(editor.closest("form"));
      data.delete("_rule_action");
      fetch(url, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (!body || !body.html) return;
          var holder = document.createElement("div");
          holder.innerHTML = body.html;
          var fresh = holder.querySelector(".pm-editor-sentences");
          var old = editor.querySelector(".pm-editor-sentences");
          if (fresh && old) old.replaceWith(fresh);
        });
    }, 400);
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest('button[name="_rule_action"]') : null;
    if (!button || !editorUrl()) return;
    event.preventDefault();
    refresh(button.value, null);
  });
})();
