"""What stands in front of every route of the server (the API, /docs and the Gradio page):

- one request-size limit, counted while the body streams in (a chunked body has no Content-Length
  to check up front): a longer body gets 413 ``{"error": …}`` and is not read further;
- Gradio's upload routes closed (the page takes no files);
- an optional access token (``BUDGETQA_TOKEN``): API clients send ``Authorization: Bearer TOKEN``;
  a browser opens ``/?token=TOKEN`` once and keeps it in an HttpOnly cookie;
- trusted Host headers (``BUDGETQA_HOSTS``; loopback names only when serving on loopback, which also
  stops DNS rebinding), via Starlette's ``TrustedHostMiddleware``;
- the usual security headers, with a Content-Security-Policy that lets the page load nothing from
  another origin.

    security = WebSecurity.from_env(bind_host="127.0.0.1")
    app.add_middleware(Guard, security=security)
"""
from __future__ import annotations

import hmac
import ipaddress
import json
import os
import re
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qsl, urlencode

from ingest.errors import SettingsError

MAX_BODY = 64 * 1024          # bytes, for every route
TOKEN_COOKIE = "budgetqa_token"
OPEN_PATHS = ("/api/health",)                     # answered without the token (liveness checks)
CLOSED_PATHS = re.compile(r"^/gradio_api/(upload|upload_progress)/?$")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' blob:; connect-src 'self'; "
       "worker-src 'self' blob:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"cross-origin-opener-policy": b"same-origin",
    b"cross-origin-resource-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
    b"content-security-policy": CSP.encode(),
}


@dataclass(frozen=True)
class WebSecurity:
    max_body: int = MAX_BODY
    token: str = ""                       # empty: no token asked
    hosts: tuple[str, ...] = ("*",)       # Host header values accepted ("*.example.org" patterns allowed)

    def __post_init__(self):
        if self.max_body < 1024:
            raise SettingsError("max_body", f"{self.max_body} bytes is too small for any request")
        if self.token and (len(self.token) < 16 or not self.token.isprintable() or " " in self.token):
            raise SettingsError("BUDGETQA_TOKEN", "use at least 16 printable characters without spaces")
        for h in self.hosts:
            if "*" in h[1:] or (h.startswith("*") and h != "*" and not h.startswith("*.")):
                raise SettingsError("BUDGETQA_HOSTS", f"'{h}': a wildcard must look like *.example.org")

    @classmethod
    def from_env(cls, bind_host: str = "127.0.0.1") -> "WebSecurity":
        """BUDGETQA_TOKEN and BUDGETQA_HOSTS (comma-separated); without BUDGETQA_HOSTS the loopback names
        when serving on loopback, the bound address and loopback when serving on one address, else any."""
        hosts = tuple(h.strip().lower() for h in os.environ.get("BUDGETQA_HOSTS", "").split(",") if h.strip())
        return cls(token=os.environ.get("BUDGETQA_TOKEN", ""), hosts=hosts or default_hosts(bind_host))


def default_hosts(bind_host: str) -> tuple[str, ...]:
    try:
        address = ipaddress.ip_address(bind_host)
    except ValueError:                                  # a host name
        return (bind_host.lower(), *LOOPBACK_HOSTS)
    if address.is_unspecified:                          # 0.0.0.0 or ::: any name may reach it
        return ("*",)
    return LOOPBACK_HOSTS if address.is_loopback else (bind_host, *LOOPBACK_HOSTS)


class BodyTooLarge(Exception):
    pass


def _json(status: int, message: str, extra_headers: list | None = None) -> tuple[dict, dict]:
    body = json.dumps({"error": message}, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return ({"type": "http.response.start", "status": status, "headers": headers + (extra_headers or [])},
            {"type": "http.response.body", "body": body})


class Guard:
    """Pure ASGI middleware (added with ``app.add_middleware(Guard, security=…)``)."""

    def __init__(self, app, security: WebSecurity = WebSecurity()):
        self.app, self.security = app, security

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        send = self._with_headers(send)
        path = scope.get("path", "")
        denied = self._check_token(scope, path)
        if denied is not None:
            return await self._respond(scope, send, *denied)
        if scope["type"] == "websocket":
            return await self.app(scope, receive, send)
        if CLOSED_PATHS.match(path):
            return await self._respond(scope, send, *_json(403, "this server accepts no uploads"))
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.security.max_body):
            return await self._respond(scope, send, *_json(413, f"request body larger than "
                                                              f"{self.security.max_body} bytes"))
        redirect = self._token_redirect(scope, path)
        if redirect is not None:
            return await self._respond(scope, send, *redirect)
        await self._limited(scope, receive, send)

    async def _limited(self, scope, receive, send):
        """The app, with the body counted as it arrives; past the limit its own response is replaced by 413."""
        state = {"read": 0, "over": False, "started": False}
        limit = self.security.max_body

        async def counted_receive():
            message = await receive()
            if message["type"] == "http.request":
                state["read"] += len(message.get("body", b""))
                if state["read"] > limit:
                    state["over"] = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message):
            if state["over"]:
                if message["type"] == "http.response.start" and not state["started"]:
                    state["started"] = True
                    start, body = _json(413, f"request body larger than {limit} bytes")
                    await send(start)
                    await send(body)
                return                      # the app's own reply to the error is dropped
            state["started"] = state["started"] or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except BodyTooLarge:
            pass
        if state["over"] and not state["started"]:
            start, body = _json(413, f"request body larger than {limit} bytes")
            await send(start)
            await send(body)

    # ── the token ────────────────────────────────────────────────────────────────────────────────

    def _check_token(self, scope, path: str):
        token = self.security.token
        if not token or path in OPEN_PATHS:
            return None
        if _same(_bearer(scope) or _cookie(scope, TOKEN_COOKIE), token):
            return None
        if _is_page_get(scope, path) and _same(_query(scope).get("token", ""), token):
            return None                     # answered by _token_redirect
        if path.startswith("/api/") or scope["type"] == "websocket":
            return _json(401, "missing or wrong access token: send the header 'Authorization: Bearer TOKEN'",
                         [(b"www-authenticate", b'Bearer realm="budgetqa"')])
        body = ("预算问答：需要访问令牌。请打开 /?token=令牌 （由管理员提供）。\n"
                "budgetqa: an access token is needed: open /?token=TOKEN once.\n").encode()
        return ({"type": "http.response.start", "status": 401,
                 "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                             (b"content-length", str(len(body)).encode())]},
                {"type": "http.response.body", "body": body})

    def _token_redirect(self, scope, path: str):
        """/?token=… from a browser: keep the token in a cookie and show the address without it."""
        if not self.security.token or "token" not in _query(scope) or not _is_page_get(scope, path):
            return None
        rest = urlencode([(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode()) if k != "token"])
        cookie = f"{TOKEN_COOKIE}={self.security.token}; Path=/; HttpOnly; SameSite=Strict"
        if scope.get("scheme") == "https":
            cookie += "; Secure"
        headers = [(b"location", (scope.get("root_path", "") + path + (f"?{rest}" if rest else "")).encode()),
                   (b"set-cookie", cookie.encode()), (b"content-length", b"0")]
        return ({"type": "http.response.start", "status": 303, "headers": headers},
                {"type": "http.response.body", "body": b""})

    # ── replies ──────────────────────────────────────────────────────────────────────────────────

    @staticmethod
    async def _respond(scope, send, start, body):
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send(start)
        await send(body)

    @staticmethod
    def _with_headers(send):
        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS.items() if k not in present]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)
        return send_with_headers


def _same(given: str, token: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def _is_page_get(scope, path: str) -> bool:
    return scope["type"] == "http" and scope.get("method") == "GET" and not path.startswith("/api/")


def _header(scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", []):
        if k.lower() == name:
            return v.decode("latin-1").strip()
    return None


def _bearer(scope) -> str:
    value = _header(scope, b"authorization") or ""
    return value[7:].strip() if value[:7].lower() == "bearer " else ""


def _cookie(scope, name: str) -> str:
    jar = SimpleCookie()
    try:
        jar.load(_header(scope, b"cookie") or "")
    except CookieError:         # a malformed Cookie header holds no token
        return ""
    return jar[name].value if name in jar else ""


def _query(scope) -> dict[str, str]:
    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
