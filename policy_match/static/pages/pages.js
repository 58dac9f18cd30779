// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Print buttons are hidden until there is a script to make them work.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });

  // Open the sections marked for paper while printing, and close them again afterwards (the
  // results fold the rest on paper too: print.css).
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details[data-print-open]:not([open])").forEach(function (details) {
      details.open = true;
      opened.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) {
      details.open = false;
    });
    opened = [];
  });

  // On the profile form, links to other steps (and the language switch) save the answers of
  // this step first, as the form's own buttons do; without a script they are plain links.
  var form = document.getElementById("profile-form");
  if (form) {
    document.querySelectorAll("a[data-go]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var go = document.createElement("input");
        go.type = "hidden";
        go.name = "go";
        go.value = link.getAttribute("data-go");
        form.appendChild(go);
        form.submit();
      });
    });
  }
})();
