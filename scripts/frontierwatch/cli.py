"""The `frontierwatch` command: validate, check-source, schema, export, new, synth.

No traceback ever reaches an editor: data problems are printed located, anything unexpected is printed
as one line with a request to report it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from frontierwatch.data.problems import ERROR, DataError, Problem, condensed, ordered, plural, summary, terminal_safe

DEFAULT_DATA = Path("data")


#: How a count of each collection reads: `1 person`, `2 people`.
SINGULAR = {
    "sources": "source",
    "actors": "actor",
    "people": "person",
    "places": "place",
    "incidents": "incident",
    "claims": "claim",
    "relationships": "relationship",
    "judgements": "judgement",
}


def _targets(paths: Sequence[Path]) -> dict[Path, list[Path]] | str:
    """Data folder -> the files or collection folders to report on (empty: all), or a message for the editor.

    A file is checked with the rest of its data folder, so the references it makes are resolved."""
    from frontierwatch.data.models import COLLECTIONS

    groups: dict[Path, list[Path]] = {}
    for path in paths:
        if path.is_dir() and path.name in COLLECTIONS and (path.parent / "briefing.yaml").exists():
            groups.setdefault(path.parent, []).append(path)
        elif path.is_dir() or (not path.exists() and not path.suffix):
            groups[path] = []  # the whole folder (a missing one is reported by the loader)
        elif path.parent.name in COLLECTIONS or path.name == "briefing.yaml":
            if not path.exists() and not path.is_symlink():
                return f"{terminal_safe(path.as_posix())}: no such file"
            root = path.parent if path.name == "briefing.yaml" else path.parent.parent
            if groups.get(root) != []:
                groups.setdefault(root, []).append(path)
        else:
            return (
                f"{terminal_safe(path.as_posix())} is not in a data folder: give the data folder, "
                "or files in its collection folders (data/incidents/x.yaml) or its briefing.yaml"
            )
    return groups


def _belongs(problem: Problem, only: list[Path]) -> bool:
    if not only:
        return True
    if not problem.file:
        return False
    here = Path(problem.file).resolve()
    return any(here == target or target in here.parents for target in only)


def _cmd_validate(args: argparse.Namespace) -> int:
    from frontierwatch.data.loader import validate

    start = time.perf_counter()
    groups = _targets(args.paths or [DEFAULT_DATA])
    if isinstance(groups, str):
        print(f"frontierwatch validate: {groups}", file=sys.stderr)
        return 1
    shown: list[Problem] = []
    warnings: list[Problem] = []
    elsewhere = 0
    counts: dict[str, int] = {}
    for root, only in groups.items():
        result = validate(root)
        targets = [p.resolve() for p in only]
        mine = [p for p in result.problems if _belongs(p, targets)]
        elsewhere += sum(p.kind == ERROR for p in result.problems) - sum(p.kind == ERROR for p in mine)
        shown += mine
        warnings += [p for p in result.warnings if _belongs(p, targets)]
        if result.dataset is not None and not only:
            for name, n in result.dataset.counts().items():
                counts[name] = counts.get(name, 0) + n
    lines = condensed(shown) + ordered(warnings)
    for p in lines:
        print(p.github() if args.format == "github" else p.text())
    where = ", ".join(terminal_safe(p.as_posix()) for p in args.paths or [DEFAULT_DATA])
    if elsewhere:
        print(
            f"({plural(elsewhere, 'other problem')} elsewhere in the data folder: run `frontierwatch validate` to see "
            f"{'it' if elsewhere == 1 else 'them'})",
            file=sys.stderr,
        )
    if shown:
        print(summary(shown + warnings, where), file=sys.stderr)
        return 1
    what = ", ".join(plural(n, SINGULAR.get(name, name), name) for name, n in counts.items()) if counts else where
    extra = f", {plural(len(warnings), 'warning')}" if warnings else ""
    print(f"ok: {what} ({time.perf_counter() - start:.2f} s{extra})")
    return 0


def _cmd_check_source(args: argparse.Namespace) -> int:
    from frontierwatch.data.source_check import check

    data_dir: Path = args.data_dir
    if not (data_dir / "sources" / f"{args.source_id}.yaml").is_file():
        print(
            f"frontierwatch check-source: {terminal_safe(args.source_id)} is not a source in "
            f"{terminal_safe(data_dir.as_posix())}/sources/: give the id of a source record "
            "(its file name without .yaml)",
            file=sys.stderr,
        )
        return 1
    try:
        text = args.text.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not readable as UTF-8 text"
        print(
            f"frontierwatch check-source: {terminal_safe(args.text.as_posix())}: {reason}; "
            "give the path of the source's text as a UTF-8 file",
            file=sys.stderr,
        )
        return 1
    found, unreadable = check(data_dir, args.source_id, text)
    for item in found:
        print(terminal_safe(item.text()))
    for line in unreadable:
        print(f"{terminal_safe(line)} (not checked: run `frontierwatch validate`)", file=sys.stderr)
    if found:
        print(
            f"{plural(len(found), 'name or number', 'names and numbers')} not in the source's text: correct the "
            'record, or explain each in its file with a comment line `# not in the source: "X" (why)`',
            file=sys.stderr,
        )
        return 1
    if unreadable:
        return 1
    shown = terminal_safe(args.source_id)
    print(f"ok: every name and number in the records citing {shown} is in its text or explained")
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from frontierwatch.data import schema

    out = Path(args.out) if args.out else Path(args.data_dir) / "schema"
    if args.check:
        stale = schema.drift(out)
        if stale:
            for name in stale:
                print(f"{out / name}: out of date with the models; run `frontierwatch schema` and commit it")
            return 1
        print(f"ok: {out} matches the models")
        return 0
    for path in schema.write(out):
        print(f"wrote {path}")
    return 0


def _cmd_synth(args: argparse.Namespace) -> int:
    from frontierwatch.data.synthetic import generate

    try:
        counts = generate(Path(args.out), incidents=args.incidents, seed=args.seed)
    except FileExistsError as exc:
        print(f"frontierwatch synth: {exc}", file=sys.stderr)
        return 1
    print("wrote " + ", ".join(f"{n} {name}" for name, n in counts.items()) + f" to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="frontierwatch", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check every record; exit 1 and list every problem on bad data")
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="the data folder (default: data), or files in it: a file is checked with the references it makes",
    )
    p.add_argument(
        "--format", choices=["text", "github"], default="text", help="github: ::error annotations for pull requests"
    )
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser(
        "check-source", help="flag names and numbers in records citing a source that the source's text lacks"
    )
    p.add_argument("source_id", metavar="SOURCE_ID", help="the source's id (its file name in data/sources/)")
    p.add_argument("text", metavar="PATH", type=Path, help="the source's text, a UTF-8 file")
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    p.set_defaults(func=_cmd_check_source)

    p = sub.add_parser("schema", help="write the JSON Schema of each collection to data/schema/")
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    p.add_argument("--out", help="folder to write to (default: DATA_DIR/schema)")
    p.add_argument("--check", action="store_true", help="exit 1 if the committed schema differs from the models")
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser("synth", help="write a synthetic dataset of any size (for benchmarks), outside data/")
    p.add_argument("--out", required=True)
    p.add_argument("--incidents", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=_cmd_synth)

    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> list:
    """Sub-commands that live in their own modules (export, new), registered if present."""
    found = []
    for module in ("frontierwatch.exports.cli", "frontierwatch.data.scaffold"):
        try:
            mod = __import__(module, fromlist=["register"])
        except ImportError:
            continue
        found.append(mod.register)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 must print, not crash the run
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except DataError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: no traceback for editors
        print(
            f"frontierwatch: unexpected error: {type(exc).__name__}: {exc}\n"
            "This is a bug in Frontier Watch, not in your data; please report it with the command you ran.",
            file=sys.stderr,
        )
        return 2
