"""The HTTP API beside the web chat, on one FastAPI app:

    POST /api/ask        {"question": "...", "doc": "hejing-shebao-2025"?, "history": ["earlier question", ...]?}
                         → the answer contract (app.answer.contract.Answer.to_dict())
    GET  /api/documents  → the ingested documents
    GET  /api/health     → {"status": "ok", "documents": n}
    /                    → the Gradio page (create_server only); /docs and /openapi.json as usual

Every bad request gets a 4xx with a JSON body {"error": "...", "detail": ...}, never a 500; a wrong
method on an API route is 405; a store or index the server cannot read is 503 with what to do.
``app/web/guard.py`` stands in front of every route (size limit, token, trusted hosts, headers).
"""
from __future__ import annotations

import logging
from typing import Annotated

import swagger_ui_bundle
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Match
from starlette.staticfiles import StaticFiles

from app.web.guard import Guard, WebSecurity
from app.web.page import MAX_QUESTION
from app.web.service import HISTORY_CHARS, HISTORY_TURNS, EngineService, Unavailable
from ingest.errors import BudgetQAError, IndexMismatch, UnknownDocument

log = logging.getLogger(__name__)

DOCS_ASSETS = "/docs-assets"
MAX_HISTORY = 10
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
FALLBACK = "/api/{rest:path}"

Question = Annotated[str, Field(min_length=1, max_length=MAX_QUESTION)]


class AskRequest(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")
    question: Question = Field(description=f"the question, 1–{MAX_QUESTION} characters")
    doc: str | None = Field(None, max_length=200, description="a document id (GET /api/documents); "
                            "default: the only document, or the one the conversation is about")
    history: list[Question] = Field(default_factory=list, max_length=MAX_HISTORY,
                                    description="earlier questions of the conversation, oldest first, "
                                                "so that follow-ups (比上年呢？) are understood; the newest "
                                                f"{HISTORY_TURNS} within {HISTORY_CHARS} characters are used")


class ValueOut(BaseModel):
    label: str
    value: float
    unit: str


class CitationOut(BaseModel):
    doc: str
    table: str
    title: str
    row: str
    column: str
    source: str


class ReadingOut(BaseModel):
    doc: str
    org: str
    year: int | None
    kind: str
    table: str
    title: str
    rows: list[str]
    column: str
    op: str


class AnswerOut(BaseModel):
    question: str
    status: str = Field(description="answered | refused | clarify")
    answer: str = Field(description="Chinese markdown")
    values: list[ValueOut]
    citations: list[CitationOut]
    reading: ReadingOut | None = Field(description="how the question was read: unit, year, table, rows, column, "
                                                   "operation (every answered answer has one)")
    calculation: str | None
    verified: bool
    notes: list[str]
    doc: str
    chart: dict | None
    options: list[str] = Field(description="clarify: questions the user can send back as they are")


class DocumentOut(BaseModel):
    id: str
    label: str
    org: str
    year: int
    kind: str
    scope: str
    unit: str
    tables: int
    source_file: str


def _error(status: int, message: str, detail=None) -> JSONResponse:
    body = {"error": message}
    if detail is not None:
        body["detail"] = detail
    return JSONResponse(status_code=status, content=body)


def create_api(service: EngineService, security: WebSecurity = WebSecurity()) -> FastAPI:
    api = FastAPI(title="budgetqa 预算问答 API", version="0.1.0", docs_url=None,
                  description="Answers about Chinese budget disclosures from verified tables.")
    # /docs from Swagger UI files shipped in a package: the default page loads them from a CDN,
    # which leaves it blank on an offline machine
    api.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    @api.get("/docs", include_in_schema=False)
    async def docs():
        return get_swagger_ui_html(openapi_url=api.openapi_url, title=f"{api.title} — docs",
                                   swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png")

    api.add_middleware(TrustedHostMiddleware, allowed_hosts=list(security.hosts), www_redirect=False)
    api.add_middleware(Guard, security=security)        # outermost: every route, the Gradio page's too

    @api.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        detail = [{k: v for k, v in e.items() if k not in ("input", "ctx", "url")} for e in exc.errors()]
        return _error(422, "invalid request: " + "; ".join(
            f"{'.'.join(str(p) for p in e['loc'] if p != 'body') or 'body'}: {e['msg']}" for e in detail),
            jsonable_encoder(detail))

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return _error(exc.status_code, str(exc.detail))

    @api.exception_handler(Unavailable)
    @api.exception_handler(IndexMismatch)
    async def unavailable(request: Request, exc: BudgetQAError):
        log.error("%s: %s", request.url.path, exc)
        return _error(503, str(exc))

    @api.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):   # a bug, not a bad request: say so in JSON
        log.exception("unhandled error on %s", request.url.path)
        return _error(500, "internal error")

    @api.post("/api/ask", response_model=AnswerOut, responses={404: {"description": "unknown document"},
                                                             413: {"description": "body too large"},
                                                             422: {"description": "invalid request"}})
    def ask(req: AskRequest):
        known = [d.doc_id for d in service.documents()]
        if req.doc is not None and req.doc not in known:
            return _error(404, str(UnknownDocument(req.doc, known)), {"documents": known})
        try:
            answer = service.ask(req.question, doc=req.doc, history=req.history)
        except UnknownDocument as e:
            return _error(404, str(e))
        except (Unavailable, IndexMismatch):
            raise
        except BudgetQAError as e:
            return _error(400, str(e))
        return answer.to_dict()

    @api.get("/api/documents", response_model=list[DocumentOut])
    def documents():
        return [DocumentOut(id=d.doc_id, label=d.label, org=d.org, year=d.year, kind=d.kind, scope=d.scope,
                            unit=d.unit, tables=d.n_tables, source_file=d.source_file)
                for d in service.documents()]

    @api.get("/api/health")
    def health():
        index = {"index": service.indexer.progress().to_dict()} if service.indexer is not None else {}
        return {"status": "ok", "documents": len(service.documents()), **index}   # index: built in the background

    @api.api_route(FALLBACK, methods=list(METHODS), include_in_schema=False)
    def no_such_route(request: Request, rest: str):
        """Routes are tried in order: an /api/ path reaching here is unknown, or known for other methods
        (without this, the Gradio page mounted at / would answer it with its own 404)."""
        allowed = sorted({m for r in api.routes if isinstance(r, APIRoute) and r.path != FALLBACK
                          and r.matches(request.scope)[0] == Match.PARTIAL for m in r.methods})
        if allowed:
            return JSONResponse(status_code=405, headers={"Allow": ", ".join(allowed)},
                                content={"error": f"{request.method} is not allowed on {request.url.path}; "
                                                  f"use {' or '.join(allowed)}"})
        return _error(404, f"no API route {request.url.path}")

    return api


def create_server(service: EngineService, security: WebSecurity = WebSecurity()) -> FastAPI:
    """The API with the Gradio page mounted at /."""
    import gradio as gr

    from app.web.page import CSS, create_app
    api = create_api(service, security)
    # local fonts only: the default theme fonts come from Google, which an offline machine cannot reach
    theme = gr.themes.Soft(font=["Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "sans-serif"],
                           font_mono=["ui-monospace", "Consolas", "monospace"])
    return gr.mount_gradio_app(api, create_app(service), path="/", theme=theme, css=CSS,
                               footer_links=[], ssr_mode=False)
