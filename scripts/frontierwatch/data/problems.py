"""Problems found in the data: each with its file, line, column, field path, message and hint.

Everything a Problem prints may echo text from a data file (an unknown key, a bad value, a file name), so
`text()` and `github()` escape control, bidirectional and invisible characters: a hostile file cannot
clear the terminal, fake an "ok" line or reorder what an editor reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: Problem kinds, in the order they are reported: what to fix first, what follows from it, what to look at.
ERROR, CONSEQUENCE, WARNING = "error", "consequence", "warning"
_ORDER = {ERROR: 0, CONSEQUENCE: 1, WARNING: 2}


def terminal_safe(text: str) -> str:
    """`text` with every character a terminal or log would act on, or that hides or reorders text, escaped.

    C0 (tab and newline included: a message is one line), DEL, C1, format characters (bidi controls,
    zero-width characters, soft hyphen) and line/paragraph separators become `\\x1b` / `\\u202e` escapes.
    """
    if text.isprintable():  # the common case, checked in C
        return text
    out = []
    for ch in text:
        if ch.isprintable() or (ch == " "):
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def plural(n: int, one: str, many: str | None = None) -> str:
    """`1 problem`, `2 problems`, `1 person`, `3 people`."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


@dataclass(frozen=True, order=True)
class Problem:
    """One error an editor must fix. `line`/`column` are 1-based; 0 means the whole file.

    `kind` is ERROR (fix it), CONSEQUENCE (follows from other errors; goes away when they are fixed) or
    WARNING (worth a look; does not fail a run)."""

    file: str
    line: int
    column: int
    field: str
    message: str
    hint: str = ""
    kind: str = ERROR
    cause: str = ""  # for a CONSEQUENCE: the file whose failure it follows from

    def _what(self) -> str:
        what = f"{self.field}: {self.message}" if self.field else self.message
        label = "" if self.kind == ERROR else f"{'note' if self.kind == CONSEQUENCE else 'warning'}: "
        return terminal_safe(label + what + (f" ({self.hint})" if self.hint else ""))

    def text(self) -> str:
        """`path:line:col: field: message (hint)`: the form editors and terminals understand."""
        where = f"{self.file}:{max(self.line, 1)}:{max(self.column, 1)}" if self.file else "frontierwatch"
        return f"{terminal_safe(where)}: {self._what()}"

    def github(self) -> str:
        """A GitHub Actions annotation, so a pull request shows the error on its line."""
        command = {ERROR: "error", CONSEQUENCE: "notice", WARNING: "warning"}[self.kind]
        msg = self._what().replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        if not self.file:
            return f"::{command}::{msg}"
        file = terminal_safe(self.file).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::{command} file={file},line={max(self.line, 1)},col={max(self.column, 1)}::{msg}"


def ordered(problems: Iterable[Problem]) -> list[Problem]:
    """Causes first (by file and line), then what follows from them, then warnings.

    GitHub shows only the first few annotations of a step: the real errors must come before their
    consequences."""
    return sorted(problems, key=lambda p: (_ORDER.get(p.kind, 0), p))


def condensed(problems: Iterable[Problem]) -> list[Problem]:
    """`ordered`, with the consequences of records that failed to load said once, in one line.

    One failed record can leave dozens of references unchecked: listing each would bury the cause."""
    items = ordered(problems)
    notes = [p for p in items if p.kind == CONSEQUENCE]
    if len(notes) <= 1:
        return items
    causes = sorted({p.cause for p in notes if p.cause})
    referrers = {p.file for p in notes}
    shown = ", ".join(causes[:5]) + (f" and {len(causes) - 5} more" if len(causes) > 5 else "")
    line = Problem(
        "",
        0,
        0,
        "",
        f"{plural(len(notes), 'reference')} in {plural(len(referrers), 'file')} point to "
        f"{plural(len(causes), 'record')} that failed to load ({shown}), so they are not checked",
        "fix the problems above; they are checked again then",
        CONSEQUENCE,
    )
    first = items.index(notes[0])
    return [*items[:first], line, *(p for p in items[first:] if p.kind != CONSEQUENCE)]


def summary(problems: Iterable[Problem], where: str = "") -> str:
    """`2 problems found in data (and 6 references not checked); fix them and run again.`"""
    items = list(problems)
    errors = sum(p.kind == ERROR for p in items)
    notes = sum(p.kind == CONSEQUENCE for p in items)
    warnings = sum(p.kind == WARNING for p in items)
    text = plural(errors, "problem") + " found" + (f" in {terminal_safe(where)}" if where else "")
    extra = [plural(notes, "reference") + " not checked"] if notes else []
    extra += [plural(warnings, "warning")] if warnings else []
    if extra:
        text += f" (and {' and '.join(extra)})"
    if errors:
        return text + f"; fix {'it' if errors == 1 else 'them'} and run again."
    if notes:  # one file checked, and it points to a record elsewhere that failed to load
        return (
            f"{plural(notes, 'reference')}{f' in {terminal_safe(where)}' if where else ''} not checked: they point to "
            "a record that failed to load; fix that record first and run again."
        )
    return text + "."


class DataError(Exception):
    """Raised when the data has problems; carries every problem of the run."""

    def __init__(self, problems: list[Problem]):
        self.problems = condensed(problems)
        super().__init__(self.report())

    def report(self) -> str:
        lines = [p.text() for p in self.problems]
        lines.append(
            summary(self.problems).removesuffix(" and run again.") + " and run `frontierwatch validate` again."
        )
        return "\n".join(lines)


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as editors see it: relative to `root` (or the working directory) when possible."""
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()
