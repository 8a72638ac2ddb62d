"""The models: vocabularies, strictness, aliases; and record round-trips through YAML, with hypothesis
strategies built from the models' own annotations (so a new field is covered without touching this file)."""

from __future__ import annotations

import enum
import types
import typing
import unicodedata
from typing import Annotated, Any, Union

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from frontierwatch.data import vocab, yamlio
from frontierwatch.data.models import COLLECTIONS, SLUG_PATTERN, Briefing, Claim, Incident, Relationship, Source
from frontierwatch.data.partial_date import PartialDate

from test_partial_date import partial_dates  # isort: skip

# --- strategies from annotations ---------------------------------------------------------------------
# NEL, LS and PS are YAML 1.1 line breaks: PyYAML writes them raw and reads them back as a space.
TEXT = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x85\u2028\u2029")

SLUGS = st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8), min_size=1, max_size=3).map(
    "-".join
)


def _constraints(meta: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    flat: list[Any] = []
    for m in meta:
        flat += [*m.metadata] if isinstance(m, FieldInfo) else [m]
    for m in flat:
        for name in ("min_length", "max_length", "ge", "le", "gt", "lt", "pattern"):
            if getattr(m, name, None) is not None:
                out[name] = getattr(m, name)
    return out


def strategy(annotation: Any, meta: list[Any] | None = None) -> st.SearchStrategy[Any]:
    """Values as they would appear in a YAML file, for a field of type `annotation`."""
    meta = meta or []
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        base, *more = typing.get_args(annotation)
        return strategy(base, [*meta, *more])
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return st.none() | strategy(args[0], meta)
    c = _constraints(meta)
    if origin is list:
        (item,) = typing.get_args(annotation)
        return st.lists(strategy(item), min_size=c.get("min_length", 0), max_size=3)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return records(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.sampled_from([m.value for m in annotation])
    if annotation is PartialDate:
        return partial_dates(min_year=1990, max_year=2025).map(lambda d: d.year if d.precision == "year" else str(d))
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return st.integers(c.get("ge", -(10**6)), c.get("le", 10**6))
    if annotation is float:
        return st.floats(c.get("ge", -1e6), c.get("le", 1e6), allow_nan=False)
    if annotation is str:
        if c.get("pattern") == SLUG_PATTERN:
            return SLUGS
        if c.get("pattern") == r"^[A-Z]{2}$":
            return st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)
        if "pattern" in c:
            return st.from_regex(c["pattern"], fullmatch=True).filter(lambda s: len(s) <= 60)
        # Text is read as NFC (yamlio): generate text that is NFC already, as an editor's file would hold.
        text = st.text(TEXT, min_size=c.get("min_length", 0), max_size=min(c.get("max_length", 60), 60))
        return text.filter(lambda s: unicodedata.is_normalized("NFC", s))
    raise NotImplementedError(annotation)  # a new kind of field: teach the strategy about it


def records(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts that `model` accepts: every required field, and any subset of the optional ones."""
    required, optional = {}, {}
    for name, info in model.model_fields.items():
        s = strategy(info.annotation, list(info.metadata))
        (required if info.is_required() else optional)[info.alias or name] = s
    return st.fixed_dictionaries(required, optional=optional)


def _yaml(data: dict[str, Any]) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


MODELS = {**COLLECTIONS, "briefing": Briefing}
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", sorted(MODELS))
def test_record_round_trips_through_yaml(name: str) -> None:
    """Generated records are valid; dict -> yaml.safe_dump -> yamlio.parse -> model gives the same record as
    validating the dict; and model -> JSON-mode dump (by alias) -> YAML -> model loses and changes nothing."""
    model = MODELS[name]

    @SETTINGS
    @given(records(model))
    def check(data: dict[str, Any]) -> None:
        expected = model.model_validate(data)
        parsed, positions = yamlio.parse(_yaml(data))
        assert model.model_validate(parsed).model_dump() == expected.model_dump()
        for key in data:
            assert positions.of((key,), key=True) >= (1, 1)
        dumped = expected.model_dump(mode="json", by_alias=True, exclude_none=True)
        assert model.model_validate(yamlio.parse(_yaml(dumped))[0]) == expected

    check()


# --- strictness and vocabularies ---------------------------------------------------------------------
INCIDENT = {
    "title": "A clash",
    "date": "2025-12-24",
    "date_precision": "day",
    "event_type": "Battles",
    "sub_event_type": "Armed clash",
    "place": "fixture-district",
    "sources": [{"source": "fixture-source"}],
}


def test_unknown_fields_are_rejected_at_every_level() -> None:
    with pytest.raises(ValidationError, match="fatalites"):
        Incident.model_validate({**INCIDENT, "fatalites": {"best": 1}})
    with pytest.raises(ValidationError, match="bestt"):
        Incident.model_validate({**INCIDENT, "fatalities": {"bestt": 1}})
    with pytest.raises(ValidationError, match="page"):
        Incident.model_validate({**INCIDENT, "sources": [{"source": "x", "page": 2}]})


def test_a_record_needs_at_least_one_source() -> None:
    with pytest.raises(ValidationError, match="at least 1 item"):
        Incident.model_validate({**INCIDENT, "sources": []})


def test_aliases_for_python_keywords() -> None:
    rel = Relationship.model_validate(
        {"from": "a", "type": "sponsors", "to": "b", "status": "alleged", "sources": [{"source": "s"}]}
    )
    assert rel.from_ == "a"
    assert rel.model_dump(by_alias=True)["from"] == "a"
    assert rel.label == "a sponsors b"


def test_label_and_id() -> None:
    inc = Incident.model_validate(INCIDENT)
    inc._id = "a-clash"
    assert (inc.id, inc.label) == ("a-clash", "A clash")


def test_dates_become_partial_dates() -> None:
    inc = Incident.model_validate({**INCIDENT, "date": 2025, "date_end": "2025-12"})
    assert inc.date == PartialDate(2025) and inc.date_end == PartialDate(2025, 12)


def test_credibility_is_a_number_and_reliability_a_letter() -> None:
    claim = Claim.model_validate(
        {"statement": "x", "status": "alleged", "credibility": 3, "attributed_to": "y", "sources": [{"source": "s"}]}
    )
    assert int(claim.credibility) == 3
    src = {"title": "t", "kind": "analysis", "reliability": "F", "published": 2025}
    assert str(Source.model_validate(src).reliability) == "F"
    with pytest.raises(ValidationError):
        Source.model_validate({**src, "reliability": "f"})


@pytest.mark.parametrize(
    ("enum_type", "terms"),
    [
        (vocab.ReliabilityGrade, vocab.RELIABILITY),
        (vocab.Likelihood, vocab.LIKELIHOOD),
        (vocab.Confidence, vocab.CONFIDENCE),
        (vocab.ClaimStatus, vocab.CLAIM_STATUS),
        (vocab.Attribution, vocab.ATTRIBUTION),
        (vocab.ActorRole, vocab.ACTOR_ROLE),
        (vocab.ActorKind, vocab.ACTOR_KIND),
        (vocab.PlaceKind, vocab.PLACE_KIND),
        (vocab.Precision, vocab.PRECISION),
        (vocab.DatePrecision, vocab.DATE_PRECISION),
        (vocab.RelationshipType, vocab.RELATIONSHIP_TYPE),
        (vocab.SourceKind, vocab.SOURCE_KIND),
    ],
)
def test_enums_are_their_vocabularies(enum_type: type[enum.Enum], terms: tuple[vocab.Term, ...]) -> None:
    assert [str(m.value) for m in enum_type] == [t.value for t in terms]


def test_contract_vocabularies() -> None:
    assert [m.value for m in vocab.ReliabilityGrade] == list("ABCDEF")
    assert [int(m) for m in vocab.CredibilityGrade] == [1, 2, 3, 4, 5, 6]
    assert {m.value for m in vocab.ActorKind} >= {
        "militant-group", "state", "state-agency", "armed-forces", "political-movement"
    }  # fmt: skip
    assert [m.value for m in vocab.Confidence] == ["low", "moderate", "high"]
    assert len(list(vocab.Likelihood)) == 7


def test_every_acled_sub_event_type_is_in_the_enum_once() -> None:
    subs = [s for values in vocab.ACLED_EVENT_TYPES.values() for s in values]
    assert sorted(m.value for m in vocab.SubEventType) == sorted(set(subs))
    assert [m.value for m in vocab.EventType] == list(vocab.ACLED_EVENT_TYPES)


def test_collections_are_the_contract() -> None:
    assert list(COLLECTIONS) == [
        "sources", "actors", "people", "places", "incidents", "claims", "relationships", "judgements"
    ]  # fmt: skip
    for name, model in COLLECTIONS.items():
        assert model.collection == name


def test_briefing_defaults() -> None:
    b = Briefing.model_validate({"title": "t", "cut_off": "2025-12-31", "bluf": "b"})
    assert b.licence == "CC BY 4.0" and b.stated_figures == []


def test_strategy_covers_every_annotation() -> None:
    """Building the strategies touches every field type; a new unknown type fails here, not in a property."""
    for model in MODELS.values():
        records(model)  # builds eagerly: raises NotImplementedError for an unknown type


def test_models_given_the_same_fields_share_their_set_of_names_until_one_is_changed() -> None:
    """pydantic's set of the fields each model was given (`model_fields_set`) is one object for every model given
    the same fields (96 MiB of sets at 50,000 incidents otherwise); setting a field, or copying with an update,
    gives that model a set of its own and leaves the others' as they were."""
    from frontierwatch.data.models import SetFields, SourceRef

    a, b = SourceRef(source="one"), SourceRef(source="two")
    assert type(a.model_fields_set) is SetFields and a.model_fields_set is b.model_fields_set == {"source"}
    assert a.model_dump(exclude_unset=True) == {"source": "one"}
    copied = a.model_copy(update={"locator": "p. 2"})
    assert copied.model_fields_set == {"source", "locator"} and b.model_fields_set == {"source"}
    a.locator = "para 3"
    assert a.model_fields_set == {"source", "locator"} and a.model_dump(exclude_unset=True)["locator"] == "para 3"
    assert b.model_fields_set == {"source"} and b.model_dump(exclude_unset=True) == {"source": "two"}
    with pytest.raises(TypeError, match="cannot be added"):
        b.model_fields_set.add("locator")
