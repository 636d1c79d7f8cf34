"""A minimal scorer for the engine tests (the full one is eval/score.py)."""
from decimal import Decimal

TO_YUAN = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}


def _norm(value, unit):
    v = Decimal(str(value))
    return (v * TO_YUAN[unit], "元") if unit in TO_YUAN else (v, unit)


def score(q: dict, a: dict) -> bool:
    exp = q["expect"]
    if a["status"] != exp["status"]:
        return False
    for ev in exp.get("values", []):
        v, u = _norm(ev["value"], ev["unit"])
        text = str(ev["value"])
        places = len(text.split(".")[1]) if "." in text else 0
        tol = Decimal("0.5") * Decimal(10) ** -places * TO_YUAN.get(ev["unit"], 1)
        if not any(_norm(x["value"], x["unit"])[1] == u and abs(_norm(x["value"], x["unit"])[0] - v) <= tol
                   for x in a["values"]):
            return False
    if exp.get("cites") and not any(c["table"] in exp["cites"] for c in a["citations"]):
        return False
    if exp.get("text_any") and not any(t in a["answer"] for t in exp["text_any"]):
        return False
    return True
