"""budgetqa serve: the command, the sample set-up, no work at import time."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_serve_help():
    out = subprocess.run([sys.executable, "-m", "app.cli", "serve", "--help"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0 and "--port" in out.stdout and "--host" in out.stdout


def test_importing_the_web_modules_does_no_work():
    code = ("import sys, app.web.page, app.web.api, app.cli.serve; "
            "assert 'gradio' not in sys.modules, 'gradio imported at import time'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_sample_is_ingested_once(tmp_path):
    from app.settings import Settings
    from app.web.service import ensure_sample, open_service
    service = open_service(Settings.from_env(tmp_path))
    assert [d.doc_id for d in service.documents()] == ["hejing-shebao-2025"]
    before = (tmp_path / "budgetqa.sqlite").stat().st_mtime_ns
    assert ensure_sample(service.settings, service.engine.store) == "hejing-shebao-2025"
    assert (tmp_path / "budgetqa.sqlite").stat().st_mtime_ns == before


def test_conversations_are_kept_apart(service):
    from app.answer.engine import Conversation
    a, b = Conversation(), Conversation()
    service.ask("公务用车运行费是多少？", conversation=a)
    assert a.context.items and a.context.items[0].label == "公务用车运行费"
    assert b.context.items == () and b.doc_id is None
