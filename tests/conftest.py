"""Shared fixtures: the bundled real sample articles, ingested once per test session."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from storyscope.config import build_config
from storyscope.run.ingest import ingest_paths
from storyscope.store import Store

from seed_ids import SEED_RFERL, SEED_WAPO  # noqa: F401  (the fixtures below use them)


@pytest.fixture(scope="session")
def samples() -> Path:
    return Path(str(resources.files("storyscope") / "samples"))


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory, samples):
    """A store holding every bundled sample, ingested through the real pipeline."""
    db = tmp_path_factory.mktemp("store") / "samples.db"
    config = build_config(db=str(db))
    with Store(db) as store:
        statuses = list(ingest_paths(store, [samples], config))
        yield store, config, statuses


@pytest.fixture(scope="session")
def brief_schema() -> dict:
    return json.loads((resources.files("storyscope") / "schema" / "brief.schema.json").read_text())
