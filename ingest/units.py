"""One unit under its different spellings: the key that makes a unit's years one history.

The same unit is printed in full in one year and in its customary short form in the next
(中国共产党江苏省委员会办公厅 in 2017, 中共江苏省委办公厅 in 2018, 江苏省委办公厅 on a cover).
The rule: party, congress and CPPCC bodies have a full name and a customary short form; the key is
the short form, without the 中共 prefix that the short form (…省委, …市委) already implies, and a
standing committee's office is the congress's office (人大常委会办公厅 = 人大办公厅). The full forms:

    中国共产党 X 委员会      → X 委             (中共 X 委 → X 委)
    X 人民代表大会常务委员会 → X 人大常委会      (X 人大常委会办公厅 → X 人大办公厅)
    中国人民政治协商会议 X 委员会 → X 政协

Everything else is kept as printed (whitespace and bracket widths aside), so two different units
never share a key by accident: 江苏省人民检察院 and 江苏省高级人民法院 stay apart.

    unit_key("中国共产党江苏省委员会办公厅") == unit_key("中共江苏省委办公厅") == "江苏省委办公厅"
"""
from __future__ import annotations

import re

# (full form, short form): applied in order, each a regular expression over the normalised name
ALIASES: tuple[tuple[str, str], ...] = (
    (r"中国人民政治协商会议(.+?)委员会", r"\1政协"),
    (r"(.+?)人民代表大会常务委员会", r"\1人大常委会"),
    (r"中国共产党(.+?[省市县区州盟旗])委员会", r"\1委"),
    (r"^中共(?=.+?[省市县区州盟旗]委)", ""),
    (r"人大常委会办公厅", "人大办公厅"),
)


def normalise_org(org: str) -> str:
    """Whitespace out, brackets full width."""
    return re.sub(r"\s", "", org or "").replace("(", "（").replace(")", "）")


def unit_key(org: str) -> str:
    """The key of a unit's name: equal for the spellings of one unit (see the module docstring)."""
    key = normalise_org(org)
    for full, short in ALIASES:
        key = re.sub(full, short, key)
    return key


def same_unit(a: str, b: str) -> bool:
    return bool(a) and bool(b) and unit_key(a) == unit_key(b)
