"""Text from the shop's files shown as text: never a link, markup or a change of direction.

One rule for every value that came from a file or a parameter (campaign and channel names,
segment and tier labels of a scheme file, file names, provinces, products): `shown_text` takes
out what would change how the rest of a line reads (bidi controls, control characters, line
breaks), and each medium then escapes what it would interpret:

- Markdown (`md_text`): & < > as entities and every other ASCII punctuation mark
  backslash-escaped, so no emphasis, no `[a](b)`, no raw HTML, and no `://` left for an
  autolink (`https\\://` reads https://);
- HTML (`html_text`): entities for & < > " ';
- plotly text (`chart_text`): entities for & < >, which plotly shows as the characters (it reads
  `<a href>`, `<b>`, `<br>` and a few other tags in titles, legends, ticks and hovers).

Two nets under the rule, for what a page might still pass unescaped: `safe_figure` (every
string of a figure at render time: bidi controls out, any tag but the workbook's own made
literal) and `own_links_only` (an HTML fragment keeps only links to the workbook's own files).
"""

from __future__ import annotations

import html
import math
import re

# U+061C arabic letter mark, U+200E/U+200F marks, U+202A-U+202E embeddings and overrides,
# U+2066-U+2069 isolates: each changes the display order of what follows it on its line
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_HIDDEN = re.compile(f"[{BIDI_CONTROLS}\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]")
_BREAKS = re.compile("[\\t\\n\\r\\u2028\\u2029]+")
# every ASCII punctuation mark but the & and ; of the entities that stand for & < >
_MD_SPECIAL = re.compile(r"([!-%'-/:<-@\[-`{-~])")
# the tags the workbook itself writes in chart texts; anything else in a figure is shown as text
_OWN_TAGS = re.compile(r"</?(?:b|i|br|sup|sub|extra)\s*/?>", re.IGNORECASE)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def shown_text(value) -> str:
    """Any value from data as the one line of plain text a page shows: bidi controls and control
    characters removed, line breaks and tabs as one space (None and NaN as '')."""
    if _missing(value):
        return ""
    return _BREAKS.sub(" ", _HIDDEN.sub("", str(value)))


def md_text(value) -> str:
    """A value from data inside Markdown: read as plain text, no link, no emphasis, no HTML."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(shown_text(value), quote=False))


def html_text(value) -> str:
    """A value from data inside HTML: plain text, escaped."""
    return html.escape(shown_text(value), quote=True)


def chart_text(value) -> str:
    """A value from data in a plotly title, label, legend, tick or hover: shown literally."""
    return (shown_text(value).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def chart_labels(labels: dict | None) -> dict:
    """A key -> label mapping (a scheme's labels, a loyalty file's tier names) for charts."""
    return {key: chart_text(label) for key, label in (labels or {}).items()}


def md_labels(labels: dict | None) -> dict:
    """A key -> label mapping for Markdown sentences."""
    return {key: md_text(label) for key, label in (labels or {}).items()}


# ---------------------------------------------------------------- nets under the rule


def _figure_string(text: str) -> str:
    text = _HIDDEN.sub("", text)
    if "<" not in text:
        return text
    parts = re.split(r"(<[^<>]*>)", text)
    return "".join(p if not p.startswith("<") or _OWN_TAGS.fullmatch(p)
                   else p.replace("<", "&lt;").replace(">", "&gt;") for p in parts)


def safe_figure(value):
    """A figure (as a dict) with every string made safe: no bidi control, no link and no tag
    but <b>, <i>, <br>, <sup>, <sub> (and <extra> of hovers). Arrays of numbers pass untouched."""
    if isinstance(value, str):
        return _figure_string(value)
    if isinstance(value, dict):
        return {k: safe_figure(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(safe_figure(v) for v in value)
    dtype = getattr(value, "dtype", None)
    if dtype is not None and getattr(dtype, "kind", "") in ("O", "U"):
        import numpy as np

        return np.array([safe_figure(v) for v in value.tolist()], dtype=object)
    return value


def is_own_link(href) -> bool:
    """A link to the workbook's own files or pages: relative (no scheme, no host), or an anchor."""
    if href is None:
        return True
    target = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(str(href)))
    if target.startswith(("//", "\\\\", "/\\", "\\/")):
        return False
    return not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", target)


def own_links_only(fragment: str) -> str:
    """An HTML fragment with every link that leaves the workbook turned into its text, and no
    bidi control left in it."""
    fragment = _HIDDEN.sub("", fragment)
    if "<a" not in fragment.lower() and "href" not in fragment.lower():
        return fragment
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(fragment, "html.parser")
    changed = False
    for tag in soup.find_all(href=True):
        if not is_own_link(tag.get("href")):
            if tag.name == "a":
                tag.unwrap()
            else:
                del tag["href"]
            changed = True
    return str(soup) if changed else fragment
