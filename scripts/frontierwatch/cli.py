"""The `frontierwatch` command: validate, schema, export, new, synth.

No traceback ever reaches an editor: data problems are printed located, anything unexpected is printed
as one line with a request to report it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from frontierwatch.data.problems import DataError

DEFAULT_DATA = Path("data")


def _cmd_validate(args: argparse.Namespace) -> int:
    from frontierwatch.data.loader import load_with_problems

    start = time.perf_counter()
    dataset, problems = load_with_problems(args.data_dir)
    if problems:
        for p in sorted(problems):
            print(p.github() if args.format == "github" else p.text())
        n = len(problems)
        print(f"{n} problem{'s' if n != 1 else ''} found in {args.data_dir}; fix them and run again.", file=sys.stderr)
        return 1
    assert dataset is not None
    counts = ", ".join(f"{n} {name}" for name, n in dataset.counts().items())
    print(f"ok: {counts} ({time.perf_counter() - start:.2f} s)")
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
    p.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA)
    p.add_argument(
        "--format", choices=["text", "github"], default="text", help="github: ::error annotations for pull requests"
    )
    p.set_defaults(func=_cmd_validate)

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
