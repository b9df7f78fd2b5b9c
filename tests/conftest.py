"""Fixtures shared by every test module: the real embedding model, loaded once per session, and a real
PostgreSQL and Chroma server for the tests that need one, each started once per session when first asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafter.config import Settings, quiet_third_party
from drafter.embeddings import Embedder
from tests.servers import ChromaServer, PostgresCluster

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
KNOWLEDGE = ROOT / "knowledge"

quiet_third_party()


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The packaged all-MiniLM-L6-v2, loaded once; every test that embeds shares it."""
    settings = Settings.from_env()
    model = Embedder(settings.embedding_model, settings.embedding_device)
    model.encode(["Aufwärmen"])
    return model


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"Die öffentlichen Beispieldokumente fehlen ({SEEDS}); sie liegen in ../shared/.")
    return SEEDS


@pytest.fixture(scope="session")
def postgresql() -> PostgresCluster:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (Debian's `postgresql`), stopped and deleted at the end."""
    cluster = PostgresCluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def chroma_server() -> ChromaServer:
    """A real Chroma server (`chroma run`) on 127.0.0.1, on a temporary directory, stopped at the end."""
    server = ChromaServer()
    yield server
    server.stop()
