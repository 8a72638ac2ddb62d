/* Frontier Watch: sortable tables, and network graphs centred on their actor. No third-party code.
 *
 * Material's instant navigation swaps page content without reloading, so inline scripts would run at the
 * wrong time. This file is loaded once (extra_javascript) and re-applies itself to each new page through
 * Material's `document$` observable. Every table in the article with at least two named columns becomes sortable
 * (a facts panel, with one, does not):
 * click (or press Enter on) a header to sort by that column; click again to reverse.
 */
(function () {
  "use strict";

  var DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

  function cellValue(cell) {
    var text = (cell.textContent || "").trim();
    if (DATE.test(text)) return { kind: 0, value: text };
    var num = text.replace(/,/g, "").match(/^-?\d+(\.\d+)?/);
    if (num) return { kind: 1, value: parseFloat(num[0]) };
    return { kind: 2, value: text.toLowerCase() };
  }

  function compare(a, b) {
    if (a.kind !== b.kind) return a.kind - b.kind;
    if (a.kind === 1) return a.value - b.value;
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  }

  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    if (!body) return;
    var descending = header.getAttribute("aria-sort") === "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row, i) {
      var cell = row.cells[index];
      return { row: row, key: cell ? cellValue(cell) : { kind: 3, value: "" }, i: i };
    });
    keyed.sort(function (x, y) {
      var c = compare(x.key, y.key);
      if (c === 0) c = x.i - y.i;
      return descending ? -c : c;
    });
    var frag = document.createDocumentFragment();
    keyed.forEach(function (k) { frag.appendChild(k.row); });
    body.appendChild(frag);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  function init(root) {
    var tables = (root || document).querySelectorAll("article table");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.dataset.fwSortable || !table.tHead || !table.tHead.rows.length) return;
      var headers = table.tHead.rows[0].cells;
      var named = Array.prototype.filter.call(headers, function (th) { return th.textContent.trim() !== ""; });
      if (named.length < 2 || !table.tBodies.length || table.tBodies[0].rows.length < 2) return;
      table.dataset.fwSortable = "true";
      Array.prototype.forEach.call(headers, function (th, index) {
        if (!th.textContent.trim()) return;
        th.tabIndex = 0;
        th.setAttribute("role", "columnheader");
        th.title = "Sort by this column";
        th.addEventListener("click", function () { sortBy(table, index, th); });
        th.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(table, index, th); }
        });
      });
    });
  }

  window.FrontierWatchTables = { init: init };
  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(function () { init(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();

/* Accessibility: Material's search overlay is a dialog without a name (axe: aria-dialog-name). The header
 * survives instant navigation, so naming it once is enough. */
(function () {
  "use strict";
  function name() {
    var dialog = document.querySelector(".md-search[role='dialog']");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", name);
  else name();
})();

/* Network graphs keep their size and scroll sideways on a narrow screen: an actor's own graph opens
 * scrolled to the actor in its middle, not to the left edge of the drawing. */
(function () {
  "use strict";
  function centre(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".fw-net-scroll"), function (box) {
      var focus = box.querySelector(".fw-net-focus");
      if (!focus || box.scrollWidth <= box.clientWidth) return;
      var b = box.getBoundingClientRect(), f = focus.getBoundingClientRect();
      box.scrollLeft += f.left + f.width / 2 - (b.left + b.width / 2);
    });
  }
  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(function () { centre(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { centre(document); });
  } else {
    centre(document);
  }
})();
