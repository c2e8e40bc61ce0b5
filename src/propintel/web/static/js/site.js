/* Every page: small-screen behaviour that needs a script. Without JavaScript every page still
 * works: the menu shows as a list, collapsible panels stay open, wide tables still scroll.
 * Loaded in <head> (not deferred) so the "js" class is set before the first paint. */
(function () {
  "use strict";

  // The width below which app.css collapses the menu and stacks the search page.
  var narrow = window.matchMedia("(max-width: 900px)");

  document.documentElement.classList.add("js");

  /* The Menu button shows and hides the menu it controls (a disclosure: aria-expanded). */
  function menuToggle(button) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    function show(open) {
      button.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("open", open);
    }
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });
  }

  /* <details data-collapse-when-narrow open>: open on wide screens, closed on narrow ones, unless
   * it holds a field with an error (then the reader must see it). */
  function collapseWhenNarrow(details) {
    function fit() {
      details.open = !narrow.matches || details.querySelector(".field-error") !== null;
    }
    fit();
    narrow.addEventListener("change", fit);
  }

  /* A .table-scroll box that actually scrolls sideways gets a keyboard stop and a name, so it can
   * be scrolled without a mouse (WCAG 2.1.1); one that fits stays out of the tab order. */
  function scrollRegion(box) {
    if (box.hasAttribute("tabindex")) return;  // the page made it a region itself
    var around = box.closest("section, .card") || document.querySelector("main") || document;
    var heading = box.querySelector("caption") || around.querySelector("h1, h2, h3");
    var name = (heading ? heading.textContent.trim() + ": " : "") + "table, scrolls sideways";
    function fit() {
      if (box.scrollWidth > box.clientWidth) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", name);
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
    fit();
    window.addEventListener("resize", fit);
  }

  /* <form data-confirm="Question?">: asks before submitting (a revocation, a log-out of others).
   * The question comes translated from the page. */
  function confirmBeforeSubmit(form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  }

  /* <input data-select-on-focus>: focusing selects the whole value (a key shown once, to copy). */
  function selectOnFocus(input) {
    input.addEventListener("focus", function () { input.select(); });
  }

  /* <p data-auto-refresh="5"> (_auto_refresh.html): the page reloads after that many seconds
   * while background work runs; its note and "Stop refreshing" button show only here. Typing or
   * choosing in a form of the page (the imports page's upload) stops it too: a reload would
   * lose what was entered. */
  function autoRefresh(box) {
    var seconds = Number(box.getAttribute("data-auto-refresh")) || 5;
    var timer = window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
    var note = box.querySelector("[data-auto-refresh-note]");
    function stop() {
      window.clearTimeout(timer);
      if (note) note.hidden = true;
    }
    document.addEventListener("focusin", function (event) {
      if (event.target.matches("form input:not([type=hidden]), form select, form textarea")) stop();
    });
    if (!note) return;
    note.hidden = false;
    note.querySelector("button").addEventListener("click", stop);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".menu-toggle[aria-controls]").forEach(menuToggle);
    document.querySelectorAll("details[data-collapse-when-narrow]").forEach(collapseWhenNarrow);
    document.querySelectorAll(".table-scroll").forEach(scrollRegion);
    document.querySelectorAll("form[data-confirm]").forEach(confirmBeforeSubmit);
    document.querySelectorAll("input[data-select-on-focus]").forEach(selectOnFocus);
    document.querySelectorAll("[data-auto-refresh]").forEach(autoRefresh);
  });
})();
