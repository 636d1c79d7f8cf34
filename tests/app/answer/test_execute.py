"""The executor: Decimal arithmetic, half-up rounding, unit conversion, sources kept."""
from decimal import Decimal

from app.answer.contract import round_half_up
from app.answer.execute import execute
from app.answer.figures import convert, fmt
from app.answer.normalize import normalise_question
from app.answer.plan import Context, make_plans

D = Decimal


def run(question, catalog):
    [plan] = make_plans(normalise_question(question), catalog, Context())
    return execute(plan, catalog)


def test_round_half_up_not_bankers():
    assert round_half_up(D("4.015")) == D("4.02")
    assert round_half_up(D("4.025")) == D("4.03")
    assert round_half_up(D("96.1197")) == D("96.12")


def test_unit_conversion():
    assert convert(D("2.14"), "万元", "元") == (D("21400.00"), "元")
    assert convert(D("21400"), "元", "万元") == (D("2.14"), "万元")
    assert fmt(D("21400.00"), "元") == "21400"


def test_sum_is_decimal_exact(catalog):
    r = run("办公费和差旅费一共多少", catalog)
    assert r.figures[-1].value == D("7.27")
    assert r.calculation == "6.36 + 0.91 = 7.27 万元"
    assert [c.table for c in r.cited_cells] == ["表6", "表6"]


def test_share_uses_the_denominators_table(catalog):
    r = run("卫生健康支出占财政拨款支出的比例", catalog)
    assert r.figures[-1].value == D("4.76")
    assert {c.table for c in r.cited_cells} == {"表4"}
    assert r.calculation == "17.22 ÷ 361.61 = 4.76%"


def test_per_person_divides_by_the_stated_headcount(catalog):
    r = run("按在职人数算，人均基本工资是多少", catalog)
    assert r.figures[-1].value == D("4.02") and r.figures[1].value == 16
    assert r.cited_sections            # the head count is cited to the narrative


def test_rank_and_list(catalog):
    r = run("工资福利支出里最多的前三项", catalog)
    assert [f.label for f in r.figures] == ["津贴补贴", "基本工资", "奖金"]
    assert [f.value for f in r.figures] == [D("71.57"), D("64.29"), D("47.83")]
    r = run("商品和服务支出有哪些", catalog)
    assert len(r.figures) == 6 and r.chart["kind"] == "pie"


def test_prior_year_is_derived_from_the_narrative(catalog):
    r = run("上年的一般公共预算是多少", catalog)
    assert r.figures[-1].value == D("308.44")
    assert r.calculation == "291.73 + 16.71 = 308.44 万元"


def test_empty_cell_is_zero(catalog):
    r = run("公务接待费是多少", catalog)
    assert r.figures[0].value == 0 and any("未安排" in n for n in r.notes)


def test_missing_item_is_not_answerable(catalog):
    r = run("会议费是多少", catalog)
    assert r.status == "refused"
