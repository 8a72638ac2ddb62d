/* Frontier Watch maps: draws the JSON blob that frontierwatch.maps puts in each map page.
 *
 * Safety: every string from the data is used only through textContent, the href property of a link
 * whose URL this script builds from a record id, or title attributes. Nothing from the blob is ever
 * parsed as HTML or evaluated. Layer names, popups and labels are DOM nodes, not HTML strings.
 *
 * Row layouts mirror frontierwatch/maps/layers.py (BLOB_VERSION 4).
 *
 * A mini map is one document for every record (maps/mini.html): its blob holds what all mini maps share, and
 * it asks the page that embeds it for its record's part (RECORD_KEYS), which the page carries on the frame
 * (docs/assets/javascripts/frontierwatch.js answers). Only the embedding page, served by this site, is heard.
 */
(function () {
  "use strict";

  var BLOB_VERSION = 4;
  // The keys of a mini map's blob that its page sends (frontierwatch/maps/layers.py RECORD_KEYS).
  var RECORD_KEYS = ["title", "actors", "places", "incidents", "areas", "focus", "unlocated"];
  var SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
  // Incident row
  var I_ID = 0, I_TITLE = 1, I_DATE = 2, I_END = 3, I_TYPE = 4, I_SUB = 5, I_PLACE = 6, I_LAT = 7, I_LON = 8,
    I_PREC = 9, I_FAT = 10, I_ACTORS = 11, I_CAT = 12, I_QUAL = 13, I_CAVEAT = 14;
  // Place row
  var P_ID = 0, P_NAME = 1, P_KIND = 2, P_COUNTRY = 3, P_LAT = 4, P_LON = 5, P_PREC = 6, P_CAT = 7, P_DRAWN = 8;
  // Area row
  var A_ACTOR = 0, A_PLACE = 1, A_ROLE = 2, A_FROM = 3, A_TO = 4, A_CAT = 5;

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var SVG_NS = "http://www.w3.org/2000/svg";

  // --- small DOM helpers: text only ------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  function pageLink(href, text, className) {
    var a = el("a", className, text);
    a.href = href; // a relative URL this script built from a slug id
    a.target = "_top"; // open in the page that embeds the map, not inside the iframe
    return a;
  }
  function swatch(colour, symbol) {
    var s = el("span", "fw-swatch fw-swatch-" + symbol);
    s.style.setProperty("--fw-c", colour);
    return s;
  }

  // --- dates ------------------------------------------------------------------------------------------
  function parts(date) {
    var p = String(date).split("-");
    return { y: parseInt(p[0], 10), m: p[1] ? parseInt(p[1], 10) : null, d: p[2] ? parseInt(p[2], 10) : null };
  }
  function monthSpan(date) {
    // [first month, last month] a partial date covers, as year * 12 + month index
    var p = parts(date);
    if (p.m === null) return [p.y * 12, p.y * 12 + 11];
    return [p.y * 12 + p.m - 1, p.y * 12 + p.m - 1];
  }
  function monthLabel(index) {
    return MONTHS[((index % 12) + 12) % 12] + " " + Math.floor(index / 12);
  }
  function humanDate(date) {
    if (!date) return "";
    var p = parts(date);
    if (p.m === null) return String(p.y);
    if (p.d === null) return MONTHS[p.m - 1] + " " + p.y;
    return p.d + " " + MONTHS[p.m - 1] + " " + p.y;
  }
  function dateRange(from, to) {
    if (from && to) return humanDate(from) + " – " + humanDate(to);
    if (from) return "since " + humanDate(from);
    if (to) return "until " + humanDate(to);
    return "";
  }

  // --- colour scheme: follow Material's switch in the embedding page ------------------------------------
  // The page embeds its maps in sandboxed frames (frontierwatch.site.mapframe): a map is another origin
  // and cannot read its page. The page sends the scheme by postMessage (docs/assets/javascripts/
  // frontierwatch.js): {type: "frontierwatch:scheme", scheme: "default" | "slate"}; a map asks for it with
  // {type: "frontierwatch:map-ready"} once it is drawn, in case it loaded before the page's script ran.
  var SCHEME_MESSAGE = "frontierwatch:scheme";
  var READY_MESSAGE = "frontierwatch:map-ready";
  // A mini map asks its page for its record's data ({type: DATA_REQUEST}); the page answers
  // {type: DATA_MESSAGE, data: "<the JSON of the record's part>"}. A mini map whose frame may not go fullscreen
  // asks the page to show the frame full screen ({type: FULLSCREEN_MESSAGE}).
  var DATA_REQUEST = "frontierwatch:map-data-request";
  var DATA_MESSAGE = "frontierwatch:map-data";
  var FULLSCREEN_MESSAGE = "frontierwatch:map-fullscreen";
  var pageScheme = null; // true (dark) or false once the embedding page has said
  function framed() {
    return window.parent && window.parent !== window;
  }
  function siteOrigin() {
    // The frame's own origin is opaque ("null"); its address still says which site served it.
    try {
      var origin = new URL(window.location.href).origin;
      return origin && origin !== "null" ? origin : null;
    } catch (e) {
      return null;
    }
  }
  function storedScheme() {
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var key = window.localStorage.key(i);
        if (key && key.slice(-9) === "__palette") {
          var value = JSON.parse(window.localStorage.getItem(key));
          if (value && value.color && value.color.scheme) return value.color.scheme === "slate";
        }
      }
    } catch (e) {
      /* storage blocked (a sandboxed frame has none) or not JSON */
    }
    return null;
  }
  function isDark() {
    var dark = pageScheme;
    if (dark === null) dark = storedScheme();
    if (dark === null) dark = !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
    return dark;
  }
  function fromPage(event, type) {
    // Only the embedding page, served by this map's own site, and only the one shape.
    if (!framed() || event.source !== window.parent) return null;
    var origin = siteOrigin();
    if (origin !== null && event.origin !== origin) return null;
    var data = event.data;
    return data && typeof data === "object" && data.type === type ? data : null;
  }
  function watchScheme(onChange) {
    var update = function () { onChange(isDark()); };
    window.addEventListener("message", function (event) {
      var data = fromPage(event, SCHEME_MESSAGE);
      if (!data) return;
      if (data.scheme !== "slate" && data.scheme !== "default") return;
      pageScheme = data.scheme === "slate";
      update();
    });
    window.addEventListener("storage", update);
    if (window.matchMedia) {
      var mq = window.matchMedia("(prefers-color-scheme: dark)");
      if (mq.addEventListener) mq.addEventListener("change", update);
    }
    update();
    if (framed()) window.parent.postMessage({ type: READY_MESSAGE }, siteOrigin() || "*");
  }

  // --- a mini map's record, from its page ---------------------------------------------------------------
  function isArray(value) { return Object.prototype.toString.call(value) === "[object Array]"; }
  function recordPart(text) {
    // The record's part of the blob, checked for its shape; its ids must be slugs (links are built from them).
    var part = JSON.parse(text);
    var ok = part && typeof part === "object" && part.v === BLOB_VERSION && typeof part.title === "string" &&
      ["actors", "places", "incidents", "areas", "focus"].every(function (k) { return isArray(part[k]); }) &&
      part.unlocated && isArray(part.unlocated.incidents) && isArray(part.unlocated.places) &&
      [part.actors, part.places, part.incidents].every(function (rows) {
        return rows.every(function (row) { return isArray(row) && SLUG.test(row[0]); });
      });
    if (!ok) throw new Error("Frontier Watch: the page's map data is not a record's map data of version " + BLOB_VERSION);
    return part;
  }
  function awaitRecord(shared, onData) {
    // The page answers the request, or sends the data unasked when its script starts after this map asked;
    // the first answer is drawn.
    var done = false;
    window.addEventListener("message", function (event) {
      var message = fromPage(event, DATA_MESSAGE);
      if (!message || done || typeof message.data !== "string") return;
      done = true;
      var part = recordPart(message.data);
      var data = {};
      Object.keys(shared).forEach(function (k) { data[k] = shared[k]; });
      RECORD_KEYS.forEach(function (k) { data[k] = part[k]; });
      document.title = "Map: " + part.title;
      onData(data);
    });
    if (framed()) {
      window.parent.postMessage({ type: DATA_REQUEST }, siteOrigin() || "*");
    } else {
      var note = el("p", "fw-standalone", "This map shows a record on the record's own page.");
      document.body.appendChild(note);
    }
  }

  // --- the map ----------------------------------------------------------------------------------------
  function draw(map, blobElement) {
    var data = JSON.parse(blobElement.textContent);
    if (data.v !== BLOB_VERSION) throw new Error("Frontier Watch map data version " + data.v + " is not supported");
    if (data.mode === "mini" && !data.incidents) {
      awaitRecord(data, function (full) { drawData(map, full); });
      return null;
    }
    return drawData(map, data);
  }

  function drawData(map, data) {
    var mini = data.mode === "mini";
    var cats = data.cats.map(function (c) {
      return { key: c[0], label: c[1], group: c[2], colour: c[3], symbol: c[4], on: !!c[5] || mini, note: c[6], n: 0 };
    });
    var catIndex = {};
    cats.forEach(function (c, i) { catIndex[c.key] = i; });
    var dark = isDark();
    var container = map.getContainer();
    container.classList.add("fw-map", mini ? "fw-mini" : "fw-overview");

    // Panes, each with its own canvas: outlines < approximate circles < border < points < focus.
    var renderers = {};
    [["fwOutline", 390], ["fwApprox", 400], ["fwBorder", 410], ["fwPoints", 420], ["fwFocus", 430]].forEach(function (p) {
      map.createPane(p[0]).style.zIndex = p[1];
      renderers[p[0]] = L.canvas({ pane: p[0], padding: 0.3, tolerance: 3 });
    });

    // Tiles: the configured server; without it the map keeps its plain background and outlines.
    var tilesLoaded = 0;
    var tiles = L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: data.tiles.maxZoom });
    tiles.on("tileload", function () {
      tilesLoaded++;
      container.classList.remove("fw-no-tiles");
      styleOutlines();
    });
    tiles.on("tileerror", function () {
      if (!tilesLoaded) {
        container.classList.add("fw-no-tiles");
        styleOutlines();
      }
    });
    container.classList.add("fw-no-tiles"); // until a tile arrives
    // Links in the attribution leave the iframe: a new tab, with neither opener nor referrer. Leaflet
    // rewrites the attribution (its own prefix link and each layer's) in _update, so mark them after each.
    var attrControl = map.attributionControl;
    var updateAttribution = attrControl._update;
    attrControl._update = function () {
      updateAttribution.apply(this, arguments);
      Array.prototype.forEach.call(this.getContainer().querySelectorAll("a[href]"), function (a) {
        a.target = "_blank";
        a.rel = "noopener noreferrer";
      });
    };
    attrControl._update();

    // Reference geography: country outlines (labelled when there are no tiles) and the border line.
    var geo = window.FW_GEO || { features: [] };
    var outlines = [];
    var borderLayers = [];
    var borderBounds = null;
    var countries = []; // {name, rings: [[lng, lat], ...][], label}
    geo.features.forEach(function (f) {
      if (f.properties.kind === "border") {
        var casing = L.geoJSON(f, { renderer: renderers.fwBorder, interactive: false });
        var line = L.geoJSON(f, { renderer: renderers.fwBorder, interactive: false });
        borderLayers.push(casing, line);
        borderBounds = line.getBounds();
      } else {
        outlines.push(L.geoJSON(f, { renderer: renderers.fwOutline, interactive: false }).addTo(map));
        if (f.properties.name) {
          var polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
          countries.push({
            name: f.properties.name,
            polys: polys,
            label: L.tooltip({ permanent: true, direction: "center", className: "fw-country-label", interactive: false })
              .setLatLng(f.properties.label_at || [0, 0])
              .setContent(el("span", null, f.properties.name)),
          });
        }
      }
    });
    function inside(polys, lng, lat) {
      // even-odd rule over every ring of every polygon (holes included)
      var odd = false;
      polys.forEach(function (poly) {
        poly.forEach(function (ring) {
          for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
            var a = ring[i], b = ring[j];
            if ((a[1] > lat) !== (b[1] > lat) && lng < ((b[0] - a[0]) * (lat - a[1])) / (b[1] - a[1]) + a[0]) odd = !odd;
          }
        });
      });
      return odd;
    }
    // Each country is named where it is in view: the sample point inside it nearest the middle of its
    // visible part (so Afghanistan is named even when the frontier view shows only its north).
    function placeCountryLabels() {
      var size = map.getSize();
      countries.forEach(function (c) {
        var pts = [];
        for (var gx = 1; gx < 12; gx++) {
          for (var gy = 1; gy < 10; gy++) {
            var ll = map.containerPointToLatLng([(size.x * gx) / 12, (size.y * gy) / 10]);
            if (inside(c.polys, ll.lng, ll.lat)) pts.push(L.point((size.x * gx) / 12, (size.y * gy) / 10));
          }
        }
        if (pts.length < 3) {
          if (map.hasLayer(c.label)) map.removeLayer(c.label);
          return;
        }
        var mx = 0, my = 0;
        pts.forEach(function (p) { mx += p.x; my += p.y; });
        var mid = L.point(mx / pts.length, my / pts.length);
        // Not on top of what is drawn: the label's box (about 11 px a letter) keeps clear of markers.
        var half = L.point(c.name.length * 6 + 12, 14);
        var marks = drawn.filter(function (f) { return f.shown; }).map(function (f) {
          return map.latLngToContainerPoint(shownAt(f));
        });
        function clear(p) {
          return !marks.some(function (m) { return Math.abs(m.x - p.x) < half.x && Math.abs(m.y - p.y) < half.y; });
        }
        pts.sort(function (a, b) { return (clear(b) - clear(a)) || a.distanceTo(mid) - b.distanceTo(mid); });
        c.label.setLatLng(map.containerPointToLatLng(pts[0]));
        if (!map.hasLayer(c.label)) c.label.addTo(map);
      });
    }
    function styleOutlines() {
      var bare = container.classList.contains("fw-no-tiles");
      outlines.forEach(function (o) {
        o.setStyle({
          color: dark ? "#7d8597" : "#8a8f98",
          weight: 1,
          fillColor: dark ? "#2b2f3a" : "#f3f0e8",
          fillOpacity: bare ? 1 : 0,
        });
      });
    }
    function styleBorder() {
      if (borderLayers.length < 2) return;
      borderLayers[0].setStyle({ color: dark ? "#111111" : "#ffffff", weight: 6, opacity: 0.8 });
      borderLayers[1].setStyle({ color: dark ? "#ffd54f" : "#222222", weight: 2.5, opacity: 1, dashArray: null });
    }

    // --- features -------------------------------------------------------------------------------------
    // An incident or actor area is a marker at its point. Where the point is only approximate (near,
    // district, province) a faint ring of the uncertainty's radius is drawn under it; records known only to
    // a region or a country are not drawn at all (a region-sized circle would dominate the map and say
    // nothing about where): they are listed in the key as "not precisely located".
    var features = []; // {type, row, cat, actors, start, end, latlng, radiusM, px, layer, ring, shown, focus, listed}
    var precisions = data.precisions; // [[name, km]]
    var listedPrecisions = data.listedPrecisions || [];
    var focusSet = {};
    (data.focus || []).forEach(function (f) { focusSet[f[0] + f[1]] = true; });

    function fatalities(row) {
      var f = row[I_FAT];
      if (!f) return 0;
      return f[1] !== null && f[1] !== undefined ? f[1] : f[2] !== null && f[2] !== undefined ? f[2] : f[0] || 0;
    }

    function makeFeature(type, ix, row, lat, lon, precIx, catIx, actors) {
      var km = precisions[precIx] ? precisions[precIx][1] : 0;
      var precision = precisions[precIx] ? precisions[precIx][0] : "exact";
      var f = {
        type: type, ix: ix, row: row, cat: catIx, actors: actors, latlng: L.latLng(lat, lon),
        precision: precision, radiusM: km * 1000, listed: type !== "p" && listedPrecisions.indexOf(precision) >= 0,
        focus: !!focusSet[type + ix], shown: false, layer: null, ring: null, start: null, end: null, px: 0,
        deaths: 0, offset: null,
      };
      if (catIx >= 0) cats[catIx].n++; // listed records count too: the switch filters the list
      features.push(f);
      return f;
    }

    data.incidents.forEach(function (row, ix) {
      var f = makeFeature("i", ix, row, row[I_LAT], row[I_LON], row[I_PREC], row[I_CAT],
        row[I_ACTORS].map(function (a) { return a[0]; }));
      var span = monthSpan(row[I_DATE]);
      f.start = span[0];
      f.end = row[I_END] ? monthSpan(row[I_END])[1] : span[1];
      f.deaths = fatalities(row);
    });
    data.areas.forEach(function (row, ix) {
      var place = data.places[row[A_PLACE]];
      makeFeature("a", ix, row, place[P_LAT], place[P_LON], place[P_PREC], row[A_CAT], [row[A_ACTOR]]);
    });
    data.places.forEach(function (row, ix) {
      if (!row[P_DRAWN]) return;
      makeFeature("p", ix, row, row[P_LAT], row[P_LON], row[P_PREC], row[P_CAT], []);
    });
    var drawn = features.filter(function (f) { return !f.listed; });
    var listed = features.filter(function (f) { return f.listed; });

    function colourOf(f) {
      return f.cat >= 0 ? cats[f.cat].colour : "#555555";
    }
    function markerStroke() { return dark ? "#111111" : "#ffffff"; }
    function ringColour() { return dark ? "#c5cad6" : "#4a5060"; }

    function buildLayer(f) {
      var pane = f.focus ? "fwFocus" : "fwPoints";
      var common = { renderer: renderers[pane], interactive: false };
      if (f.type === "i") {
        return L.circleMarker(f.latlng, Object.assign(common, {
          radius: f.px, color: f.focus ? "#ffeb3b" : markerStroke(), weight: f.focus ? 3 : 1.5,
          fillColor: colourOf(f), fillOpacity: 0.9,
        }));
      }
      if (f.type === "a") {
        return L.circleMarker(f.latlng, Object.assign(common, {
          radius: f.px, color: colourOf(f), weight: f.focus ? 4.5 : 3.5, fillColor: markerStroke(), fillOpacity: 1,
        }));
      }
      return L.circleMarker(f.latlng, Object.assign(common, {
        radius: f.px, color: colourOf(f), weight: f.focus ? 3 : 2, fillColor: markerStroke(), fillOpacity: 1,
      }));
    }
    // One faint ring per point and radius: records that share a place share its uncertainty.
    var rings = {};
    function ringOf(f) {
      if (f.type === "p" || f.radiusM <= 0) return null;
      var key = f.latlng.lat + "," + f.latlng.lng + "," + f.radiusM;
      var ring = rings[key];
      if (!ring) {
        ring = rings[key] = {
          users: 0, focus: false,
          layer: L.circle(f.latlng, {
            renderer: renderers.fwApprox, interactive: false, radius: f.radiusM, color: ringColour(), weight: 1,
            opacity: 0.5, dashArray: "4 4", fillColor: ringColour(), fillOpacity: 0.03,
          }),
        };
      }
      if (f.focus && !ring.focus) {
        ring.focus = true;
        ring.layer.setStyle({ weight: 2, opacity: 0.8, fillOpacity: 0.06 });
      }
      return ring;
    }

    // Marker sizes: incidents by fatalities, areas and places fixed.
    drawn.forEach(function (f) {
      if (f.type === "i") f.px = 5 + Math.min(14, 2.2 * Math.sqrt(f.deaths));
      else f.px = f.type === "a" ? 7 : 4;
    });
    // Markers that share a point are spread on a small circle around it (in pixels, at every zoom), so
    // that nine records of one district are nine dots, not one.
    var stacks = {};
    drawn.forEach(function (f) {
      if (f.type === "p") return;
      var key = f.latlng.lat + "," + f.latlng.lng;
      (stacks[key] = stacks[key] || []).push(f);
    });
    Object.keys(stacks).forEach(function (key) {
      var group = stacks[key];
      var placeThere = drawn.some(function (f) { return f.type === "p" && f.latlng.lat + "," + f.latlng.lng === key; });
      if (group.length < 2 && !placeThere) return;
      var widest = Math.max.apply(null, group.map(function (f) { return f.px; }));
      var radius = Math.max(widest + 5, (group.length * (2 * widest + 2)) / (2 * Math.PI));
      group.forEach(function (f, i) {
        var angle = -Math.PI / 2 + (2 * Math.PI * i) / group.length;
        f.offset = L.point(Math.round(radius * Math.cos(angle)), Math.round(radius * Math.sin(angle)));
      });
    });
    function placeMarkers() {
      drawn.forEach(function (f) {
        if (!f.offset) return;
        var p = map.latLngToLayerPoint(f.latlng).add(f.offset);
        f.layer.setLatLng(map.layerPointToLatLng(p));
      });
    }
    function shownAt(f) {
      return f.offset ? f.layer.getLatLng() : f.latlng;
    }

    // --- the view first --------------------------------------------------------------------------------
    var focusBounds = null;
    features.forEach(function (f) {
      if (!f.focus) return;
      var km = f.listed ? 0 : Math.min(f.radiusM, 30000); // frame the point, not a province-wide ring
      var b = km > 0 ? f.latlng.toBounds(2 * km) : L.latLngBounds(f.latlng, f.latlng);
      focusBounds = focusBounds ? focusBounds.extend(b) : b;
    });
    if (mini && focusBounds) {
      map.fitBounds(focusBounds, { padding: [36, 36], maxZoom: drawn.some(function (f) { return f.focus; }) ? 9 : 6 });
    } else if (borderBounds) {
      map.fitBounds(borderBounds, { padding: [16, 16] });
    }

    // Draw order: places under actor areas under incidents, and heavier incidents under lighter ones.
    var typeOrder = { p: 0, a: 1, i: 2 };
    drawn.sort(function (a, b) { return typeOrder[a.type] - typeOrder[b.type] || b.px - a.px; });
    drawn.forEach(function (f) {
      f.layer = buildLayer(f);
      f.ring = ringOf(f);
    });
    placeMarkers();
    map.on("zoomend viewreset", placeMarkers);

    // Place labels when there are few places; labels that would collide are hidden (the most important
    // kept: the focus, border districts, towns, then the rest), and shown again when zooming makes room.
    var drawnPlaces = drawn.filter(function (f) { return f.type === "p"; });
    var labels = [];
    if (drawnPlaces.length <= data.labelLimit) {
      var labelRank = { "place:border-district": 1, "tj-military": 2, "place:settlement": 3 };
      drawnPlaces.forEach(function (f) {
        var tip = L.tooltip({
          // to the right of the point, so that what is drawn at the point stays visible
          permanent: true, direction: "right", offset: [8, 0],
          className: "fw-label", interactive: false, opacity: 1,
        }).setContent(el("span", null, f.row[P_NAME]));
        f.layer.bindTooltip(tip);
        var key = f.cat >= 0 ? cats[f.cat].key : "";
        labels.push({ f: f, rank: f.focus ? 0 : labelRank[key] || 4 });
      });
      labels.sort(function (a, b) { return a.rank - b.rank || a.f.row[P_NAME].localeCompare(b.f.row[P_NAME]); });
    }
    function overlaps(a, b) {
      return a.left < b.right + 2 && b.left < a.right + 2 && a.top < b.bottom + 1 && b.top < a.bottom + 1;
    }
    function declutter() {
      var taken = [];
      Array.prototype.forEach.call(container.querySelectorAll(".fw-country-label"), function (node) {
        if (node.offsetParent !== null) taken.push(node.getBoundingClientRect());
      });
      labels.forEach(function (l) {
        var tip = l.f.layer.getTooltip();
        var node = tip && tip.getElement();
        if (!node || !l.f.shown) return;
        node.classList.remove("fw-label-hidden");
        var box = node.getBoundingClientRect();
        if (taken.some(function (t) { return overlaps(box, t); })) node.classList.add("fw-label-hidden");
        else taken.push(box);
      });
    }
    map.on("zoomend moveend", function () { placeCountryLabels(); declutter(); });

    // --- filters: categories, actors, time -------------------------------------------------------------
    var actorOn = data.actors.map(function () { return true; });
    var noActorOn = true;
    var times = features.filter(function (f) { return f.type === "i"; });
    var tMin = Infinity, tMax = -Infinity;
    times.forEach(function (f) { tMin = Math.min(tMin, f.start); tMax = Math.max(tMax, f.end); });
    var range = { lo: tMin, hi: tMax };
    var borderOn = true;
    var listedBox = null; // the key's "not precisely located" list, filled by apply()

    function visible(f) {
      if (f.focus) return true;
      if (f.cat >= 0 && !cats[f.cat].on) return false;
      if (f.type === "i" && (f.end < range.lo || f.start > range.hi)) return false;
      if (f.type !== "p") {
        if (!f.actors.length) return noActorOn;
        var any = false;
        for (var i = 0; i < f.actors.length; i++) if (actorOn[f.actors[i]]) { any = true; break; }
        if (!any) return false;
      }
      return true;
    }
    function apply() {
      Object.keys(rings).forEach(function (k) { rings[k].users = 0; });
      features.forEach(function (f) {
        var v = visible(f);
        if (!f.listed && v !== f.shown) {
          if (v) f.layer.addTo(map);
          else map.removeLayer(f.layer);
        }
        f.shown = v;
        if (v && f.ring) f.ring.users++;
      });
      Object.keys(rings).forEach(function (k) {
        var ring = rings[k];
        if (ring.users && !map.hasLayer(ring.layer)) ring.layer.addTo(map);
        else if (!ring.users && map.hasLayer(ring.layer)) map.removeLayer(ring.layer);
      });
      var showBorder = borderOn && (catIndex.border === undefined || cats[catIndex.border].on);
      borderLayers.forEach(function (l) {
        if (showBorder) l.addTo(map);
        else map.removeLayer(l);
      });
      if (listedBox) fillListed();
      var s = stats();
      container.setAttribute("data-fw-incidents", String(s.incidents));
      if (timeStatus) {
        timeStatus.textContent = "Showing " + s.incidents + " of " + s.incidentsTotal + " incidents" +
          (s.listedIncidents ? " (" + s.listedIncidents + " not precisely located, listed in the key)" : "");
      }
      declutter();
    }
    function stats() {
      // Counted from what is on the map now, not from the data.
      var s = {
        incidents: 0, incidentsTotal: 0, listedIncidents: 0, listed: 0, places: 0, areas: 0, rings: 0,
        widestRingKm: 0, border: 0, borderPoints: 0, dark: dark,
      };
      features.forEach(function (f) {
        if (f.listed) {
          if (f.type === "i") s.incidentsTotal++;
          if (f.shown) { s.listed++; if (f.type === "i") s.listedIncidents++; }
          return;
        }
        var on = map.hasLayer(f.layer);
        if (f.type === "i") { s.incidentsTotal++; if (on) s.incidents++; }
        else if (f.type === "p" && on) s.places++;
        else if (f.type === "a" && on) s.areas++;
      });
      Object.keys(rings).forEach(function (k) {
        if (!map.hasLayer(rings[k].layer)) return;
        s.rings++;
        s.widestRingKm = Math.max(s.widestRingKm, rings[k].layer.getRadius() / 1000);
      });
      if (borderLayers.length && map.hasLayer(borderLayers[1])) {
        s.border = 1;
        borderLayers[1].eachLayer(function (l) {
          var ll = l.getLatLngs();
          s.borderPoints += Array.isArray(ll[0]) ? ll.reduce(function (n, p) { return n + p.length; }, 0) : ll.length;
        });
      }
      return s;
    }

    // --- popups: everything under the pointer, most precise first --------------------------------------
    // A click on markers lists them; a click inside uncertainty rings but on no marker lists the records
    // whose ring it is. Either way the order is by precision (exact before near before district...), then
    // by distance, and the heading says so.
    function hits(latlng, point) {
      var found = [];
      drawn.forEach(function (f) {
        if (!f.shown) return;
        var d = map.latLngToContainerPoint(shownAt(f)).distanceTo(point);
        if (d <= f.px + 4) found.push({ f: f, d: d });
      });
      if (!found.length) {
        drawn.forEach(function (f) {
          if (!f.shown || !f.ring) return;
          var m = map.distance(latlng, f.latlng);
          if (m <= f.radiusM) found.push({ f: f, d: m / metresPerPixel(latlng) });
        });
      }
      // A marker of a shared point stands for the whole point: list every record there.
      var seen = {};
      found.forEach(function (h) { seen[h.f.type + h.f.ix] = true; });
      found.slice().forEach(function (h) {
        var key = h.f.latlng.lat + "," + h.f.latlng.lng;
        drawn.forEach(function (f) {
          if (f.shown && !seen[f.type + f.ix] && f.latlng.lat + "," + f.latlng.lng === key) {
            seen[f.type + f.ix] = true;
            found.push({ f: f, d: h.d });
          }
        });
      });
      var order = { i: 0, a: 1, p: 2 };
      found.sort(function (a, b) {
        return a.f.radiusM - b.f.radiusM || order[a.f.type] - order[b.f.type] || a.d - b.d;
      });
      return found.map(function (h) { return h.f; });
    }
    function metresPerPixel(latlng) {
      var p = map.latLngToContainerPoint(latlng);
      return map.distance(latlng, map.containerPointToLatLng(p.add([10, 0]))) / 10;
    }

    function precisionText(f) {
      if (f.radiusM <= 0) return "Exact point";
      if (f.listed) return "Known only to the " + f.precision + " (about " + f.radiusM / 1000 + " km): not drawn on the map";
      return "Approximate (" + f.precision + "): within about " + f.radiusM / 1000 + " km of the point shown" +
        (f.offset ? "; the dot is set beside it to keep records that share it apart" : "");
    }
    function fact(dl, term, value) {
      if (value === null || value === undefined || value === "") return;
      add(dl, el("dt", null, term), value.nodeType ? add(el("dd"), value) : el("dd", null, value));
    }
    function card(f) {
      var box = el("div", "fw-card fw-card-" + f.type);
      var dl = el("dl");
      if (f.type === "i") {
        var row = f.row;
        var place = data.places[row[I_PLACE]];
        var sub = row[I_SUB] >= 0 ? data.subEvents[row[I_SUB]] : "";
        add(box,
          add(el("div", "fw-kind"), swatch(colourOf(f), "dot"),
            el("span", null, data.eventTypes[row[I_TYPE]] + (sub ? " · " + sub : "") +
              (f.cat >= 0 && cats[f.cat].key === "tj-military" ? " · " + cats[f.cat].label : ""))),
          add(el("div", "fw-title"), pageLink(data.links.incidents + row[I_ID] + "/", row[I_TITLE])));
        fact(dl, "Date", humanDate(row[I_DATE]) + (row[I_END] ? " – " + humanDate(row[I_END]) : ""));
        fact(dl, "Where", place ? place[P_NAME] : "");
        fact(dl, "Location", precisionText(f));
        var fat = row[I_FAT];
        if (fat) {
          var best = fat[1] !== null ? String(fat[1]) : "";
          var span = fat[0] !== null && fat[2] !== null && fat[0] !== fat[2] ? fat[0] + "–" + fat[2] : "";
          fact(dl, "Fatalities", best && span ? best + " (range " + span + ")" : best || span || String(fat[0] || fat[2] || 0));
        } else {
          fact(dl, "Fatalities", "not reported");
        }
        if (row[I_QUAL]) fact(dl, "Events", row[I_QUAL]);
        if (row[I_CAVEAT]) fact(dl, "Caveat", row[I_CAVEAT]);
        var list = el("ul", "fw-actors");
        row[I_ACTORS].forEach(function (a) {
          var actor = data.actors[a[0]];
          var li = add(el("li"), pageLink(data.links.actors + actor[0] + "/", actor[2] || actor[1]));
          li.title = actor[1];
          var role = data.roles[a[1]];
          var attribution = a[2] >= 0 ? data.attributions[a[2]] : null;
          var note = role + (attribution ? ", " + attribution : (role === "perpetrator" || role === "claimant") ? ", attribution not stated" : "");
          add(li, el("span", "fw-role" + (attribution ? " fw-attr-" + attribution : ""), " — " + note));
          list.appendChild(li);
        });
        if (!row[I_ACTORS].length) list.appendChild(el("li", null, "No actor named"));
        fact(dl, "Actors", list);
        add(box, dl, pageLink(data.links.incidents + row[I_ID] + "/", "Open the incident page ›", "fw-more"));
      } else if (f.type === "a") {
        var arow = f.row;
        var actor2 = data.actors[arow[A_ACTOR]];
        var aplace = data.places[arow[A_PLACE]];
        var role2 = data.areaRoles[arow[A_ROLE]];
        add(box,
          add(el("div", "fw-kind"), swatch(colourOf(f), "ring"), el("span", null, "Actor area: " + role2)),
          add(el("div", "fw-title"), pageLink(data.links.actors + actor2[0] + "/", actor2[1])));
        fact(dl, "Where", add(el("span"), pageLink(data.links.places + aplace[P_ID] + "/", aplace[P_NAME])));
        fact(dl, "When", dateRange(arow[A_FROM], arow[A_TO]) || "dates not given");
        fact(dl, "Location", precisionText(f));
        add(box, dl, pageLink(data.links.actors + actor2[0] + "/", "Open the actor page ›", "fw-more"));
      } else {
        var prow = f.row;
        add(box,
          add(el("div", "fw-kind"), swatch(colourOf(f), "ring"),
            el("span", null, prow[P_KIND] + (prow[P_COUNTRY] ? " · " + prow[P_COUNTRY] : ""))),
          add(el("div", "fw-title"), pageLink(data.links.places + prow[P_ID] + "/", prow[P_NAME])));
        fact(dl, "Location", precisionText(f));
        if (f.cat === catIndex["place:border-district"]) fact(dl, "Border", "Borders Tajikistan");
        add(box, dl, pageLink(data.links.places + prow[P_ID] + "/", "Open the place page ›", "fw-more"));
      }
      return box;
    }
    var MAX_CARDS = 20;
    map.on("click", function (ev) {
      var found = hits(ev.latlng, ev.containerPoint);
      if (!found.length) return;
      var content = el("div", "fw-popup");
      if (found.length > 1) content.appendChild(el("div", "fw-count", found.length + " items here, most precise first"));
      found.slice(0, MAX_CARDS).forEach(function (f) { content.appendChild(card(f)); });
      if (found.length > MAX_CARDS) {
        content.appendChild(el("div", "fw-count", "and " + (found.length - MAX_CARDS) + " more: zoom in or narrow the time range"));
      }
      // Clear of the buttons: zoom and full screen on the left, the key's toggle on the right, the date
      // control and the attribution at the bottom.
      var size = map.getSize();
      var onMarker = map.latLngToContainerPoint(shownAt(found[0])).distanceTo(ev.containerPoint) <= found[0].px + 4;
      var bottom = container.querySelector(".leaflet-bottom.leaflet-left");
      var below = bottom ? bottom.getBoundingClientRect().height : 30;
      L.popup({
        maxWidth: Math.min(320, size.x - 70), minWidth: Math.min(220, size.x - 90),
        maxHeight: Math.max(120, Math.min(mini ? 200 : 360, size.y - below - 90)),
        autoPanPaddingTopLeft: [52, 48], autoPanPaddingBottomRight: [12, Math.min(below + 12, size.y / 3)],
      })
        .setLatLng(onMarker ? shownAt(found[0]) : ev.latlng)
        .setContent(content)
        .openOn(map);
    });
    var hoverPending = false;
    map.on("mousemove", function (ev) {
      if (hoverPending) return;
      hoverPending = true;
      window.requestAnimationFrame(function () {
        hoverPending = false;
        container.classList.toggle("fw-hover", hits(ev.latlng, ev.containerPoint).length > 0);
      });
    });

    // The key's list of records not drawn as points, with the filters applied; each opens its card.
    function fillListed() {
      listedBox.textContent = "";
      var shownNow = listed.filter(function (f) { return f.shown; });
      shownNow.sort(function (a, b) { return a.radiusM - b.radiusM || (b.start || 0) - (a.start || 0); });
      var list = el("ul", "fw-listed-list");
      shownNow.forEach(function (f) {
        var li = el("li");
        var where = f.type === "i" ? data.places[f.row[I_PLACE]] : data.places[f.row[A_PLACE]];
        if (f.type === "i") {
          add(li, swatch(colourOf(f), "dot"), pageLink(data.links.incidents + f.row[I_ID] + "/", f.row[I_TITLE]),
            el("span", "fw-listed-meta", " · " + humanDate(f.row[I_DATE]) + " · " + (where ? where[P_NAME] : "") +
              " (" + f.precision + ")"));
        } else {
          var actor = data.actors[f.row[A_ACTOR]];
          add(li, swatch(colourOf(f), "ring"), pageLink(data.links.actors + actor[0] + "/", actor[2] || actor[1]),
            el("span", "fw-listed-meta", " · " + data.areaRoles[f.row[A_ROLE]] + " · " + (where ? where[P_NAME] : "") +
              " (" + f.precision + ")"));
        }
        list.appendChild(li);
      });
      listedBox.appendChild(el("div", "fw-count", shownNow.length + " of " + listed.length + " shown by the filters"));
      listedBox.appendChild(list);
    }

    // --- controls ---------------------------------------------------------------------------------------
    var api = {
      map: map, data: data, features: features, stats: stats, apply: apply, panel: null,
      timeBounds: [tMin, tMax], setTimeRange: null, drawnAt: null,
    };
    var timeStatus = null;
    fullscreenControl(map, mini);
    if (data.overview) {
      var OpenFull = L.Control.extend({
        onAdd: function () {
          var box = el("div", "leaflet-bar fw-open-full");
          add(box, pageLink(data.overview, "Full map ›"));
          return box;
        },
      });
      new OpenFull({ position: "bottomright" }).addTo(map);
    }
    api.panel = panelControl();
    if (!mini && isFinite(tMin)) timeControl();

    function checkbox(checked, onChange, label) {
      var input = el("input");
      input.type = "checkbox";
      input.checked = checked;
      if (label) input.setAttribute("aria-label", label);
      input.addEventListener("change", function () { onChange(input.checked); });
      return input;
    }

    function panelControl() {
      var Panel = L.Control.extend({
        onAdd: function () {
          var box = el("div", "fw-panel leaflet-bar");
          var toggle = el("button", "fw-panel-toggle", mini ? "Key" : "Layers and key");
          toggle.type = "button";
          var body = el("div", "fw-panel-body");
          // The body scrolls on a small map: a named region the keyboard can reach and scroll (axe:
          // scrollable-region-focusable; a mini map's key has no control of its own to focus).
          body.tabIndex = 0;
          body.setAttribute("role", "region");
          body.setAttribute("aria-label", mini ? "Map key" : "Map layers and key");
          var open = !mini && map.getSize().x >= 700 && map.getSize().y >= 420; // the key open on a desktop
          function setOpen(v) {
            open = v;
            box.classList.toggle("fw-open", open);
            toggle.setAttribute("aria-expanded", String(open));
          }
          setOpen(open);
          toggle.addEventListener("click", function () { setOpen(!open); });
          add(box, toggle, body);

          // Categories by group: each row is a switch and a legend entry.
          var groups = [["incidents", "Incidents"], ["actors", "Actor areas"], ["places", "Places"], ["reference", "Reference"]];
          groups.forEach(function (g) {
            var rows = cats.filter(function (c) { return c.group === g[0] && (c.n > 0 || c.key === "border"); });
            if (!rows.length) return;
            var section = add(el("fieldset", "fw-section"), el("legend", null, g[1]));
            rows.forEach(function (c) {
              var label = el("label", "fw-row");
              var count = c.key === "border" ? null : el("span", "fw-n", String(c.n));
              add(label,
                mini ? null : checkbox(c.on, function (v) { c.on = v; apply(); }),
                swatch(c.colour, c.symbol), el("span", "fw-label-text", c.label), count);
              if (c.note) label.title = c.note;
              section.appendChild(label);
            });
            body.appendChild(section);
          });

          // Not precisely located: records known only to a region or a country, listed instead of drawn.
          if (listed.length) {
            var notHere = add(el("fieldset", "fw-section fw-listed"), el("legend", null, "Not precisely located"));
            listedBox = el("div", "fw-listed-body");
            add(notHere, el("p", "fw-note", "Known only to a region or a country, so not drawn as a point:"), listedBox);
            body.appendChild(notHere);
            fillListed();
          }

          // Actors: a feature shows when any of its actors is ticked.
          if (!mini && data.actors.length) {
            var counts = data.actors.map(function () { return 0; });
            var none = 0;
            features.forEach(function (f) {
              if (f.type === "p") return;
              if (!f.actors.length) none++;
              var seen = {};
              f.actors.forEach(function (a) { if (!seen[a]) { seen[a] = 1; counts[a]++; } });
            });
            var section = add(el("fieldset", "fw-section fw-actors-section"), el("legend", null, "Actors"));
            var buttons = el("div", "fw-buttons");
            var boxes = [];
            var all = el("button", null, "All");
            var nothing = el("button", null, "None");
            all.type = nothing.type = "button";
            function setAll(v) {
              actorOn = actorOn.map(function () { return v; });
              noActorOn = v;
              boxes.forEach(function (b) { b.checked = v; });
              apply();
            }
            all.addEventListener("click", function () { setAll(true); });
            nothing.addEventListener("click", function () { setAll(false); });
            add(section, add(buttons, all, nothing));
            var list = el("div", "fw-actor-list");
            data.actors.forEach(function (a, i) {
              if (!counts[i]) return;
              var input = checkbox(true, function (v) { actorOn[i] = v; apply(); }, a[1]);
              boxes.push(input);
              var label = add(el("label", "fw-row"), input,
                el("span", "fw-label-text", a[2] ? a[2] + " — " + a[1] : a[1]), el("span", "fw-n", String(counts[i])));
              list.appendChild(label);
            });
            if (none) {
              var input2 = checkbox(true, function (v) { noActorOn = v; apply(); }, "No actor named");
              boxes.push(input2);
              list.appendChild(add(el("label", "fw-row"), input2, el("span", "fw-label-text fw-muted", "No actor named"),
                el("span", "fw-n", String(none))));
            }
            add(section, list);
            body.appendChild(section);
          }

          // Key: symbols, uncertainty rings, honest geography, what is not on the map.
          var key = add(el("fieldset", "fw-section fw-key"), el("legend", null, "How to read the map"));
          var sizes = add(el("div", "fw-sizes"), el("span", null, "Incident fatalities:"));
          [0, 5, 25].forEach(function (n) {
            var d = el("span", "fw-size");
            var r = 5 + Math.min(14, 2.2 * Math.sqrt(n));
            d.style.width = d.style.height = 2 * r + "px";
            add(sizes, d, el("span", "fw-size-n", String(n)));
          });
          key.appendChild(sizes);
          var shown = precisions.filter(function (p) { return p[1] > 0 && listedPrecisions.indexOf(p[0]) < 0; });
          key.appendChild(add(el("div", "fw-key-row"), swatch(ringColour(), "dashed"),
            el("span", null, "Faint dashed ring: the location is approximate, and the record may lie anywhere inside (" +
              shown.map(function (p) { return p[0] + " " + p[1] + " km"; }).join(", ") +
              "). Dots of records that share a point are set around it.")));
          key.appendChild(el("p", "fw-note", data.note));
          var missing = data.unlocated || { incidents: [], places: [] };
          if (missing.incidents.length || missing.places.length) {
            var text = "Not on the map (no location recorded): ";
            var bits = [];
            if (missing.incidents.length) bits.push(missing.incidents.length + " incident" + (missing.incidents.length > 1 ? "s" : ""));
            if (missing.places.length) {
              bits.push(missing.places.length + " place" + (missing.places.length > 1 ? "s" : "") + " (" +
                missing.places.slice(0, 5).join(", ") + (missing.places.length > 5 ? ", …" : "") + ")");
            }
            key.appendChild(el("p", "fw-note", text + bits.join(" and ") + "."));
          }
          body.appendChild(key);
          L.DomEvent.disableClickPropagation(box);
          L.DomEvent.disableScrollPropagation(box);
          return box;
        },
      });
      return new Panel({ position: "topright" }).addTo(map);
    }

    function timeControl() {
      var Time = L.Control.extend({
        onAdd: function () {
          var box = el("div", "fw-time leaflet-bar");
          var head = el("div", "fw-time-head");
          var label = el("div", "fw-time-range");
          var reset = el("button", null, "All dates");
          reset.type = "button";
          // A button that folds the control away: folded at first on a narrow map, where it would cover
          // the map and the key.
          var fold = el("button", "fw-time-title", "Incident dates");
          fold.type = "button";
          var folded = map.getSize().x < 600;
          function setFolded(v) {
            folded = v;
            box.classList.toggle("fw-folded", folded);
            fold.setAttribute("aria-expanded", String(!folded));
          }
          setFolded(folded);
          fold.addEventListener("click", function () { setFolded(!folded); });
          add(head, fold, reset);
          var slider = el("div", "fw-slider");
          var lo = el("input");
          var hi = el("input");
          [lo, hi].forEach(function (input) {
            input.type = "range";
            input.min = String(tMin);
            input.max = String(tMax);
            input.step = "1";
          });
          lo.className = "fw-lo";
          hi.className = "fw-hi";
          lo.value = String(tMin);
          hi.value = String(tMax);
          lo.setAttribute("aria-label", "Earliest incident month shown");
          hi.setAttribute("aria-label", "Latest incident month shown");
          timeStatus = el("div", "fw-time-status");
          var pending = false;
          function update(source) {
            var a = parseInt(lo.value, 10), b = parseInt(hi.value, 10);
            if (a > b) {
              if (source === lo) lo.value = String((a = b));
              else hi.value = String((b = a));
            }
            range.lo = a;
            range.hi = b;
            label.textContent = monthLabel(a) + " – " + monthLabel(b);
            if (!pending) {
              pending = true;
              window.requestAnimationFrame(function () { pending = false; apply(); });
            }
          }
          lo.addEventListener("input", function () { update(lo); });
          hi.addEventListener("input", function () { update(hi); });
          reset.addEventListener("click", function () {
            lo.value = String(tMin);
            hi.value = String(tMax);
            update(null);
          });
          label.textContent = monthLabel(tMin) + " – " + monthLabel(tMax);
          add(box, head, label, add(slider, lo, hi), timeStatus);
          api.setTimeRange = function (a, b) {
            lo.value = String(a);
            hi.value = String(b);
            update(null);
            apply();
          };
          L.DomEvent.disableClickPropagation(box);
          L.DomEvent.disableScrollPropagation(box);
          return box;
        },
      });
      new Time({ position: "bottomleft" }).addTo(map);
    }

    // --- view, scheme, signal -----------------------------------------------------------------------------
    function fitNarrow() {
      container.classList.toggle("fw-narrow", map.getSize().x < 600);
    }
    fitNarrow();
    map.on("resize", fitNarrow);
    apply();
    placeCountryLabels();
    declutter();
    tiles.addTo(map); // after the view is set, so no tiles are fetched for the initial view

    watchScheme(function (value) {
      dark = value;
      document.documentElement.classList.toggle("fw-dark", dark);
      styleOutlines();
      styleBorder();
      drawn.forEach(function (f) {
        if (f.type === "i" && !f.focus) f.layer.setStyle({ color: markerStroke() });
        else if (f.type !== "i") f.layer.setStyle({ fillColor: markerStroke() });
      });
      Object.keys(rings).forEach(function (k) { rings[k].layer.setStyle({ color: ringColour(), fillColor: ringColour() }); });
    });

    window.fwMaps = window.fwMaps || [];
    window.fwMaps.push(api);
    window.fwMap = api;
    // "Layers drawn": Leaflet's canvases redraw in the next animation frame; signal after it.
    window.requestAnimationFrame(function () {
      window.requestAnimationFrame(function () {
        api.drawnAt = window.performance.now();
        container.setAttribute("data-fw-drawn", "1");
        document.documentElement.setAttribute("data-fw-drawn", "1");
        document.dispatchEvent(new CustomEvent("fw:drawn"));
      });
    });
    return api;
  }

  // --- fullscreen: the Fullscreen API where the iframe allows it, else the map in its own tab ----------
  function fullscreenControl(map, mini) {
    var Full = L.Control.extend({
      onAdd: function () {
        var box = el("div", "leaflet-bar fw-fullscreen");
        var button = el("a", null);
        button.href = "#";
        button.setAttribute("role", "button");
        button.title = "Full screen";
        button.setAttribute("aria-label", "Full screen");
        var svg = document.createElementNS(SVG_NS, "svg");
        svg.setAttribute("viewBox", "0 0 16 16");
        svg.setAttribute("width", "16");
        svg.setAttribute("height", "16");
        var path = document.createElementNS(SVG_NS, "path");
        path.setAttribute("d", "M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5");
        path.setAttribute("fill", "none");
        path.setAttribute("stroke", "currentColor");
        path.setAttribute("stroke-width", "2");
        svg.appendChild(path);
        button.appendChild(svg);
        box.appendChild(button);
        var target = map.getContainer();
        var expanded = false; // a mini map shown over its page's window
        document.addEventListener("keydown", function (ev) {
          if (ev.key !== "Escape" || !expanded) return;
          expanded = false;
          window.parent.postMessage({ type: FULLSCREEN_MESSAGE, on: false }, siteOrigin() || "*");
        });
        L.DomEvent.on(button, "click", function (ev) {
          L.DomEvent.preventDefault(ev);
          L.DomEvent.stopPropagation(ev);
          if (document.fullscreenElement) {
            document.exitFullscreen();
          } else if (document.fullscreenEnabled && target.requestFullscreen) {
            target.requestFullscreen();
          } else if (mini && framed()) {
            // The shared mini map alone shows no record: the page shows its frame over the window (Esc closes).
            expanded = !expanded;
            window.parent.postMessage({ type: FULLSCREEN_MESSAGE, on: expanded }, siteOrigin() || "*");
          } else {
            window.open(window.location.href, "_blank", "noopener");
          }
        });
        document.addEventListener("fullscreenchange", function () {
          var on = document.fullscreenElement === target;
          target.classList.toggle("fw-is-fullscreen", on);
          button.title = on ? "Exit full screen" : "Full screen";
          map.invalidateSize();
        });
        L.DomEvent.disableClickPropagation(box);
        return box;
      },
    });
    new Full({ position: "topleft" }).addTo(map);
  }

  window.FrontierWatch = { draw: draw, version: BLOB_VERSION };
})();
