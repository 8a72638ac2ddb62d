"""The first release carries every number, date and count the source article gives, and cites it properly.

The article (`../shared/source/article.txt`, recorded as `data/sources/article-tajik-frontier-2025.yaml`)
is the only source of the first content. Each test below names one figure from the article and checks
that it sits in the structured field meant for it (a founding year in `founded`, a death toll in
`fatalities.breakdown`, a counted-only figure in `event_count`), not just somewhere in the text.
`test_every_number_in_the_article_is_listed` keeps the list honest: every digit group in the article
must be one this module checks.

Records are read with plain `yaml.safe_load`, independent of the frontierwatch loader, so a bug in the
loader cannot hide a missing fact.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
#: The article sits beside the checkout (../shared/source/article.txt); a worktree elsewhere names it with
#: FRONTIERWATCH_ARTICLE so the checks that need its text run instead of skipping.
ARTICLE = Path(os.environ.get("FRONTIERWATCH_ARTICLE") or ROOT.parent / "shared" / "source" / "article.txt")
SOURCE_ID = "article-tajik-frontier-2025"
COLLECTIONS = ("sources", "actors", "people", "places", "incidents", "claims", "relationships", "judgements")

#: The article's section headings; the untitled opening is called "Introduction".
HEADINGS = (
    "Introduction",
    "A sensitive border and rising militancy",
    "Terrorism as a tool of coercive diplomacy",
    "Presence of multiple transnational terror networks",
    "Profile of Tehrik-e-Taliban Tajikistan (TTT)",
    "Expansion and militarization since 2021",
    "Rising cross-border incursions in 2025",
    "A growing regional threat",
)


# --- loading ----------------------------------------------------------------------------------------
@cache
def records() -> dict[str, dict[str, dict[str, Any]]]:
    """{collection: {id: record}} straight from the YAML files."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for collection in COLLECTIONS:
        out[collection] = {
            path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted((DATA / collection).glob("*.yaml"))
        }
    return out


@cache
def briefing() -> dict[str, Any]:
    return yaml.safe_load((DATA / "briefing.yaml").read_text(encoding="utf-8"))


def rec(collection: str, rid: str) -> dict[str, Any]:
    found = records()[collection].get(rid)
    assert found is not None, f"missing record data/{collection}/{rid}.yaml"
    return found


def d(value: Any) -> str:
    """A YAML date (int year, 'YYYY-MM' string or datetime.date) as the string editors type."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def incidents_where(**want: Any) -> list[tuple[str, dict[str, Any]]]:
    """Incidents whose fields equal `want` (dates compared as strings)."""
    hits = []
    for rid, r in records()["incidents"].items():
        if all((d(r.get(k)) if k in ("date", "date_end") else r.get(k)) == v for k, v in want.items()):
            hits.append((rid, r))
    return hits


def text_of(r: dict[str, Any]) -> str:
    return " ".join(str(r.get(k, "")) for k in ("title", "statement", "summary", "name", "qualifier"))


def stated(value_fragment: str) -> dict[str, Any]:
    for fig in briefing().get("stated_figures", []):
        if value_fragment in fig["value"]:
            return fig
    raise AssertionError(f"no stated figure with value containing {value_fragment!r} in data/briefing.yaml")


TTT = "tehrik-e-taliban-tajikistan"


def ttt() -> dict[str, Any]:
    return rec("actors", TTT)


# --- every record cites the article ------------------------------------------------------------------
def _source_lists(node: Any, path: str = "") -> list[tuple[str, list[dict[str, Any]]]]:
    """Every `sources:` list anywhere in a record, with where it sits."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sources" and isinstance(value, list):
                found.append((f"{path}.sources".lstrip("."), value))
            else:
                found.extend(_source_lists(value, f"{path}.{key}"))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found.extend(_source_lists(item, f"{path}[{i}]"))
    return found


def all_record_ids() -> list[tuple[str, str]]:
    return [(c, rid) for c in COLLECTIONS if c != "sources" for rid in records()[c]]


def test_there_are_records_in_every_collection() -> None:
    for collection in COLLECTIONS:
        assert records()[collection], f"data/{collection}/ is empty"


@pytest.mark.parametrize(("collection", "rid"), all_record_ids(), ids=lambda v: str(v))
def test_record_cites_the_article_with_a_heading(collection: str, rid: str) -> None:
    r = rec(collection, rid)
    top = r.get("sources") or []
    assert any(s.get("source") == SOURCE_ID for s in top), f"{collection}/{rid} does not cite {SOURCE_ID}"
    for where, refs in _source_lists(r):
        for ref in refs:
            assert ref.get("source") == SOURCE_ID, f"{collection}/{rid} {where}: unknown source {ref.get('source')!r}"
            locator = (ref.get("locator") or "").strip()
            assert locator, f"{collection}/{rid} {where}: empty locator"
            assert locator in HEADINGS, f"{collection}/{rid} {where}: locator {locator!r} is not a heading"


def test_briefing_figures_cite_the_article_with_a_heading() -> None:
    for fig in briefing()["stated_figures"]:
        assert fig["source"]["source"] == SOURCE_ID
        assert fig["source"]["locator"] in HEADINGS


def article_text() -> str:
    if not ARTICLE.exists():
        pytest.skip(f"the source article is not at {ARTICLE}")
    return ARTICLE.read_text(encoding="utf-8")


def test_headings_are_the_articles() -> None:
    lines = {line.strip() for line in article_text().splitlines()}
    for heading in HEADINGS[1:]:
        assert heading in lines, f"{heading!r} is not a heading of the article"


def test_every_yaml_file_points_to_its_schema() -> None:
    for collection in COLLECTIONS:
        for path in (DATA / collection).glob("*.yaml"):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            assert first == f"# yaml-language-server: $schema=../schema/{collection}.schema.json", path
    first = (DATA / "briefing.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=schema/briefing.schema.json"


# --- the source and the briefing ----------------------------------------------------------------------
def test_source_is_the_unattributed_article() -> None:
    s = rec("sources", SOURCE_ID)
    assert d(s["published"]) == "2025-12"
    assert s["reliability"] in ("D", "E", "F")
    for unknown in ("publisher", "author", "url"):
        assert unknown not in s, f"the article gives no {unknown}"
    assert s.get("notes")


def test_cut_off_is_end_of_december_2025() -> None:
    assert d(briefing()["cut_off"]) == "2025-12-31"


# --- "A sensitive border and rising militancy" ------------------------------------------------------
def test_border_length_1357_km() -> None:
    assert stated("1,357")["value"] == "1,357 km"


def test_tajiks_27_percent_of_afghanistan() -> None:
    assert "27 percent" in stated("27")["value"]


def test_border_rivers_amu_panj_and_pamir() -> None:
    assert rec("places", "amu-darya-panj")["kind"] == "river"
    assert "Panj" in rec("places", "amu-darya-panj")["aliases"]
    assert rec("places", "pamir-river")["kind"] == "river"


def test_taliban_return_to_power_august_2021() -> None:
    assert incidents_where(date="2021-08", date_precision="month", place="afghanistan")


def test_mutual_accusations_since_2021() -> None:
    r = rec("relationships", "tajikistan-accuses-afghan-taliban")
    assert (r["type"], d(r["from_date"])) == ("accuses", "2021")
    assert rec("relationships", "afghan-taliban-accuses-tajikistan")["type"] == "accuses"


# --- "Introduction": the opening clash -----------------------------------------------------------------
def test_opening_clash_two_security_personnel_and_three_militants() -> None:
    r = rec("incidents", "ttt-infiltration-clash-2025")
    assert (r["event_type"], r["sub_event_type"]) == ("Battles", "Armed clash")
    deaths = {c["party"]: c["count"] for c in r["fatalities"]["breakdown"]}
    assert deaths == {"government-of-tajikistan": 2, TTT: 3}
    assert r["fatalities"]["best"] == 5
    # The article gives no date: only a coarse one may be recorded, never a day.
    assert r["date_precision"] in ("year", "month")


def test_retaliation_announced_by_rahmon() -> None:
    r = rec("incidents", "rahmon-announces-retaliation-2025")
    assert any(a["actor"] == "government-of-tajikistan" for a in r["actors"])
    assert rec("people", "emomali-rahmon")["roles"][0]["role"] == "President"


def test_sponsorship_since_2021_is_alleged() -> None:
    r = rec("relationships", "afghan-taliban-sponsors-ttt")
    assert (r["status"], d(r["from_date"])) == ("alleged", "2021")


# --- "Terrorism as a tool of coercive diplomacy" -------------------------------------------------------
def test_five_border_districts() -> None:
    districts = ("kuf-ab", "khwahan", "maimai", "nusai", "shekay")
    for pid in districts:
        p = rec("places", pid)
        assert (p["kind"], p["parent"], p["borders_tajikistan"]) == ("district", "badakhshan", True)
    based = {a["place"] for a in ttt()["areas"] if a["role"] == "base"}
    assert set(districts) <= based


def test_camps_in_badakhshan_and_takhar_since_2021() -> None:
    camps = {(a["place"], d(a.get("from"))) for a in ttt()["areas"] if a["role"] == "camp"}
    assert {("badakhshan", "2021"), ("takhar", "2021")} <= camps


def test_teach_tajikistan_a_lesson_quote() -> None:
    assert rec("claims", "aim-to-teach-tajikistan-a-lesson")["quote"] == "teach Tajikistan a lesson"


# --- "Profile of Tehrik-e-Taliban Tajikistan (TTT)" --------------------------------------------------
def test_ttt_founded_2006_by_tabarov() -> None:
    assert d(ttt()["founded"]) == "2006"
    assert ttt()["founders"] == ["amriddin-tabarov"]
    assert incidents_where(date="2006", date_precision="year")
    assert "Mullah Amriddin" in rec("people", "amriddin-tabarov")["aliases"]


def test_ttt_names() -> None:
    assert ttt()["short_name"] == "TTT"
    assert "Jamaat Ansarullah" in ttt()["aliases"]


def test_khujand_bombing_2010_claimed() -> None:
    [(rid, r)] = incidents_where(date="2010", place="khujand")
    assert (r["event_type"], r["sub_event_type"]) == ("Explosions/Remote violence", "Suicide bomb")
    assert {"actor": TTT, "role": "perpetrator", "attribution": "claimed"} in r["actors"]
    assert rec("claims", "ttt-claimed-khujand-bombing-2010")["subjects"][-1] == rid


def test_tabarov_killed_2016() -> None:
    p = rec("people", "amriddin-tabarov")
    assert (p["status"], d(p["died"])) == ("dead", "2016")
    # Killed in 2016, but the article does not say how long he led the group: no end date for his leadership.
    leaders = {x["person"]: x for x in ttt()["leaders"]}
    assert d(leaders["amriddin-tabarov"]["from"]) == "2006" and "to" not in leaders["amriddin-tabarov"]
    assert incidents_where(date="2016", date_precision="year")


def test_mehdi_arslan_joined_taliban_2015_and_was_tasked_2021() -> None:
    p = rec("people", "mehdi-arslan")
    assert p["real_name"] == "Muhammad Sharifov"
    assert p["nationality"] == "TJ"
    roles = {(r["actor"], d(r.get("from"))) for r in p["roles"]}
    assert ("afghan-taliban", "2015") in roles
    assert (TTT, "2021") in roles
    assert any(x["person"] == "mehdi-arslan" for x in ttt()["leaders"])


def test_mehdi_arslan_near_fayzabad() -> None:
    loc = rec("people", "mehdi-arslan")["last_known_location"]
    assert (loc["place"], loc["precision"]) == ("fayzabad", "near")
    assert rec("places", "fayzabad")["parent"] == "badakhshan"


def test_rebranded_june_2023() -> None:
    assert [(d(c["date"]), c["name"]) for c in ttt()["name_changes"]] == [("2023-06", "Tehrik-e-Taliban Tajikistan")]
    assert incidents_where(date="2023-06", date_precision="month")


def test_abdullah_uzbeki() -> None:
    actors = {r["actor"] for r in rec("people", "abdullah-uzbeki")["roles"]}
    assert actors == {"islamic-state-khorasan-province", "isis-uzbekistan"}


# --- "Expansion and militarization since 2021" --------------------------------------------------------
def test_relocated_inland_2023_2024() -> None:
    [(_, r)] = incidents_where(date="2023", date_end="2024")
    assert r["date_precision"] == "year"


def test_size_500_in_2021_and_nearly_2000_today() -> None:
    sizes = {d(s["as_of"]): s["fighters"] for s in ttt()["size"]}
    assert sizes["2021"]["best"] == 500
    latest = max(sizes)
    assert latest.startswith("2025") and sizes[latest]["best"] == 2000


def test_recruitment_regions() -> None:
    recruiting = {a["place"] for a in ttt()["areas"] if a["role"] == "recruitment"}
    assert {"sughd", "khatlon", "rasht-valley"} <= recruiting


def test_18_commanders_given_passports() -> None:
    assert "18 TTT commanders" in rec("claims", "confirmed-intelligence-passports-and-salaries")["statement"]
    assert stated("18")["value"] == "18"


# --- "Rising cross-border incursions in 2025" ---------------------------------------------------------
def test_more_than_10_incidents_first_half_2025_kept_as_a_count() -> None:
    [(_, r)] = incidents_where(date="2025-01", date_end="2025-06")
    assert r["event_count"] == {"low": 11, "qualifier": "more than 10"}


def test_at_least_three_incursions_in_december() -> None:
    hits = [r for _, r in incidents_where(date="2025-12", date_precision="month") if r.get("event_count")]
    assert [r["event_count"]["low"] for r in hits] == [3]
    assert "at least three" in hits[0]["event_count"]["qualifier"]


def test_24_december_incursion_in_shamsiddin_shohin() -> None:
    assert incidents_where(date="2025-12-24", place="shamsiddin-shohin", date_precision="day")
    assert rec("places", "shamsiddin-shohin")["country"] == "TJ"


def test_third_attack_of_the_month() -> None:
    c = rec("claims", "scns-calls-24-december-third-attack")
    assert "third attack" in c["statement"]
    assert c["attributed_to_actor"] == "state-committee-for-national-security"


def test_80_new_border_posts() -> None:
    assert "80" in rec("incidents", "tajikistan-builds-80-border-posts")["title"]
    assert stated("80")["value"] == "80"


def test_tank_regiment() -> None:
    assert "tank regiment" in rec("incidents", "tajikistan-deploys-tank-regiment")["title"]


def test_24_december_tank_ground_and_four_outposts_in_harb_maidan() -> None:
    [(_, r)] = incidents_where(date="2025-12-24", place="harb-maidan")
    assert "four" in text_of(r) and "tank training ground" in text_of(r)
    assert stated("four")["value"] == "four"
    harb = rec("places", "harb-maidan")
    assert "location" not in harb or harb.get("precision") in ("region", "province", "country")


def test_russian_assistance_denied() -> None:
    c = rec("claims", "tajikistan-sought-russian-help")
    assert (c["status"], c["denied_by"]) == ("denied", ["government-of-tajikistan"])


def test_attacks_on_chinese_nationals_not_split() -> None:
    r = rec("incidents", "attacks-on-chinese-nationals-2025")
    assert r["sub_event_type"] == "Attack" and "event_count" in r


# --- "A growing regional threat" --------------------------------------------------------------------
def test_spokesperson_and_dual_track() -> None:
    assert rec("claims", "tajik-spokesperson-taliban-failing-obligations")["attributed_to_actor"] == (
        "government-of-tajikistan"
    )
    assert rec("claims", "taliban-dual-track-strategy")["status"] == "alleged"


# --- completeness of this list ------------------------------------------------------------------------
#: Every digit group in the article, and the test above that covers it.
NUMBERS_COVERED = {
    "1,357": "test_border_length_1357_km",
    "27": "test_tajiks_27_percent_of_afghanistan",
    "2021": "test_taliban_return_to_power_august_2021 and others",
    "2006": "test_ttt_founded_2006_by_tabarov",
    "2010": "test_khujand_bombing_2010_claimed",
    "2016": "test_tabarov_killed_2016",
    "2015": "test_mehdi_arslan_joined_taliban_2015_and_was_tasked_2021",
    "2023": "test_rebranded_june_2023, test_relocated_inland_2023_2024",
    "2024": "test_relocated_inland_2023_2024",
    "500": "test_size_500_in_2021_and_nearly_2000_today",
    "2,000": "test_size_500_in_2021_and_nearly_2000_today",
    "18": "test_18_commanders_given_passports",
    "2025": "the incursion tests",
    "10": "test_more_than_10_incidents_first_half_2025_kept_as_a_count",
    "24": "test_24_december_incursion_in_shamsiddin_shohin",
    "80": "test_80_new_border_posts",
}


def test_every_number_in_the_article_is_listed() -> None:
    text = article_text()
    found = set(re.findall(r"\d[\d,]*\d|\d", text))
    missing = sorted(found - set(NUMBERS_COVERED))
    assert not missing, f"numbers in the article without a test: {missing}"


def test_the_loader_accepts_the_data() -> None:
    loader = pytest.importorskip("frontierwatch.data.loader")
    _, problems = loader.load_with_problems(DATA)
    assert not problems, "\n".join(p.text() for p in sorted(problems))


# --- paraphrase ----------------------------------------------------------------------------------------
COPY_RUN = 8  # words


def _words(text: str) -> list[str]:
    """Lowercase words, with typographic apostrophes and quotes made plain: the article writes
    "Tajikistan’s" and the records "Tajikistan's", and the copy check must see them as the same word."""
    text = text.lower().translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text)


def test_no_run_of_eight_words_copied_from_the_article() -> None:
    """Records paraphrase: no 8 consecutive words (comments included) may repeat the article's."""
    words = _words(article_text())
    runs = {tuple(words[i : i + COPY_RUN]) for i in range(len(words) - COPY_RUN + 1)}
    copied = []
    for path in sorted(DATA.rglob("*.yaml")):
        if "schema" in path.parts:
            continue
        mine = _words(path.read_text(encoding="utf-8"))
        for i in range(len(mine) - COPY_RUN + 1):
            if tuple(mine[i : i + COPY_RUN]) in runs:
                copied.append(f"{path.relative_to(DATA)}: {' '.join(mine[i : i + COPY_RUN])}")
    assert not copied, "copied from the article:\n" + "\n".join(copied)
