/* Frontier Watch: sortable tables, network graphs centred on their actor, icon references that survive
 * instant navigation. No third-party code.
 *
 * Material's instant navigation swaps page content without reloading, so inline scripts would run at the
 * wrong time. This file is loaded once (extra_javascript) and re-applies itself to each new page through
 * Material's `document$` observable. Every table in the article with at least two named columns becomes sortable
 * (a facts panel, with one, does not):
 * click (or press Enter on) a header to sort by that column; click again to reverse.
 */
/* Run `fn(document)` on every page: through Material's `document$` (each instant navigation), else once the
 * document is ready. Every block below that works on a page's content starts this way. */
function frontierwatchOnEachPage(fn) {
  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(function () { fn(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { fn(document); });
  } else {
    fn(document);
  }
}

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
  frontierwatchOnEachPage(init);
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
  frontierwatchOnEachPage(centre);
})();

/* Maps: each map is a sandboxed frame, another origin that cannot read this page (frontierwatch.site.mapframe).
 * The page tells its maps Material's colour scheme by postMessage, when a map loads, when it asks (a map that
 * loaded before this script ran) and whenever the reader switches. A record page's mini map is the site's one
 * mini map document; the record's part of its data is on the frame (`data-fw-map`, JSON), and the page sends it
 * when the map asks for it, and unasked to every frame when a page opens (in case the map asked before this
 * script ran; a map draws the first copy). A mini map that may not go fullscreen asks the page to show its frame
 * over the whole window, and to put it back (its button again, or Esc in the map). A map's messages are accepted only from the page's own map frames and only in the expected
 * shapes; what the page sends is the scheme's name and the frame's own data, nothing else. */
(function () {
  "use strict";
  var SCHEME_MESSAGE = "frontierwatch:scheme";
  var READY_MESSAGE = "frontierwatch:map-ready";
  var DATA_REQUEST = "frontierwatch:map-data-request";
  var DATA_MESSAGE = "frontierwatch:map-data";
  var FULLSCREEN_MESSAGE = "frontierwatch:map-fullscreen";
  var FRAMES = ".fw-map iframe[sandbox]";
  var EXPANDED = "fw-map-expanded";

  function scheme() {
    return document.body && document.body.getAttribute("data-md-color-scheme") === "slate" ? "slate" : "default";
  }
  function tell(win) {
    // A sandboxed frame's origin is opaque: no target origin but "*" reaches it. The scheme is no secret.
    if (win) win.postMessage({ type: SCHEME_MESSAGE, scheme: scheme() }, "*");
  }
  function giveData(frame) {
    // The data is the page's own (public) text; "*" again, as the frame's origin is opaque.
    var data = frame.getAttribute("data-fw-map");
    if (data !== null && frame.contentWindow) frame.contentWindow.postMessage({ type: DATA_MESSAGE, data: data }, "*");
  }
  function frames() {
    return Array.prototype.slice.call(document.querySelectorAll(FRAMES));
  }
  function tellAll() {
    frames().forEach(function (frame) { tell(frame.contentWindow); });
  }
  function watchFrames() {
    frames().forEach(function (frame) {
      if (frame.dataset.fwScheme) return;
      frame.dataset.fwScheme = "1";
      frame.addEventListener("load", function () { tell(frame.contentWindow); });
      giveData(frame);
    });
    tellAll();
  }
  function fullScreen(frame, on) {
    // The frame's box over the whole window, or back in the page. (The page may not use the Fullscreen API here:
    // the reader's click was in the frame, another origin, and its activation does not reach the page.)
    frame.parentNode.classList.toggle(EXPANDED, on === true);
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data !== "object") return;
    // A sandboxed map's origin is "null"; the sender must also be one of this page's map frames.
    if (event.origin !== "null") return;
    var from = frames().filter(function (frame) { return frame.contentWindow === event.source; })[0];
    if (!from) return;
    if (data.type === READY_MESSAGE) tell(event.source);
    else if (data.type === DATA_REQUEST) giveData(from);
    else if (data.type === FULLSCREEN_MESSAGE) fullScreen(from, data.on);
  });
  function start() {
    new MutationObserver(tellAll).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
    if (typeof document$ !== "undefined" && document$.subscribe) document$.subscribe(watchFrames);
    else watchFrames();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

/* Claims ledger filters: by status, credibility, subject and who makes the claim. Built from the table itself
 * (badges' classes, the "About" links, the "Attributed to" cell), so without JavaScript nothing is shown and
 * every claim stays listed. Filtering hides rows; the count is announced to screen readers. */
(function () {
  "use strict";

  function text(el) { return el ? (el.textContent || "").trim().replace(/\s+/g, " ") : ""; }

  function facets(row) {
    var status = row.querySelector(".fw-badge[class*='fw-claim-status-']");
    var cred = row.querySelector(".fw-badge[class*='fw-credibility-']");
    var subjects = Array.prototype.map.call(row.querySelectorAll(".fw-about a"), text);
    return {
      status: text(status),
      credibility: cred ? (cred.className.match(/fw-credibility-(\d)/) || [0, ""])[1] + " – " + text(cred) : "",
      subject: subjects,
      attribution: text(row.querySelector(".fw-attributed"))
    };
  }

  function select(name, label, values) {
    var wrap = document.createElement("label");
    wrap.className = "fw-filter";
    var span = document.createElement("span");
    span.textContent = label;
    var sel = document.createElement("select");
    sel.name = name;
    var any = document.createElement("option");
    any.value = "";
    any.textContent = "All";
    sel.appendChild(any);
    values.forEach(function (v) {
      var o = document.createElement("option");
      o.value = v;
      o.textContent = v;
      sel.appendChild(o);
    });
    wrap.appendChild(span);
    wrap.appendChild(sel);
    return wrap;
  }

  function unique(list) {
    var seen = {};
    return list.filter(function (v) { if (!v || seen[v]) return false; seen[v] = true; return true; })
      .sort(function (a, b) { return a.localeCompare(b); });
  }

  function init(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(".fw-ledger"), function (ledger) {
      var table = ledger.querySelector("table");
      if (!table || ledger.dataset.fwFilters || !table.tBodies.length) return;
      ledger.dataset.fwFilters = "true";
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      var data = rows.map(facets);
      var form = document.createElement("form");
      form.className = "fw-filters";
      form.setAttribute("role", "search");
      form.setAttribute("aria-label", "Filter the claims");
      var all = function (key) {
        return unique([].concat.apply([], data.map(function (d) { return d[key]; })));
      };
      form.appendChild(select("status", "Status", all("status")));
      form.appendChild(select("credibility", "Credibility", all("credibility")));
      form.appendChild(select("subject", "About", all("subject")));
      form.appendChild(select("attribution", "Attributed to", all("attribution")));
      var reset = document.createElement("button");
      reset.type = "reset";
      reset.className = "md-button";
      reset.textContent = "Show all";
      form.appendChild(reset);
      var count = document.createElement("p");
      count.className = "fw-filter-count";
      count.setAttribute("aria-live", "polite");
      form.appendChild(count);
      function apply() {
        var want = {};
        Array.prototype.forEach.call(form.elements, function (el) { if (el.name) want[el.name] = el.value; });
        var shown = 0;
        rows.forEach(function (row, i) {
          var d = data[i];
          var ok = Object.keys(want).every(function (k) {
            if (!want[k]) return true;
            return Array.isArray(d[k]) ? d[k].indexOf(want[k]) >= 0 : d[k] === want[k];
          });
          row.hidden = !ok;
          if (ok) shown += 1;
        });
        count.textContent = "Showing " + shown + " of " + rows.length + " claims.";
      }
      form.addEventListener("change", apply);
      form.addEventListener("reset", function () { setTimeout(apply, 0); });
      form.addEventListener("submit", function (e) { e.preventDefault(); });
      ledger.insertBefore(form, ledger.firstChild);
      apply();
    });
  }

  frontierwatchOnEachPage(init);
})();

/* The theme's icons are drawn from one file of the site (`<use xlink:href="../../assets/frontierwatch/icons.svg#…">`,
 * site/mkdocs_adapter/theme_markup.py IconSprite), referenced relative to the page that drew them. Instant
 * navigation keeps the header, and its icons, while the address changes: each reference is made absolute against
 * the page it came with, as Material makes its own links absolute, so that no browser resolves it against another
 * page. */
(function () {
  "use strict";

  var XLINK = "http://www.w3.org/1999/xlink";

  frontierwatchOnEachPage(function (doc) {
    Array.prototype.forEach.call(doc.querySelectorAll("svg > use"), function (use) {
      var ref = use.getAttributeNS(XLINK, "href");
      if (!ref || ref.charAt(0) === "#" || /^(?:[a-z]+:)?\/\//i.test(ref)) return; // in the page, or absolute
      use.setAttributeNS(XLINK, "xlink:href", new URL(ref, doc.baseURI).href);
    });
  });
})();
