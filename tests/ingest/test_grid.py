"""The grid-cell reader (政府采购表) on a hand-made grid: no PDF needed."""
from decimal import Decimal

from ingest.grid import Grid, grid_rows

# columns: 品目大类 | 专项名称 | 经济科目 | 物品名称 | 组织形式 | 总计
XS = [(0, 50), (50, 100), (100, 150), (150, 200), (200, 250), (250, 300)]
LABELS = [("采购品目大类", 25), ("专项名称", 75), ("经济科目", 125), ("采购物品名称", 175),
          ("采购组织形式", 225), ("总计", 275)]


def _row(top: float, height: float = 20):
    return tuple((x0, top, x1, top + height) for x0, x1 in XS)


def _word(text: str, column: int, top: float):
    x0, x1 = XS[column]
    return (text, x0 + 2, x1 - 2, top)


def test_levels_from_columns_filled_together_and_blank_cells_carried_down():
    rows = [_row(0), _row(20), _row(40, 40), _row(80), _row(100), _row(120)]
    words = [
        _word("合计", 0, 5), _word("100.00", 5, 5),
        _word("一、货物", 0, 25), _word("100.00", 5, 25),
        _word("网络运行", 1, 42), _word("维护费", 1, 60), _word("租赁费", 2, 50), _word("60.00", 5, 50),  # wrapped
        _word("路由器", 3, 85), _word("部门集中采购", 4, 85), _word("60.00", 5, 85),
        _word("维修费", 2, 105), _word("40.00", 5, 105),                    # 专项名称 blank: the one above
        _word("交换机", 3, 125), _word("分散采购", 4, 125), _word("40.00", 5, 125),
    ]
    columns, raw = grid_rows([(7, [Grid((0, 0, 300, 140), (), tuple(rows))], words)], LABELS)
    assert columns == ("总计",)
    assert [(r.name, r.numbers, r.source) for r in raw] == [
        ("合计", (Decimal("100.00"),), "p. 7"),
        ("一、货物", (Decimal("100.00"),), "p. 7"),
        ("1.网络运行维护费（租赁费）", (Decimal("60.00"),), "p. 7"),
        ("路由器（部门集中采购）", (Decimal("60.00"),), "p. 7"),
        ("1.网络运行维护费（维修费）", (Decimal("40.00"),), "p. 7"),
        ("交换机（分散采购）", (Decimal("40.00"),), "p. 7"),
    ]


def test_words_outside_the_grid_leave_the_table_to_the_line_reader():
    words = [_word("合计", 0, 5), _word("100.00", 5, 5), _word("一、货物", 0, 300), _word("100.00", 5, 300)]
    assert grid_rows([(1, [Grid((0, 0, 300, 20), (), (_row(0),))], words)], LABELS) is None
    assert grid_rows([(1, [], words)], LABELS) is None
