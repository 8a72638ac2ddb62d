"""Names and numbers in records that their cited source's text does not contain.

A record that cites a source should not carry a name or a number that source never gives: an alias from
memory, a year inferred and written as fact, a count added up by an editor. Given a source's text, every
record citing that source is read (raw YAML, with positions) and its free text, names, aliases and numeric
fields are compared with the text:

- a **name** is a run of capitalised words ("Qal'ai Khumb", "Tajikistan's State Committee"); it is flagged
  when one of its words does not occur in the text (case, diacritics, a plural "s" and a possessive "'s"
  ignored; of a hyphenated word only the capitalised parts count: "Taliban-run"). The word that opens a
  sentence is capitalised by grammar, not as a name, and is not checked; in `name`, `aliases`, `short_name`
  and `real_name` every capitalised word is checked.
- a **number** is a digit group in text (`2,000` is 2000) or a numeric field (sizes, counts, fatalities,
  years); it is flagged when the text gives it neither in digits nor as a word ("three", "third"). A
  partial date is checked by its year and its day; its month is a name in the text ("December"), not a digit.

Coordinates, precisions and the fixed vocabularies (event types, statuses, country codes) are an editor's
coding, not quotations, and ids are slugs: none of them is checked.

**Explaining an item.** What a record may rightly say without the source (an editor's inference, a sum, a
transliteration kept for search) is explained in the record file by a YAML comment line that starts
`# not in the source:` and quotes the items, with the reason:
`# not in the source: "Maymay", "Mai Mai" (spellings kept for search); "5" (the article's 2 + 3 deaths)`.
Every collection has comments (not every one has `notes`), reviewers see them in the diff, readers do not.
A quoted item, or a word or number inside a quoted passage, is not flagged anywhere in that record.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontierwatch.data.models import COLLECTIONS
from frontierwatch.data.yamlio import PathKey, Positions, YamlProblem, parse

#: Fields whose values are an editor's coding from a fixed list, not words of the source.
CODED_FIELDS = frozenset(
    {
        "event_type",
        "sub_event_type",
        "country",
        "nationality",
        "language",
        "kind",
        "status",
        "precision",
        "date_precision",
        "attribution",
        "confidence",
        "likelihood",
        "reliability",
        "type",
        "tags",
        "location",
    }
)
#: Numeric fields that are not figures of the source: coordinates, grades, the briefing's order.
CODED_NUMBERS = frozenset({"lat", "lon", "credibility", "order"})
#: Fields that hold a name: every capitalised word in them is checked, the first one too.
NAME_FIELDS = frozenset({"name", "aliases", "short_name", "real_name"})

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
#: A capitalised word: letters, inner hyphens and apostrophes (Tehrik-e-Taliban, Qal'ai), a possessive.
_WORD = r"[A-Z][\w]*(?:[-'’][\w]+)*"
_NAME_RUN = re.compile(rf"{_WORD}(?:\s+{_WORD})*")
_SENTENCE_END = re.compile(r"[.!?:;]['\"”’)]*\s*['\"“‘(]*$")
_EXPLANATION = re.compile(r"#\s*not in the source:(.*)$", re.IGNORECASE | re.MULTILINE)
_QUOTED = re.compile(r"[\"“]([^\"“”]{1,200})[\"”]")
_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100, "thousand": 1000,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "half": 2, "dozen": 12,
}  # fmt: skip


@dataclass(frozen=True)
class Unsourced:
    """A name or number in a record that the cited source's text does not contain."""

    file: str
    line: int
    field: str
    item: str
    kind: str  # "name" or "number"

    def text(self) -> str:
        return f'{self.file}:{self.line}: {self.field}: "{self.item}" is not in the source\'s text'


def _fold(text: str) -> str:
    """Lower case, no diacritics, one kind of apostrophe and dash: how names are compared."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-").casefold()


def _value(digits: str) -> float:
    return float(digits.replace(",", ""))


@dataclass(frozen=True)
class SourceText:
    """The words and numbers a source's text contains."""

    words: frozenset[str]
    numbers: frozenset[float]

    @classmethod
    def of(cls, text: str) -> SourceText:
        folded = _fold(text)
        words = set(re.findall(r"[\w]+(?:['-][\w]+)*", folded))
        for word in list(words):  # "tehrik-e-taliban" also gives "tehrik", "taliban"; "afghanistan's" too
            words.update(re.split(r"['-]", word))
        numbers = {_value(d) for d in _DIGITS.findall(folded) if d.replace(",", "").replace(".", "").isdigit()}
        numbers |= {n for word, n in _NUMBER_WORDS.items() if word in words}
        for match in _DIGITS.finditer(folded):  # "2023-2024" and "1,357-kilometre" give each part as well
            numbers.update(_value(part) for part in re.split(r"[-,]", match.group()) if part.isdigit())
        return cls(frozenset(words), frozenset(numbers))

    def has_word(self, word: str) -> bool:
        folded = re.sub(r"'s$", "", _fold(word))
        if self._known(folded):
            return True
        parts = [p for p in re.split(r"['’-]", word) if p]
        capitalised = [p for p in parts if p[0].isupper()]
        return len(parts) > 1 and bool(capitalised) and all(self._known(_fold(p)) for p in capitalised)

    def _known(self, folded: str) -> bool:
        words = self.words
        return folded in words or folded + "s" in words or (folded.endswith("s") and folded[:-1] in words)

    def has_number(self, number: float) -> bool:
        return number in self.numbers


def _field_name(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _leaves(value: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))
    else:
        yield path, value


def _cites(record: Any, source_id: str) -> bool:
    return any(path and path[-1] == "source" and value == source_id for path, value in _leaves(record))


def _names(text: str, every_word: bool) -> Iterator[list[str]]:
    """The runs of capitalised words in `text`; a lone capitalised word that opens a sentence is skipped."""
    for match in _NAME_RUN.finditer(text):
        words = match.group().split()
        opens_sentence = not text[: match.start()].strip() or bool(_SENTENCE_END.search(text[: match.start()]))
        if opens_sentence and not every_word:
            words = words[1:]
        if words:
            yield words


def _numbers_in(text: str) -> Iterator[str]:
    """Digit groups in free text; a partial date (2025-12-24) gives its year and day."""
    for token in re.findall(r"[\d][\d,.\-]*\d|\d", text):
        date = _PARTIAL_DATE.fullmatch(token)
        if date:
            yield date.group(1)
            if date.group(3):
                yield date.group(3)
            continue
        for part in re.split(r"[-–]", token):
            part = part.strip(",.")
            if part:
                yield part


def _items(path: PathKey, value: Any) -> Iterator[tuple[str, str]]:
    """(kind, item) for each name and number of one field value that the check compares."""
    keys = [p for p in path if isinstance(p, str)]
    if any(k in CODED_FIELDS for k in keys):
        return
    key = keys[-1] if keys else ""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        if key not in CODED_NUMBERS:
            yield "number", f"{value:g}" if isinstance(value, float) else str(value)
        return
    text = str(value)
    if _SLUG.fullmatch(text) and not text.isdigit():
        return  # an id
    date = _PARTIAL_DATE.fullmatch(text)
    if date:
        yield "number", date.group(1)
        if date.group(3):
            yield "number", date.group(3)
        return
    for words in _names(text, every_word=key in NAME_FIELDS):
        yield "name", " ".join(words)
    for digits in _numbers_in(text):
        yield "number", digits


def explained(raw: str) -> frozenset[str]:
    """What the record file's `# not in the source:` comments quote, folded: each passage, its words, its numbers."""
    out: set[str] = set()
    for comment in _EXPLANATION.findall(raw):
        for quoted in _QUOTED.findall(comment):
            out.add(_fold(quoted.strip()))
            for word in re.findall(r"[\w]+(?:['’-][\w]+)*", quoted):  # "al-Qaida" explains "Qaida" too
                out.add(_fold(word))
                out.update(_fold(part) for part in re.split(r"['’-]", word))
            out.update(_numbers_in(quoted))
    return frozenset(out)


def check_record(record: Any, positions: Positions, raw: str, source: SourceText, shown_path: str) -> list[Unsourced]:
    """Every name and number of one record that the source's text lacks and its comments do not explain."""
    ok = explained(raw)
    found: list[Unsourced] = []
    for path, value in _leaves(record):
        for kind, item in _items(path, value):
            if kind == "name":
                missing = not all(source.has_word(w) for w in item.split())
            else:
                try:
                    missing = not source.has_number(_value(item))
                except ValueError:
                    continue
            if not missing or _fold(item) in ok:
                continue
            if kind == "name" and all(source.has_word(w) or _fold(w) in ok for w in item.split()):
                continue
            found.append(Unsourced(shown_path, positions.of(path)[0], _field_name(path), item, kind))
    return found


def check(data_dir: Path, source_id: str, text: str) -> tuple[list[Unsourced], list[str]]:
    """(unsourced items, files that could not be read) for every record in `data_dir` citing `source_id`."""
    source = SourceText.of(text)
    found: list[Unsourced] = []
    unreadable: list[str] = []
    for collection in COLLECTIONS:
        if collection == "sources":
            continue  # a source's record describes the source; it does not cite it
        for path in sorted((data_dir / collection).glob("*.yaml")):
            shown = path.as_posix()
            try:
                raw = path.read_bytes()
                record, positions = parse(raw)
            except (OSError, YamlProblem) as exc:
                unreadable.append(f"{shown}: {getattr(exc, 'message', exc)}")
                continue
            if _cites(record, source_id):
                found += check_record(record, positions, raw.decode("utf-8", "replace"), source, shown)
    return found, unreadable
