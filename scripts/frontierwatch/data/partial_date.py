"""Partial dates: `2010`, `2023-06` or `2025-12-24`, one type that sorts, compares and knows its precision."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
_RE = re.compile(PATTERN, re.ASCII)  # `\d` would also match other scripts' digits (２０２５)


@total_ordering
@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date known to the year, the month or the day.

    Ordering compares the earliest day each date can mean, then the coarser date first: `2025` sorts
    before `2025-01` which sorts before `2025-01-01`. `earliest`/`latest` give the span it covers.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is out of range")
        if self.month is None and self.day is not None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not 1-12")
        if self.day is not None:
            assert self.month is not None
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise ValueError(f"{self.year}-{self.month:02d} has no day {self.day}")

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Read `2010`, `"2023-06"`, `"2025-12-24"`, a `datetime.date` or a PartialDate."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            return cls(value.year, value.month, value.day)
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, bool):
            raise ValueError("expected a date like 2010, 2023-06 or 2025-12-24")
        if isinstance(value, int):
            return cls(value)
        if isinstance(value, str) and _RE.match(value.strip()):
            parts = [int(p) for p in value.strip().split("-")]
            return cls(*parts)
        raise ValueError(f"{value!r} is not a date like 2010, 2023-06 or 2025-12-24")

    @property
    def precision(self) -> str:
        """`year`, `month` or `day`."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def sort_key(self) -> tuple[int, int, int]:
        """The date's place in the order, as a tuple of ints: two dates compare as their keys do (equal keys, equal
        dates). A sort of many records keys on it: tuples of ints compare in C, dates call `__lt__`."""
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def human(self) -> str:
        """`2025`, `June 2023` or `24 December 2025`."""
        if self.month is None:
            return str(self.year)
        name = calendar.month_name[self.month]
        return f"{name} {self.year}" if self.day is None else f"{self.day} {name} {self.year}"

    # --- pydantic integration: validates from YAML ints, strings and dates; serialises to a string ---
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [{"type": "string", "pattern": PATTERN}, {"type": "integer", "minimum": 1, "maximum": 9999}],
            "description": "A date known to the year, month or day: 2010, 2023-06 or 2025-12-24.",
            "examples": ["2025-12-24", "2023-06", 2010],
        }
