"""Regenerate golden files: python -m tests.golden.regen (review the diff before committing)."""
import json
from pathlib import Path

from ingest.document import read_document
from ingest.serialize import export_dict

HERE = Path(__file__).parent
SOURCES = {"hejing-shebao-2025": HERE.parents[1] / "data" / "samples" / "hejing-shebao-2025.txt"}
# 决算 PDFs of ../shared (never copied into the repository): their parsed tables are golden files here
_SHARED = next((p for p in (HERE.parents[2] / "shared", HERE.parents[3] / "shared") if p.is_dir()), HERE.parents[2] / "shared")
JUESUAN = _SHARED / "corpus" / "juesuan"
SHARED_SOURCES = {name: JUESUAN / f"{name}.pdf" for name in ("putuo-caizhengju-2024-juesuan",
                                                               "putuo-shehuigongzuobu-2024-juesuan")}


def golden_view(doc) -> dict:
    d = export_dict(doc)
    return {"doc_id": d["doc_id"], "org": d["org"], "year": d["year"], "kind": d["kind"], "scope": d["scope"],
            "tables": [{k: t[k] for k in ("id", "title", "unit", "role", "columns", "note")} |
                       {"rows": [{k: r.get(k) for k in ("code", "name", "project", "group", "values", "source")}
                                 for r in t["rows"]]} for t in d["tables"]]}


if __name__ == "__main__":
    for doc_id, src in {**SOURCES, **{k: v for k, v in SHARED_SOURCES.items() if v.is_file()}}.items():
        out = HERE / f"{doc_id}.json"
        out.write_text(json.dumps(golden_view(read_document(src)), ensure_ascii=False, indent=1) + "\n")
        print("wrote", out)
