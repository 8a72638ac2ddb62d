"""Text and link hygiene, rule by rule: what is refused, what is kept, and what each message names."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from frontierwatch.data import hygiene
from frontierwatch.data.loader import validate
from frontierwatch.data.problems import terminal_safe

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a\x00b", "U+0000"),
        ("a\x07b", "U+0007"),  # BEL
        ("a\x1b[2Jb", "U+001B"),  # ESC: clears a terminal
        ("a\x7fb", "U+007F"),  # DEL
        ("a\x85b", "U+0085"),  # C1 next line
        ("a\x9bb", "U+009B"),  # C1 control sequence introducer
        ("a\rb", "U+000D"),
        ("Gamma \u202eGroup", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u2067x\u2069", "U+2067 RIGHT-TO-LEFT ISOLATE"),
        ("a\u200fb", "U+200F RIGHT-TO-LEFT MARK"),
        ("Gam\u200bma", "U+200B ZERO WIDTH SPACE"),
        ("Gam\u00adma", "U+00AD SOFT HYPHEN"),
        ("Gam\ufeffma", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("Gam\u2060ma", "U+2060 WORD JOINER"),
        ("Gam\u200dma", "U+200D ZERO WIDTH JOINER"),  # between Latin letters it does nothing visible
        ("Gamma\u200c", "U+200C ZERO WIDTH NON-JOINER"),  # at the end: joins nothing
        ("a\u2028b", "U+2028 LINE SEPARATOR"),
        ("a\u2029b", "U+2029 PARAGRAPH SEPARATOR"),
    ],
)
def test_hidden_characters_are_refused_with_their_code_point(text: str, code: str) -> None:
    found = hygiene.hidden_character(text)
    assert found is not None
    assert code in found[1] and found[2]


@pytest.mark.parametrize(
    "text",
    [
        "Plain text, with tab\tand\nnewline.",
        "Tehrik-e-Taliban Tajikistan",
        "می\u200cخواهم",  # Persian: the non-joiner between two Arabic-script letters is spelling
        "क्\u200dष",  # Devanagari: the joiner between letters shapes a conjunct
        "Dushanbe\u00a0city",  # a no-break space is visible
        "Таджикистан",  # wholly Cyrillic
    ],
)
def test_text_that_needs_its_characters_is_kept(text: str) -> None:
    assert hygiene.hidden_character(text) is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://example.org/a", None),
        ("https://example.org:8443/a?b=c#d", None),
        ("https://bücher.example/x", None),  # an internationalised host name
        ("http://example.org/a", "is not an https address"),
        ("javascript:alert(1)", "is not an https address"),
        ("https://user:pass@example.org/", "carries a user name or password"),
        ("https://user@example.org/", "carries a user name or password"),
        ("https://example.org/a b", "contains a space at character 22"),
        ("https://example.org/\u2028", "contains U+2028 LINE SEPARATOR"),
        ("https://example.org/\u202e", "contains U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("https://example.org/\x1b", "contains U+001B"),
        ("https://example.org\\@evil.example/", "backslash"),
        ("https://localhost/", "does not parse"),
        ("https:///path", "does not parse"),
        ("https://exa_mple.org/", "does not parse"),
        ("https://example.org:port/", "does not parse"),
        ("https://[::1]/", "does not parse"),
    ],
)
def test_url_rules(url: str, message: str | None) -> None:
    found = hygiene.url_problem(url)
    if message is None:
        assert found is None, found
    else:
        assert found is not None and message in found[0], found


def test_names_equal_after_nfc_and_case_folding_collide(tmp_path: Path) -> None:
    """`Café` typed with a combining accent and `CAFÉ` precomposed are one name."""
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    body = "name: {}\nkind: village\ncountry: AF\nsources:\n  - source: fixture-source\n"
    (data / "places" / "cafe-one.yaml").write_text(body.format("Cafe\u0301"), encoding="utf-8")
    (data / "places" / "cafe-two.yaml").write_text(body.format("CAF\u00c9"), encoding="utf-8")
    result = validate(data)
    assert [(Path(p.file).name, p.field) for p in result.problems] == [("cafe-two.yaml", "name")]
    assert "is already the name of places/cafe-one.yaml" in result.problems[0].message


def test_text_is_read_as_nfc(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    path = data / "incidents" / "fixture-clash.yaml"
    path.write_text(path.read_text().replace("An invented clash", "An invented cafe\u0301 clash"), encoding="utf-8")
    result = validate(data)
    assert result.dataset is not None and not result.problems
    summary = result.dataset.incidents["fixture-clash"].summary or ""
    assert "café" in summary and unicodedata.is_normalized("NFC", summary)


def test_look_alike_letters_warn_but_whole_scripts_do_not() -> None:
    assert hygiene.mixed_script("Gаmma") == "U+0430 CYRILLIC SMALL LETTER A looks like 'a'"
    assert hygiene.mixed_script("Таджикистан") is None
    assert hygiene.mixed_script("Jamaat Ansarullah") is None


def test_an_alias_that_is_another_records_name_warns(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    body = "name: Gamma\nkind: militant-group\naliases: [alpha group]\nsources:\n  - source: fixture-source\n"
    (data / "actors" / "gamma.yaml").write_text(body, encoding="utf-8")
    result = validate(data)
    assert not result.problems
    assert [(p.field, p.message) for p in result.warnings] == [
        ("aliases[0]", "the alias 'alpha group' is the name of actors/alpha-group.yaml")
    ]


def test_terminal_safe_escapes_what_acts_and_keeps_what_shows() -> None:
    assert (
        terminal_safe("ok \x1b[32m\r\n\u202e\u200b\x85 é Таджик")
        == "ok \\x1b[32m\\x0d\\x0a\\u202e\\u200b\\x85 é Таджик"
    )
