"""The optional LLM paths, with LangChain's fake chat models: no network, no model files."""
from decimal import Decimal

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from app.answer.engine import Engine
from app.answer.llm import LLMPlanner, make_chat_model
from ingest.errors import SettingsError

UNLINKABLE = "单位给干部发的固定工资有多少？"        # no table wording: the rules link nothing


def engine_with(base: Engine, responses: list[str], phrase: bool = False) -> Engine:
    return Engine(base.store, base.settings, LLMPlanner(FakeListChatModel(responses=responses), phrase=phrase))


def test_rules_alone_refuse_the_unlinkable_question(engine):
    assert engine.ask(UNLINKABLE).status == "refused"


def test_llm_plan_is_executed_over_the_tables(engine):
    e = engine_with(engine, ['{"op": "lookup", "items": ["基本工资"]}'])
    a = e.ask(UNLINKABLE)
    # the model's reading goes through the coverage check: 固定工资 is not explained by 基本工资's
    # labels, so the reading is offered back, and answered when the user sends it
    assert a.status == "clarify" and not a.values
    assert a.options == ["和静县社会保险中心2025年一般公共预算基本支出情况表中“基本工资”是多少？"]
    b = engine.ask(a.options[0])
    assert [(v.value, v.unit) for v in b.values] == [(Decimal("64.29"), "万元")] and b.citations[0].table == "表6"


def test_llm_names_outside_the_document_are_dropped(engine):
    e = engine_with(engine, ['{"op": "lookup", "items": ["会议费", "干部工资"]}'])
    assert e.ask(UNLINKABLE).status == "refused"


def test_llm_garbage_falls_back_to_the_rules(engine):
    e = engine_with(engine, ["基本工资是 99 万元"])
    a = e.ask(UNLINKABLE)
    assert a.status == "refused" and a.values == []


def test_llm_is_not_asked_when_the_rules_answer(engine):
    e = engine_with(engine, ['{"op": "lookup", "items": ["奖金"]}'])
    a = e.ask("公务用车运行费是多少？")
    assert a.values[0].value == Decimal("2.14")


def test_phrasing_that_changes_a_figure_is_rejected(engine):
    e = engine_with(engine, ["公务用车运行费大约是 3 万元。"], phrase=True)
    a = e.ask("公务用车运行费是多少？")
    assert "2.14" in a.answer and "3 万元" not in a.answer


def test_phrasing_that_keeps_the_figures_is_used(engine):
    e = engine_with(engine, ["今年公务用车运行费安排了 2.14 万元。"], phrase=True)
    assert e.ask("公务用车运行费是多少？").answer == "今年公务用车运行费安排了 2.14 万元。"


def test_llm_settings():
    assert type(make_chat_model("openai:qwen2.5@http://127.0.0.1:9/v1")).__name__ == "ChatOpenAI"
    assert type(make_chat_model("ollama:qwen2.5")).__name__ == "ChatOllama"
    with pytest.raises(SettingsError, match="BUDGETQA_LLM"):
        make_chat_model("openai:qwen2.5")
