"""Consistency audit (勾稽关系审核): every finding carries its evidence, and nothing is reported where
the document is right.

Rules: table and cross-table identities (from ingest); narrative figures against the table cells
they name; "未安排" said of an item the tables fund; a stated change against its stated percentage;
reasons whose amounts do not add up to the change they explain; one period written two ways;
an amount labelled 万元 that can only be 元; "其中" head counts that exceed their total; stated
standards (people × standard × 12 months) against the project amount.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from app.catalog import Catalog, catalog_for
from app.contract import round_half_up
from app.execute import convert
from ingest.model import BudgetDocument

SEVERITIES = ("error", "warning", "note")


@dataclass(frozen=True)
class AuditFinding:
    rule: str
    severity: str
    message: str                       # Chinese, for staff
    locations: tuple[str, ...]         # "表10 › 公务用车运行费 › 合计 (line 721)", "情况说明 lines 1054-1066"
    expected: str = ""
    stated: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Audit:
    doc_id: str
    findings: list[AuditFinding] = field(default_factory=list)

    def add(self, *args, **kwargs) -> None:
        f = AuditFinding(*args, **kwargs)
        if f not in self.findings:
            self.findings.append(f)


def _places(x: Decimal) -> int:
    return max(-x.as_tuple().exponent, 0)


def _same(stated: Decimal, exact: Decimal) -> bool:
    """Equal at the rounding the text uses (half a unit of its last digit)."""
    return abs(stated - exact) <= Decimal(5).scaleb(-_places(stated) - 1) + Decimal("0.0000001")


def _cell_place(cat: Catalog, ref) -> str:
    t = cat.doc.table(ref.table)
    r = t.rows[ref.row]
    return f"{t.id} › {r.label} › {t.columns[ref.column]}（{r.source}）"


def _section_place(cat: Catalog, k: int) -> str:
    s = cat.doc.sections[k]
    return f"情况说明 {' / '.join(s.path[-1:])}（{s.source}）"


def audit_document(doc: BudgetDocument) -> Audit:
    cat = catalog_for(doc)
    out = Audit(doc.doc_id)
    _identities(doc, out)
    _narrative_figures(cat, out)
    _unfunded_statements(cat, out)
    _change_rates(cat, out)
    _reason_parts(cat, out)
    _periods(cat, out)
    _units(cat, out)
    _head_counts(cat, out)
    _standards(cat, out)
    return out


def _identities(doc: BudgetDocument, out: Audit) -> None:
    for t in doc.tables:
        for c in t.checks:
            if not c.ok:
                out.add("table-identity", "error", f"{t.id}《{t.title}》的勾稽关系不成立：{c.rule}", (t.id,),
                        stated=c.detail)
    for c in doc.checks:
        if not c.ok:
            out.add("cross-table", "error", f"表间勾稽关系不成立：{c.rule}", (c.rule.split()[0],), stated=c.detail)


def _entry_in(cat: Catalog, text: str):
    """The longest table name that ends the words before a figure ("…其中：一般公共预算 291.73 万元")."""
    text = re.sub(r"[（(](?:类|款|项)[)）]", "", text)
    best = None
    for label, entry in cat.entries.items():
        if len(label) >= 3 and not label.isdigit() and text.endswith(label) and (best is None or len(label) > len(best[0])):
            best = (label, entry)
    if best is not None:      # the name must be the subject, not the tail of a longer one (…运行经费财政拨款预算)
        prefix = text[: -len(best[0])]
        if prefix and not re.search(r"(?:[：:，,、。；;）)]|\d+[、.]|年|包括|其中|为)$", prefix):
            return None
    return best


def _narrative_figures(cat: Catalog, out: Audit) -> None:
    for f in cat.facts:
        if f.unit != "万元" or f.in_reason:
            continue
        found = _entry_in(cat, re.sub(r"\s|(?:\d{4}年)?预算数为|为$", "", f.before))
        if found is None:
            continue
        label, entry = found
        values = [convert(cat.value(r), cat.doc.table(r.table).unit, "万元")[0] for r in entry.refs]
        if any(_same(f.value, v) for v in values):
            continue
        ref = entry.refs[0]
        out.add("narrative-vs-table", "error",
                f"情况说明称“{label}”为 {f.value} 万元，表中为 {round_half_up(values[0])} 万元。",
                (_section_place(cat, f.section), _cell_place(cat, ref)),
                expected=f"{round_half_up(values[0])} 万元", stated=f"{f.value} 万元")


UNFUNDED = re.compile(r"(?:均)?未安排([\u4e00-\u9fff（）()]{2,16}?)(?:[;；。，,]|$)")


def _unfunded_statements(cat: Catalog, out: Audit) -> None:
    for k, s in enumerate(cat.doc.sections):
        for m in UNFUNDED.finditer(s.text):
            name = m.group(1).replace("(", "（").replace(")", "）")
            entry = cat.entries.get(name)
            if entry is None:
                continue
            ref = entry.refs[0]
            v = cat.value(ref)
            if v != 0:
                t = cat.doc.table(ref.table)
                out.add("unfunded-contradiction", "error",
                        f"情况说明称“未安排{name}”，但{t.id}中{name}为 {v} {t.unit}。",
                        (_section_place(cat, k), _cell_place(cat, ref)), expected=f"{v} {t.unit}", stated="未安排（0）")


def _change_rates(cat: Catalog, out: Audit) -> None:
    for k, s in enumerate(cat.doc.sections):
        for m in re.finditer(r"(下降|减少|增长|增加)\s*-\s*(\d+(?:\.\d+)?)\s*%", s.text):
            out.add("change-rate", "warning", f"“{m.group(0)}”：方向词与负号重复，应写作“{m.group(1)}{m.group(2)}%”。",
                    (_section_place(cat, k),), stated=m.group(0))
    for ch in cat.changes:
        if ch.percent is None or ch.current is None:
            continue
        before = ch.current - ch.change
        if before == 0:
            continue
        exact = ch.change / before * 100
        if not _same(abs(ch.percent), abs(exact)):
            out.add("change-rate", "error",
                    f"“{ch.item}”比上年变化 {ch.change} 万元、{ch.percent}% 与本年数 {ch.current} 万元不符："
                    f"{abs(ch.change)} ÷ {before} = {round_half_up(abs(exact))}%。",
                    (_section_place(cat, ch.section),), expected=f"{round_half_up(exact)}%", stated=f"{ch.percent}%")


def _reason_parts(cat: Catalog, out: Audit) -> None:
    for ch in cat.changes:
        parts = [Decimal(a) for a in re.findall(r"(\d+(?:\.\d+)?)\s*万元", ch.reason)]
        if len(parts) < 2 or not re.search(r"减少|增加", ch.reason):
            continue
        total = sum(parts)
        if abs(total - abs(ch.change)) > Decimal("0.01"):
            out.add("reason-parts", "error",
                    f"“{ch.item}”比上年变化 {abs(ch.change)} 万元，所列原因金额合计 "
                    f"{' + '.join(str(p) for p in parts)} = {total} 万元，二者不符。",
                    (_section_place(cat, ch.section),), expected=f"{abs(ch.change)} 万元", stated=f"{total} 万元")


PERIOD = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*[-—–至到]\s*(\d{4})\s*年\s*(\d{1,2})\s*月")


def _periods(cat: Catalog, out: Audit) -> None:
    seen: dict[tuple[str, str], list[tuple[tuple[str, str], str]]] = {}
    texts = [(f"{t.id} › {r.label}（{r.source}）", r.label) for t in cat.doc.tables for r in t.rows] + \
        [(_section_place(cat, k), s.text) for k, s in enumerate(cat.doc.sections)]
    for place, text in texts:
        for m in PERIOD.finditer(text):
            start, end = (m.group(1), m.group(2).lstrip("0")), (m.group(3), m.group(4).lstrip("0"))
            seen.setdefault(start, []).append((end, place))
    for start, ends in seen.items():
        distinct = {e for e, _ in ends}
        if len(distinct) > 1:
            def form(e):
                return f"{start[0]}年{start[1]}月-{e[0]}年{e[1]}月"
            forms = "、".join(form(e) for e in sorted(distinct))
            out.add("naming", "warning", f"同一期间写法不一致：{forms}。",
                    tuple(dict.fromkeys(f"{p}：{form(e)}" for e, p in ends)), stated=forms)


def _units(cat: Catalog, out: Audit) -> None:
    totals = [convert(cat.value(r), cat.doc.table(r.table).unit, "万元")[0]
              for label in ("收支总预算", "支出总计", "收入总计") if (e := cat.entries.get(label)) for r in e.refs[:1]]
    if not totals:
        return
    biggest = max(totals)
    for f in cat.facts:
        if f.unit == "万元" and biggest and f.value > biggest * 100:
            as_wan = round_half_up(f.value / 10000)
            close = any(abs(as_wan - t) <= t * Decimal("0.01") for t in totals)
            out.add("unit", "error" if close else "warning",
                    f"“{f.before}{f.value} 万元”远大于单位收支总额 {biggest} 万元，应为 {f.value} 元（{as_wan} 万元）"
                    + ("，与收支总额一致。" if close else "。"),
                    (_section_place(cat, f.section),), expected=f"{as_wan} 万元", stated=f"{f.value} 万元")


HEADS = re.compile(r"(人员总数|实有人数|实有人员|总人数|共有人员)\s*(\d+)\s*[人名]\s*[，,]\s*其中[:：]([^。；]*)")


def _head_counts(cat: Catalog, out: Audit) -> None:
    for k, s in enumerate(cat.doc.sections):
        for m in HEADS.finditer(s.text):
            total = int(m.group(2))
            parts = [(w, int(n)) for w, n in re.findall(r"(在职|退休|离休)\s*(\d+)\s*[人名]", m.group(3))]
            if len(parts) >= 2 and sum(n for _, n in parts) != total:
                listed = " + ".join(f"{w} {n}" for w, n in parts)
                out.add("head-count", "error",
                        f"{m.group(1)} {total} 人，其中 {listed} = {sum(n for _, n in parts)} 人，二者不符。",
                        (_section_place(cat, k),), expected=f"{sum(n for _, n in parts)} 人", stated=f"{total} 人")


def _standards(cat: Catalog, out: Audit) -> None:
    amount = None
    for k, s in enumerate(cat.doc.sections):
        m = re.search(r"预算安排规模[:：]\s*(\d+(?:\.\d+)?)\s*万元", s.text)
        if m:
            amount = Decimal(m.group(1))
        people = re.search(r"(\d+)\s*人[，,]?\s*补助发放标准\s*(\d+(?:\.\d+)?)\s*元/月/人", s.text)
        if people and amount is not None:
            n, std = int(people.group(1)), Decimal(people.group(2))
            computed = n * std * 12 / 10000
            diff = amount - computed
            if abs(diff) > Decimal("0.005"):
                out.add("standard", "warning",
                        f"{n} 人 × {std} 元/月/人 × 12 个月 = {round_half_up(computed)} 万元，项目预算 {amount} 万元，"
                        f"相差 {round_half_up(diff)} 万元（{round_half_up(abs(diff) / amount * 100)}%）。",
                        (_section_place(cat, k),), expected=f"{round_half_up(computed)} 万元", stated=f"{amount} 万元")
            amount = None


def render(audit: Audit, fmt: str = "text") -> str:
    if fmt == "json":
        import json
        return json.dumps({"doc_id": audit.doc_id, "findings": [f.to_dict() for f in audit.findings]},
                          ensure_ascii=False, indent=1)
    if fmt == "markdown":
        lines = [f"# {audit.doc_id} 审核结果（{len(audit.findings)} 项）", "", "| 规则 | 级别 | 说明 | 位置 |", "|---|---|---|---|"]
        lines += [f"| {f.rule} | {f.severity} | {f.message} | {'<br>'.join(f.locations)} |" for f in audit.findings]
        return "\n".join(lines)
    if not audit.findings:
        return f"{audit.doc_id}: 未发现不一致。"
    lines = [f"{audit.doc_id}: {len(audit.findings)} 项发现"]
    for f in audit.findings:
        lines.append(f"[{f.severity}] {f.rule}: {f.message}")
        lines += [f"    位置：{p}" for p in f.locations]
    return "\n".join(lines)
