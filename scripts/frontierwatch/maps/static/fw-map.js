/* Frontier Watch maps: draws the JSON blob that frontierwatch.maps puts in each map page.
 *
 * Safety: every string from the data is used only through textContent, the href property of a link
 * whose URL this script builds from a record id, or title attributes. Nothing from the blob is ever
 * parsed as HTML or evaluated. Layer names, popups and labels are DOM nodes, not HTML strings.
 *
 * Row layouts mirror frontierwatch/maps/layers.py (BLOB_VERSION 2).
 */
(function () {
  "use strict";

  var BLOB_VERSION = 2;
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
  function parentScheme() {
    try {
      if (window.parent && window.parent !== window) {
        var body = window.parent.document.body;
        var scheme = body && body.getAttribute("data-md-color-scheme");
        if (scheme) return scheme === "slate";
      }
    } catch (e) {
      /* a parent on another origin: fall through */
    }
    return null;
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
      /* storage blocked or not JSON */
    }
    return null;
  }
  function isDark() {
    var dark = parentScheme();
    if (dark === null) dark = storedScheme();
    if (dark === null) dark = !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
    return dark;
  }
  function watchScheme(onChange) {
    var update = function () { onChange(isDark()); };
    try {
      if (window.parent && window.parent !== window && window.parent.document.body) {
        new window.parent.MutationObserver(update).observe(window.parent.document.body, {
          attributes: true,
          attributeFilter: ["data-md-color-scheme"],
        });
      }
    } catch (e) {
      /* cross-origin parent */
    }
    window.addEventListener("storage", update);
    if (window.matchMedia) {
      var mq = window.matchMedia("(prefers-color-scheme: dark)");
      if (mq.addEventListener) mq.addEventListener("change", update);
    }
    update();
  }

  // --- the map ----------------------------------------------------------------------------------------
  function draw(map, blobElement) {
    var data = JSON.parse(blobElement.textContent);
    if (data.v !== BLOB_VERSION) throw new Error("Frontier Watch map data version " + data.v + " is not supported");
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
    geo.features.forEach(function (f) {
      if (f.properties.kind === "border") {
        var casing = L.geoJSON(f, { renderer: renderers.fwBorder, interactive: false });
        var line = L.geoJSON(f, { renderer: renderers.fwBorder, interactive: false });
        borderLayers.push(casing, line);
        borderBounds = line.getBounds();
      } else {
        outlines.push(L.geoJSON(f, { renderer: renderers.fwOutline, interactive: false }).addTo(map));
        if (f.properties.label_at) {
          L.tooltip({ permanent: true, direction: "center", className: "fw-country-label", interactive: false })
            .setLatLng(f.properties.label_at)
            .setContent(el("span", null, f.properties.name))
            .addTo(map);
        }
      }
    });
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
    var features = []; // {type, row, cat, actors, start, end, latlng, radiusM, px, layer, shown, focus}
    var precisions = data.precisions; // [[name, km]]
    var focusSet = {};
    (data.focus || []).forEach(function (f) { focusSet[f[0] + f[1]] = true; });

    function fatalities(row) {
      var f = row[I_FAT];
      if (!f) return 0;
      return f[1] !== null && f[1] !== undefined ? f[1] : f[2] !== null && f[2] !== undefined ? f[2] : f[0] || 0;
    }

    function makeFeature(type, ix, row, lat, lon, precIx, catIx, actors) {
      var km = precisions[precIx] ? precisions[precIx][1] : 0;
      var f = {
        type: type, ix: ix, row: row, cat: catIx, actors: actors, latlng: L.latLng(lat, lon),
        precision: precisions[precIx] ? precisions[precIx][0] : "exact", radiusM: km * 1000,
        focus: !!focusSet[type + ix], shown: false, layer: null, start: null, end: null, px: 0, deaths: 0,
      };
      if (catIx >= 0) cats[catIx].n++;
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

    function colourOf(f) {
      return f.cat >= 0 ? cats[f.cat].colour : "#555555";
    }

    function approxFill(radiusM) {
      // Wide circles stack (many records only know "Tajikistan"): the wider, the fainter.
      return radiusM <= 10000 ? 0.12 : radiusM <= 30000 ? 0.08 : radiusM <= 90000 ? 0.04 : 0;
    }
    function buildLayer(f) {
      var colour = colourOf(f);
      var stroke = dark ? "#111111" : "#ffffff";
      var approx = f.radiusM > 0;
      var pane = f.focus ? "fwFocus" : approx ? "fwApprox" : "fwPoints";
      var common = { renderer: renderers[pane], interactive: false };
      var layer;
      if (f.type === "i") {
        if (approx) {
          layer = L.circle(f.latlng, Object.assign(common, {
            radius: Math.max(f.radiusM, least0), color: colour, weight: 1.5 + Math.min(3, Math.sqrt(f.deaths) / 1.5),
            dashArray: "5 4", fillColor: colour, fillOpacity: approxFill(f.radiusM) * (f.focus ? 1.5 : 1), opacity: 0.9,
          }));
        } else {
          layer = L.circleMarker(f.latlng, Object.assign(common, {
            radius: f.px, color: f.focus ? "#ffeb3b" : stroke, weight: f.focus ? 3 : 1,
            fillColor: colour, fillOpacity: 0.85,
          }));
        }
      } else if (f.type === "a") {
        if (approx) {
          layer = L.circle(f.latlng, Object.assign(common, {
            radius: Math.max(f.radiusM, least0), color: colour, weight: f.focus ? 3 : 2, dashArray: "2 5",
            fillColor: colour, fillOpacity: approxFill(f.radiusM), opacity: 0.95,
          }));
        } else {
          layer = L.circleMarker(f.latlng, Object.assign(common, {
            radius: f.px, color: colour, weight: 3.5, fillColor: stroke, fillOpacity: 1,
          }));
        }
      } else {
        if (approx) {
          layer = L.circle(f.latlng, Object.assign(common, {
            radius: Math.max(f.radiusM, least0), color: colour, weight: f.focus ? 2.5 : 1, dashArray: "1 4", fill: false, opacity: 0.9,
          }));
        } else {
          layer = L.circleMarker(f.latlng, Object.assign(common, {
            radius: f.px, color: colour, weight: 2, fillColor: stroke, fillOpacity: 1,
          }));
        }
      }
      return layer;
    }

    // --- the view first, so that circles are built at their final size ----------------------------------
    var focusBounds = null;
    // Fit the focus; leave out country-wide circles when anything more precise is in focus.
    var sharp = features.some(function (f) { return f.focus && f.radiusM < 200000; });
    features.forEach(function (f) {
      if (!f.focus || (sharp && f.radiusM >= 200000)) return;
      var b = f.radiusM > 0 ? f.latlng.toBounds(2 * f.radiusM) : L.latLngBounds(f.latlng, f.latlng);
      focusBounds = focusBounds ? focusBounds.extend(b) : b;
    });
    if (mini && focusBounds) {
      map.fitBounds(focusBounds, { padding: [24, 24], maxZoom: 10 });
    } else if (borderBounds) {
      map.fitBounds(borderBounds, { padding: [16, 16] });
    }
    // An uncertainty circle never shrinks below a few pixels: still a circle, never a pin, and findable.
    function leastRadius() {
      return 5 * metresPerPixel(map.getCenter());
    }
    function keepCirclesVisible() {
      var least = leastRadius();
      features.forEach(function (f) {
        if (f.radiusM <= 0) return;
        var r = Math.max(f.radiusM, least);
        if (f.layer.getRadius() !== r) f.layer.setRadius(r);
      });
    }
    var least0 = leastRadius();

    // Draw order: bigger circles first so that smaller ones stay on top; among points, places under actor
    // areas under incidents, and heavier incidents under lighter ones.
    var typeOrder = { p: 0, a: 1, i: 2 };
    features.forEach(function (f) {
      if (f.type === "i") f.px = 4 + Math.min(16, 2.5 * Math.sqrt(f.deaths));
      else f.px = f.type === "a" ? 7 : 4;
    });
    features.sort(function (a, b) {
      return b.radiusM - a.radiusM || typeOrder[a.type] - typeOrder[b.type] || b.px - a.px;
    });
    features.forEach(function (f) { f.layer = buildLayer(f); });
    map.on("zoomend", keepCirclesVisible);

    // Place labels when there are few places.
    var drawnPlaces = features.filter(function (f) { return f.type === "p"; });
    if (drawnPlaces.length <= data.labelLimit) {
      drawnPlaces.forEach(function (f) {
        f.layer.bindTooltip(el("span", null, f.row[P_NAME]), {
          // to the right of the point, so that what is drawn at the point stays visible
          permanent: true, direction: "right", offset: [8, 0],
          className: "fw-label", interactive: false, opacity: 1,
        });
      });
    }

    // --- filters: categories, actors, time -------------------------------------------------------------
    var actorOn = data.actors.map(function () { return true; });
    var noActorOn = true;
    var times = features.filter(function (f) { return f.type === "i"; });
    var tMin = Infinity, tMax = -Infinity;
    times.forEach(function (f) { tMin = Math.min(tMin, f.start); tMax = Math.max(tMax, f.end); });
    var range = { lo: tMin, hi: tMax };
    var borderOn = true;

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
      features.forEach(function (f) {
        var v = visible(f);
        if (v !== f.shown) {
          if (v) f.layer.addTo(map);
          else map.removeLayer(f.layer);
          f.shown = v;
        }
      });
      var showBorder = borderOn && (catIndex.border === undefined || cats[catIndex.border].on);
      borderLayers.forEach(function (l) {
        if (showBorder) l.addTo(map);
        else map.removeLayer(l);
      });
      var s = stats();
      container.setAttribute("data-fw-incidents", String(s.incidents));
      if (timeStatus) timeStatus.textContent = "Showing " + s.incidents + " of " + s.incidentsTotal + " incidents";
    }
    function stats() {
      // Counted from what is on the map now, not from the data.
      var s = { incidents: 0, incidentsTotal: 0, places: 0, areas: 0, border: 0, borderPoints: 0, dark: dark };
      features.forEach(function (f) {
        var on = map.hasLayer(f.layer);
        if (f.type === "i") { s.incidentsTotal++; if (on) s.incidents++; }
        else if (f.type === "p" && on) s.places++;
        else if (f.type === "a" && on) s.areas++;
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
    function hits(latlng, point) {
      var exact = [], approx = [];
      var mpp = metresPerPixel(latlng);
      features.forEach(function (f) {
        if (!f.shown) return;
        if (f.radiusM > 0) {
          // inside the circle, or within a few pixels of a circle drawn too small to aim at
          if (map.distance(latlng, f.latlng) <= Math.max(f.radiusM, 6 * mpp)) approx.push(f);
        } else {
          var d = map.latLngToContainerPoint(f.latlng).distanceTo(point);
          if (d <= f.px + 4) exact.push({ f: f, d: d });
        }
      });
      exact.sort(function (a, b) { return a.d - b.d; });
      approx.sort(function (a, b) { return a.radiusM - b.radiusM || (b.focus ? 1 : 0) - (a.focus ? 1 : 0); });
      var order = { i: 0, a: 1, p: 2 };
      var out = exact.map(function (h) { return h.f; }).concat(approx);
      out.sort(function (a, b) { return (a.radiusM > 0) - (b.radiusM > 0) || order[a.type] - order[b.type]; });
      return out;
    }
    function metresPerPixel(latlng) {
      var p = map.latLngToContainerPoint(latlng);
      return map.distance(latlng, map.containerPointToLatLng(p.add([10, 0]))) / 10;
    }

    function precisionText(f) {
      if (f.radiusM <= 0) return "Exact point";
      return "Approximate (" + f.precision + "): within about " + f.radiusM / 1000 + " km of the point shown";
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
      L.popup({ maxWidth: 320, minWidth: 220, maxHeight: mini ? 180 : 340, autoPanPadding: [12, 12] })
        .setLatLng(found[0].radiusM > 0 ? ev.latlng : found[0].latlng)
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

    // --- controls ---------------------------------------------------------------------------------------
    var api = {
      map: map, data: data, features: features, stats: stats, apply: apply, panel: null,
      timeBounds: [tMin, tMax], setTimeRange: null, drawnAt: null,
    };
    var timeStatus = null;
    fullscreenControl(map);
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
          var open = !mini && map.getSize().x >= 900 && map.getSize().y >= 500;
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

          // Key: symbols, uncertainty circles, honest geography, what is not on the map.
          var key = add(el("fieldset", "fw-section fw-key"), el("legend", null, "How to read the map"));
          var sizes = add(el("div", "fw-sizes"), el("span", null, "Fatalities at a known point:"));
          [0, 5, 25].forEach(function (n) {
            var d = el("span", "fw-size");
            var r = 4 + Math.min(16, 2.5 * Math.sqrt(n));
            d.style.width = d.style.height = 2 * r + "px";
            add(sizes, d, el("span", "fw-size-n", String(n)));
          });
          key.appendChild(sizes);
          var approx = add(el("div", "fw-key-row"), swatch("#777777", "dashed"),
            el("span", null, "Dashed circle: location known only approximately; its radius is the uncertainty (" +
              precisions.filter(function (p) { return p[1] > 0; }).map(function (p) { return p[0] + " " + p[1] + " km"; }).join(", ") +
              "). It is not a point; the more fatalities, the thicker its line."));
          key.appendChild(approx);
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
          add(head, el("strong", "fw-time-title", "Incident dates"), reset);
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
    apply();
    tiles.addTo(map); // after the view is set, so no tiles are fetched for the initial view

    watchScheme(function (value) {
      dark = value;
      document.documentElement.classList.toggle("fw-dark", dark);
      styleOutlines();
      styleBorder();
      var stroke = dark ? "#111111" : "#ffffff";
      features.forEach(function (f) {
        if (f.radiusM > 0) return;
        if (f.type === "i" && !f.focus) f.layer.setStyle({ color: stroke });
        else if (f.type !== "i") f.layer.setStyle({ fillColor: stroke });
      });
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
  function fullscreenControl(map) {
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
        L.DomEvent.on(button, "click", function (ev) {
          L.DomEvent.preventDefault(ev);
          L.DomEvent.stopPropagation(ev);
          if (document.fullscreenElement) {
            document.exitFullscreen();
          } else if (document.fullscreenEnabled && target.requestFullscreen) {
            target.requestFullscreen();
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
