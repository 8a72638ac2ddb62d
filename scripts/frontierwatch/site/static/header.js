/* Frontier Watch: the header's colour-scheme switch and search box, and the configuration of the theme's bundle.
 *
 * Material for MkDocs writes all three into every page: about 3.4 KB of each, the same in every one, and none of
 * them works without JavaScript (the switch's buttons are hidden until the bundle shows them; search runs in a
 * worker). Each page loads this one file instead, synchronously, where the switch was (site/mkdocs_adapter/
 * theme_markup.py `HeaderControls`): it writes the switch before itself and the search box after itself, as
 * Material wrote them, before the state script that follows restores the reader's scheme from the switch, and
 * before the bundle at the end of the page mounts them and reads its configuration.
 *
 * The markup and the configuration below are the ones the theme rendered in this build. Their addresses are
 * resolved from this file's own: the site's root is two folders above it (assets/frontierwatch/header.js), and
 * the icons are beside it. One answer for a page at any depth.
 */
(function () {
  var parts = /*HEADER_PARTS*/null;
  var here = document.currentScript;
  if (!parts || !here) return;
  var root = new URL("../..", here.src);
  var icons = new URL("icons.svg", here.src).href;
  function markup(text) { return text.split("@icons@").join(icons); }
  here.insertAdjacentHTML("beforebegin", markup(parts.before));
  here.insertAdjacentHTML("afterend", markup(parts.after));
  var config = parts.config;
  config.base = root.href;
  if (parts.search !== null) config.search = new URL(parts.search, root).href;
  var element = document.createElement("script");
  element.type = "application/json";
  element.id = "__config";
  element.textContent = JSON.stringify(config);
  document.head.appendChild(element);
})();
