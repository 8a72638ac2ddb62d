/* Frontier Watch, `mkdocs serve` only: show the data's problems above the last good page.
 *
 * The status file sits beside this script; each serve build rewrites it. Problems are shown as text (textContent),
 * never as markup: they echo what an editor typed. The banner goes away by itself once the status has no problems.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) return;
  var statusUrl = script.src.replace(/\.js(\?.*)?$/, ".json");
  var shown = "";

  function banner(problems) {
    var box = document.createElement("section");
    box.id = "fw-serve-problems";
    box.setAttribute("role", "alert");
    box.setAttribute("aria-label", "Problems in data/");
    box.style.cssText = [
      "position:fixed", "top:0", "left:0", "right:0", "z-index:10000", "max-height:50vh", "overflow:auto",
      "background:#7f1d1d", "color:#fff", "font:14px/1.45 system-ui,sans-serif", "padding:12px 16px",
      "box-shadow:0 2px 8px rgba(0,0,0,.4)"
    ].join(";");
    var title = document.createElement("strong");
    var n = problems.length;
    title.textContent = n + (n === 1 ? " problem" : " problems") + " in data/: this page shows the last good version.";
    box.appendChild(title);
    var hint = document.createElement("p");
    hint.style.margin = "4px 0 8px";
    hint.textContent = "Fix and save the file: this banner goes away by itself once the data is valid.";
    box.appendChild(hint);
    var list = document.createElement("ul");
    list.style.cssText = "margin:0;padding-left:20px;font-family:ui-monospace,monospace;font-size:13px";
    problems.forEach(function (p) {
      var item = document.createElement("li");
      item.textContent = String(p.text);
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function show(status) {
    var problems = (status && Array.isArray(status.problems)) ? status.problems : [];
    var key = JSON.stringify(problems);
    if (key === shown) return;
    shown = key;
    var old = document.getElementById("fw-serve-problems");
    if (old) old.remove();
    if (problems.length) document.body.insertBefore(banner(problems), document.body.firstChild);
  }

  function poll() {
    fetch(statusUrl, { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (status) { if (status) show(status); })
      .catch(function () { /* the server is rebuilding or stopped: keep what is shown */ });
  }

  poll();
  window.setInterval(poll, 1000);
})();
