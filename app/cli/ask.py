"""budgetqa ask: one question, or one per line on stdin (one JSON object per line out). Lines on stdin
are asked each on its own, as an evaluation script sends them; ``--conversation`` asks them as one
chat, each line seeing the earlier ones (follow-ups such as 比上年呢？)."""
from __future__ import annotations

import sys

from app.answer.text import markdown_to_text
from app.cli.output import terminal_json, terminal_text
from app.settings import Settings


def register(sub) -> None:
    p = sub.add_parser("ask", help="answer a question about the ingested budgets (reads stdin when none is given)")
    p.add_argument("question", nargs="?", help="the question; omit to read one question per line from stdin")
    p.add_argument("--doc", metavar="DOC_ID", help="answer from this document")
    p.add_argument("--json", action="store_true", help="print the answer contract as JSON")
    p.add_argument("--conversation", action="store_true",
                   help="stdin: ask the lines as one conversation (default: each line on its own)")
    p.set_defaults(func=cmd_ask)


def _print(answer, as_json: bool) -> None:
    """The answer for a terminal: document text without control sequences (JSON: escaped)."""
    if as_json:
        print(terminal_json(answer.to_dict()), flush=True)
        return
    lines = [markdown_to_text(answer.answer)] + [f"  来源：{c.display}（{c.source}）" for c in answer.citations]
    if answer.calculation:
        lines.append(f"  计算：{answer.calculation}")
    lines += [f"  说明：{n}" for n in answer.notes]
    print(terminal_text("\n".join(lines)) + "\n", flush=True)


def _warn_unindexed(settings) -> None:
    """Say on stderr which stored documents the search index lacks (ingest/index area)."""
    try:
        from app.cli.index import warn_unindexed
    except ModuleNotFoundError:
        return
    if settings.chroma_url or settings.chroma_dir.exists():
        warn_unindexed(settings)
    else:
        from app.library import open_store
        if open_store(settings).documents():
            print("budgetqa: warning: 还没有检索索引（只按表格回答）；请运行 budgetqa index", file=sys.stderr)


def cmd_ask(args) -> int:
    from app.answer.engine import Conversation, Engine
    settings = Settings.from_env(args.data_dir)
    engine = Engine.from_settings(settings)
    _warn_unindexed(settings)
    if args.question is not None:
        _print(engine.ask(args.question, doc=args.doc), args.json)
        return 0
    chat = Conversation() if args.conversation else None
    for line in sys.stdin:
        if line.strip():
            conversation = chat if chat is not None else Conversation()      # a fresh one per line
            _print(engine.ask(line.strip(), doc=args.doc, conversation=conversation), args.json or True)
    return 0
