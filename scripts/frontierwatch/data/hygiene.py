"""Text and link hygiene: what a hostile or careless edit can hide in a value that looks fine.

- Characters that act instead of showing: C0 controls but tab and newline, DEL, C1 (a terminal obeys
  them), bidirectional controls (text displays reversed or disguised: "Trojan Source"), invisible format
  characters (zero-width space, word joiner, soft hyphen, a byte-order mark inside text) and the Unicode
  line/paragraph separators (they break JavaScript and some JSON readers). Each is refused with its code
  point named. The zero-width joiner and non-joiner are kept where they do a job: between two letters of
  a script that uses them (Persian, Arabic, Indic scripts), never next to Latin letters or spaces.
- Names that differ only by case, spacing or Unicode normal form are one name (`same_name_key`).
- Look-alike letters from another script inside a name or alias (Cyrillic `а` in a Latin word) are found
  with `confusable_homoglyphs` (Unicode's confusables data): a warning, since mixed scripts can be real.
- URLs: https only, no user name or password, no spaces, controls or invisible characters, no
  backslashes, and a host name that parses.
"""

from __future__ import annotations

import functools
import unicodedata
from urllib.parse import urlsplit

from confusable_homoglyphs import confusables  # type: ignore[import-untyped]

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
JOINERS = frozenset("\u200c\u200d")


def char_name(ch: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".rstrip()  # controls have no name


def _joiner_ok(text: str, i: int) -> bool:
    """ZWJ/ZWNJ between two letters (or a letter's combining mark, such as a virama), at least one of them
    not Latin: the scripts that need joiners."""
    if i == 0 or i + 1 >= len(text):
        return False
    before, after = text[i - 1], text[i + 1]
    if not all(unicodedata.category(c)[0] in "LM" for c in (before, after)):
        return False
    return not (unicodedata.name(before, "").startswith("LATIN") and unicodedata.name(after, "").startswith("LATIN"))


def hidden_character(text: str) -> tuple[int, str, str] | None:
    """(index, message, hint) for the first character that acts, hides or reorders; None if clean."""
    if text.isprintable():  # C-speed: no Cc, Cf, Zl, Zp, Cs, Co, Cn and no separators but space
        return None
    for i, ch in enumerate(text):
        if ch in "\t\n" or ch.isprintable():
            continue
        category = unicodedata.category(ch)
        where = f"at character {i + 1}"
        if ch in BIDI_CONTROLS:
            return (
                i,
                f"contains {char_name(ch)}, a bidirectional control, {where}",
                "delete it: it makes text display reversed or disguised",
            )
        if category == "Cc":
            return i, f"contains the control character {char_name(ch)} {where}", "delete it"
        if ch in JOINERS and _joiner_ok(text, i):
            continue
        if category == "Cf":
            return i, f"contains the invisible character {char_name(ch)} {where}", "delete it"
        if category in ("Zl", "Zp"):
            return i, f"contains {char_name(ch)} {where}", "use an ordinary line break"
        if category == "Zs":
            continue  # no-break and other visible spaces
    return None


def same_name_key(name: str) -> str:
    """The form two names are compared in: NFC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


@functools.lru_cache(maxsize=1 << 16)
def mixed_script(text: str) -> str | None:
    """A description of a look-alike letter from another script in `text`, or None.

    Only mixed-script text is examined: a name written wholly in Cyrillic or Arabic is fine. Remembered by text:
    every load checks every name (serve: each edit), and the library reads each character's script anew."""
    if not confusables.is_mixed_script(text):
        return None
    found = confusables.is_confusable(text, greedy=False, preferred_aliases=["latin"])
    if not found:
        return None
    first = found[0]
    ch = str(first["character"])
    looks = ", ".join(f"'{h['c']}'" for h in first["homoglyphs"][:2])
    return f"{char_name(ch)} looks like {looks}"


def url_problem(url: str) -> tuple[str, str] | None:
    """(message, hint) when `url` is not a plain public https link; None when it is."""
    for i, ch in enumerate(url):
        if ch.isspace() or not ch.isprintable():
            what = "a space" if ch == " " else char_name(ch)
            return (
                f"the address contains {what} at character {i + 1}",
                "percent-encode spaces as %20 and delete invisible characters",
            )
    if "\\" in url:
        return "the address contains a backslash", "write / instead of \\"
    if not url.lower().startswith("https://"):
        return f"{url!r} is not an https address", "link sources over https://"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
    except ValueError as exc:
        return f"the address does not parse: {exc}", "copy it again from the browser's address bar"
    if "@" in parts.netloc:
        return (
            "the address carries a user name or password (user@ before the host)",
            "remove everything between https:// and @: it would be published",
        )
    host = parts.hostname or ""
    try:
        ascii_host = host.encode("idna").decode("ascii") if host else ""
    except UnicodeError:
        ascii_host = ""
    labels = ascii_host.split(".")
    if not ascii_host or any(not label or not _ldh(label) for label in labels) or len(labels) < 2:
        return f"the host name {host!r} does not parse", "write https://example.org/... with a full host name"
    return None


def _ldh(label: str) -> bool:
    return len(label) <= 63 and label[0] != "-" and label[-1] != "-" and all(c.isalnum() or c == "-" for c in label)
