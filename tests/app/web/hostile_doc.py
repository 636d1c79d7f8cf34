"""Copies of the sample whose unit name, a row name and a narrative sentence carry markup: Markdown
images and links and HTML (for pages), or Rich markup and terminal escape sequences (for the CLI).
The copies parse and verify like the sample (same tables and figures)."""
from __future__ import annotations

from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "samples" / "hejing-shebao-2025.txt"
SAMPLE_ORG = "和静县社会保险中心"
OUTSIDE = "evil.example"

# No spaces: the parser ends the 编制单位 at one.
MARKDOWN_ORG = f"测试单位![t](http://{OUTSIDE}/u.png)<b>粗</b>"
MARKDOWN_ROW = f"培训费[点我](http://{OUTSIDE}/a)"
MARKDOWN_NARRATIVE = (f"无下属预算单位![n](http://{OUTSIDE}/n.png)[详情](http://{OUTSIDE}/d)"
                      f"<img src=http://{OUTSIDE}/i.png>，")

TERMINAL_ORG = "终端单位\x1b[31m红[bold]"
TERMINAL_ROW = "培训费[/]\x1b[2J\x1b]8;;http://evil.example\x07点\x1b]8;;\x07"


def _copy(org: str, row: str, narrative: str | None = None) -> str:
    text = SAMPLE.read_text(encoding="utf-8").replace(SAMPLE_ORG, org)
    text = text.replace("302 16 培训费 0.13 0.13", f"302 16 {row} 0.13 0.13")
    if narrative:                 # in the sentence that answers 有几个科室？
        text = text.replace("无下属预算单位，", narrative, 1)
    return text


def write_markdown_copy(folder: Path, name: str = "hostile-markdown-2025.txt") -> Path:
    path = Path(folder) / name
    path.write_text(_copy(MARKDOWN_ORG, MARKDOWN_ROW, MARKDOWN_NARRATIVE), encoding="utf-8")
    return path


def write_terminal_copy(folder: Path, name: str = "hostile-terminal-2025.txt") -> Path:
    path = Path(folder) / name
    path.write_text(_copy(TERMINAL_ORG, TERMINAL_ROW), encoding="utf-8")
    return path
