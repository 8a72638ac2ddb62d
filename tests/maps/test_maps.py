"""Maps: the HTML folium writes, the data blob, relative assets, escaping, honest geography.

`map_dataset()` and `hostile_dataset()` are also used by tests/browser/test_maps_browser.py.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import folium
import pytest
import yaml

from frontierwatch.data import loader
from frontierwatch.data.checks import CheckOptions
from frontierwatch.data.dataset import Dataset
from frontierwatch.data.geography import border_length_km, border_line
from frontierwatch.maps import MapOptions, mini_data, mini_document, overview_map, write_map_assets, write_maps
from frontierwatch.maps.assets import CSS_ASSETS, JS_ASSETS
from frontierwatch.maps.layers import BLOB_VERSION, CATEGORIES, LISTED_PRECISIONS, RECORD_KEYS, json_for_html
from frontierwatch.site import urls

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"

# --- datasets shared with the browser tests ------------------------------------------------------------

#: What every text field of the hostile dataset gets appended: HTML, attribute and script injection,
#: template-literal injection, a lone backslash-u, line separators.
HOSTILE = (
    '<script>window.__pwned="script"</script><img src=x onerror="window.__pwned=\'img\'">'
    '${window.__pwned="template"}`+window.__pwned="backtick"+`\\u \\x41\\ \u2028\u2029</script><!--'
)
TEXT_KEYS = {
    "title",
    "name",
    "short_name",
    "summary",
    "notes",
    "aims",
    "description",
    "qualifier",
    "statement",
    "attributed_to",
    "quote",
    "bluf",
    "subtitle",
    "locator",
    "role_text",
}
LIST_TEXT_KEYS = {"aliases"}

_EXTRA_PLACES = {
    "fixture-post": {
        "name": "Fixture Post",
        "kind": "site",
        "country": "TJ",
        "parent": "tajikistan",
        "location": {"lat": 37.6, "lon": 69.3},
        "precision": "exact",
        "sources": [{"source": "fixture-source"}],
    },
    "fixture-unplaced": {
        "name": "Fixture Unplaced Site",
        "kind": "site",
        "country": "TJ",
        "parent": "tajikistan",
        "sources": [{"source": "fixture-source"}],
    },
}


def _incident(title: str, date: str, date_precision: str, place: str, etype: str, sub: str, **extra: Any) -> dict:
    record = {
        "title": title,
        "date": date,
        "date_precision": date_precision,
        "event_type": etype,
        "sub_event_type": sub,
        "place": place,
        "sources": [{"source": "fixture-source"}],
    }
    record.update(extra)
    return record


_EXTRA_INCIDENTS = {
    # An exact point at Fixture Town: the one the browser test clicks.
    "fixture-town-bombing": _incident(
        "Fixture town bombing",
        "2019-05-02",
        "day",
        "fixture-town",
        "Explosions/Remote violence",
        "Suicide bomb",
        actors=[{"actor": "alpha-group", "role": "perpetrator", "attribution": "claimed"}],
        fatalities={"low": 3, "best": 4, "high": 9},
    ),
    "fixture-old-clash": _incident(
        "Fixture old clash", "2008", "year", "fixture-district", "Battles", "Armed clash", summary="Long ago."
    ),
    "fixture-post-built": _incident(
        "Fixture post built",
        "2024-03",
        "month",
        "fixture-post",
        "Strategic developments",
        "Headquarters or base established",
        actors=[{"actor": "beta-state", "role": "perpetrator", "attribution": "confirmed"}],
    ),
    "fixture-unplaced-event": _incident(
        "Fixture event at an unplaced site", "2025-01", "month", "fixture-unplaced", "Protests", "Peaceful protest"
    ),
    "fixture-country-event": _incident(
        "Fixture country-wide event",
        "2023",
        "year",
        "tajikistan",
        "Violence against civilians",
        "Attack",
        location={"lat": 38.8, "lon": 71.2},
        precision="country",
        event_count={"low": 3, "qualifier": "at least three"},
    ),
}


def map_dataset(out: Path) -> Path:
    """The minimal fixture plus incidents that exercise the map: exact, approximate, unplaced, spanning years."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(MINIMAL, out)
    beta = yaml.safe_load((out / "actors" / "beta-state.yaml").read_text(encoding="utf-8"))
    beta["country"] = "TJ"  # a Tajik state actor, for the military posts layer
    (out / "actors" / "beta-state.yaml").write_text(yaml.safe_dump(beta, allow_unicode=True), encoding="utf-8")
    for pid, record in _EXTRA_PLACES.items():
        (out / "places" / f"{pid}.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    for iid, record in _EXTRA_INCIDENTS.items():
        (out / "incidents" / f"{iid}.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    return out


def _poison(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: _poison(v, k) for k, v in value.items()}
    if isinstance(value, list):
        if key in LIST_TEXT_KEYS:
            return [f"{v} {HOSTILE}" for v in value] + [HOSTILE]
        return [_poison(v) for v in value]
    if isinstance(value, str) and key in TEXT_KEYS:
        return f"{value} {HOSTILE}"
    return value


def hostile_dataset(out: Path) -> Path:
    """map_dataset() with HOSTILE appended to every free-text field (names, titles, summaries...)."""
    map_dataset(out)
    for path in sorted(out.rglob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(_poison(record), allow_unicode=True), encoding="utf-8")
    return out


def load_hostile(out: Path) -> Dataset:
    return loader.load(hostile_dataset(out), CheckOptions(reject_markup=False))


def located_incidents(ds: Dataset) -> list[str]:
    return [i.id for i in ds.incidents.values() if ds.point_of(i) is not None]


def drawn_incidents(ds: Dataset) -> list[str]:
    """Located incidents that the map draws: those known to better than a region (the rest are listed)."""
    out = []
    for i in ds.incidents.values():
        located = ds.point_of(i)
        if located is not None and located[1] not in LISTED_PRECISIONS:
            out.append(i.id)
    return out


def blob_of(page: str) -> dict[str, Any]:
    """The data blob of a map page, read the way the browser reads it."""
    match = re.search(r'<script type="application/json" id="fw-data-[0-9a-f]+">(.*?)</script>', page, re.S)
    assert match, "no data blob in the map page"
    return json.loads(match.group(1))


def mini_blob_of(ds: Dataset, record: Any) -> dict[str, Any] | None:
    """A record's mini map blob as the browser puts it together: the shared document's blob, and the record's part
    that its page sends (None: the record has no map)."""
    part = mini_data(ds, record)
    if part is None:
        return None
    shared = blob_of(mini_document(ds))
    assert not set(shared) & set(RECORD_KEYS), "the shared document carries no record's rows"
    assert set(part) == {"v", *RECORD_KEYS} and part["v"] == shared["v"] == BLOB_VERSION
    return shared | part


# --- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ds(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return loader.load(map_dataset(tmp_path_factory.mktemp("mapdata") / "data"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return load_hostile(tmp_path_factory.mktemp("hostile") / "data")


# --- assets -----------------------------------------------------------------------------------------------


def test_write_map_assets_copies_leaflet_and_own_files(tmp_path: Path) -> None:
    write_map_assets(tmp_path)
    base = tmp_path / urls.ASSETS_DIR
    for name in ("leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/images/layers.png", "fw-map.js", "fw-map.css"):
        assert (base / name).stat().st_size > 0, name
    assert "Leaflet" in (base / "leaflet/leaflet.js").read_text(encoding="utf-8")[:400]
    geo = (base / "fw-geo.js").read_text(encoding="utf-8")
    collection = json.loads(geo.split("window.FW_GEO = ", 1)[1].rstrip().rstrip(";"))
    border = [f for f in collection["features"] if f["properties"].get("kind") == "border"]
    assert len(border) == 1
    assert len(border[0]["geometry"]["coordinates"]) == len(border_line()["coordinates"])
    # Our own script loads nothing from anywhere.
    script = (base / "fw-map.js").read_text(encoding="utf-8")
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", script)
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "eval(" not in script


def _asset_refs(page: str) -> list[str]:
    return re.findall(r'<script[^>]+src="([^"]+)"', page) + re.findall(r'<link[^>]+href="([^"]+)"', page)


@pytest.mark.parametrize("map_file", ["maps/overview.html", "maps/mini.html", "x/y/z/deep.html"])
def test_assets_are_relative_and_resolve(tmp_path: Path, ds: Dataset, map_file: str) -> None:
    write_map_assets(tmp_path)
    options = MapOptions(map_file=map_file)
    page = overview_map(ds, options) if map_file.endswith("overview.html") else mini_document(ds, options)
    refs = _asset_refs(page)
    assert len(refs) == len(JS_ASSETS) + len(CSS_ASSETS)
    page_dir = (tmp_path / map_file).parent
    for ref in refs:
        assert not re.match(r"^([a-z]+:|/)", ref), f"not relative: {ref}"
        assert (page_dir / ref).resolve().is_file(), f"{ref} does not resolve from {map_file}"


def test_no_third_party_url_but_the_tiles(ds: Dataset) -> None:
    options = MapOptions(tile_url="https://tiles.example.net/{z}/{x}/{y}.png", tile_attribution="Example tiles")
    pages = [overview_map(ds, options), mini_document(ds, options)]
    for page in pages:
        found = set(re.findall(r"https?://[^\s\"'<>\\]+", page))
        assert found == {"https://tiles.example.net/{z}/{x}/{y}.png"}, found
        assert "cdn" not in page.lower() and "bootstrap" not in page.lower() and "jquery" not in page.lower()
    default = overview_map(ds)
    assert set(re.findall(r"https?://[^\s\"'<>\\]+", default)) == {
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "https://www.openstreetmap.org/copyright",  # in the attribution, not a request
    }
    attribution = blob_of(default)["tiles"]["attribution"]  # its link leaves without opener or referrer
    assert attribution == MapOptions().tile_attribution.replace('">', '" rel="noopener noreferrer">', 1)


def test_folium_classes_not_mutated(ds: Dataset) -> None:
    before_js, before_css = list(folium.Map.default_js), list(folium.Map.default_css)
    overview_map(ds)
    assert folium.Map.default_js == before_js and folium.Map.default_css == before_css
    assert "default_js" not in folium.Map.__dict__ or folium.Map.default_js[0][1].startswith("https://")


# --- the blob ---------------------------------------------------------------------------------------------


def test_overview_counts(ds: Dataset) -> None:
    blob = blob_of(overview_map(ds))
    ids = [row[0] for row in blob["incidents"]]
    assert sorted(ids) == sorted(located_incidents(ds))
    assert "fixture-unplaced-event" not in ids
    assert blob["unlocated"]["incidents"] == ["Fixture event at an unplaced site"]
    assert blob["unlocated"]["places"] == ["Fixture Unplaced Site"]
    drawn = sorted(row[0] for row in blob["places"] if row[8])
    assert drawn == ["fixture-district", "fixture-post", "fixture-town"]  # countries are outlines, not points
    assert len(blob["areas"]) == 1  # Alpha Group's camp
    assert {row[0] for row in blob["actors"]} == {"alpha-group", "beta-state"}


def test_categories_and_styles(ds: Dataset) -> None:
    blob = blob_of(overview_map(ds))
    cats = [c[0] for c in blob["cats"]]
    by_id = {row[0]: row for row in blob["incidents"]}
    assert cats[by_id["fixture-post-built"][12]] == "tj-military"  # Tajik state sets up a post
    assert cats[by_id["fixture-clash"][12]] == "event:Battles"
    places = {row[0]: row for row in blob["places"]}
    assert cats[places["fixture-post"][7]] == "tj-military"  # a site in Tajikistan
    assert cats[blob["areas"][0][5]] == "area:camp"
    precisions = [p[0] for p in blob["precisions"]]
    assert precisions[by_id["fixture-clash"][9]] == "district"  # from its place
    assert precisions[by_id["fixture-town-bombing"][9]] == "exact"
    assert precisions[by_id["fixture-country-event"][9]] == "country"
    assert by_id["fixture-town-bombing"][10] == [3, 4, 9]
    assert by_id["fixture-country-event"][13] == "at least three"
    assert dict(blob["precisions"])["district"] == 25.0
    assert {c.key for c in CATEGORIES} >= {"border", "tj-military", "area:camp", "area:base"}


def test_links_are_relative_to_the_map_file(ds: Dataset) -> None:
    over = blob_of(overview_map(ds))
    assert over["links"] == {"incidents": "../incidents/", "places": "../places/", "actors": "../actors/"}
    assert over["overview"] is None
    mini = blob_of(mini_document(ds, MapOptions(map_file="maps/deeper/mini.html")))
    assert mini["links"]["incidents"] == "../../incidents/"
    assert mini["overview"] == "../../map/"
    # default options put the mini map document where urls.mini_map_file says
    default = blob_of(mini_document(ds))
    assert urls.mini_map_file() == "maps/mini.html"
    assert default["links"]["places"] == "../places/" and default["overview"] == "../map/"


def test_the_mini_map_document_is_the_same_for_every_record(ds: Dataset, hostile: Dataset) -> None:
    """One document: what it shows of a record comes from the record's page (mini_data); no record's rows in it."""
    shared = blob_of(mini_document(ds))
    assert shared["mode"] == "mini" and not set(shared) & set(RECORD_KEYS)
    assert {"tiles", "links", "cats", "eventTypes", "subEvents", "precisions", "note"} <= set(shared)
    # No record reaches it: not a name, not an id, however hostile the data.
    for data in (ds, hostile):
        page = mini_document(data)
        assert "__pwned" not in page and "<title>Map</title>" in page
        assert not [rid for rid in data.by_id if f'"{rid}"' in page]
        assert blob_of(page) | {"note": ""} == shared | {"note": ""}  # only the briefing's border note may differ


def test_mini_maps(ds: Dataset) -> None:
    clash = mini_blob_of(ds, ds.incidents["fixture-clash"])
    assert clash is not None and clash["mode"] == "mini" and [r[0] for r in clash["incidents"]] == ["fixture-clash"]
    assert clash["focus"] == [["i", 0]] and clash["title"] == ds.incidents["fixture-clash"].title
    town = mini_blob_of(ds, ds.places["fixture-town"])
    assert town is not None and [r[0] for r in town["incidents"]] == ["fixture-town-bombing"]
    alpha = mini_blob_of(ds, ds.actors["alpha-group"])
    assert alpha is not None
    assert sorted(r[0] for r in alpha["incidents"]) == ["fixture-clash", "fixture-town-bombing"]
    assert len(alpha["areas"]) == 1 and ["a", 0] in alpha["focus"]
    person = mini_blob_of(ds, ds.people["person-two"])
    assert person is not None
    assert person["focus"] and person["places"][person["focus"][0][1]][0] == "fixture-town"
    # No location, no map.
    assert mini_data(ds, ds.incidents["fixture-unplaced-event"]) is None
    assert mini_data(ds, ds.places["fixture-unplaced"]) is None
    assert mini_data(ds, ds.places["afghanistan"]) is None
    assert mini_data(ds, ds.people["person-one"]) is None
    assert mini_data(ds, ds.actors["beta-state"]) is not None  # through its incidents
    assert mini_data(ds, ds.sources["fixture-source"]) is None


def test_honest_border_note(ds: Dataset) -> None:
    drawn = f"{border_length_km():,.0f} km"
    assert drawn == "1,172 km"
    note = blob_of(overview_map(ds))["note"]
    assert drawn in note and "1,357" not in note  # the fixture briefing states no length
    real = loader.load(ROOT / "data")
    real_note = blob_of(overview_map(real))["note"]
    assert drawn in real_note and "1,357 km" in real_note


def test_write_maps_writes_the_overview_and_the_one_mini_map(tmp_path: Path, ds: Dataset) -> None:
    written = write_maps(ds, tmp_path)
    assert written == ["maps/overview.html", "maps/mini.html"]
    assert all((tmp_path / p).is_file() for p in written)
    assert sorted(p.name for p in (tmp_path / "maps").iterdir()) == ["mini.html", "overview.html"]


# --- escaping ---------------------------------------------------------------------------------------------


def test_json_for_html_round_trips_and_cannot_close_the_script() -> None:
    value = {"t": HOSTILE, "u": "\\u", "n": "</SCRIPT ><!-- -->&amp;"}
    text = json_for_html(value)
    assert json.loads(text) == value
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text


def _inline_scripts(page: str) -> list[str]:
    return re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", page, re.S)


def test_hostile_strings_only_inside_the_json_blob(hostile: Dataset) -> None:
    page = overview_map(hostile)
    # The page has exactly the tags we wrote: the payload added none.
    assert page.count("<script") == len(JS_ASSETS) + 3  # asset links, globals, the blob, the map script
    assert page.count("</script>") == page.count("<script")
    assert "<img" not in page and "<!--" not in page
    # Outside the blob and the (escaped) title, no fragment of the payload appears at all.
    blob_match = re.search(r'(<script type="application/json"[^>]*>)(.*?)</script>', page, re.S)
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert blob_match and title
    outside = page.replace(blob_match.group(2), "").replace(title.group(1), "")
    for fragment in ("__pwned", "onerror", "${", "`", "\u2028", "\\u ", "\\x41"):
        assert fragment not in outside, fragment
    for script in _inline_scripts(page):
        assert "__pwned" not in script
    # The title is HTML-escaped; the data survive intact inside the blob.
    assert "<script" not in title.group(1) and "&lt;script&gt;" in title.group(1)
    assert html.unescape(title.group(1)).endswith(HOSTILE)
    blob = blob_of(page)
    texts = json.dumps(blob, ensure_ascii=False)
    assert HOSTILE.replace("\\", "\\\\").replace('"', '\\"') in texts
    names = [row[1] for row in blob["actors"]]
    assert "Alpha Group " + HOSTILE in names
    assert any(row[1].endswith(HOSTILE) for row in blob["incidents"])


@pytest.mark.parametrize("kind", ["incident", "place", "actor"])
def test_hostile_strings_survive_in_a_records_map_data(hostile: Dataset, kind: str) -> None:
    """A record's part of its mini map carries the hostile names as data (the page escapes it: test_fragments)."""
    record = {
        "incident": hostile.incidents["fixture-town-bombing"],
        "place": hostile.places["fixture-town"],
        "actor": hostile.actors["alpha-group"],
    }[kind]
    blob = mini_blob_of(hostile, record)
    assert blob is not None and blob["title"] == record.label and blob["title"].endswith(HOSTILE)
    if kind == "actor":
        assert "Alpha Group " + HOSTILE in [row[1] for row in blob["actors"]]
        assert any(row[1].endswith(HOSTILE) for row in blob["incidents"])


def test_real_data_maps_build(tmp_path: Path) -> None:
    real = loader.load(ROOT / "data")
    write_maps(real, tmp_path)
    blob = blob_of((tmp_path / "maps/overview.html").read_text(encoding="utf-8"))
    assert len(blob["incidents"]) == len(located_incidents(real))
    for incident in real.incidents.values():
        assert (mini_data(real, incident) is not None) == (real.point_of(incident) is not None)


def test_map_options_contract() -> None:
    """The names and defaults the site plugin relies on."""
    options = MapOptions()
    assert options.tile_url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap" in options.tile_attribution and "copyright" in options.tile_attribution
    assert options.map_file == urls.map_file() == "maps/overview.html"
    assert options.overview_page == "map/"


def test_an_incidents_rows_follow_its_dataset(ds: Dataset, tmp_path: Path) -> None:
    """Each dataset's incident rows are its own (serve loads a new dataset at each edit), and an incident's row on
    another record's map is the same but for that map's indexes."""
    alpha, clash = ds.actors["alpha-group"], ds.incidents["fixture-clash"]
    before = mini_data(ds, alpha)
    assert before is not None
    data = map_dataset(tmp_path / "data")
    path = data / "incidents" / "fixture-clash.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(f"title: {clash.title}", "title: Edited clash"), "utf-8")
    after = mini_data(loader.load(data), alpha)
    assert after is not None
    assert {r[0]: r[1] for r in after["incidents"]}[clash.id] == "Edited clash"
    assert {r[0]: r[1] for r in before["incidents"]}[clash.id] == clash.title
    assert mini_data(ds, alpha) == before  # the first dataset's rows again
    on_own_map = mini_data(ds, clash)
    assert on_own_map is not None
    own, on_actors = on_own_map["incidents"][0], next(r for r in before["incidents"] if r[0] == clash.id)
    assert own[:6] == on_actors[:6] and own[7:11] == on_actors[7:11] and own[12:] == on_actors[12:]
    assert on_own_map["places"][own[6]][0] == before["places"][on_actors[6]][0] == clash.place
    assert [before["actors"][a[0]][0] for a in on_actors[11]] == [a.actor for a in clash.actors]


def test_folium_is_imported_only_by_a_process_that_draws_a_map(ds: Dataset) -> None:
    """Folium (with pandas, when installed) costs the build's own process and the record page workers about 0.4 s
    of start-up: only drawing a map imports it."""
    import subprocess
    import sys

    code = (
        "import sys; import frontierwatch.site.plugin, frontierwatch.site.record_pages, frontierwatch.maps; "
        "print(sorted(m for m in ('folium', 'branca') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]"
    assert "leaflet" in overview_map(ds)  # and drawing a map imports it
