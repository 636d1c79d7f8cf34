"""What a follow-up turn refers to (app/answer/followup.py), on the words alone."""
from app.answer.followup import asks_of_last, is_bare, refer_back, subject, topic_of
from app.answer.linking import Item
from app.answer.plan import Context

TRAINING = Item("培训费", (), "row")
BASIC = Item("基本支出", (), "column")


def ctx(topic="培训费预算是多少", items=(TRAINING,)):
    return Context("doc", tuple(items), "lookup", topic)


def test_a_bare_follow_up_asks_the_last_question_again():
    assert is_bare("2018年的呢？") and not is_bare("那项目支出呢？")
    assert refer_back("2018年的呢？", ctx(), named_unit=False) == "培训费预算是多少"


def test_this_item_is_the_last_row_not_its_table_or_column():
    assert refer_back("那2017年基本支出里这项是多少？", ctx(items=(BASIC, TRAINING)), False) == "那2017年基本支出里培训费是多少？"


def test_a_part_of_and_within_name_the_last_subject():
    assert refer_back("只算基本支出里的呢？", ctx(), False) == "基本支出中的培训费预算"
    assert refer_back("其中公务接待费呢？", ctx(topic="三公经费是多少"), False) == "三公经费中公务接待费呢？"
    assert refer_back("其中公务接待费呢？", ctx(topic="三公经费是多少"), True) == "其中公务接待费呢？"   # a new unit


def test_an_operation_alone_is_asked_of_the_last_subject():
    assert asks_of_last("按在编人数算，人均多少？") and not asks_of_last("项目支出是多少？")
    assert subject(topic_of("那2019年三公经费是多少？")) == "三公经费"
