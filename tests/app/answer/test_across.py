"""Several documents: scope from the question, clarify when it is not said, across units and years."""
from decimal import Decimal

import pytest

from app.answer.engine import Conversation, Engine
from app.library import ingest_paths, open_store
from app.settings import Settings


@pytest.fixture(scope="module")
def many(tmp_path_factory, sample_path) -> Engine:
    """The sample, the same unit's (made-up) 2024 budget, and another (made-up) unit's 2025 budget."""
    src = sample_path.read_text(encoding="utf-8")
    folder = tmp_path_factory.mktemp("docs")
    (folder / "hejing-shebao-2025.txt").write_text(src, encoding="utf-8")
    y2024 = src.replace("2025", "2024").replace("公务用车运行费 2.14 2.14", "公务用车运行费 2.00 2.00") \
        .replace("公务用车购置及运行费（小计） 2.14 2.14", "公务用车购置及运行费（小计） 2.00 2.00") \
        .replace("合计 2.14 2.14", "合计 2.00 2.00")
    (folder / "hejing-shebao-2024.txt").write_text(y2024, encoding="utf-8")
    other = src.replace("和静县社会保险中心", "和静县就业服务中心").replace("公务用车运行费 2.14 2.14", "公务用车运行费 3.10 3.10") \
        .replace("公务用车购置及运行费（小计） 2.14 2.14", "公务用车购置及运行费（小计） 3.10 3.10") \
        .replace("合计 2.14 2.14", "合计 3.10 3.10")
    (folder / "hejing-jiuye-2025.txt").write_text(other, encoding="utf-8")
    settings = Settings.from_env(tmp_path_factory.mktemp("home"))
    store = open_store(settings)
    results = ingest_paths([str(folder)], store)
    assert [r.status for r in results] == ["added"] * 3
    return Engine(store, settings)


def test_without_a_unit_the_engine_asks_which(many):
    a = many.ask("公务用车运行费是多少？")
    assert a.status == "clarify"
    for doc_id in ("hejing-shebao-2025", "hejing-shebao-2024", "hejing-jiuye-2025"):
        assert doc_id in a.notes[0] and doc_id not in a.answer      # ids for scripts, names for people
    assert sorted(a.options) == sorted(["和静县社会保险中心2024年单位预算：公务用车运行费是多少",
                                        "和静县社会保险中心2025年单位预算：公务用车运行费是多少",
                                        "和静县就业服务中心2025年单位预算：公务用车运行费是多少"])
    picked = many.ask(a.options[0])                 # an option sent back as it is answers
    assert picked.status == "answered" and picked.reading.org == "和静县就业服务中心"


def test_a_named_unit_and_year_pick_the_document(many):
    a = many.ask("和静县就业服务中心的公务用车运行费是多少？")
    assert a.values[0].value == Decimal("3.10") and a.citations[0].doc == "hejing-jiuye-2025"
    a = many.ask("2024年社会保险中心的公务用车运行费是多少？")
    assert a.values[0].value == Decimal("2.00") and a.citations[0].doc == "hejing-shebao-2024"


def test_selected_document_in_a_conversation(many):
    conv = Conversation(doc_id="hejing-shebao-2025")
    assert many.ask("公务用车运行费是多少？", conversation=conv).values[0].value == Decimal("2.14")


def test_ranking_across_units_cites_each_figure(many):
    a = many.ask("哪个单位的公务用车运行费最高？")
    assert a.status == "answered" and "和静县就业服务中心" in a.answer
    assert a.values[0].value == Decimal("3.10")
    assert {c.doc for c in a.citations} == {"hejing-jiuye-2025", "hejing-shebao-2025", "hejing-shebao-2024"}


def test_same_unit_two_years(many):
    a = many.ask("和静县社会保险中心2025年公务用车运行费比2024年预算增加多少？")
    assert a.status == "answered"
    assert [v.value for v in a.values][:3] == [Decimal("2.14"), Decimal("2.00"), Decimal("0.14")]
    assert [c.doc for c in a.citations] == ["hejing-shebao-2025", "hejing-shebao-2024"]


def test_unknown_unit_is_refused(many):
    assert many.ask("和静县教育局的公务用车运行费是多少？").status == "refused"
