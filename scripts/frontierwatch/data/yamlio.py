"""Safe YAML reading that keeps where every value came from.

PyYAML's `safe_load` silently keeps the last of two duplicate keys, expands aliases without limit and
forgets line numbers. Here a file is composed into nodes (aliases stay shared references, so a "billion
laughs" file costs nothing to compose), then walked once into plain Python values with caps on the number
of values and on nesting depth, while every path's position is recorded for error messages.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_FILE_BYTES = 256 * 1024
MAX_VALUES = 20_000
MAX_DEPTH = 20
#: The longest number a record may write: far above any count or coordinate, far below Python's limit on
#: converting digits (4,300), which would otherwise stop the run with a traceback.
MAX_NUMBER_CHARS = 30
#: Above this many structural characters a file could nest deep enough to overflow libyaml's recursive
#: composer (a segfault at ~40,000 levels, well inside the size cap), so its depth is measured first.
_STRUCTURAL_BUDGET = 1000

PathKey = tuple[str | int, ...]


class YamlProblem(Exception):
    """A file that cannot be read as a record; line/column are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1, hint: str = "", field: str = ""):
        super().__init__(message)
        self.message, self.line, self.column, self.hint, self.field = message, line, column, hint, field


@dataclass
class Positions:
    """Where each value (and each mapping key) sits in the file, by path like ('leaders', 1, 'person')."""

    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def of(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """The position of `path`, or of its nearest recorded ancestor."""
        table = self.keys if key else self.values
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), (1, 1))


class PositionsOnRequest:
    """Each loaded file's `Positions`, found again when a problem needs a line (`get`), by key (a record's id).

    A parse records where every value sits; kept for every record of a large dataset, those positions were a
    third of a build's memory (about 400 MiB at 50,000 incidents), for the few files a check finds fault with.
    So only the file and a fingerprint of the bytes that were loaded are kept, and a file is parsed again on
    request, while its bytes are still those (an editor may save it mid-run): else None, and the problem is
    named by its file and field without a line."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[Path, int]] = {}
        self._found: dict[str, Positions | None] = {}

    @staticmethod
    def fingerprint(raw: bytes) -> int:
        """What identifies a file's bytes for this process (Python's hash of them)."""
        return hash(raw)

    def add(self, key: str, path: Path, fingerprint: int) -> None:
        """`path` is where `key`'s values were read from, whose bytes had `fingerprint`."""
        self._files[key] = (path, fingerprint)
        self._found.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._files

    def get(self, key: str, default: Positions | None = None) -> Positions | None:
        """The positions in `key`'s file, parsed again once; `default` if it is unknown, changed or unreadable."""
        if key not in self._found:
            self._found[key] = self._parse(key)
        found = self._found[key]
        return found if found is not None else default

    def _parse(self, key: str) -> Positions | None:
        kept = self._files.get(key)
        if kept is None:
            return None
        path, fingerprint = kept
        try:
            raw = path.read_bytes()
            if self.fingerprint(raw) != fingerprint:
                return None
            return parse(raw)[1]
        except (OSError, YamlProblem):
            return None


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml composes ~10x faster, with the same marks


_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_PLAIN_CACHE: dict[str, str] = {}  # plain scalar -> resolved tag (keys and short values repeat a lot)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """Safe loader without implicit timestamps: dates stay strings and become PartialDate in the models."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        """The resolver's answer, from a cache for short plain scalars (resolving is per-scalar Python)."""
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR if implicit[1] else super().resolve(kind, value, implicit)
            tag = _PLAIN_CACHE.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(value) <= 64 and len(_PLAIN_CACHE) < 50_000:
                    _PLAIN_CACHE[value] = tag
            return tag
        if kind is MappingNode:
            return _MAP
        return _SEQ if kind is SequenceNode else super().resolve(kind, value, implicit)


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}

#: Tags PyYAML gives a bare `=` or `<<` value: plain text in a record (a `<<` key is still refused).
_PLAIN_AS_TEXT = {"tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"}
_constructor = SafeConstructor()


def _pos(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def decode(raw: bytes) -> str:
    """UTF-8 text of a file, refusing a byte-order mark and invalid bytes with their line."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise YamlProblem("the file starts with a byte-order mark (BOM)", 1, 1, "save it as UTF-8 without BOM")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8", line, col, "save the file as UTF-8"
        ) from None


def _line_col(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _too_deep(mark: Any) -> YamlProblem:
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return YamlProblem(
        f"nesting deeper than {MAX_DEPTH} levels",
        line,
        column,
        "records are shallow; check for stray brackets or dashes",
    )


def _check_depth(text: str, loader_class: type[Any] | None = None) -> None:
    """Measure nesting with an iterative event parser (libyaml's by default), before the recursive composer sees it."""
    loader = (loader_class or _Loader)(text)
    depth = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(event.start_mark)
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
    finally:
        loader.dispose()


_CONSTRUCTS = {"quoted scalar": "quoted text", "flow sequence": "list `[`", "flow mapping": "mapping `{`"}


def _began(text: str, stop: Any) -> tuple[str, Any] | None:
    """(what, start mark) of the construct a syntax error belongs to, when it began on an earlier line.

    PyYAML names the line where it gave up. When a quote is left open, the quoted text runs on, often
    until the next quote many lines below, and the error there says nothing about the quote that opened
    it: find the last quoted text that ends on the line where parsing stopped."""
    found = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= stop.index:
                break
            style = getattr(token, "style", None)
            if style in ("'", '"') and token.end_mark.line == stop.line:
                found = ("quoted text", token.start_mark)
    except yaml.YAMLError:
        pass
    return found


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    """One located message for a syntax error: where the construct began and where parsing stopped."""
    stop = exc.problem_mark or exc.context_mark
    problem = exc.problem or str(exc)
    hint = "check indentation and quoting"
    began = None
    context = exc.context or ""
    for key, what in _CONSTRUCTS.items():
        if key in context and exc.context_mark is not None:
            began = (what, exc.context_mark)
    if began is None and stop is not None:
        began = _began(text, stop)
    line, col = (stop.line + 1, stop.column + 1) if stop else (1, 1)
    message = f"not valid YAML: {problem}"
    if began is not None and stop is not None and began[1].line < stop.line:
        what, mark = began
        line, col = mark.line + 1, mark.column + 1
        message = f"not valid YAML: the {what} that begins here runs on to line {stop.line + 1}, where {problem}"
        hint = (
            "close the quote on its own line; inside quoted text write '' for ' or use the other quote"
            if what == "quoted text"
            else f"close the {what.split()[0]} with {']' if '[' in what else '}'} before the next field"
        )
    elif began is not None and began[0] == "quoted text":
        hint = (
            f"the quoted text that begins at column {began[1].column + 1} ends before this:"
            " inside quoted text write '' for ', or use the other quote"
        )
    elif began is not None and began[0] != "quoted text":
        message = f"not valid YAML: in the {began[0]} at column {began[1].column + 1}, {problem}"
    elif context:
        message = f"not valid YAML: {context}, {problem}"
    lines = text.splitlines()
    if 0 < line <= len(lines) and "\t" in lines[line - 1][: max(col, 1)]:
        message, hint = "not valid YAML: a tab character", "YAML does not allow tabs for indentation: use spaces"
    return YamlProblem(message, line, col, hint)


_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(r"[-+]?(0|[1-9][0-9]*)?\.[0-9]*([eE][-+]?[0-9]+)?")


def _number_problem(node: ScalarNode) -> YamlProblem | None:
    """Numbers as written: refuse what YAML 1.1 reads differently from what an editor typed.

    PyYAML implements YAML 1.1: `010` is octal 8, `1:30` is base-60 90, `0b101` is 5, `1_000` is 1000,
    `.nan` is not a number. YAML 1.2 reads none of these so (hexadecimal, `0x1F`, it reads alike). They are
    refused, not reinterpreted, so a value never silently changes; a number is measured before it is converted."""
    value = node.value
    pos = _pos(node)
    if len(value) > MAX_NUMBER_CHARS:
        return YamlProblem(
            f"a number of {len(value):,} characters is too long (at most {MAX_NUMBER_CHARS})",
            *pos,
            "check the figure; put it in quotes if it is text",
        )
    is_int = node.tag.endswith(":int")
    if (_PLAIN_INT if is_int else _PLAIN_FLOAT).fullmatch(value):
        return None
    digits = value.lstrip("+-")
    sign = value[: len(value) - len(digits)]
    if ":" in value:
        return YamlProblem(
            f"{value} is a YAML 1.1 base-60 number (read as {_constructed(node)}), not what it looks like",
            *pos,
            "write the number itself, or put it in quotes if it is a time or a ratio",
        )
    if "_" in value:
        plain = sign + digits.replace("_", "")
        return YamlProblem(f"{value}: digits cannot be grouped with _", *pos, f"write {plain}, not {value}")
    if digits[:2].lower() == "0x" and is_int:  # YAML 1.2 reads hexadecimal the same way
        return None
    if digits[:2].lower() == "0b":
        return YamlProblem(
            f"{value} is a YAML 1.1 binary number (read as {_constructed(node)})", *pos, "write the number in decimal"
        )
    if digits.lower() in (".inf", ".nan"):
        return YamlProblem(f"{value} is not a number a record can hold", *pos, "write a number")
    if digits.startswith("0") and len(digits) > 1:
        plain = sign + (digits.lstrip("0") or "0")
        if plain.lstrip("+-").startswith("."):
            plain = sign + "0" + plain.lstrip("+-")
        kind = f" (YAML 1.1 reads it as the octal number {_constructed(node)})" if is_int else ""
        return YamlProblem(
            f"{value} has a leading zero{kind}", *pos, f"write {plain}, not {value}; or quote it if it is text"
        )
    return None


def _constructed(node: ScalarNode) -> Any:
    return _SCALAR_BUILDERS[node.tag](_constructor, node)


def _text(value: str) -> str:
    """Text as Unicode NFC, so that `é` typed one way or the other is one string for search and duplicates.

    Short text is interned: the ids, dates and words records repeat (a source's id in every record citing it)
    are then one string each, not one per mention (40,000 strings fewer at 10,000 incidents)."""
    text = value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    return sys.intern(text) if len(text) <= _INTERNED_CHARS else text


#: The longest text `_text` interns: ids, dates and vocabulary words, not sentences.
_INTERNED_CHARS = 64


def parse(raw: bytes) -> tuple[dict[str, Any], Positions]:
    """Parse one record file: a mapping at the top, safely, with positions. Raises YamlProblem."""
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblem(
            f"the file is {len(raw):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",
            1,
            1,
            "a record is one short YAML file; split long text or remove pasted content",
        )
    text = decode(raw)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise YamlProblem("the file is empty", 1, 1, "write the record's fields, or delete the file")
    try:
        if sum(map(text.count, "[{-:?")) > _STRUCTURAL_BUDGET:
            _check_depth(text)
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in (exc.problem or ""):
            # Newer libyaml (PyYAML 6.0.4 and later) stops deep nesting with its own limit, scanning ahead of
            # the events _check_depth counts. Measure again with PyYAML's pure-Python parser, which has no such
            # limit, so the message and its position are the project's whichever library stopped first.
            _check_depth(text, yaml.SafeLoader)
            raise _too_deep(exc.problem_mark) from None
        raise _syntax_problem(exc, text) from None
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise YamlProblem(
            f"not valid YAML: the control character U+{code:04X} is not allowed", line, col, "delete it"
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"not valid YAML: {exc}", 1, 1) from None
    if root is None or (isinstance(root, ScalarNode) and root.tag.endswith(":null") and root.value == ""):
        raise YamlProblem("the file is empty", 1, 1, "write the record's fields, or delete the file")
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        raise YamlProblem(
            f"the top level is {kind}, not a mapping of fields",
            *_pos(root),
            "a record is `field: value` lines at the left margin",
        )
    positions = Positions()
    budget = [MAX_VALUES]
    value = _build(root, (), 0, positions, budget)
    return value, positions


_SCALAR_BUILDERS = {
    "tag:yaml.org,2002:int": SafeConstructor.construct_yaml_int,
    "tag:yaml.org,2002:float": SafeConstructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": SafeConstructor.construct_yaml_bool,
    "tag:yaml.org,2002:null": SafeConstructor.construct_yaml_null,
}

_NUMBERS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


def _build(node: Node, path: PathKey, depth: int, positions: Positions, budget: list[int]) -> Any:
    """Plain values from a node tree, recording positions; refuses tags, merge keys, duplicates, excess."""
    if depth > MAX_DEPTH:
        raise YamlProblem(
            f"nesting deeper than {MAX_DEPTH} levels", *_pos(node), "records are shallow; check for recursive aliases"
        )
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlProblem(
            f"more than {MAX_VALUES:,} values (alias expansion?)",
            *_pos(node),
            "do not use YAML anchors and aliases (&, *) to repeat content",
        )
    values = positions.values
    if path not in values:
        mark = node.start_mark
        values[path] = (mark.line + 1, mark.column + 1)
    cls = node.__class__
    tag = node.tag
    if cls is ScalarNode:
        assert isinstance(node, ScalarNode)  # for the type checker: `cls is` does not narrow
        if tag == _STR or tag in _PLAIN_AS_TEXT:
            return _text(node.value)
        builder = _SCALAR_BUILDERS.get(tag)
        if builder is None:
            raise YamlProblem(f"the tag {tag!r} is not allowed", *_pos(node), "remove the `!` tag")
        if tag in _NUMBERS:
            problem = _number_problem(node)
            if problem is not None:
                problem.field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
                raise problem
        return builder(_constructor, node)
    if cls is SequenceNode:
        if tag != _SEQ:
            raise YamlProblem(f"the tag {tag!r} is not allowed", *_pos(node), "remove the `!` tag")
        items: list[Any] = []
        for i, child in enumerate(node.value):
            if child.tag == _STR and child.__class__ is ScalarNode and budget[0] > 1:  # fast path: plain text
                budget[0] -= 1
                sub = (*path, i)
                if sub not in values:
                    mark = child.start_mark
                    values[sub] = (mark.line + 1, mark.column + 1)
                items.append(_text(child.value))
            else:
                items.append(_build(child, (*path, i), depth + 1, positions, budget))
        return items
    if cls is MappingNode:
        if tag != _MAP:
            raise YamlProblem(f"the tag {tag!r} is not allowed", *_pos(node), "remove the `!` tag")
        out: dict[str, Any] = {}
        keys = positions.keys
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                raise YamlProblem("a key must be a plain word", *_pos(key_node), "write `field: value`")
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem("merge keys (<<) are not allowed", *_pos(key_node), "write the fields out")
            key = str(key_node.value)
            sub = (*path, key)
            if key in out:
                raise YamlProblem(
                    f"duplicate key {key!r} (first at line {keys[sub][0]})",
                    *_pos(key_node),
                    "YAML would silently keep only the last one: keep one and delete the other",
                )
            mark = key_node.start_mark
            keys[sub] = (mark.line + 1, mark.column + 1)
            if value_node.tag == _STR and value_node.__class__ is ScalarNode and budget[0] > 1:  # fast path
                budget[0] -= 1
                if sub not in values:
                    mark = value_node.start_mark
                    values[sub] = (mark.line + 1, mark.column + 1)
                out[key] = _text(value_node.value)
            else:
                out[key] = _build(value_node, sub, depth + 1, positions, budget)
        return out
    raise YamlProblem("unsupported YAML node", *_pos(node))  # pragma: no cover
