"""Read `data/` into a Dataset, collecting every problem of the run before one abort."""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from frontierwatch.data.checks import CheckCache, CheckOptions, run_checks
from frontierwatch.data.dataset import Dataset
from frontierwatch.data.history import collector_paused
from frontierwatch.data.models import COLLECTIONS, MAX_ID_LENGTH, Briefing, Record
from frontierwatch.data.partial_date import PartialDate
from frontierwatch.data.problems import WARNING, DataError, Problem, display_path
from frontierwatch.data.refs import format_path, keep_only
from frontierwatch.data.yamlio import Positions, PositionsOnRequest, YamlProblem, parse

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
BRIEFING_FILE = "briefing.yaml"
#: The only non-record files a data folder may hold: git's keeper of an empty folder, and the marker
#: `frontierwatch synth` leaves in a synthetic dataset (so that it never writes over real data).
KEEP_FILES = frozenset({".gitkeep", ".frontierwatch-synthetic"})


@dataclass
class Validation:
    """What one run found: the dataset (None when nothing usable could be assembled), the problems that
    fail the run (errors, and notes on what follows from them) and warnings that do not."""

    dataset: Dataset | None
    problems: list[Problem]
    warnings: list[Problem]


def load(data_dir: Path | str, options: CheckOptions | None = None) -> Dataset:
    """Load and check every record under `data_dir`. Raises DataError listing every problem found."""
    dataset, problems = load_with_problems(data_dir, options)
    if problems or dataset is None:
        raise DataError(problems)
    return dataset


class ParsedFiles:
    """Serve: the records read from a data folder's files, kept between loads; a file is parsed and validated
    again only when its (size, mtime_ns, ctime_ns, inode) changed. Only files that loaded without a problem are
    kept (a file with problems is read again each time: its problems are reported on every load), with the
    fingerprint of their bytes (`PositionsOnRequest`). The checks of a kept record alone are kept too
    (`checks.CheckCache`); the checks across records run on the whole dataset every time."""

    def __init__(self) -> None:
        self._root: Path | None = None
        self._files: dict[str, tuple[tuple[int, int, int, int], Record, int]] = {}
        self.checks = CheckCache()
        #: The stamps `folder_stamp` took of the files just before this load (`new_stamps`): not taken again.
        self._stamps: dict[str, tuple[int, int, int, int]] = {}

    def new_stamps(self) -> dict[str, tuple[int, int, int, int]]:
        """An empty dict for `folder_stamp` to fill, from which the next load takes each file's stamp (a moment
        old) where it has one, not from the file system again: a file changed since is read again next time."""
        self._stamps = {}
        return self._stamps

    def for_root(self, root: Path) -> ParsedFiles:
        """Itself, emptied when it last read another folder."""
        if self._root != root:
            self._root, self._files, self.checks = root, {}, CheckCache()
        return self

    def get(self, path: Path) -> tuple[tuple[int, int, int, int], Record | None, int | None]:
        """The file's stamp, and its kept record and fingerprint (None, None: read it)."""
        name = str(path)
        stamp = self._stamps.get(name)
        if stamp is None:
            try:
                st = os.stat(path)
            except OSError:
                return (0, 0, 0, 0), None, None
            stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        kept = self._files.get(name)
        if kept is not None and kept[0] == stamp:
            return stamp, kept[1], kept[2]
        return stamp, None, None

    def put(self, path: Path, stamp: tuple[int, int, int, int], record: Record, fingerprint: int) -> None:
        self._files[str(path)] = (stamp, record, fingerprint)

    def forget(self, keep: set[str]) -> None:
        """Drop the files not in `keep` (deleted or failed this time); the load is over (its stamps go)."""
        for name in set(self._files) - keep:
            del self._files[name]
        self._stamps = {}


def folder_stamp(data_dir: Path | str, stamps: dict[str, tuple[int, int, int, int]] | None = None) -> str:
    """A digest of every file under `data_dir` as it is on disk (path, size, mtime, ctime, inode): equal stamps,
    the same files unchanged (a save changes the times; a rename or a new file the paths). `stamps`: each
    regular file's (size, mtime, ctime, inode) by path, for the load that follows (`ParsedFiles.new_stamps`)."""
    h = hashlib.blake2b(digest_size=16)
    for top, dirs, names in os.walk(data_dir):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(top, name)
            try:
                st = os.stat(path, follow_symlinks=False)
            except OSError:
                continue
            h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\n".encode())
            if stamps is not None and stat.S_ISREG(st.st_mode):
                stamps[path] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    return h.hexdigest()


def load_with_problems(
    data_dir: Path | str, options: CheckOptions | None = None, parsed: ParsedFiles | None = None
) -> tuple[Dataset | None, list[Problem]]:
    """(dataset or None, problems): the dataset is None only when nothing usable could be assembled.
    `parsed` (serve): the records of unchanged files are taken from there, not read again."""
    result = validate(data_dir, options, parsed)
    return result.dataset, result.problems


def validate(
    data_dir: Path | str, options: CheckOptions | None = None, parsed: ParsedFiles | None = None
) -> Validation:
    """Every problem and warning of a data folder, in one pass."""
    # Loading makes millions of small objects that live on; the cyclic collector would rescan them again
    # and again (a third of the time on 10,000 incidents). Reference counting still frees the garbage.
    with collector_paused():
        dataset, found = _load(Path(data_dir), options, parsed)
    return Validation(dataset, [p for p in found if p.kind != WARNING], [p for p in found if p.kind == WARNING])


def _load(
    root: Path, options: CheckOptions | None, parsed: ParsedFiles | None = None
) -> tuple[Dataset | None, list[Problem]]:
    problems: list[Problem] = []
    kept = parsed.for_root(root) if parsed is not None else None
    read_ok: set[str] = set()
    if not root.is_dir():
        return None, [Problem(str(root), 0, 0, "", "the data folder does not exist", "run from the project root")]

    cwd = Path.cwd().resolve()
    root_shown = display_path(root)

    def show(path: Path) -> str:
        """Editors' view of a path under root, without touching the file system (called per problem)."""
        try:
            return (Path(root_shown) / path.relative_to(root)).as_posix()
        except ValueError:
            return display_path(path, cwd)

    def report(path: Path, message: str, hint: str = "") -> None:
        problems.append(Problem(show(path), 0, 0, "", message, hint))

    records: dict[str, dict[str, Record]] = {name: {} for name in COLLECTIONS}
    files: dict[str, Path] = {}
    positions = PositionsOnRequest()  # where a problem's value sits: its file is parsed again when asked
    failed: dict[str, str] = {}  # id -> shown file, for records whose file exists but did not load

    briefing = None
    briefing_path = root / BRIEFING_FILE
    if briefing_path.is_symlink():
        problems.append(_symlink_problem(show(briefing_path)))
    elif not briefing_path.is_file():
        report(briefing_path, "briefing.yaml is missing", "create it with title, cut_off and bluf")
    else:
        briefing, briefing_print = _read(briefing_path, Briefing, show, problems)
        if briefing_print is not None:
            positions.add("", briefing_path, briefing_print)

    for name, model in COLLECTIONS.items():
        folder = root / name
        if folder.is_symlink():
            problems.append(_symlink_problem(show(folder)))
            continue
        if not folder.is_dir():
            continue
        # scandir: names and file types in one system call per folder, sorted by name (cheaper than Paths)
        with os.scandir(folder) as it:
            entries = sorted((e.name, e.is_file(follow_symlinks=False), e.is_symlink()) for e in it)
        for entry_name, is_file, is_link in entries:
            path = folder / entry_name
            if is_link:
                problems.append(_symlink_problem(show(path)))
                continue
            if not is_file:
                if any(path.rglob("*.y*ml")):
                    report(path, "records in a sub-folder are not read", f"move its files up into {name}/")
                elif entry_name.lower().endswith((".yaml", ".yml")):
                    report(
                        path, "a folder named like a record: it is not read", "a record is a file: delete the folder"
                    )
                else:
                    report(path, "a folder inside a collection is not read", "move it out of data/, or delete it")
                continue
            if path.suffix.lower() in (".yml", ".yaml") and path.suffix != ".yaml":  # .yml, .YAML: not read
                report(path, f"record files end in .yaml, not {path.suffix}", f"rename it to {path.stem}.yaml")
                continue
            if path.suffix != ".yaml":
                if entry_name not in KEEP_FILES:
                    report(
                        path, "not a record: only <id>.yaml files are read here", "move it out of data/, or delete it"
                    )
                continue
            rid = path.stem
            if not SLUG.fullmatch(rid):
                report(
                    path,
                    f"the file name {rid!r} is not a valid id",
                    f"use lowercase letters, digits and single hyphens, e.g. {_slugify(rid)}.yaml",
                )
                continue
            if len(rid) > MAX_ID_LENGTH:
                report(
                    path,
                    f"the id is {len(rid)} characters long, over the limit of {MAX_ID_LENGTH}",
                    f"choose a shorter file name, e.g. {_slugify(rid)[:MAX_ID_LENGTH].rstrip('-')}.yaml",
                )
                continue
            if rid in files:
                report(
                    path,
                    f"the id {rid!r} is already used by {show(files[rid])}",
                    "ids are unique across all collections: rename one of the files",
                )
                continue
            files[rid] = path
            fresh = True  # read now, not kept from an earlier load (which gave it its id)
            if kept is not None:
                stamp, record, fingerprint = kept.get(path)
                if record is None:
                    before = len(problems)
                    record, fingerprint = _read(path, model, show, problems)
                    if record is not None and fingerprint is not None and len(problems) == before:
                        kept.put(path, stamp, record, fingerprint)
                else:
                    fresh = False
                if record is not None:
                    read_ok.add(str(path))
            else:
                record, fingerprint = _read(path, model, show, problems)
            if record is not None and fingerprint is not None:
                if fresh:
                    record._id = rid
                records[name][rid] = record
                positions.add(rid, path, fingerprint)
            else:
                failed[rid] = show(path)

    _report_strays(root, report)
    if kept is not None:
        kept.forget(read_ok)

    # Without a usable briefing, still check the records so that one run lists every problem; a stand-in
    # cut-off at the end of time means no date is reported as after it.
    stand_in = Briefing.model_construct(title="", cut_off=PartialDate(9999, 12, 31), bluf="")
    dataset = Dataset(root=root, briefing=briefing or stand_in, records=records, files=files, positions=positions)
    keep_only(dataset.all_records())  # the references of older datasets' records go
    checks = kept.checks if kept is not None else None
    problems.extend(run_checks(dataset, options or CheckOptions(), show, failed, briefing is not None, checks))
    if checks is not None:
        checks.keep_only(dataset.all_records())
    return (dataset if briefing is not None else None), problems


def _report_strays(root: Path, report: Callable[[Path, str, str], None]) -> None:
    """Anything in data/ that is neither a record, a schema file nor the briefing."""
    for entry in sorted(root.iterdir()):
        if entry.name in COLLECTIONS or entry.name == BRIEFING_FILE:
            continue
        if entry.name == "schema" and entry.is_dir() and not entry.is_symlink():
            expected = {f"{name}.schema.json" for name in (*COLLECTIONS, "briefing")}
            for item in sorted(entry.iterdir()):
                if item.name not in expected or not item.is_file() or item.is_symlink():
                    report(
                        item, "not a schema file", "data/schema/ holds what `frontierwatch schema` writes: delete it"
                    )
            continue
        if entry.is_file() and entry.suffix == ".yaml":
            report(entry, "a record outside any collection folder", f"move it into one of: {', '.join(COLLECTIONS)}")
        elif entry.is_dir() and not entry.is_symlink() and any(entry.rglob("*.y*ml")):
            close = difflib.get_close_matches(entry.name, list(COLLECTIONS), n=1, cutoff=0.6)
            report(
                entry,
                "a folder that is not a collection: its records are not read",
                f"did you mean {close[0]}/?" if close else f"use one of: {', '.join(COLLECTIONS)}",
            )
        elif entry.name not in KEEP_FILES:
            report(
                entry,
                "not part of the data: data/ holds the briefing, the collection folders and schema/",
                "move it out of data/, or delete it",
            )


def _symlink_problem(shown: str) -> Problem:
    """A symbolic link could make validation read, and print parts of, a file outside the data folder."""
    return Problem(shown, 0, 0, "", "symbolic links are not allowed in the data folder", "commit the file itself")


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "record"


@cache
def template_placeholders() -> frozenset[str]:
    """Every `<...>` value the `frontierwatch new` templates leave to replace: `<short title>`, `<place id>`."""
    from frontierwatch.data.scaffold import TEMPLATES_DIR

    found: set[str] = set()
    for path in TEMPLATES_DIR.glob("*.yaml"):
        found.update(re.findall(r'"(<[^"<>]+>)"', path.read_text(encoding="utf-8")))
    return frozenset(found)


def _placeholders(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        if value.startswith("<") and value.strip() in template_placeholders():
            yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _placeholders(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _placeholders(v, (*path, i))


def _read(
    path: Path, model: type[BaseModel], show: Callable[[Path], str], problems: list[Problem]
) -> tuple[Any, int | None]:
    """(the validated model, the fingerprint of the file's bytes), or (None, None) with its problems added.
    The positions of its values serve this file's own problems and go (`PositionsOnRequest`)."""
    try:
        raw = path.read_bytes()
        data, pos = parse(raw)
    except YamlProblem as exc:
        problems.append(Problem(show(path), exc.line, exc.column, exc.field, exc.message, exc.hint))
        return None, None
    except OSError as exc:
        problems.append(Problem(show(path), 0, 0, "", f"cannot read the file: {exc.strerror}"))
        return None, None
    left = dict(_placeholders(data))
    for loc, value in left.items():
        line, col = pos.of(loc)
        problems.append(
            Problem(
                show(path),
                line,
                col,
                format_path(loc),
                f"the placeholder {value.strip()} is left from the template",
                "replace it with the record's value; the comment above it says what goes there",
            )
        )
    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            problem = _problem_from_pydantic(err, model, data, pos, show(path))
            if not any(problem.field == format_path(loc) for loc in left):  # said once, as a placeholder
                problems.append(problem)
        return None, None
    return (None, None) if left else (record, PositionsOnRequest.fingerprint(raw))


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that holds the field at `loc` (for 'did you mean' on unknown fields)."""
    from frontierwatch.data.refs import _unwrap

    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        if info is None:
            return None
        inner, _, _ = _unwrap(info.annotation)
        current = inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None
    return current


def _shape(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    return "a single value" if value is not None else "nothing"


def _example_hint(model: type[BaseModel], loc: tuple[Any, ...], lists: bool = False) -> str:
    """`e.g. location: {lat: 37.9, lon: 70.1}` from the field's documented example (`lists`: of mappings)."""
    named = tuple(p for p in loc if not isinstance(p, int))
    holder = _fields_at(model, named)
    if holder is None or not named:
        return ""
    info = next((f for n, f in holder.model_fields.items() if (f.alias or n) == named[-1]), None)
    example = info.examples[0] if info is not None and info.examples else None
    if isinstance(example, list) and isinstance(loc[-1], int):
        example = example[0] if example else None
        if example is None:
            return ""
        return "e.g. " + json.dumps(example, ensure_ascii=False).replace('"', "")
    if lists and isinstance(example, list) and example and isinstance(example[0], dict):
        return f"e.g. {named[-1]}: " + json.dumps(example[:1], ensure_ascii=False).replace('"', "")
    if lists or not isinstance(example, dict):
        return ""
    return f"e.g. {named[-1]}: " + json.dumps(example, ensure_ascii=False).replace('"', "")


def _problem_from_pydantic(err: ErrorDetails, model: type[BaseModel], data: Any, pos: Positions, shown: str) -> Problem:
    loc = tuple(p for p in err["loc"] if isinstance(p, int) or not p.startswith(("function-", "lax-", "json-")))
    kind = err["type"]
    field = format_path(loc)
    value = err.get("input")
    hint = ""
    if kind == "missing":
        line, col = pos.of(loc[:-1])
        return Problem(
            shown,
            line,
            col,
            field,
            "this required field is missing",
            f"add `{loc[-1]}:` {'to the item' if len(loc) > 1 else 'to the record'}",
        )
    if kind == "extra_forbidden":
        line, col = pos.of(loc, key=True)
        holder = _fields_at(model, loc)
        known = [f.alias or n for n, f in holder.model_fields.items()] if holder else []
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else (f"allowed: {', '.join(known)}" if known else "")
        return Problem(shown, line, col, field, "unknown field", hint)
    line, col = pos.of(loc)
    message = err["msg"]
    if kind == "enum":
        raw = str(err.get("ctx", {}).get("expected", ""))
        # text values come quoted ('a', 'b' or 'c'); numbers do not (1, 2 or 3)
        expected = re.findall(r"'([^']*)'", raw) or [v.strip() for v in re.split(r",|\bor\b", raw) if v.strip()]
        close = difflib.get_close_matches(str(value), expected, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}?" if close else ""
        message = f"{value!r} is not one of the allowed values: {', '.join(expected)}"
    elif kind == "string_pattern_mismatch" and "a-z0-9" in str(err.get("ctx", {}).get("pattern", "")):
        message = f"{value!r} is not a valid id"
        hint = "ids are lowercase words joined by hyphens, the file name without .yaml"
    elif kind in ("string_pattern_mismatch",) and "A-Z" in str(err.get("ctx", {}).get("pattern", "")):
        message = f"{value!r} is not a two-letter country code"
        hint = "use ISO 3166-1 alpha-2 in capitals, e.g. AF or TJ"
    elif kind == "value_error":
        message = message.removeprefix("Value error, ")
    elif kind == "string_too_long":
        hint = "shorten the text"
    elif kind == "too_short" and loc and loc[-1] in ("sources", "basis"):
        message = "needs at least one entry"
        hint = "add `- source: <source id>`" if loc[-1] == "sources" else "list the ids this rests on"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = f"expected `field: value` lines, not {_shape(value)}"
        hint = _example_hint(model, loc)
    elif kind == "list_type":
        message = f"expected a list, not {_shape(value)}"
        hint = _example_hint(model, loc, lists=True)
        if not hint and isinstance(value, str):
            hint = f"write `{loc[-1]}: [{value}]` or one `- item` per line"
    elif value is not None and not isinstance(value, dict | list):
        message = f"{message} (got {value!r})"
        if kind == "string_type" and isinstance(value, bool | int | float):
            hint = "YAML reads yes/no/on/off/true/false and numbers as values, not text: put it in quotes"
    return Problem(shown, line, col, field, message, hint)
