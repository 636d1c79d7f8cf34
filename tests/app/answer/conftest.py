import pytest

from app.answer.catalog import catalog_for
from app.answer.engine import Engine
from app.library import ingest_paths, open_store
from app.settings import Settings


@pytest.fixture(scope="session")
def engine(tmp_path_factory, sample_path) -> Engine:
    settings = Settings.from_env(tmp_path_factory.mktemp("engine-home"))
    store = open_store(settings)
    ingest_paths([str(sample_path)], store)
    return Engine(store, settings)


@pytest.fixture(scope="session")
def catalog(sample_doc):
    return catalog_for(sample_doc)
