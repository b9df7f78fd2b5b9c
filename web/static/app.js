// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";

  // Ask before destructive actions (forms marked with data-confirm).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // A citation marker [n] highlights its source passage and moves focus there.
  document.addEventListener("click", function (event) {
    var marker = event.target.closest && event.target.closest("a.marker");
    if (!marker) { return; }
    var source = document.getElementById("quelle-" + marker.getAttribute("data-marker"));
    if (!source) { return; }
    event.preventDefault();
    document.querySelectorAll(".source.active").forEach(function (el) { el.classList.remove("active"); });
    source.classList.add("active");
    history.replaceState(null, "", "#quelle-" + marker.getAttribute("data-marker"));
    source.focus();
    var mark = source.querySelector("mark");
    (mark || source).scrollIntoView({ block: "center" });
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    // After a split correction, put focus on the message so screen readers announce it.
    var target = event.detail.target;
    var focus = target && (target.querySelector("[data-focus]") || (target.matches && target.matches("[data-focus]") && target));
    if (focus) { focus.focus(); }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var text = status === 400
      ? "Die Sicherheitsprüfung ist fehlgeschlagen. Bitte die Seite neu laden."
      : "Die Aktion ist fehlgeschlagen (Status " + status + "). Bitte die Seite neu laden und erneut versuchen.";
    var box = document.createElement("p");
    box.className = "message message-error";
    box.setAttribute("role", "alert");
    box.textContent = text;
    var main = document.getElementById("inhalt");
    main.insertBefore(box, main.firstChild);
  });
})();
