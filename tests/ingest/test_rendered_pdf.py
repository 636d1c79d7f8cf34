"""The PDF reader on the Xinjiang template: the sample's text export rendered to PDF with headless
Chromium (``eval.render_pdf``), then read back; the PDF must give what the text gives."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from ingest.document import read_document

CHROMIUM = Path("/usr/bin/chromium")
QUESTIONS = Path(__file__).parents[2] / "eval" / "questions"


# "roomy": larger cells, so 表1, 表2 and 表4 run over two pages, each continuation page opening with
# the 编制单位 … 单位：万元 line and the column header again, as the published PDFs do.
ROOMY = "td, th { padding: 6pt 3pt; } table { font-size: 11pt; }"
# (extra CSS, running head atop every page)
LAYOUTS = {"compact": ("", ""), "roomy": (ROOMY, ""), "headed": (ROOMY, "和静县社会保险中心2025年单位预算公开")}


@pytest.fixture(scope="module", params=list(LAYOUTS))
def both(request, sample_path, tmp_path_factory):
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing: the sample cannot be printed to PDF (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed in the venv")
    from eval.render_pdf import render
    txt = read_document(sample_path)
    pdf_path = render(txt, tmp_path_factory.mktemp("rendered") / f"{sample_path.stem}.pdf",
                      extra_css=LAYOUTS[request.param][0], running_head=LAYOUTS[request.param][1])
    start = time.perf_counter()
    pdf = read_document(pdf_path)
    print(f"read_document({pdf_path.name}): {time.perf_counter() - start:.2f} s")
    return txt, pdf, pdf_path


def _shape(doc):
    return [(t.id, t.title, t.unit, t.role) for t in doc.tables]


def _cells(table):
    """(row name, code) → the values of each row so named, in order (a name can repeat:
    表1 has 一般公共预算拨款 under 本年收入 and under 上年结转)."""
    out: dict[tuple[str, str], list] = {}
    for r in table.rows:
        out.setdefault((r.name, r.code), []).append(r.values)
    return out


def test_same_tables(both):
    txt, pdf, _ = both
    assert _shape(pdf) == _shape(txt)


@pytest.mark.parametrize("table_id", [f"表{k}" for k in range(1, 12)], ids=[f"table{k}" for k in range(1, 12)])
def test_same_values(both, table_id):
    txt, pdf, _ = both
    expected = _cells(txt.table(table_id))
    try:
        got = _cells(pdf.table(table_id))
    except KeyError:
        pytest.fail(f"{table_id} is missing from the PDF")
    diffs = [f"{key}: expected {expected[key]}, got {got.get(key, 'no such row')}"
             for key in expected if got.get(key) != expected[key]]
    diffs += [f"{key}: extra row {got[key]}" for key in got if key not in expected]
    assert not diffs, "\n".join(diffs)


def test_checks_hold(both):
    _, pdf, _ = both
    failing = [f"{c.rule}: {c.detail}" for t in pdf.tables for c in t.checks if not c.ok] + \
        [f"{c.rule}: {c.detail}" for c in pdf.checks if not c.ok]
    assert not failing, "\n".join(failing)



def test_notes_and_narrative(both):
    """Sentences under empty tables stay notes (their 2025 is no figure); every paragraph of the
    text export is a paragraph of the PDF (spaces aside)."""
    txt, pdf, _ = both

    def norm(text: str) -> str:
        return "".join(text.split())
    assert [norm(t.note) for t in pdf.tables] == [norm(t.note) for t in txt.tables]
    paragraphs = {norm(s.text) for s in pdf.sections}
    assert [s.text[:30] for s in txt.sections if norm(s.text) not in paragraphs] == []


def test_questions_answer_the_same_from_the_pdf(both, sample_path, tmp_path_factory):
    """Every question of the project's gold sets about the sample gets the same status and values
    from the printed PDF as from the text export."""
    import json
    import shutil

    from app.answer.engine import Engine
    from app.library import ingest_paths, open_store
    from app.settings import Settings
    txt, _, pdf_path = both
    home = tmp_path_factory.mktemp("both-home")
    pdf_copy = home / "hejing-printed.pdf"
    shutil.copy(pdf_path, pdf_copy)
    settings = Settings.from_env(home / "data")
    store = open_store(settings)
    assert [r.status for r in ingest_paths([str(sample_path), str(pdf_copy)], store)] == ["added", "added"]
    engine = Engine(store, settings)
    questions = [json.loads(line) for f in sorted(QUESTIONS.glob("*.jsonl"))
                 for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [q for q in questions if q.get("doc") == txt.doc_id]
    assert len(questions) > 200

    def answer(question: str, doc: str):
        a = engine.ask(question, doc=doc)
        return a.status, [(v.value, v.unit) for v in a.values]
    differ = [q["id"] for q in questions if answer(q["question"], txt.doc_id) != answer(q["question"], "hejing-printed")]
    # hj-lk-73 asks a column of 表7 whose figures the text leaves unplaced (refused from the text);
    # the printed PDF was drawn from ingest's placement, so there the column is on the page
    assert differ == [] or differ == ["hj-lk-73"]
