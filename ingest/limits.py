"""Size caps on what ingest reads, so one oversized file cannot hold the machine for minutes.

A budget disclosure is tens of pages and a few hundred KB of text; the caps are far above that and
far below what stalls ingest (a 50 MB text file took 742 s and 1.5 GB; its 420,000 chunks did not
finish indexing in 15 minutes). Each can be raised through the environment.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from ingest.errors import SettingsError


@dataclass(frozen=True)
class Limits:
    max_pages: int = 500            # pages of one PDF
    max_pdf_bytes: int = 50_000_000
    max_text_bytes: int = 2_000_000  # a text export of a 100-page disclosure is about 300 KB
    max_chunks: int = 20_000         # search-index chunks of one document (rows + paragraphs)

    def __post_init__(self):
        for name in ("max_pages", "max_pdf_bytes", "max_text_bytes", "max_chunks"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"BUDGETQA_{name.upper()}", "must be a positive whole number")

    @classmethod
    def from_env(cls) -> "Limits":
        values = {}
        for name in ("max_pages", "max_pdf_bytes", "max_text_bytes", "max_chunks"):
            raw = os.environ.get(f"BUDGETQA_{name.upper()}")
            if raw:
                try:
                    values[name] = int(raw)
                except ValueError:
                    raise SettingsError(f"BUDGETQA_{name.upper()}", f"'{raw}' is not a whole number") from None
        return cls(**values)


def current_limits() -> Limits:
    """The caps in force (read from the environment each time: cheap, and tests can set them)."""
    return Limits.from_env()
