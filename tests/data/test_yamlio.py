"""The safe YAML reader: values, positions, and every hostile input refused with its line and column."""

from __future__ import annotations

import math
import time
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from frontierwatch.data.yamlio import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_VALUES,
    PositionsOnRequest,
    YamlProblem,
    decode,
    parse,
)

RECORD = b"""\
# yaml-language-server: $schema=../schema/actors.schema.json
name: Alpha Group
kind: militant-group
founded: 2006
leaders:
  - person: person-one
    role: founder
  - person: person-two
    role: leader
size:
  - {as_of: 2021, fighters: {best: 500}}
"""


def test_values_are_plain_python() -> None:
    data, _ = parse(RECORD)
    assert data == {
        "name": "Alpha Group",
        "kind": "militant-group",
        "founded": 2006,
        "leaders": [{"person": "person-one", "role": "founder"}, {"person": "person-two", "role": "leader"}],
        "size": [{"as_of": 2021, "fighters": {"best": 500}}],
    }


def test_positions_of_values_and_keys() -> None:
    _, pos = parse(RECORD)
    assert pos.of(("name",)) == (2, 7)
    assert pos.of(("name",), key=True) == (2, 1)
    assert pos.of(("leaders", 1, "person")) == (8, 13)
    assert pos.of(("leaders", 1, "person"), key=True) == (8, 5)
    assert pos.of(("leaders", 1)) == (8, 5)
    assert pos.of(("size", 0, "fighters", "best")) == (11, 36)


def test_position_of_a_missing_path_falls_back_to_its_nearest_ancestor() -> None:
    _, pos = parse(RECORD)
    assert pos.of(("leaders", 1, "from")) == (8, 5)
    assert pos.of(("leaders", 1, "from"), key=True) == (8, 5)
    assert pos.of(("nothing", "here")) == (2, 1)
    assert pos.of(()) == (2, 1)


def test_dates_stay_strings() -> None:
    data, _ = parse(b"date: 2025-12-24\nwhen: 2025-12-24T10:00:00\nmonth: 2023-06\nyear: 2010\n")
    assert data == {"date": "2025-12-24", "when": "2025-12-24T10:00:00", "month": "2023-06", "year": 2010}


def test_scalars() -> None:
    data, _ = parse(b"a: true\nb: null\nc: 1.5\nd: '007'\ne: ~\nf: 0x1F\ng: =\nh: <<\n")
    assert data == {"a": True, "b": None, "c": 1.5, "d": "007", "e": None, "f": 31, "g": "=", "h": "<<"}


def test_explicit_standard_tags_are_allowed() -> None:
    data, _ = parse(b"a: !!str 5\nb: !!int '5'\nc: !!float 5\n")
    assert data == {"a": "5", "b": 5, "c": 5.0}


def test_anchors_that_stay_small_are_fine() -> None:
    data, _ = parse(b"a: &x [1, 2]\nb: *x\n")
    assert data == {"a": [1, 2], "b": [1, 2]}


@pytest.mark.parametrize(
    ("raw", "line", "col", "message"),
    [
        (b"", 1, 1, "the file is empty"),
        (b"\n\n   \n", 1, 1, "the file is empty"),
        (b"# only\n  # comments\n", 1, 1, "the file is empty"),
        (b"---\n...\n", 1, 1, "the file is empty"),
        (b"~\n", 1, 1, "the top level is a single value"),
        (b"# c\n- a\n- b\n", 2, 1, "the top level is a list"),
        (b"# c\n\n'just text'\n", 3, 1, "the top level is a single value"),
        (b"\xef\xbb\xbfname: x\n", 1, 1, "byte-order mark"),
        (b"name: x\nkind: caf\xe9\n", 2, 10, "byte 0xe9 is not valid UTF-8"),
        (b"name: x\n\xff\n", 2, 1, "byte 0xff is not valid UTF-8"),
        (b"name: x\nkind: y\nname: z\n", 3, 1, "duplicate key 'name' (first at line 1)"),
        (b"a:\n  b: 1\n  b: 2\n", 3, 3, "duplicate key 'b' (first at line 2)"),
        (b"a: {b: 1, b: 2}\n", 1, 11, "duplicate key 'b'"),
        (b"name: x\nkind:\n\t- a\n", 3, 1, "a tab character"),
        (b"name: x\n\tkind: y\n", 2, 1, "a tab character"),
        (b"a: !!python/object/apply:os.system ['ls']\n", 1, 4, "python/object/apply:os.system' is not allowed"),
        (b"a: !!python/name:os.system\n", 1, 4, "is not allowed"),
        (b"a: !!binary aGVsbG8=\n", 1, 4, "binary' is not allowed"),
        (b"a: !!set {x, y}\n", 1, 4, "set' is not allowed"),
        (b"a: !!omap [x: 1]\n", 1, 4, "omap' is not allowed"),
        (b"a: !foo bar\n", 1, 4, "the tag '!foo' is not allowed"),
        (b"a: !!timestamp 2025-01-01\n", 1, 4, "timestamp' is not allowed"),
        (b"base: &b {x: 1}\nother:\n  <<: *b\n", 3, 3, "merge keys (<<) are not allowed"),
        (b"? [a]\n: 1\n", 1, 3, "a key must be a plain word"),
        (b"a: 1\n---\nb: 2\n", 2, 1, "expected a single document"),
        (b'a: "open\nb: 2\n', 1, 4, "the quoted text that begins here runs on to line 3"),
        (b"a: [1, 2\n", 1, 4, "the list `[` that begins here runs on to line 2"),
        (b"a: [1, 2]]\n", 1, 10, "did not find expected key"),
        (b"a: b: c\n", 1, 5, "mapping values are not allowed"),
        (b"a: x\x00y\n", 1, 5, "control character U+0000"),
        (b"a: 1\nb: \x07\n", 2, 4, "control character U+0007"),
        (b"a: &r [*r]\n", 1, 4, "nesting deeper"),
        (b"a: *nowhere\n", 1, 4, "found undefined alias"),
    ],
)
def test_bad_yaml_is_located(raw: bytes, line: int, col: int, message: str) -> None:
    with pytest.raises(YamlProblem) as info:
        parse(raw)
    assert (info.value.line, info.value.column) == (line, col), info.value.message
    assert message in info.value.message


def test_every_refusal_has_a_hint() -> None:
    for raw in (b"", b"- a\n", b"\xef\xbb\xbfa: 1\n", b"a: 1\na: 2\n", b"a:\n\t- b\n", b"a: !x y\n", b"<<: {a: 1}\n"):
        with pytest.raises(YamlProblem) as info:
            parse(raw)
        assert info.value.hint, raw


def test_decode() -> None:
    assert decode("ä: ü".encode()) == "ä: ü"
    with pytest.raises(YamlProblem, match="byte-order mark"):
        decode(b"\xef\xbb\xbf")


def test_size_cap_comes_before_any_parsing() -> None:
    raw = b"a: [" + b"x," * (MAX_FILE_BYTES // 2) + b"]\n"
    start = time.perf_counter()
    with pytest.raises(YamlProblem, match="-byte limit") as info:
        parse(raw)
    assert time.perf_counter() - start < 0.1
    assert info.value.line == 1 and "split long text" in info.value.hint
    assert parse(b"a: '" + b"x" * (MAX_FILE_BYTES - 10) + b"'\n")[0]["a"].startswith("xxx")


def test_value_cap() -> None:
    raw = b"a: [" + b"1," * (MAX_VALUES + 5) + b"]\n"
    with pytest.raises(YamlProblem, match=f"more than {MAX_VALUES:,} values"):
        parse(raw)


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    raw = ("\n".join(lines) + "\n").encode()
    start = time.perf_counter()
    with pytest.raises(YamlProblem, match="alias expansion"):
        parse(raw)
    assert time.perf_counter() - start < 0.5


def test_depth_cap_exactly() -> None:
    def nested(n: int) -> bytes:
        return b"a: " + b"[" * n + b"1" + b"]" * n + b"\n"

    parse(nested(MAX_DEPTH - 1))  # the top mapping is level 0, `a`'s list level 1
    with pytest.raises(YamlProblem, match="nesting deeper"):
        parse(nested(MAX_DEPTH + 1))


def test_many_dashes_and_colons_in_text_are_not_deep() -> None:
    """The depth pre-scan (for files with many structural characters) does not refuse ordinary records."""
    text = "summary: " + "a - b: c ? [d] {e} " * 200 + "\n"
    data, _ = parse(("summary: >-\n  " + "x - y: z, " * 300 + "\n").encode())
    assert data["summary"].startswith("x - y: z")
    with pytest.raises(YamlProblem, match="mapping values are not allowed"):
        parse(text.encode())


# --- property: what PyYAML dumps, the reader reads back ----------------------------------------------
keys = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
    lambda k: k != "<<"
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)  # .inf and .nan are refused: no record holds them
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30).map(
        lambda t: unicodedata.normalize("NFC", t)  # text is read as NFC
    )
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4), max_leaves=20
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, values, min_size=1, max_size=6))
def test_safe_dump_round_trips(doc: dict) -> None:
    for flow in (False, True, None):
        raw = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=flow).encode()
        try:
            data, pos = parse(raw)
        except YamlProblem as exc:  # only the depth cap may refuse what PyYAML wrote
            assert "nesting deeper" in exc.message
            return
        assert _same(data, doc)
        for key in doc:
            assert pos.of((key,), key=True)[0] >= 1


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isinf(a) and math.isinf(b) and (a > 0) == (b > 0))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def test_positions_on_request_are_the_files_own_while_its_bytes_are_those_loaded(tmp_path: Path) -> None:
    """The loader keeps no positions: a problem found after loading asks for them, and the file is parsed again,
    only while it holds the bytes that were loaded (an edit since then would give wrong lines)."""
    path = tmp_path / "alpha-group.yaml"
    path.write_bytes(RECORD)
    found = PositionsOnRequest()
    found.add("alpha-group", path, PositionsOnRequest.fingerprint(RECORD))
    pos = found.get("alpha-group")
    assert pos is not None and pos.of(("leaders", 1, "person")) == parse(RECORD)[1].of(("leaders", 1, "person"))
    assert "alpha-group" in found and "beta" not in found and found.get("beta") is None

    edited = RECORD.replace(b"name:", b"\nname:")
    path.write_bytes(edited)
    found.add("alpha-group", path, PositionsOnRequest.fingerprint(RECORD))  # loaded before the edit
    assert found.get("alpha-group") is None
    found.add("alpha-group", path, PositionsOnRequest.fingerprint(edited))
    again = found.get("alpha-group")
    assert again is not None and again.of(("name",)) == (3, 7)
    path.unlink()
    found.add("alpha-group", path, PositionsOnRequest.fingerprint(edited))
    assert found.get("alpha-group") is None  # gone: the problem is named without a line
