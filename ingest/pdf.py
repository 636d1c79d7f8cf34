"""Read a budget disclosure from a PDF with pdfplumber.

Each page's text lines (pdfplumber keeps reading order and drops empty cells, like the text exports
the text reader handles) go through the same table and narrative reading as a .txt file; the place
of every row and paragraph is its page ("p. 12"). Column placement is then decided by the tables'
own arithmetic (ingest.tables), which the tests check on real Shanghai and Jiangsu disclosures.
"""
from __future__ import annotations

import logging
from pathlib import Path

from ingest.errors import ParseError
from ingest.narrative import Extracted
from ingest.text import PAGE_NUMBER, Places, extract_lines

logging.getLogger("pdfminer").setLevel(logging.ERROR)


def pdf_lines(path: Path) -> tuple[list[str], list[int]]:
    """The text lines of every page, and the page number of each line (page numbers printed at
    the foot of a page are dropped)."""
    import pdfplumber
    lines: list[str] = []
    pages: list[int] = []
    try:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                text = page.extract_text() or ""
                page_lines = [line for line in text.splitlines() if line.strip()]
                while page_lines and PAGE_NUMBER.match(page_lines[-1].strip()):
                    page_lines.pop()
                lines += page_lines
                pages += [number] * len(page_lines)
    except ParseError:
        raise
    except Exception as e:        # pdfminer raises many kinds for damaged files
        raise ParseError(str(path), "file", f"not a readable PDF ({type(e).__name__}: {e})") from None
    if not lines:
        raise ParseError(str(path), "p. 1", "the PDF has no text layer (a scanned image?); OCR it first")
    return lines, pages


def extract_pdf(path: Path) -> Extracted:
    lines, pages = pdf_lines(path)
    return extract_lines(lines, str(path), Places(pages))
