import pytest


@pytest.fixture(scope="session")
def web_service(tmp_path_factory, sample_path):
    from app.engine import Engine
    from app.library import ingest_paths, open_store
    from app.settings import Settings
    from app.web import EngineService
    settings = Settings.from_env(tmp_path_factory.mktemp("staff-home"))
    store = open_store(settings)
    ingest_paths([str(sample_path)], store)
    return EngineService(Engine(store, settings), settings)
