"""POST /api/ask, GET /api/documents, GET /api/health: the contract keys and JSON errors for bad requests."""
import pytest

from app.answer.contract import CONTRACT_KEYS

KEYS = set(CONTRACT_KEYS) | {"doc", "chart", "options"}


@pytest.fixture(scope="module")
def client(service):
    from fastapi.testclient import TestClient

    from app.web.api import create_api
    with TestClient(create_api(service), raise_server_exceptions=False) as c:
        yield c


def test_answered_has_the_contract_keys(client):
    r = client.post("/api/ask", json={"question": "公务用车运行费是多少？"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == KEYS and body["status"] == "answered"
    assert {"value": 2.14, "unit": "万元"}.items() <= body["values"][0].items()
    assert body["citations"][0]["table"] in ("表10", "表6")
    assert set(body["citations"][0]) == {"doc", "table", "title", "row", "column", "source"}


def test_refused_has_the_contract_keys(client):
    r = client.post("/api/ask", json={"question": "和静县教育局的公务接待费是多少？火星基地预算？",
                                      "doc": "hejing-shebao-2025"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == KEYS and body["status"] in ("refused", "clarify")
    assert body["values"] == [] and body["citations"] == []


def test_history_is_accepted(client):
    r = client.post("/api/ask", json={"question": "公务接待费呢？", "history": ["公务用车运行费是多少？"]})
    assert r.status_code == 200 and set(r.json()) == KEYS


@pytest.mark.parametrize("body", [
    {},                                             # missing question
    {"question": ""},
    {"question": "   "},
    {"question": "问" * 10_000},                    # too long
    {"question": 123},                              # wrong types
    {"question": ["公务用车运行费"]},
    {"question": "公务用车运行费是多少？", "doc": 5},
    {"question": "公务用车运行费是多少？", "history": "公务接待费"},
    {"question": "公务用车运行费是多少？", "history": [1, 2]},
    {"question": "公务用车运行费是多少？", "history": ["问"] * 50},
    [],
    "公务用车运行费是多少？",
])
def test_bad_requests_get_a_json_4xx(client, body):
    r = client.post("/api/ask", json=body)
    assert 400 <= r.status_code < 500, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert isinstance(r.json()["error"], str)


def test_malformed_json_gets_a_json_4xx(client):
    r = client.post("/api/ask", content=b'{"question": "x"', headers={"content-type": "application/json"})
    assert r.status_code == 422 and "error" in r.json()


def test_huge_body_is_refused_before_parsing(client):
    r = client.post("/api/ask", content=b"x" * 200_000, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "error" in r.json()


def test_unknown_document_is_404_with_the_known_ones(client):
    r = client.post("/api/ask", json={"question": "公务用车运行费是多少？", "doc": "no-such-doc"})
    assert r.status_code == 404
    assert r.json()["detail"]["documents"] == ["hejing-shebao-2025"]


def test_question_markup_comes_back_as_data(client):
    q = "<img src=x onerror=alert(1)>公务用车运行费是多少？"
    r = client.post("/api/ask", json={"question": q})
    assert r.status_code == 200 and r.json()["question"] == q


def test_documents_and_health(client):
    docs = client.get("/api/documents").json()
    assert [d["id"] for d in docs] == ["hejing-shebao-2025"]
    assert docs[0]["label"] == "和静县社会保险中心 · 2025年单位预算" and docs[0]["tables"] == 11
    assert client.get("/api/health").json() == {"status": "ok", "documents": 1}


def test_openapi_lists_the_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/ask", "/api/documents", "/api/health"} <= set(paths)


def test_unknown_route_is_json_404(client):
    r = client.get("/api/nope")
    assert r.status_code == 404 and "error" in r.json()


def test_gradio_page_is_mounted_beside_the_api(service):
    from fastapi.testclient import TestClient

    from app.web.api import create_server
    with TestClient(create_server(service)) as c:
        assert c.get("/api/health").status_code == 200
        page = c.get("/")
        assert page.status_code == 200 and "<html" in page.text.lower()


def test_docs_page_works_offline(client):
    """/docs loads Swagger UI from the server itself, not from a CDN."""
    page = client.get("/docs")
    assert page.status_code == 200 and "cdn" not in page.text.lower()
    assert "/docs-assets/swagger-ui-bundle.js" in page.text
    js = client.get("/docs-assets/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 100_000
    assert client.get("/openapi.json").json()["paths"]["/api/ask"]


def test_health_reports_the_background_index(tmp_path):
    from fastapi.testclient import TestClient

    from app.settings import Settings
    from app.web.api import create_api
    from app.web.service import open_service
    service = open_service(Settings.from_env(tmp_path, embedder="hash"), background=True)
    with TestClient(create_api(service)) as c:
        assert c.get("/api/health").json()["index"]["state"] == "idle"
        service.start_indexing()
        assert c.post("/api/ask", json={"question": "公务用车运行费是多少？"}).json()["status"] == "answered"
        service.indexer.wait(120)
        index = c.get("/api/health").json()["index"]
    assert index["state"] == "done" and index["done"] == index["total"] > 100
