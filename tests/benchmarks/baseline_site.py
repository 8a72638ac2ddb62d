"""The plain Material sites bench_site.py compares our build with: as many pages, the same theme, Markdown
extensions and nav shape (sections in the nav, record pages out of it), no frontierwatch plugin."""

from __future__ import annotations

import shutil
from pathlib import Path

BASELINE_SECTIONS = ["incidents", "places", "actors", "people", "claims", "relationships", "sources", "judgements"]


def baseline_config(project: Path) -> str:
    """The project's theme and Markdown extensions, without the frontierwatch plugin and its extra files."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    markdown = text[text.index("markdown_extensions:") : text.index("\nvalidation:")]
    nav = "\n".join(f"  - {s.title()}: {s}/index.md" for s in BASELINE_SECTIONS)
    return f"""site_name: Baseline
site_url: https://example.org/baseline/
theme:
  name: material
  font: false
  features: [navigation.instant, navigation.tabs, navigation.sections, navigation.top, search.suggest,
             search.highlight, content.action.edit]
plugins: [search]
not_in_nav: |
  /*/*.md
{markdown}
nav:
  - Home: index.md
{nav}
"""


def _baseline_page(i: int, section: str, n_in_section: int, target: int) -> str:
    """A page of about `target` bytes of Markdown like a record page: facts table, links, paragraphs, list."""
    lines = [f"# Page {i} of {section}", "", "| Facts | |", "|---|---|"]
    k = 0
    while sum(len(x) + 1 for x in lines) < target:
        other = (i * 7 + k) % n_in_section
        if k % 3 == 2:
            lines += ["", f"## Part {k} {{ #part-{k} }}", "", f"Paragraph {k} of page {i}: " + "text " * 30, ""]
        else:
            lines.append(f"| **Field {k}** | [Page {other}](page-{other}.md) — value {k}, *note* |")
        k += 1
    return "\n".join(lines) + "\n"


def write_baseline(root: Path, project: Path, pages: int, avg_bytes: int | None) -> Path:
    if root.exists():
        shutil.rmtree(root)
    docs = root / "docs"
    docs.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(baseline_config(project), encoding="utf-8")
    (docs / "index.md").write_text("# Baseline\n\nA plain Material site.\n", encoding="utf-8")
    per = max(1, (pages - 1 - len(BASELINE_SECTIONS)) // len(BASELINE_SECTIONS))
    written = 1
    for s, section in enumerate(BASELINE_SECTIONS):
        folder = docs / section
        folder.mkdir()
        n = per if s < len(BASELINE_SECTIONS) - 1 else max(1, pages - written - 1)
        (folder / "index.md").write_text(
            f"# {section.title()}\n\n" + "".join(f"- [Page {j}](page-{j}.md)\n" for j in range(min(n, 100))),
            encoding="utf-8",
        )
        written += 1
        for j in range(n):
            if avg_bytes is None:
                text = f"# Page {j} of {section}\n\nA short hand-written page.\n\n- one\n- two\n- [index](index.md)\n"
            else:
                text = _baseline_page(j, section, n, avg_bytes)
            (folder / f"page-{j}.md").write_text(text, encoding="utf-8")
            written += 1
    return root
