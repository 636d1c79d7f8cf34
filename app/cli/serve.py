"""budgetqa serve: the web chat and the HTTP API on one server."""
from __future__ import annotations

import sys
import time

from app.settings import Settings

# How long a thread holding the GIL keeps it when another wants it (CPython's default is 5 ms). A
# request that computes for seconds would otherwise make every other request wait up to 5 ms each
# time it comes back from I/O: beside one such request the others' p95 grew 3.6× at 5 ms, 1.4× at 0.5 ms.
SWITCH_INTERVAL = 0.0005


def register(sub) -> None:
    p = sub.add_parser("serve", help="the web chat (/) and HTTP API (/api/ask, /docs); ingests the built-in "
                                     "sample first when it is not stored yet")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1); beyond "
                   "loopback set BUDGETQA_TOKEN (access token) and BUDGETQA_HOSTS (accepted host names)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--no-sample", action="store_true", help="do not ingest the built-in sample")
    p.add_argument("--answer-seconds", type=float, metavar="S", help="time budget of one request; longer "
                   "questions get a refusal (default 10, 120 with BUDGETQA_LLM)")
    p.set_defaults(func=cmd_serve)


def _stacks_on_signal() -> None:
    """`kill -USR1 <pid>` writes every thread's stack to stderr: what a hanging server is waiting for."""
    import faulthandler
    import signal
    if hasattr(signal, "SIGUSR1"):
        faulthandler.register(signal.SIGUSR1, all_threads=True)


def cmd_serve(args) -> int:
    _stacks_on_signal()
    import uvicorn

    from app.web.api import create_server
    from app.web.guard import WebSecurity
    from app.web.service import open_service
    start = time.perf_counter()
    security = WebSecurity.from_env(args.host)
    if args.answer_seconds is not None and args.answer_seconds <= 0:
        print("budgetqa: error: --answer-seconds must be more than 0", file=sys.stderr)
        return 2
    settings = Settings.from_env(args.data_dir)
    service = open_service(settings, sample=not args.no_sample, answer_seconds=args.answer_seconds,
                           background=True)
    app = create_server(service, security)
    service.start_indexing()
    docs = service.documents()
    print(f"budgetqa: {len(docs)} document(s) ready in {time.perf_counter() - start:.1f} s; "
          f"serving http://{args.host}:{args.port}/ (API: /api/ask, docs: /docs)", file=sys.stderr, flush=True)
    if security.token:
        print("budgetqa: an access token is required (BUDGETQA_TOKEN): open /?token=… once in a browser; "
              "API clients send 'Authorization: Bearer …'", file=sys.stderr, flush=True)
    elif "*" in security.hosts:
        print("budgetqa: warning: serving every address without an access token; set BUDGETQA_TOKEN "
              "and BUDGETQA_HOSTS", file=sys.stderr, flush=True)
    sys.setswitchinterval(SWITCH_INTERVAL)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)
    return 0
