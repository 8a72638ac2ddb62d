"""Problems found in the data: each with its file, line, column, field path, message and hint."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One error an editor must fix. `line`/`column` are 1-based; 0 means the whole file."""

    file: str
    line: int
    column: int
    field: str
    message: str
    hint: str = ""

    def text(self) -> str:
        """`path:line:col: field: message (hint)`: the form editors and terminals understand."""
        where = f"{self.file}:{max(self.line, 1)}:{max(self.column, 1)}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {what}" + (f" ({self.hint})" if self.hint else "")

    def github(self) -> str:
        """A GitHub Actions annotation, so a pull request shows the error on its line."""
        msg = (f"{self.field}: " if self.field else "") + self.message + (f" ({self.hint})" if self.hint else "")
        msg = msg.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        file = self.file.replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::error file={file},line={max(self.line, 1)},col={max(self.column, 1)}::{msg}"


class DataError(Exception):
    """Raised when the data has problems; carries every problem of the run."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(self.report())

    def report(self) -> str:
        lines = [p.text() for p in self.problems]
        n = len(self.problems)
        lines.append(f"{n} problem{'s' if n != 1 else ''} found; fix them and run `frontierwatch validate` again.")
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
