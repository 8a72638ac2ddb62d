"""The sandbox of the `<iframe>` a page embeds a map with (site/fragments.py writes the frame): decided here only.

A map document is a different origin from its page: the sandbox has no `allow-same-origin`, so script in a
map (folium's, Leaflet's, ours, or anything a hostile record might smuggle in) can read or change neither the
page's DOM nor its storage. What a map still needs is granted one by one:

- `allow-scripts`: Leaflet draws the map;
- `allow-popups` and `allow-popups-to-escape-sandbox`: attribution links open in a new tab, and the overview's
  "Full screen" opens the map on its own where the frame may not go fullscreen, as an ordinary page (a mini map
  asks its page to show the frame over the window instead: the shared mini map document alone shows no record);
- `allow-top-navigation-by-user-activation`: a popup's record link (`target="_top"`) opens the record page in
  place of the embedding page, only when the reader clicks it.

The page tells its maps the colour scheme, and hands a record page's mini map its record's data (which the page
carries on the frame), by `postMessage` (`docs/assets/javascripts/frontierwatch.js` and `maps/static/fw-map.js`;
both check who sent a message and what it holds: the map hears only its parent, served by its own site).
"""

from __future__ import annotations

SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"
