"""The Markdown page generator on the small fixture: golden Markdown, the page set, links and content.
(Record pages are HTML: tests/site/test_record_pages.py.)

Regenerate the golden files after an intended change with

    FRONTIERWATCH_REGEN_GOLDEN=1 pytest tests/site/test_pages.py
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
from pathlib import Path

import pytest

from frontierwatch.data.loader import load
from frontierwatch.site import pages
from frontierwatch.site.fragments import Fragments
from frontierwatch.site.pages import Download, PageOptions

from chart_helpers import without_svg  # isort: skip

FIXTURE = Path(__file__).parents[1] / "fixtures" / "small"
GOLDEN = Path(__file__).parents[1] / "golden" / "pages"
REGEN = os.environ.get("FRONTIERWATCH_REGEN_GOLDEN") == "1"

OPTIONS = PageOptions(
    maps=True,
    last_changed={"incidents/fixture-clash.yaml": dt.date(2025, 12, 28)},
    downloads=[
        Download("incidents.csv", 2048, 3, "text/csv", "Incidents, ACLED columns", "CC BY 4.0", "Cite us."),
    ],
    border_length_km=1172.4,
    snippets={"methodology": "Hand-written intro.\n", "downloads": "Intro.\n", "editors": "Editors intro.\n"},
)


@pytest.fixture(scope="module")
def ds():
    return load(FIXTURE)


@pytest.fixture(scope="module")
def generated(ds):
    return {p.src_uri: p for p in pages.generate(ds, OPTIONS)}


def test_golden_markdown(generated) -> None:
    if REGEN:
        for old in GOLDEN.rglob("*.md"):
            old.unlink()
    mismatched = []
    for src, page in generated.items():
        golden = GOLDEN / src
        if REGEN:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(without_svg(page.text), encoding="utf-8")
        elif not golden.is_file() or golden.read_text(encoding="utf-8") != without_svg(page.text):
            mismatched.append(src)
    stale = sorted(
        str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*.md") if str(p.relative_to(GOLDEN)) not in generated
    )
    assert not mismatched, (
        f"generated Markdown differs from tests/golden/pages for {mismatched}; set FRONTIERWATCH_REGEN_GOLDEN=1"
    )
    assert not stale, f"golden files without a page: {stale}"


def test_page_set(ds, generated) -> None:
    expected = {
        "index.md",
        "map.md",
        "timeline.md",
        "methodology.md",
        "downloads.md",
        "editors-guide.md",
        "changes.md",
        *pages.INDEX.values(),
        "incidents/2025.md",
        "incidents/2010.md",
    }
    assert set(generated) == expected
    assert not any(page.record_id for page in generated.values())


LINK = re.compile(r"\]\(([^)\s]+\.md)(#[^)\s]*)?(?: \"[^\"]*\")?\)")
HREF = re.compile(r'<a href="([^"#:]*)(#[^"]*)?"')


def test_every_internal_link_resolves(ds, generated) -> None:
    """Markdown links go to Markdown pages (generated, or hand-written in docs/); HTML links (to record pages)
    to a page's URL."""
    from frontierwatch.site import urls

    docs = Path(__file__).resolve().parents[2] / "docs"
    hand_written = {p.relative_to(docs).as_posix() for p in docs.glob("*.md")}
    page_urls = {urls.src_url(src) for src in generated} | {
        urls.page_url(rec.collection, rec.id) for rec in ds.all_records()
    }
    for src, page in generated.items():
        for target, _anchor in LINK.findall(page.text):
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(src), target))
            assert resolved in generated or resolved in hand_written, f"{src} links to {target} ({resolved})"
        here = urls.src_url(src)
        for target, _anchor in HREF.findall(page.text):  # the HTML blocks' links too
            if target.endswith((".csv", ".json", ".xml", ".cff", ".html", ".geojson")) or not target:
                continue
            resolved = posixpath.normpath(posixpath.join(here, target)) + "/"
            assert resolved.lstrip("./") in page_urls or resolved == "./", f"{src} links to {target} ({resolved})"


def test_index_pages_link_to_record_pages(generated) -> None:
    places = generated["places/index.md"].text
    assert '<a href="fixture-district/">Maimai</a>' in places  # places/index.html -> places/fixture-district/
    assert "Maymay" in places  # spellings, for search


def test_home_names_the_current_edition_as_text(tmp_path: Path) -> None:
    import dataclasses

    import markdown

    from frontierwatch.data.models import Edition
    from frontierwatch.data.partial_date import PartialDate

    hostile = "<script>alert(1)</script> *x* [y](javascript:alert(1)) {{ 7*7 }} | cell"
    ds = load(FIXTURE)
    editions = [
        Edition(date=PartialDate.parse("2025-12-01"), title="First edition"),
        # Built without validation: the escaping must hold even for text the data checks would refuse.
        Edition.model_construct(date=PartialDate.parse("2025-12-31"), title=hostile, note=hostile),
    ]
    ds = dataclasses.replace(ds, briefing=ds.briefing.model_copy(update={"editions": editions}))
    home = next(p for p in pages.generate(ds, OPTIONS) if p.src_uri == "index.md").content
    line = next(ln for ln in home.splitlines() if ln.startswith("**Current edition:**"))
    assert "31 December 2025" in line and "First edition" not in line  # the last listed is the current one
    assert line.endswith("· [What changed since the last one](changes.md)")
    html = markdown.markdown(line)
    assert "<script" not in html and "<em>" not in html and 'href="javascript' not in html
    assert html.count("<a ") == 1 and "alert(1)" in html and "49" not in html  # data, never a template


def test_home_badges_figures_and_map(generated) -> None:
    home = generated["index.md"].content
    assert '<a class="fw-badge fw-likelihood-likely" href="methodology/#likelihood"' in home
    assert '<a class="fw-badge fw-confidence-low" href="methodology/#confidence"' in home
    assert "| Incident records | 3 |" in home
    assert "| Events they stand for (at least) | 13 |" in home  # 1 + 11 + 1
    assert "| Recorded fatalities (best estimates) | 5 |" in home
    assert "1,357 km" in home and "Border section" in home
    assert '<iframe src="maps/overview.html"' in home


def test_claims_ledger_and_denials(generated) -> None:
    ledger = generated["claims/index.md"].text
    assert '<a class="fw-badge fw-claim-status-denied" href="../methodology/#claim-status"' in ledger  # as on records
    denied = (
        '<span class="fw-denied"><strong>Denied by</strong> '
        '<a href="../actors/fixture-state/">Government of Fixtureland</a>'
    )
    assert ledger.count(denied) == 1 and "<th>Denied by</th>" not in ledger  # inline where present, not a column
    # The whole statement (never cut), the full grade with its meaning.
    assert '<a href="fixture-denied-claim/">The state sought outside help.</a>' in ledger and "…" not in ledger
    assert '<abbr class="fw-grade" title="Grade F4: source reliability F (reliability cannot be judged) and ' in ledger
    assert "information credibility 4 (doubtful)" in ledger


def test_places_border_first(generated) -> None:
    text = generated["places/index.md"].text
    assert text.index("On the border with Tajikistan") < text.index(">Maimai</a>") < text.index("All other places")


def test_methodology_from_vocab_and_geography(generated) -> None:
    from frontierwatch.data import vocab

    text = generated["methodology.md"].content
    for name, terms in vocab.VOCABULARIES.items():
        assert f"## {name}" in text
        for term in terms:
            assert f"`{term.value}`" in text
    for event_type in vocab.ACLED_EVENT_TYPES:
        assert event_type in text
    assert "about 1,172 km" in text and "1,357 km" in text
    assert "Hand-written intro." in text


def test_downloads_page(ds) -> None:
    with_files = pages.Renderer(ds, OPTIONS).downloads_page()
    assert (
        '<a href="incidents.csv" download>incidents.csv</a>' in with_files
        and "2.0 KB" in with_files
        and "Cite us." in with_files
    )
    without = pages.Renderer(ds, PageOptions()).downloads_page()
    assert "not part of this build" in without


def test_no_maps_no_iframes(ds) -> None:
    out = pages.generate(ds, PageOptions(maps=False))
    assert not any("<iframe" in p.content for p in out)
    assert not any(p.mini_map for p in out)


def test_long_lists_are_cut_with_a_pointer(ds) -> None:
    out = {p.src_uri: p.text for p in pages.generate(ds, PageOptions(list_limit=1, index_limit=1))}
    assert "## Latest 1 incidents" in out["incidents/index.md"]
    assert "too many for one page" in out["timeline.md"]


def test_timeline_counts_left_out_incidents_in_a_sentence_of_their_own(ds) -> None:
    """A year's incidents left out of the timeline are a paragraph, not an item of the last month's list, and
    one incident is counted in the singular."""
    timeline = {p.src_uri: p.content for p in pages.generate(ds, PageOptions(index_limit=1))}["timeline.md"]
    sentences = re.findall(r"^(.*) (?:is|are) listed on \[the incidents of (\d{4})\]", timeline, re.M)
    assert sentences, timeline
    for count, year in sentences:
        assert not count.startswith("- ") and count.endswith(f" of {year}")
        n = int(count.split()[0].replace(",", ""))
        assert count.startswith(f"{n:,} incident{'' if n == 1 else 's'} of ")
    assert any(count.startswith("1 incident of ") for count, _ in sentences)


def test_year_page_collision_with_an_incident_id(ds) -> None:
    r = pages.Renderer(ds)
    assert r._year_src(2025) == "incidents/2025.md"
    ds.incidents["2010"] = ds.incidents["fixture-bombing-2010"]
    try:
        assert r._year_src(2010) == "incidents/year-2010.md"
    finally:
        del ds.incidents["2010"]


def test_rel_links(ds) -> None:
    """A Markdown page links to the Markdown file (MkDocs checks it); an HTML page to the same URL."""
    md, html = Fragments(ds, markdown=True).href, Fragments(ds, markdown=False).href
    assert md("index.md", "actors/x.md") == "actors/x.md"
    assert md("actors/y.md", "actors/x.md") == "x.md"
    assert md("actors/y.md", "index.md") == "../index.md"
    assert md("incidents/y.md", "actors/x.md") == "../actors/x.md"
    assert md("a/b/c.md", "actors/x.md") == "../../actors/x.md"
    assert md("incidents/index.md", "methodology.md", "likelihood") == "../methodology.md#likelihood"
    assert html("index.md", "actors/index.md") == "actors/"
    assert html("actors/y.md", "index.md") == "../../"
    assert html("actors/y.md", "incidents/index.md") == "../../incidents/"
    assert html("incidents/index.md", "methodology.md", "likelihood") == "../methodology/#likelihood"
