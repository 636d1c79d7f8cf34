"""The PDF reader's table assembly on hand-made lines (no PDF needed): where tables continue."""

from ingest.grid import Grid
from ingest.pdf import Line, _assemble


def _line(page: int, top: float, *words: tuple[str, float]) -> Line:
    return Line(page, top, [(text, x, x + 12 * len(text), top) for text, x in words])


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


def test_without_a_grid_such_a_line_ends_the_table():
    wrapped = _line(2, 50, ("其他社会保障和", 120))
    assert _table_pages(wrapped, {})[-1] == "行政事业单位养老支出"     # prose, as far as it can tell
