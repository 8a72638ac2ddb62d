"""PartialDate: parsing, round-trips, ordering and precision, with properties checked by hypothesis."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from frontierwatch.data.partial_date import PartialDate


@st.composite
def partial_dates(draw: st.DrawFn, min_year: int = 1, max_year: int = 9999) -> PartialDate:
    year = draw(st.integers(min_year, max_year))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(year)
    month = draw(st.integers(1, 12))
    if precision == "month":
        return PartialDate(year, month)
    return PartialDate(year, month, draw(st.integers(1, calendar.monthrange(year, month)[1])))


# Dates near each other so that comparisons hit equal years and months often.
close_dates = partial_dates(min_year=2023, max_year=2025)


# --- parsing and round-trips -------------------------------------------------------------------------
@given(partial_dates())
def test_str_parse_round_trip(d: PartialDate) -> None:
    assert PartialDate.parse(str(d)) == d
    assert PartialDate.parse(d) is d


@given(partial_dates())
def test_str_has_the_form_of_its_precision(d: PartialDate) -> None:
    text = str(d)
    assert len(text) == {"year": 4, "month": 7, "day": 10}[d.precision]
    assert text[:4] == f"{d.year:04d}"


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_dates_and_datetimes_parse_to_day_precision(day: dt.date) -> None:
    d = PartialDate.parse(day)
    assert d.precision == "day" and d.earliest == day == d.latest
    assert PartialDate.parse(dt.datetime(day.year, day.month, day.day, 13, 5)) == d
    assert PartialDate.parse(day.isoformat()) == d


@given(st.integers(1, 9999))
def test_a_bare_year_integer(year: int) -> None:
    d = PartialDate.parse(year)
    assert d == PartialDate(year) and d.precision == "year"


def test_whitespace_around_a_string_is_ignored() -> None:
    assert PartialDate.parse(" 2025-12 ") == PartialDate(2025, 12)


@pytest.mark.parametrize(
    "bad",
    ["2025-13", "2025-00", "2025-02-30", "2023-02-29", "2025-04-31", "yesterday", "", "25", "2025-1", "2025-01-1",
     "2025/01/01", "01-2025", "2025-01-01T00:00", "２０２５", 0, 10000, -5, True, False, None, 2025.5, [2025], {}],
)  # fmt: skip
def test_invalid_values_raise_value_error(bad: object) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(bad)


def test_leap_days() -> None:
    assert PartialDate.parse("2024-02-29").latest == dt.date(2024, 2, 29)
    assert PartialDate(2024, 2).latest == dt.date(2024, 2, 29)
    assert PartialDate(2023, 2).latest == dt.date(2023, 2, 28)


def test_constructor_rejects_a_day_without_a_month() -> None:
    with pytest.raises(ValueError, match="a day needs a month"):
        PartialDate(2025, None, 3)


@given(st.text(max_size=12))
def test_arbitrary_text_either_parses_to_itself_or_raises(text: str) -> None:
    try:
        d = PartialDate.parse(text)
    except ValueError:
        return
    assert str(d) == text.strip()


# --- precision, span, ordering -----------------------------------------------------------------------
@given(partial_dates())
def test_precision_and_span(d: PartialDate) -> None:
    assert d.earliest <= d.latest
    assert d.earliest.year == d.latest.year == d.year
    if d.precision == "year":
        assert (d.earliest, d.latest) == (dt.date(d.year, 1, 1), dt.date(d.year, 12, 31))
    elif d.precision == "month":
        assert d.earliest.day == 1 and d.latest.day == calendar.monthrange(d.year, d.month)[1]
    else:
        assert d.earliest == d.latest


@given(close_dates, close_dates)
def test_ordering_is_total_and_antisymmetric(a: PartialDate, b: PartialDate) -> None:
    assert [a < b, a == b, a > b].count(True) == 1
    assert (a <= b) == (a < b or a == b)
    assert (a >= b) == (a > b or a == b)
    if a == b:
        assert hash(a) == hash(b) and str(a) == str(b)


@given(close_dates, close_dates)
def test_the_sort_key_orders_as_the_dates_do(a: PartialDate, b: PartialDate) -> None:
    """Sorts key on `sort_key` (ints compare in C): the same order, and equal keys only for equal dates."""
    assert (a.sort_key() < b.sort_key()) == (a < b)
    assert (a.sort_key() == b.sort_key()) == (a == b)


@given(close_dates, close_dates, close_dates)
def test_ordering_is_transitive(a: PartialDate, b: PartialDate, c: PartialDate) -> None:
    x, y, z = sorted([a, b, c])
    assert x <= y <= z and x <= z
    for p, q in itertools.permutations([a, b, c], 2):
        if p < q:
            assert not q < p


@given(close_dates, close_dates)
def test_ordering_is_consistent_with_earliest(a: PartialDate, b: PartialDate) -> None:
    """Dates sort by the first day they can mean; for the same first day the coarser sorts first."""
    if a.earliest < b.earliest:
        assert a < b
    if a < b:
        assert a.earliest <= b.earliest
    if a.earliest == b.earliest and a != b:
        coarser = min(a, b, key=lambda d: ["year", "month", "day"].index(d.precision))
        assert min(a, b) == coarser


@given(close_dates, close_dates)
def test_a_date_contains_its_refinements(a: PartialDate, b: PartialDate) -> None:
    if str(b).startswith(str(a)):
        assert a.earliest <= b.earliest <= b.latest <= a.latest
        assert a <= b


@given(close_dates, close_dates)
def test_disjoint_spans_order_like_their_days(a: PartialDate, b: PartialDate) -> None:
    if a.latest < b.earliest:
        assert a < b and b > a


def test_examples_of_ordering() -> None:
    dates = [PartialDate.parse(s) for s in ["2025-01-01", "2024", "2025", "2025-01", "2024-12-31", "2025-02"]]
    assert [str(d) for d in sorted(dates)] == ["2024", "2024-12-31", "2025", "2025-01", "2025-01-01", "2025-02"]


def test_comparison_with_other_types() -> None:
    assert PartialDate(2025) != "2025"
    with pytest.raises(TypeError):
        _ = PartialDate(2025) < dt.date(2025, 1, 1)


def test_human() -> None:
    assert PartialDate(2025).human() == "2025"
    assert PartialDate(2023, 6).human() == "June 2023"
    assert PartialDate(2025, 12, 24).human() == "24 December 2025"


# --- pydantic ----------------------------------------------------------------------------------------
class _Holder(BaseModel):
    when: PartialDate
    maybe: PartialDate | None = None


@given(partial_dates())
def test_pydantic_validates_and_serialises_to_the_string(d: PartialDate) -> None:
    m = _Holder.model_validate({"when": str(d)})
    assert m.when == d
    assert m.model_dump() == {"when": str(d), "maybe": None}
    assert _Holder.model_validate_json(m.model_dump_json()).when == d


def test_pydantic_accepts_ints_and_dates_and_rejects_junk() -> None:
    assert _Holder.model_validate({"when": 2010}).when == PartialDate(2010)
    assert _Holder.model_validate({"when": dt.date(2025, 12, 24)}).when == PartialDate(2025, 12, 24)
    with pytest.raises(ValidationError, match="is not a date like 2010, 2023-06 or 2025-12-24"):
        _Holder.model_validate({"when": "yesterday"})


def test_json_schema_of_a_partial_date() -> None:
    prop = _Holder.model_json_schema()["properties"]["when"]
    assert {"type": "integer", "minimum": 1, "maximum": 9999} in prop["anyOf"]
    assert prop["examples"] == ["2025-12-24", "2023-06", 2010]
