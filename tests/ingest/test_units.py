"""One unit under its spellings (ingest/units.py): the names printed in the corpus."""
import pytest

from ingest.units import same_unit, unit_key


@pytest.mark.parametrize("spellings,key", [
    (("中国共产党江苏省委员会办公厅", "中共江苏省委办公厅", "江苏省委办公厅"), "江苏省委办公厅"),   # 2017, 2018, the cover
    (("江苏省人大常委会办公厅", "江苏省人民代表大会常务委员会办公厅", "江苏省人大办公厅"), "江苏省人大办公厅"),
    (("江苏省政协办公厅", "中国人民政治协商会议江苏省委员会办公厅"), "江苏省政协办公厅"),
    (("中共上海市普陀区委社会工作部", "中国共产党上海市普陀区委员会社会工作部"), "上海市普陀区委社会工作部"),
    (("江苏省人民检察院", " 江苏省人民检察院 "), "江苏省人民检察院"),
])
def test_spellings_of_one_unit_share_a_key(spellings, key):
    assert {unit_key(s) for s in spellings} == {key}


def test_different_units_keep_different_keys():
    names = ["江苏省人民检察院", "江苏省高级人民法院", "江苏省委办公厅", "江苏省政协办公厅", "江苏省人大常委会办公厅",
             "上海市普陀区人民政府办公室", "上海市普陀区人民政府万里街道办事处", "和静县社会保险中心", "中共中央办公厅"]
    assert len({unit_key(n) for n in names}) == len(names)
    assert not same_unit("江苏省委办公厅", "江苏省政协办公厅") and not same_unit("", "")


def test_document_info_exposes_the_key():
    from index.store import DocumentInfo
    info = DocumentInfo("d", "中国共产党江苏省委员会办公厅", 2017, "预算", "部门", "万元", "x.pdf", "0", 12)
    assert info.unit_key == "江苏省委办公厅"
