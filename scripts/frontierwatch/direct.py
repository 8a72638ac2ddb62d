"""Incident pages written without MkDocs' per-page pipeline (large datasets only).

MkDocs renders pages one after another (Markdown, theme template, search), about 10 ms a page; with
10,000 incidents that loop is most of the build. Every incident page lives at the same depth
(`incidents/<id>/index.html`), so one "shell" page rendered by MkDocs (`incidents/_shell.md`, out of the
nav, the search index and the sitemap) carries the whole Material page with correct relative asset URLs.
The plugin keeps its HTML (`Shell.from_output`) and, after the build, writes each incident page into it:
the Markdown converted by one python-markdown instance with the site's extensions (`Converter`), links to
other pages rewritten from Markdown files to URLs as MkDocs would, the table of contents, title and edit link.

Nothing here imports MkDocs; the plugin connects it to MkDocs' events.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Mapping
from typing import Any

import markdown

SHELL_SRC = "incidents/_shell.md"
SHELL_URL = "incidents/_shell/"
TITLE = "FWSHELLTITLE"
BODY = "<!--FWSHELLBODY-->"
#: What the shell page's content is replaced with (the plugin's on_page_content); Material adds no <h1>.
SHELL_CONTENT = f"<h1>{TITLE}</h1>{BODY}"
TOC_ID = "fwshelltoc"
EDIT = "https://fwshell.invalid/edit"

SHELL_MARKDOWN = (
    f"---\ntitle: {TITLE}\nhide: [navigation]\nsearch: {{exclude: true}}\n---\n\n## {TOC_ID} {{ #{TOC_ID} }}\n"
)


class Converter:
    """Markdown -> HTML (and table of contents) with one python-markdown instance, reset between pages."""

    def __init__(self, extensions: Iterable[Any], configs: Mapping[str, Any]) -> None:
        self.md = markdown.Markdown(extensions=list(extensions), extension_configs=dict(configs))

    def convert(self, text: str, src: str, url: str) -> tuple[str, list[dict[str, Any]]]:
        self.md.reset()
        if text.startswith("---\n"):
            text = text.split("---\n", 2)[2]
        body = self.md.convert(text)
        toc = getattr(self.md, "toc_tokens", [])
        return rewrite_links(body, src, url), toc


_HREF = re.compile(r'(href|src)="([^":?#]*?\.md)(#[^"]*)?"')


def _url_of(src: str) -> str:
    if src == "index.md":
        return ""
    if src.endswith("/index.md"):
        return src[: -len("index.md")]
    return src[:-3] + "/"


def _relative(from_url: str, to_url: str) -> str:
    rel = posixpath.relpath(to_url or ".", from_url.rstrip("/") or ".")
    if rel == ".":
        return "./"
    return rel + "/" if to_url.endswith("/") or not to_url else rel


def rewrite_links(body: str, src: str, url: str) -> str:
    """Links to Markdown files (relative to `src`) as URLs relative to the page's URL `url`, like MkDocs."""
    base = posixpath.dirname(src)

    def sub(m: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(base, html.unescape(m.group(2))))
        return f'{m.group(1)}="{html.escape(_relative(url, _url_of(target)))}{m.group(3) or ""}"'

    return _HREF.sub(sub, body)


class Shell:
    """The shell page's HTML, cut where each incident page's own parts go."""

    def __init__(self, output: str) -> None:
        start = output.index(SHELL_CONTENT)
        self.before, self.after = output[:start], output[start + len(SHELL_CONTENT) :]
        m = re.search(r'<li class="md-nav__item">\s*<a href="#' + TOC_ID + r'"[^>]*>.*?</li>', self.before, re.S)
        self.toc_item = m.group(0) if m else None
        if self.toc_item is not None:
            self.before = self.before.replace(self.toc_item, "\0TOC\0")

    def page(self, url: str, title: str, body: str, toc: list[dict[str, Any]], edit_url: str | None) -> str:
        before, after = self.before.replace(SHELL_URL, url), self.after.replace(SHELL_URL, url)
        if self.toc_item is not None:
            before = before.replace("\0TOC\0", "".join(self._toc(toc)))
        if EDIT in before:
            before = before.replace(html.escape(EDIT), html.escape(edit_url or "")).replace(EDIT, edit_url or "")
        skip = f"#{html.escape(toc[0]['id'])}" if toc else "#"
        before = before.replace(f'href="#{TOC_ID}"', f'href="{skip}"')
        escaped = html.escape(title, quote=True)
        return before.replace(TITLE, escaped) + body + after.replace(TITLE, escaped)

    def _toc(self, items: list[dict[str, Any]]) -> Iterable[str]:
        assert self.toc_item is not None
        for item in items:
            if item["level"] == 1:  # Material lists the page title's children
                yield from self._toc(item.get("children", []))
                continue
            li = self.toc_item.replace(f'href="#{TOC_ID}"', f'href="#{html.escape(item["id"])}"')
            li = li.replace(TOC_ID, item["name"])  # toc_tokens names are HTML already
            if item.get("children"):
                nested = "".join(self._toc(item["children"]))
                li = li[: -len("</li>")] + (
                    f'<nav class="md-nav" aria-label="{html.escape(_strip_tags(item["name"]))}">'
                    f'<ul class="md-nav__list">{nested}</ul></nav></li>'
                )
            yield li


def _strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))
