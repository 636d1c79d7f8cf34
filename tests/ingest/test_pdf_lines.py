"""The PDF reader's table assembly on hand-made lines (no PDF needed): where tables continue."""

from decimal import Decimal

from ingest.grid import Grid
from ingest.pdf import Line, _assemble


def _line(page: int, top: float, *words: tuple[str, float]) -> Line:
    return Line(page, top, [(text, x, x + 12 * len(text), top, top + 10) for text, x in words])


def _table_pages(continuation_top_line: Line, grids: dict) -> list[str]:
    lines = [
        _line(1, 50, ("表3", 40)),
        _line(1, 70, ("一般公共预算支出情况表", 200)),
        _line(1, 90, ("编制单位：某某中心", 40), ("单位：万元", 450)),
        _line(1, 110, ("科目编码", 40), ("科目名称", 120), ("合计", 450)),
        _line(1, 130, ("合计", 120), ("30.00", 450)),
        _line(1, 150, ("208", 40), ("社会保障和就业支出", 120), ("30.00", 450)),
        _line(1, 170, ("20805", 40), ("行政事业单位养老支出", 120), ("10.00", 450)),
        continuation_top_line,
        _line(2, 62, ("20899", 40), ("就业支出", 120), ("20.00", 450)),
        _line(2, 300, ("第三部分", 40), ("情况说明", 120)),
        _line(2, 320, ("本年度预算安排合理，支出结构进一步优化，保障了各项工作的顺利开展。", 40)),
    ]
    ex = _assemble(lines, grids, "made-up.pdf")
    return [r.name for t in ex.tables for r in t.rows]


def test_a_name_wrapped_at_the_top_of_a_continued_ruled_table_stays_in_the_table():
    wrapped = _line(2, 50, ("其他社会保障和", 120))
    cell = (100, 40, 400, 80)                  # the 科目名称 cell of the first row on page 2
    grids = {2: [Grid((30, 40, 560, 80), (), ((cell,),))]}
    names = _table_pages(wrapped, grids)
    assert names[-1] == "其他社会保障和就业支出"


def test_without_a_grid_a_short_piece_right_above_figures_goes_on_with_the_table():
    # was: "such a line ends the table"; a fragment of a cut cell atop a page with figures right
    # below it is the table going on (Jiangsu 2017 政府采购预算表: "置更新" above the next page's rule)
    # (without rules it cannot tell that the piece, 12 pt above, belongs to the row below it)
    wrapped = _line(2, 50, ("其他社会保障和", 120))
    assert _table_pages(wrapped, {})[-2:] == ["其他社会保障和", "就业支出"]


def test_without_a_grid_a_sentence_atop_the_next_page_ends_the_table():
    prose = _line(2, 50, ("本部门2025年没有安排政府性基金预算支出，相关表格为空表。", 40))
    assert _table_pages(prose, {})[-1] == "行政事业单位养老支出"


def test_a_side_by_side_table_takes_its_expenditure_columns_from_the_header_by_position():
    """A 收支总表 whose 支出 side is headed 合计 | 一般公共预算资金 | 政府性基金资金 (no standard layout):
    was "3 figures but only 1 columns" and the figures dropped (a Shanghai 单位预算)."""
    from ingest.tables import build_table
    lines = [
        _line(1, 50, ("财政拨款收支预算总表", 200)),
        _line(1, 70, ("编制单位：某某中心", 40), ("单位：万元", 520)),
        _line(1, 90, ("收入", 100), ("支出", 400)),
        _line(1, 110, ("项目", 40), ("金额", 150), ("项目", 220), ("合计", 330), ("一般公共预算资金", 400),
              ("政府性基金资金", 520)),
        _line(1, 130, ("一般公共预算", 40), ("80.00", 150), ("一般公共服务支出", 220), ("100.00", 306),
              ("80.00", 418), ("20.00", 532)),
        _line(1, 150, ("政府性基金预算", 40), ("20.00", 150)),
        _line(1, 170, ("收入合计", 40), ("100.00", 150), ("支出合计", 220), ("100.00", 306), ("80.00", 418),
              ("20.00", 532)),
    ]
    [raw] = _assemble(lines, {}, "made-up.pdf").tables
    assert raw.columns == ("合计", "一般公共预算资金", "政府性基金资金")
    table, findings, problems = build_table(raw)
    spending = {r.name: r.values for r in table.rows if r.group == "支出"}
    assert spending["一般公共服务支出"] == spending["支出合计"] == (Decimal("100.00"), Decimal("80.00"), Decimal("20.00"))
    income = {r.name: r.values for r in table.rows if r.group == "收入"}
    assert income["政府性基金预算"] == (Decimal("20.00"), None, None)
    assert findings == [] and problems == []


def test_a_header_no_standard_layout_fits_gives_the_columns_by_position():
    """Labels the layouts do not know (财政拨款 over 小计 | 一般公共预算 | 政府性基金, beside 合计 and
    其他资金): was columns 列1 … 列5 and a header warning; now the header's own tree, and its sums."""
    from ingest.tables import build_table
    lines = [
        _line(1, 50, ("收入预算表", 200)),
        _line(1, 70, ("编制单位：某某中心", 40), ("单位：万元", 600)),
        _line(1, 90, ("财政拨款", 372)),                     # centred over its three columns
        _line(1, 110, ("项目", 40), ("合计", 200), ("小计", 290), ("一般公共预算", 360), ("政府性基金", 460),
              ("其他资金", 570)),
        _line(1, 130, ("一般公共服务支出", 40), ("120.00", 176), ("100.00", 266), ("80.00", 378), ("20.00", 472),
              ("20.00", 588)),
        _line(1, 150, ("教育支出", 40), ("10.00", 188), ("10.00", 582)),
        _line(1, 170, ("合计", 40), ("130.00", 176), ("100.00", 266), ("80.00", 378), ("20.00", 472),
              ("30.00", 588)),
    ]
    [raw] = _assemble(lines, {}, "made-up.pdf").tables
    assert raw.columns == ("合计", "财政拨款/小计", "财政拨款/一般公共预算", "财政拨款/政府性基金", "其他资金")
    table, findings, problems = build_table(raw)
    rows = {r.name: r.values for r in table.rows}
    assert rows["教育支出"] == (Decimal("10.00"), None, None, None, Decimal("10.00"))     # by position
    assert findings == [] and problems == []
    assert all(c.ok for c in table.checks) and len(table.checks) >= 4
