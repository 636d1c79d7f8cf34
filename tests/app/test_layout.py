"""The rooms of app/ and the directions in which they may import (app/__init__.py)."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "app/answer": ("app.staff", "app.web", "app.cli"),
    "app/staff": ("app.web", "app.cli"),
    "ingest": ("app",),
    "index": ("app",),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_rooms_import_only_in_allowed_directions(room):
    bad = []
    for path in sorted((ROOT / room).rglob("*.py")):
        for module in imported_modules(path):
            if any(module == f or module.startswith(f + ".") for f in FORBIDDEN[room]):
                bad.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("package", ["app", "app.answer", "app.staff", "app.web", "app.cli"])
def test_each_room_imports_and_says_what_it_is_for(package):
    import importlib
    module = importlib.import_module(package)
    assert module.__doc__ and len(module.__doc__.strip()) > 40


def test_the_question_is_normalised_once_on_the_answer_path():
    calls = [(p.relative_to(ROOT), n) for p in sorted((ROOT / "app").rglob("*.py"))
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if "normalise_question(" in line and "def normalise_question" not in line]
    assert [str(p) for p, _ in calls] == ["app/answer/engine.py"], calls


def test_no_module_of_app_is_over_500_lines():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "app").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert not long, long
