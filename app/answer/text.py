"""Document text is data: every string that comes from a document (a row name, a unit's name, a
narrative sentence) is escaped before it goes into Markdown or HTML that a page renders, and
stripped of terminal control sequences before a terminal prints it. One place, used by compose,
the staff tools, the web page and the CLI.
"""
from __future__ import annotations

import html
import re

MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]!|~#])")
CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_markdown(text: str) -> str:
    """``text`` shown literally in Markdown: no link, image, emphasis or HTML survives
    (![x](http://…) → \\!\\[x\\](http:\\/\\/…), <b> → &lt;b&gt;)."""
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(strip_control(str(text)), quote=False))
    return escaped.replace("://", ":\\/\\/")          # no bare address for a linkifier to turn into a link


def strip_control(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (newlines and tabs kept)."""
    return CONTROL.sub("", str(text))


def markdown_to_text(markdown: str) -> str:
    """The engine's Markdown as plain text for a terminal: no ** markers, no backslash escapes, the
    entities back to characters (document text appears as it was written)."""
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", str(markdown))
    text = re.sub(r"\\([\\`*_\[\]!|~#/])", r"\1", text)
    return strip_control(html.unescape(text))
