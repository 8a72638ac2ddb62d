/* Frontier Watch: what Material for MkDocs keeps in the reader's browser, and the colour scheme the reader chose.
 *
 * Material writes two inline scripts into every page: in <head>, the helpers its bundle uses to keep state in the
 * browser's storage (`__md_scope`, `__md_hash`, `__md_get`, `__md_set`); after the palette switch in the header,
 * the scheme the reader chose, set on <body> before anything below it is drawn. Together about 1.3 KB of every
 * page, the same in each. The site loads this one file instead, synchronously, where the palette script was
 * (site/mkdocs_adapter/theme_markup.py `share_state_script`): the helpers exist before the bundle, and the scheme
 * is set before the content is drawn, so no page flashes in the other scheme. Same helpers, same storage keys,
 * same behaviour.
 *
 * The scope is the site's root, found from this file's own address (assets/frontierwatch/theme-state.js, two
 * folders down), not from the page's: one answer for a page at any depth and for the 404 page at any address.
 */
var __md_scope = new URL("../..", document.currentScript.src);

/* A number for a text (Material compares the announcement it hid with the current one by it). */
function __md_hash(text) {
  return Array.from(text).reduce(function (hash, ch) { return (hash << 5) - hash + ch.charCodeAt(0); }, 0);
}

/* The value kept under `key` for this site (null if none); `storage` and `base` as Material's own helper. */
function __md_get(key, storage, base) {
  storage = storage === undefined ? localStorage : storage;
  base = base === undefined ? __md_scope : base;
  return JSON.parse(storage.getItem(base.pathname + "." + key));
}

/* Keep `value` under `key` for this site; a browser that refuses (private mode, full storage) keeps nothing. */
function __md_set(key, value, storage, base) {
  try {
    storage = storage === undefined ? localStorage : storage;
    base = base === undefined ? __md_scope : base;
    storage.setItem(base.pathname + "." + key, JSON.stringify(value));
  } catch (e) { /* nothing kept */ }
}

/* The scheme the reader chose, on <body> at once. "Follow the system" is resolved to the option of the palette
 * switch (just above this script) for the system's current preference. */
(function () {
  var palette = __md_get("__palette");
  if (!palette || !palette.color || !document.body) return;
  var color = palette.color;
  if (color.media === "(prefers-color-scheme)") {
    var light = matchMedia("(prefers-color-scheme: light)").matches;
    var input = document.querySelector(light
      ? "[data-md-color-media='(prefers-color-scheme: light)']"
      : "[data-md-color-media='(prefers-color-scheme: dark)']");
    ["media", "scheme", "primary", "accent"].forEach(function (name) {
      color[name] = input.getAttribute("data-md-color-" + name);
    });
  }
  Object.keys(color).forEach(function (name) { document.body.setAttribute("data-md-color-" + name, color[name]); });
})();
