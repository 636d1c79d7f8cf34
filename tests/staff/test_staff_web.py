"""The 审核 and 起草 tabs: handlers called directly, and the page builds with them."""
from app.staff_web import audit_rows, document_choices, draft_text, finding_detail
from app.web import create_app


def test_audit_tab_handlers(web_service):
    assert ("和静县社会保险中心 · 2025年预算", "hejing-shebao-2025") in document_choices(web_service)
    rows, found = audit_rows(web_service, "hejing-shebao-2025")
    assert len(rows) == len(found) == 8
    k = next(i for i, f in enumerate(found) if f["rule"] == "unfunded-contradiction")
    detail = finding_detail(web_service, "hejing-shebao-2025", found, k)
    assert "公务用车运行费" in detail and "表10《财政拨款“三公”经费支出情况表》公务用车运行费" in detail
    assert audit_rows(web_service, None) == ([], [])


def test_draft_tab_handler(web_service):
    text, diff = draft_text(web_service, "hejing-shebao-2025", "三公")
    assert "“三公”经费预算数为2.14万元" in text and "【上年数】" in text
    assert diff.startswith("【三公】")


def test_page_builds_with_the_staff_tabs(web_service):
    blocks = create_app(web_service)
    ids = {getattr(b, "elem_id", None) for b in blocks.blocks.values()}
    assert {"tab-chat", "tab-audit", "tab-draft", "audit-findings", "draft-text"} <= ids
