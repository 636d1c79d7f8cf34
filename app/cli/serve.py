"""budgetqa serve: the web chat and the HTTP API on one server."""
from __future__ import annotations

import sys
import time

from app.settings import Settings


def register(sub) -> None:
    p = sub.add_parser("serve", help="the web chat (/) and HTTP API (/api/ask, /docs); ingests the built-in "
                                     "sample first when it is not stored yet")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--no-sample", action="store_true", help="do not ingest the built-in sample")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args) -> int:
    import uvicorn

    from app.web.api import create_server
    from app.web.service import open_service
    start = time.perf_counter()
    service = open_service(Settings.from_env(args.data_dir), sample=not args.no_sample, background=True)
    app = create_server(service)
    service.start_indexing()
    docs = service.documents()
    print(f"budgetqa: {len(docs)} document(s) ready in {time.perf_counter() - start:.1f} s; "
          f"serving http://{args.host}:{args.port}/ (API: /api/ask, docs: /docs)", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
