"""Reader safety for links: every link to another site opens with `rel="noopener noreferrer"`.

`noopener` stops the other site from reaching back into this page through `window.opener`; `noreferrer`
keeps the address of the page a reader was on (a record about a militant group, say) out of the other
site's logs. The plugin runs `harden_links` over every finished page (theme links included: "Edit this
page", the footer), the map builder over the tile attribution; the map script marks Leaflet's own link.

    harden_links('<a href="https://example.org/">x</a>')
    -> '<a href="https://example.org/" rel="noopener noreferrer">x</a>'

Only `<a>` and `<area>` start tags are touched, outside comments, `<script>`, `<style>`, `<textarea>` and
`<template>`; links within the site (relative, or to `site_host`) and other schemes (mailto:) are left alone.
The rel tokens already there are kept (`nofollow`, `edit`, ...).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

__all__ = ["REQUIRED", "harden_links", "is_external", "site_host"]

#: The rel tokens every link to another site carries.
REQUIRED = ("noopener", "noreferrer")

# Regions whose text is not markup, then anchor start tags (quoted values may contain ">"). Only anchors
# with an href that may lead off the site (a scheme's colon, "//", or what a browser may turn into either)
# match: the others cost no Python call, which counts over 10,000 pages.
_MAYBE = r"(?:[:&\\\t\n\r]|//)"
_UNIT = r"""(?:[^>"']|"[^"]*"|'[^']*')"""
_TOKEN = re.compile(
    r"<(?:!--.*?-->"
    r"|(script|style|textarea|template)\b.*?</\1\s*>"
    rf"""|(?:a|area)\s(?={_UNIT}*?\bhref\s*=\s*(?:"[^"]*?{_MAYBE}|'[^']*?{_MAYBE}|[^\s>"']*?{_MAYBE})){_UNIT}*>)""",
    re.IGNORECASE | re.DOTALL,
)
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_NAME = re.compile(r"<\w+")
_IGNORED = re.compile(r"[\t\n\r]")


def site_host(site_url: str | None) -> str | None:
    """The host (with port) of the site's own address, which is not "another site"."""
    return urlsplit(site_url).netloc.lower() or None if site_url else None


def is_external(href: str, own_host: str | None = None) -> bool:
    """Whether `href` (as written in HTML, character references allowed) leaves for another host.

    Read the way browsers read it: tabs and newlines anywhere are dropped, leading spaces and control
    characters too, and a backslash counts as a slash (`/\\evil.example` is `//evil.example`)."""
    url = _IGNORED.sub("", html.unescape(href)).lstrip("\x00- ").replace("\\", "/")
    if url.startswith("//"):
        url = "http:" + url
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return False
    return own_host is None or parts.netloc.lower() != own_host


def _harden_tag(tag: str, own_host: str | None) -> str:
    offset = _NAME.match(tag).end()  # type: ignore[union-attr]
    body = tag[offset:-1]
    attrs = [(m.group(1).lower(), m.group(2), m.span()) for m in _ATTR.finditer(body)]
    href = next((v for k, v, _ in attrs if k == "href" and v is not None), None)
    if href is None or not is_external(_unquote(href), own_host):
        return tag
    rel = next(((v, span) for k, v, span in attrs if k == "rel"), None)
    if rel is None:
        return tag[:-1] + ' rel="noopener noreferrer">'
    value, (start, stop) = rel
    tokens = html.unescape(_unquote(value or "")).split()
    lower = {t.lower() for t in tokens}
    tokens += [t for t in REQUIRED if t not in lower]
    return tag[: offset + start] + 'rel="' + html.escape(" ".join(tokens)) + '"' + tag[offset + stop :]


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else value


def harden_links(text: str, site_url: str | None = None) -> str:
    """`text` (an HTML page or fragment) with rel="noopener noreferrer" on every link to another host."""
    own = site_host(site_url)

    def fix(m: re.Match[str]) -> str:
        token = m.group(0)
        if token.startswith("<!") or m.group(1):
            return token
        return _harden_tag(token, own)

    return _TOKEN.sub(fix, text)
