"""What the CLI prints is safe for a terminal: document text may hold escape sequences (ESC [ …,
OSC 8 links, 8-bit C1 controls) and Rich markup ([bold], [/]); neither may act on the terminal.

    print(terminal_text(answer.answer))            # control sequences removed, newlines kept
    print(terminal_json(answer.to_dict()))         # JSON with every control character \\u-escaped
    rich_table.add_row(rich_text(row.name))        # shown literally by Rich, never parsed as markup
"""
from __future__ import annotations

import json
import re

from app.answer.text import strip_control

_UNESCAPED_BY_JSON = re.compile(r"[\x7f-\x9f\u2028\u2029]")   # json.dumps(ensure_ascii=False) leaves these raw


def terminal_text(text) -> str:
    return strip_control(text)


def terminal_json(obj, **kwargs) -> str:
    """``json.dumps(obj, ensure_ascii=False)`` with DEL and C1 controls escaped too (the same data)."""
    return escape_json_controls(json.dumps(obj, ensure_ascii=False, **kwargs))


def escape_json_controls(text: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with the controls it leaves raw \\u-escaped
    (they can only stand inside its strings, so the data is unchanged)."""
    return _UNESCAPED_BY_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def rich_text(text) -> str:
    """Document text for a Rich renderable: without control sequences, with markup brackets escaped."""
    from rich.markup import escape
    return escape(strip_control(text))
