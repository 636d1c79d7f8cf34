"""Issue 16, defect 2 and the API's rough edge: one size limit for every route (counted while the body
streams), Gradio's upload route closed, an optional token, trusted hosts, security headers, and 405
{"error"} for a wrong method on an API route."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.web.guard import MAX_BODY, TOKEN_COOKIE, WebSecurity, default_hosts
from ingest.errors import SettingsError

TOKEN = "s3cret-token-for-tests-0123456789"
ASK = {"question": "公务用车运行费是多少？"}


@pytest.fixture(scope="module")
def server(service):
    """The whole server (API and the Gradio page), without a token."""
    from app.web.api import create_server
    with TestClient(create_server(service), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def locked(service):
    """The whole server with BUDGETQA_TOKEN set and loopback host names only."""
    from app.web.api import create_server
    security = WebSecurity(token=TOKEN, hosts=default_hosts("127.0.0.1"))
    with TestClient(create_server(service, security), base_url="http://127.0.0.1:7860",
                    raise_server_exceptions=False, follow_redirects=False) as c:
        yield c


def chunks(total: int, size: int = 16 * 1024):
    """A body without Content-Length (sent chunked)."""
    for _ in range(total // size):
        yield b"x" * size


def _is_json_error(r, status: int) -> bool:
    return r.status_code == status and r.headers["content-type"].startswith("application/json") \
        and isinstance(r.json()["error"], str)


# ── one size limit for every route ────────────────────────────────────────────────────────────────

def test_a_chunked_body_over_the_limit_is_refused(server):
    """Only Content-Length was checked: a chunked 200 MB body was read whole."""
    r = server.post("/api/ask", content=chunks(4 * MAX_BODY), headers={"content-type": "application/json"})
    assert _is_json_error(r, 413), r.text


@pytest.mark.parametrize("path", ["/gradio_api/queue/join", "/gradio_api/run/predict", "/gradio_api/call/v2/x"])
def test_gradio_routes_have_the_same_limit(server, path):
    """/gradio_api/queue/join took 100 MB."""
    r = server.post(path, content=b"{" + b" " * (2 * MAX_BODY) + b"}", headers={"content-type": "application/json"})
    assert _is_json_error(r, 413), r.text
    r = server.post(path, content=chunks(2 * MAX_BODY), headers={"content-type": "application/json"})
    assert _is_json_error(r, 413), r.text


def test_a_body_within_the_limit_still_works(server):
    r = server.post("/api/ask", json={**ASK, "history": ["公务接待费是多少？"] * 10})
    assert r.status_code == 200 and r.json()["status"] == "answered"


def test_the_upload_route_is_closed(server):
    """/gradio_api/upload accepted any file of any size from anyone and served it back."""
    r = server.post("/gradio_api/upload", files={"files": ("a.html", b"<script>alert(1)</script>", "text/html")})
    assert _is_json_error(r, 403)
    assert server.get("/gradio_api/upload_progress", params={"upload_id": "x"}).status_code == 403


def test_bad_content_length_is_refused(server):
    r = server.post("/api/ask", content=b"{}", headers={"content-length": str(10 * MAX_BODY),
                                                         "content-type": "application/json"})
    assert _is_json_error(r, 413)


# ── the API's rough edge ──────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("method,path,allowed", [("GET", "/api/ask", "POST"), ("PUT", "/api/ask", "POST"),
                                                 ("DELETE", "/api/documents", "GET"), ("POST", "/api/health", "GET")])
def test_a_wrong_method_is_405_json(server, method, path, allowed):
    """With the page mounted at /, a wrong method on /api/ask was 404 {"detail": …}."""
    r = server.request(method, path)
    assert _is_json_error(r, 405) and r.headers["allow"] == allowed and method in r.json()["error"]


def test_an_unknown_api_route_is_404_json(server):
    assert _is_json_error(server.get("/api/nope"), 404)


# ── headers ───────────────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("path", ["/", "/api/health", "/docs"])
def test_security_headers(server, path):
    r = server.get(path)
    assert r.status_code == 200
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "img-src 'self' data: blob:" in csp and "frame-ancestors 'none'" in csp


# ── the token ─────────────────────────────────────────────────────────────────────────────────────

def test_without_the_token_nothing_is_served(locked):
    r = locked.post("/api/ask", json=ASK)
    assert _is_json_error(r, 401) and r.headers["www-authenticate"].startswith("Bearer")
    assert locked.get("/api/documents").status_code == 401
    assert locked.get("/").status_code == 401 and "token" in locked.get("/").text
    assert locked.post("/gradio_api/queue/join", json={}).status_code == 401
    assert locked.get("/config").status_code == 401
    wrong = {"authorization": "Bearer " + TOKEN[:-1] + "x"}
    assert locked.post("/api/ask", json=ASK, headers=wrong).status_code == 401
    assert locked.get("/api/health").json()["status"] == "ok"          # liveness stays open


def test_the_api_takes_the_token_as_a_bearer_header(locked):
    r = locked.post("/api/ask", json=ASK, headers={"authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200 and r.json()["status"] == "answered"
    assert locked.post("/api/ask?token=" + TOKEN, json=ASK).status_code == 401     # not in addresses


def test_a_browser_opens_the_token_link_once(locked):
    r = locked.get(f"/?token={TOKEN}&lang=zh")
    assert r.status_code == 303 and r.headers["location"] == "/?lang=zh"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{TOKEN_COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    with_cookie = {"cookie": f"{TOKEN_COOKIE}={TOKEN}"}
    page = locked.get("/", headers=with_cookie)
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert locked.get("/api/documents", headers=with_cookie).status_code == 200
    locked.cookies.clear()          # the client kept the cookie: the other tests go without


def test_token_settings_are_checked():
    with pytest.raises(SettingsError, match="BUDGETQA_TOKEN"):
        WebSecurity(token="short")
    with pytest.raises(SettingsError, match="BUDGETQA_HOSTS"):
        WebSecurity(hosts=("evil*.example.org",))


def test_from_env(monkeypatch):
    monkeypatch.setenv("BUDGETQA_TOKEN", TOKEN)
    monkeypatch.setenv("BUDGETQA_HOSTS", "qa.example.org, *.intranet.example")
    s = WebSecurity.from_env("0.0.0.0")
    assert s.token == TOKEN and s.hosts == ("qa.example.org", "*.intranet.example")
    monkeypatch.delenv("BUDGETQA_HOSTS")
    monkeypatch.delenv("BUDGETQA_TOKEN")
    assert WebSecurity.from_env("127.0.0.1") == WebSecurity(hosts=("127.0.0.1", "localhost", "::1"))


# ── trusted hosts ─────────────────────────────────────────────────────────────────────────────────

def test_default_hosts():
    assert default_hosts("127.0.0.1") == ("127.0.0.1", "localhost", "::1")
    assert default_hosts("::1") == ("127.0.0.1", "localhost", "::1")
    assert default_hosts("0.0.0.0") == ("*",)
    assert default_hosts("10.1.2.3") == ("10.1.2.3", "127.0.0.1", "localhost", "::1")


def test_other_host_names_are_refused_on_loopback(locked):
    """A page on another site that resolves its name to 127.0.0.1 (DNS rebinding) gets nothing."""
    auth = {"authorization": f"Bearer {TOKEN}"}
    assert locked.get("/api/documents", headers=auth).status_code == 200
    assert locked.get("/api/documents", headers={**auth, "host": "localhost:7860"}).status_code == 200
    assert locked.get("/api/documents", headers={**auth, "host": "evil.example:7860"}).status_code == 400
