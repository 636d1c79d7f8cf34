"""The optional language model, through LangChain chat models. It never supplies a number.

``BUDGETQA_LLM`` selects it:
  openai:MODEL@BASE_URL   any OpenAI-compatible server (API key from OPENAI_API_KEY, or "none")
  ollama:MODEL            a local Ollama server (OLLAMA_HOST or http://127.0.0.1:11434)
  llamacpp:PATH.gguf      a GGUF file through llama-cpp-python (install it yourself)

It is used (1) when the rule planner links no item, to propose a plan as JSON validated against the
plan schema — only names that exist in the document are accepted, the engine then looks the figures
up — and (2) with ``BUDGETQA_LLM_PHRASE=1``, to rephrase the answer text; the rephrasing is kept
only if every figure in it is one of the answer's values, else the template text stays.
"""
from __future__ import annotations

import json
import os
import re
from decimal import Decimal, InvalidOperation
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from app.answer.catalog import Catalog
from app.answer.contract import Answer
from app.answer.linking import Item
from app.answer.plan import OPS, Plan
from ingest.errors import SettingsError

PLAN_PROMPT = """你是预算问答系统的“问题解析器”。只输出一个 JSON 对象，不要回答问题，不要输出任何数字结果。
可选的操作 op：{ops}。
items 只能从下面的名称表中逐字选择（最多 3 个），表示问题涉及的预算项目；如果都不相关，items 为空列表。
unit 为用户要求的金额单位（元、万元、亿元），没有要求则为 null。top 为排名问题要求的项数，默认为 1。
名称表：{labels}
问题：{question}
JSON："""

PHRASE_PROMPT = """把下面的预算问答改写得更自然、简洁，用中文。不得增加、删除或改动任何数字和单位。
原答案：{answer}
改写："""


class LLMPlan(BaseModel):
    op: Literal[OPS] = "lookup"  # type: ignore[valid-type]
    items: list[str] = Field(default_factory=list)
    unit: Literal["元", "万元", "亿元"] | None = None
    top: int = 1


def make_chat_model(setting: str):
    """A LangChain chat model from a BUDGETQA_LLM value (constructed lazily, no call made here)."""
    kind, _, rest = setting.partition(":")
    if kind == "openai":
        model, _, base_url = rest.partition("@")
        if not model or not base_url:
            raise SettingsError("BUDGETQA_LLM", "openai needs MODEL@BASE_URL, e.g. openai:qwen2.5@http://127.0.0.1:8000/v1")
        from langchain_openai import ChatOpenAI
        return ChatOpenAI(model=model, base_url=base_url, api_key=os.environ.get("OPENAI_API_KEY", "none"),
                          temperature=0, timeout=60, max_retries=1)
    if kind == "ollama":
        from langchain_ollama import ChatOllama
        return ChatOllama(model=rest, temperature=0,
                          base_url=os.environ.get("OLLAMA_HOST", "http://127.0.0.1:11434"))
    if kind == "llamacpp":
        try:
            from langchain_community.chat_models import ChatLlamaCpp
        except ImportError as e:  # pragma: no cover - depends on the optional llama-cpp-python
            raise SettingsError("BUDGETQA_LLM", f"llamacpp needs llama-cpp-python installed ({e})") from None
        return ChatLlamaCpp(model_path=rest, temperature=0, n_ctx=4096, verbose=False)
    raise SettingsError("BUDGETQA_LLM", f"unknown kind '{kind}' (openai, ollama or llamacpp)")


def _figures(text: str) -> set[Decimal]:
    out = set()
    for m in re.findall(r"\d+(?:\.\d+)?", text):
        try:
            out.add(Decimal(m).normalize())
        except InvalidOperation:
            pass
    return out


class LLMPlanner:
    def __init__(self, model, phrase: bool = False, max_labels: int = 120):
        self.model = model
        self.phrase_enabled = phrase
        self.max_labels = max_labels

    @classmethod
    def from_setting(cls, setting: str) -> "LLMPlanner":
        return cls(make_chat_model(setting), phrase=os.environ.get("BUDGETQA_LLM_PHRASE") == "1")

    def _ask(self, prompt: str) -> str:
        reply = self.model.invoke(prompt)
        return getattr(reply, "content", reply) if not isinstance(reply, str) else reply

    def plan(self, question: str, cat: Catalog, rule_plans: list[Plan]) -> list[Plan]:
        """A plan from the model when the rules linked nothing; the rules' plans when it fails."""
        labels = sorted((lab for lab in cat.entries if not lab.isdigit()), key=len)[: self.max_labels]
        prompt = PLAN_PROMPT.format(ops="、".join(OPS), labels="、".join(labels), question=question)
        try:
            text = self._ask(prompt)
            match = re.search(r"\{.*\}", text, re.S)
            parsed = LLMPlan.model_validate(json.loads(match.group(0) if match else text))
        except (ValueError, ValidationError, AttributeError):
            return rule_plans
        except Exception:           # the model server is down or slow: answer by the rules
            return rule_plans
        items = tuple(Item(label, cat.entries[label].refs, cat.entries[label].kind)
                      for label in parsed.items if label in cat.entries)
        if not items and parsed.op not in ("fact", "why", "list", "rank"):
            return rule_plans
        base = rule_plans[0]
        return [Plan(parsed.op, cat.doc.doc_id, items, unit=parsed.unit, top=max(parsed.top, 1),
                     words=base.words, notes=("问题由语言模型解析，数字均取自表格。",), confident=False)]

    def phrase(self, answer: Answer) -> Answer:
        """The model's wording, if it keeps every figure of the answer and adds none."""
        if not self.phrase_enabled:
            return answer
        try:
            text = self._ask(PHRASE_PROMPT.format(answer=answer.answer)).strip()
        except Exception:
            return answer
        allowed = {v.value.normalize() for v in answer.values} | _figures(answer.answer)
        if text and _figures(text) <= allowed and {v.value.normalize() for v in answer.values} <= _figures(text) | {Decimal(0)}:
            answer.answer = text
        return answer
