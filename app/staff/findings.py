"""What the audit reports: one ``AuditFinding`` per inconsistency of the document itself.

Each finding names its rule (a stable id, and ``title``, the rule's Chinese name for display), its
severity, a Chinese message, the places it concerns (table/row/column or page/paragraph), the figures
compared (``expected`` is what the tables or the arithmetic give, ``stated`` what the document says),
and ``why``: a sentence a staff member can paste, saying why the two cannot both be right.
"""
from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "note")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "note": "提示"}

RULE_TITLES = {
    "final.amount": "决算说明金额与表格不符",
    "final.rate": "决算完成率算错",
    "final.compare": "决算数与预算数的比较写反",
    "final.reason": "决算与预算差异未说明原因",
    "identity.table": "表内勾稽关系不成立",
    "identity.cross": "表间勾稽关系不成立",
    "narrative.amount": "说明金额与表格不符",
    "narrative.restated": "同一项目金额前后不一",
    "narrative.share": "占比与表格不符",
    "narrative.unfunded": "称未安排但表中有数",
    "change.percent": "增减率与金额不符",
    "change.amount": "增减额与两年数不符",
    "change.flat": "称持平但两年数不同",
    "change.direction": "增减方向自相矛盾",
    "change.sign": "增减百分数多带负号",
    "change.parts": "分项增减合计与总增减不符",
    "change.reasons": "原因所列金额合计与增减额不符",
    "change.reason_direction": "原因与增减方向相反",
    "change.balance": "收入与支出增减不一致",
    "change.restated": "同一项目增减前后不一",
    "period.year": "年度写错",
    "period.base": "比较基期写错",
    "naming.label": "同一名称指不同的数",
    "naming.period": "同一期间写法不一",
    "naming.docno": "文号前后不一",
    "naming.people": "人数前后不一",
    "naming.unit": "单位名称前后不一",
    "units": "金额单位错误",
    "standard": "按标准测算与预算不符",
    "completeness.missing": "缺少应公开的表",
    "completeness.empty_note": "空表未作说明",
    "completeness.not_empty": "注明空表但表中有数",
    "completeness.code_name": "科目编码与名称不符",
}


@dataclass(frozen=True)
class AuditFinding:
    rule: str
    severity: str
    message: str
    where: tuple[str, ...]
    expected: str = ""
    stated: str = ""
    why: str = ""
    title: str = field(default="")

    def __post_init__(self):
        if not self.title:
            object.__setattr__(self, "title", RULE_TITLES.get(self.rule, self.rule))


class Findings:
    """An ordered, duplicate-free list of findings."""

    def __init__(self):
        self.items: list[AuditFinding] = []

    def add(self, rule: str, severity: str, message: str, where, expected="", stated="", why="") -> None:
        f = AuditFinding(rule, severity, message, tuple(where), str(expected), str(stated), why)
        if f not in self.items:
            self.items.append(f)

    def sorted(self) -> list[AuditFinding]:
        order = {s: i for i, s in enumerate(SEVERITIES)}
        return sorted(self.items, key=lambda f: order.get(f.severity, 9))
