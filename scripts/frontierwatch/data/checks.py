"""Checks beyond types: references, dates, ranges, geography, links and markup.

Each check yields Problems located at the exact value in its file, so `frontierwatch validate` and a
pull request can point an editor at the line to fix.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from frontierwatch.data import hygiene
from frontierwatch.data.models import Actor, Claim, Incident, Person, Place, Record, Relationship
from frontierwatch.data.partial_date import PartialDate
from frontierwatch.data.problems import CONSEQUENCE, ERROR, WARNING, Problem
from frontierwatch.data.refs import FieldPath, format_path, references, walk
from frontierwatch.data.vocab import ACLED_EVENT_TYPES

if TYPE_CHECKING:
    from frontierwatch.data.dataset import Dataset

#: Anything that looks like an HTML tag, comment or entity-encoded tag: text fields are plain text.
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]|&#|&lt;\s*script|javascript\s*:", re.IGNORECASE)
BORDER_TOLERANCE_KM = 8.0
#: Dates before this year are slips (`202` for `2020`), not history this site records.
EARLIEST_YEAR = 1800
#: Which written precision each `date_precision` needs: a week is given by one of its days.
DATE_PRECISION_NEEDS = {"day": "day", "week": "day", "month": "month", "year": "year"}
_EXAMPLE = {"day": "2025-12-24", "month": "2025-12", "year": "2025"}
#: The collections whose names must not collide (`_check_names`).
NAMED = ("actors", "people", "places")


@dataclass(frozen=True)
class CheckOptions:
    """Switches for checks that a test may turn off (to prove the renderers escape what gets through).

    `reject_markup` switches the text checks: markup, hidden characters (controls, bidi, invisible) and
    the URL rules beyond https. Off, hostile text reaches the renderers, which must still make it inert."""

    reject_markup: bool = True
    check_geography: bool = True


def run_checks(
    ds: Dataset,
    options: CheckOptions,
    show: Callable[[Path], str],
    failed: Mapping[str, str] | None = None,
    briefing_loaded: bool = True,
    cache: CheckCache | None = None,
) -> list[Problem]:
    """Every problem beyond types. `failed`: id -> shown file of records that failed to load; references
    to them are reported as consequences, not as missing records. `cache` (serve): the problems of the checks
    of one record, kept for records not read again (`CheckCache`)."""
    problems: list[Problem] = []

    def at(
        rec: Record | None,
        path: FieldPath,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        kind: str = ERROR,
        cause: str = "",
    ) -> None:
        if rec is None:
            file, pos = show(ds.root / "briefing.yaml"), ds.positions.get("", None)
        else:
            file, pos = show(ds.files[rec.id]), ds.positions.get(rec.id)
        line, col = pos.of(path, key=key) if pos else (0, 0)
        problems.append(Problem(file, line, col, format_path(path), message, hint, kind, cause))

    cut_off = ds.briefing.cut_off
    all_ids = list(ds.by_id)
    if briefing_loaded:
        _check_text(None, ds.briefing, options, at)
        _check_editions(ds, at)
    local_key = (options, cut_off)
    for rec in ds.all_records():
        _check_references(ds, rec, all_ids, at, failed or {})
        kept = cache.local(rec, local_key) if cache is not None else None
        if kept is None:
            start = len(problems)
            _check_record(rec, cut_off, options, at)
            if cache is not None:
                cache.put_local(rec, local_key, problems[start:])
        else:
            problems.extend(kept)
        if isinstance(rec, Incident):
            _check_incident_links(ds, rec, at)
    named = [rec for collection in NAMED for rec in ds.records[collection].values()]
    kept = cache.names(named) if cache is not None else None
    if kept is None:
        start = len(problems)
        _check_names(ds, at)
        if cache is not None:
            cache.put_names(named, problems[start:])
    else:
        problems.extend(kept)
    return problems


class CheckCache:
    """Serve: the problems of the checks that read one record only (`_check_record`: dates, ranges, text,
    types, points; under the same options and cut-off) per record object, and of the name checks per set of
    named records, kept between loads. A record whose file did not change is the same object in the next
    dataset (`loader.ParsedFiles`), and its file the same, so its problems are the same, at the same places.
    The checks that read other records (references, an incident's country and `part_of`) run every time."""

    def __init__(self) -> None:
        self._local: dict[int, tuple[Record, tuple[Any, ...], list[Problem]]] = {}
        self._names: tuple[list[Record], list[Problem]] | None = None

    def local(self, rec: Record, key: tuple[Any, ...]) -> list[Problem] | None:
        hit = self._local.get(id(rec))
        return hit[2] if hit is not None and hit[0] is rec and hit[1] == key else None

    def put_local(self, rec: Record, key: tuple[Any, ...], problems: list[Problem]) -> None:
        self._local[id(rec)] = (rec, key, problems)

    def names(self, named: list[Record]) -> list[Problem] | None:
        if self._names is None or len(self._names[0]) != len(named):
            return None
        same = all(a is b for a, b in zip(self._names[0], named, strict=True))
        return self._names[1] if same else None

    def put_names(self, named: list[Record], problems: list[Problem]) -> None:
        self._names = (named, problems)

    def keep_only(self, records: Iterable[Record]) -> None:
        """Forget the records that are not in `records` (edited or deleted since)."""
        alive = {id(rec) for rec in records}
        for key in set(self._local) - alive:
            del self._local[key]


def _check_record(rec: Record, cut_off: PartialDate, options: CheckOptions, at: Callable[..., None]) -> None:
    """The checks that read nothing but the record (and the options and cut-off): `CheckCache` keeps them."""
    _check_dates(rec, cut_off, at)
    _check_ranges(rec, at)
    _check_text(rec, rec, options, at)
    if isinstance(rec, Incident):
        _check_incident(rec, at)
    elif isinstance(rec, Place):
        if rec.parent == rec.id:
            at(rec, ("parent",), "a place cannot be its own parent", "name the place it lies in")
        if options.check_geography:
            _check_place(rec, at)
    elif isinstance(rec, Claim):
        if str(rec.status) == "denied" and not rec.denied_by:
            at(rec, ("status",), "a denied claim must name who denies it", "add `denied_by: [<actor id>]`")
    elif isinstance(rec, Relationship) and rec.from_ == rec.to:
        at(rec, ("to",), "a relationship cannot point to its own start", "check `from` and `to`")


def _check_text(rec: Record | None, obj: BaseModel, options: CheckOptions, at: Callable[..., None]) -> None:
    """Every text field of a record or of the briefing: hidden characters, markup, and URL rules."""
    for path, value, _ in walk(obj, "text"):
        if not isinstance(value, str):
            continue
        is_url = isinstance(path[-1], str) and (path[-1] == "url" or path[-1].endswith("_url"))
        if not options.reject_markup:  # a hostile-data test: only what no renderer could make safe
            if is_url and not value.lower().startswith("https://"):
                at(rec, path, f"{value!r} is not an https address", "link sources over https://")
            continue
        hidden = hygiene.hidden_character(value)
        if hidden is not None:
            at(rec, path, hidden[1], hidden[2])
        elif is_url:
            bad_url = hygiene.url_problem(value)
            if bad_url is not None:
                at(rec, path, *bad_url)
        elif MARKUP.search(value):
            at(rec, path, "contains HTML or a script link", "text fields are plain text: remove the markup")


def _check_names(ds: Dataset, at: Callable[..., None]) -> None:
    """Names equal after NFC and case folding collide; look-alike letters from another script are warned."""
    for collection in NAMED:
        owners: dict[str, Record] = {}
        records = list(ds.records[collection].values())
        for rec in records:
            name = str(getattr(rec, "name", ""))
            key = hygiene.same_name_key(name)
            other = owners.setdefault(key, rec)
            if other is not rec:
                at(
                    rec,
                    ("name",),
                    f"{name!r} is already the name of {collection}/{other.id}.yaml (names are compared ignoring case)",
                    "one record per actor, person or place: merge the two, or make the names tell them apart",
                )
        for rec in records:
            seen = {hygiene.same_name_key(str(getattr(rec, "name", "")))}
            for field, values in (("name", [getattr(rec, "name", "")]), ("aliases", getattr(rec, "aliases", []))):
                for i, text in enumerate(values):
                    path: FieldPath = (field,) if field == "name" else (field, i)
                    look = hygiene.mixed_script(str(text))
                    if look is not None:
                        at(rec, path, f"mixes scripts: {look}", "retype it in one script", kind=WARNING)
                    if field == "name":
                        continue
                    key = hygiene.same_name_key(str(text))
                    if key in seen:
                        at(
                            rec,
                            path,
                            f"the alias {text!r} repeats a name or alias of this record (search ignores case)",
                            "delete it",
                            kind=WARNING,
                        )
                        continue
                    seen.add(key)
                    named = owners.get(key)
                    if named is not None and named is not rec:
                        at(
                            rec,
                            path,
                            f"the alias {text!r} is the name of {collection}/{named.id}.yaml",
                            "check that the alias belongs here",
                            kind=WARNING,
                        )


def _check_references(
    ds: Dataset, rec: Record, all_ids: list[str], at: Callable[..., None], failed: Mapping[str, str]
) -> None:
    for path, target, ref in references(rec):
        found = ds.collection_of(target)
        if found is None and target in failed:
            at(
                rec,
                path,
                f"{target!r} failed to load, so this reference is not checked",
                f"fix {failed[target]} first",
                kind=CONSEQUENCE,
                cause=failed[target],
            )
        elif found is None:
            pool = [i for i in all_ids if not ref.collections or ds.collection_of(i) in ref.collections]
            close = difflib.get_close_matches(target, pool, n=1, cutoff=0.6)
            where = " or ".join(ref.collections) if ref.collections else "any collection"
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else f"create data/{(ref.collections or ('…',))[0]}/{target}.yaml"
            )
            at(rec, path, f"no record {target!r} in {where}", hint)
        elif ref.collections and found not in ref.collections:
            at(
                rec,
                path,
                f"{target!r} is in {found}, not {' or '.join(ref.collections)}",
                "point to a record of the right kind",
            )


def _check_dates(rec: Record, cut_off: PartialDate, at: Callable[..., None]) -> None:
    for path, value, _ in walk(rec, "date"):
        if value.year < EARLIEST_YEAR:
            at(rec, path, f"the year {value.year} is before {EARLIEST_YEAR}", "write the full four-digit year")
        elif value.earliest > cut_off.latest:
            at(
                rec,
                path,
                f"{value} is after the data cut-off {cut_off}",
                "fix the date, or move `cut_off` in data/briefing.yaml",
            )
    pairs: list[tuple[FieldPath, Any, Any]] = []
    if isinstance(rec, Incident):
        pairs.append((("date_end",), rec.date, rec.date_end))
    if isinstance(rec, Relationship):
        pairs.append((("to_date",), rec.from_date, rec.to_date))
    if isinstance(rec, Actor):
        pairs += [(("leaders", i, "to"), x.from_, x.to) for i, x in enumerate(rec.leaders)]
        pairs += [(("areas", i, "to"), x.from_, x.to) for i, x in enumerate(rec.areas)]
    if isinstance(rec, Person):
        pairs += [(("roles", i, "to"), x.from_, x.to) for i, x in enumerate(rec.roles)]
    for path, start, end in pairs:
        if start is not None and end is not None and end.latest < start.earliest:
            at(rec, path, f"ends ({end}) before it starts ({start})", "swap or correct the dates")


def _check_date_precision(rec: Incident, at: Callable[..., None]) -> None:
    """`date: 2025` with `date_precision: day` claims a precision the date does not have, and vice versa."""
    declared = str(rec.date_precision)
    needs = DATE_PRECISION_NEEDS.get(declared)
    written = rec.date.precision
    if needs is None or written == needs:
        return
    more = ["year", "month", "day"].index(written) > ["year", "month", "day"].index(needs)
    at(
        rec,
        ("date",),
        f"{rec.date} is {'more' if more else 'less'} precise than `date_precision: {declared}`",
        f"write the date to the {needs} (e.g. {_EXAMPLE[needs]}), or set `date_precision: {written}`",
    )


def _ranges(rec: Record) -> Iterator[tuple[FieldPath, Any]]:
    if isinstance(rec, Incident):
        if rec.fatalities:
            yield ("fatalities",), rec.fatalities
        if rec.event_count:
            yield ("event_count",), rec.event_count
    if isinstance(rec, Actor):
        for i, size in enumerate(rec.size):
            yield ("size", i, "fighters"), size.fighters


def _check_ranges(rec: Record, at: Callable[..., None]) -> None:
    for path, r in _ranges(rec):
        values = [(n, getattr(r, n)) for n in ("low", "best", "high") if getattr(r, n) is not None]
        for (n1, v1), (n2, v2) in itertools.pairwise(values):
            if v1 > v2:
                at(rec, (*path, n2), f"{n1} ({v1}) is greater than {n2} ({v2})", "keep low <= best <= high")
    if isinstance(rec, Incident) and rec.fatalities and rec.fatalities.breakdown:
        total = sum(c.count for c in rec.fatalities.breakdown)
        top = rec.fatalities.high if rec.fatalities.high is not None else rec.fatalities.best
        if top is not None and total > top:
            at(
                rec,
                ("fatalities", "breakdown"),
                f"the breakdown adds up to {total}, more than {top}",
                "make the parties' counts agree with low/best/high",
            )


def _check_incident(rec: Incident, at: Callable[..., None]) -> None:
    _check_date_precision(rec, at)
    allowed = ACLED_EVENT_TYPES.get(str(rec.event_type), ())
    if str(rec.sub_event_type) not in allowed:
        owner = next((t for t, subs in ACLED_EVENT_TYPES.items() if str(rec.sub_event_type) in subs), "?")
        at(
            rec,
            ("sub_event_type",),
            f"{str(rec.sub_event_type)!r} is not a sub-event type of {str(rec.event_type)!r}",
            f"it belongs to {owner!r}; allowed here: {', '.join(allowed)}",
        )


def _check_incident_links(ds: Dataset, rec: Incident, at: Callable[..., None]) -> None:
    """An incident's checks that read other records: its point against its place's country, its `part_of`."""
    if rec.location is not None:
        country = ds.country_of(rec)
        if country is not None:
            _check_point(rec, ("location",), rec.location.lat, rec.location.lon, country.country, at)
    whole = ds.incidents.get(rec.part_of) if rec.part_of else None
    if whole is not None and (whole.event_count is None or whole.part_of is not None or whole.id == rec.id):
        at(
            rec,
            ("part_of",),
            f"{rec.part_of!r} is not a counted record this event can be one of",
            "part_of names an incident with event_count that is not itself part of another",
        )


def _check_place(rec: Place, at: Callable[..., None]) -> None:
    if rec.location is None:
        return
    _check_point(rec, ("location",), rec.location.lat, rec.location.lon, rec.country, at)


def _check_point(rec: Record, path: FieldPath, lat: float, lon: float, iso2: str, at: Callable[..., None]) -> None:
    from frontierwatch.data import geography

    if iso2 not in geography.countries_with_outline():
        return
    if geography.point_in_country(lat, lon, iso2, tolerance_km=BORDER_TOLERANCE_KM):
        return
    if geography.point_in_country(lon, lat, iso2, tolerance_km=BORDER_TOLERANCE_KM):
        at(rec, path, f"lat {lat} / lon {lon} look swapped", "latitude comes first: swap the two values")
        return
    km = geography.distance_to_country_km(lat, lon, iso2)
    other = geography.country_at(lat, lon)
    where = f" (it is in {other})" if other else ""
    at(
        rec,
        path,
        f"the point ({lat}, {lon}) is {km:.0f} km outside {iso2}{where}",
        "check the coordinates and the `country` field",
    )


def _check_editions(ds: Dataset, at: Callable[..., None]) -> None:
    """Editions are days, oldest first, one a day (the last listed is the current edition)."""
    editions = ds.briefing.editions
    for i, edition in enumerate(editions):
        if edition.date.precision != "day":
            at(None, ("editions", i, "date"), f"an edition's date is a day, not {edition.date}", "write YYYY-MM-DD")
        elif i and not editions[i - 1].date < edition.date:
            at(
                None,
                ("editions", i, "date"),
                f"editions go oldest first, one a day: {edition.date} comes after {editions[i - 1].date}",
                "list the editions oldest first; the last one is the current edition",
            )
