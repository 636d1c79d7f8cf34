"""The audit's findings as JSON, terminal text and Markdown. Document text inside a finding (names,
sentences, places) is data: escaped for Markdown, stripped of control sequences for a terminal."""
from __future__ import annotations

import json
from dataclasses import asdict

from app.answer.text import escape_markdown, strip_control
from app.staff.findings import SEVERITY_NAMES, AuditFinding
from app.staff.reading import reading_problems
from ingest.model import BudgetDocument

LABELS = SEVERITY_NAMES


def to_json(doc: BudgetDocument, findings: list[AuditFinding]) -> str:
    unread = [{k: str(getattr(p, k)) for k in ("rule", "kind", "what", "message", "where", "severity") if hasattr(p, k)}
              for p in reading_problems(doc)]
    return json.dumps({"doc": doc.doc_id, "count": len(findings), "findings": [asdict(f) for f in findings],
                       "reading_problems": unread}, ensure_ascii=False, indent=2)


def to_text(doc: BudgetDocument, findings: list[AuditFinding]) -> str:
    lines = [f"{doc.doc_id}: {len(findings)} 项审核发现"]
    for i, f in enumerate(findings, 1):
        lines.append(f"{i}. [{LABELS.get(f.severity, f.severity)}] {f.title}（{f.rule}）: {strip_control(f.message)}")
        lines += [f"   位置: {strip_control(w)}" for w in f.where]
        if f.expected or f.stated:
            lines.append(f"   应为: {strip_control(f.expected) or '—'}  说明/表中: {strip_control(f.stated) or '—'}")
        if f.why:
            lines.append(f"   为何不一致: {f.why}")
    unread = reading_problems(doc)
    if unread:
        lines.append(f"（另有 {len(unread)} 处未能读取，不作为文件的错误：见 budgetqa export 的 reading_problems）")
    return "\n".join(lines)


def to_markdown(doc: BudgetDocument, findings: list[AuditFinding]) -> str:
    title = escape_markdown(f"{doc.org} {doc.year}年{doc.scope}{doc.kind}")
    lines = [f"# {title} 审核结果", "",
             "| # | 级别 | 规则 | 说明 | 位置 | 应为 | 所述 | 为何不一致 |", "|---|---|---|---|---|---|---|---|"]
    for i, f in enumerate(findings, 1):
        cells = [str(i), LABELS.get(f.severity, f.severity), escape_markdown(f.title), escape_markdown(f.message),
                 "<br>".join(escape_markdown(w) for w in f.where), escape_markdown(f.expected),
                 escape_markdown(f.stated), escape_markdown(f.why)]
        lines.append("| " + " | ".join(c.replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines)
