"""Fixtures of the web tests: a copy of the samples store with a hostile article added, the app
served on 127.0.0.1 by uvicorn in a thread, and Debian's chromium driven by Playwright.

Chromium comes from the system (``apt-get install chromium``; ``make test`` installs it when
missing), never from a browser download. Where it is missing the browser tests skip, except in
CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from storyscope.config import build_config
from storyscope.run.ingest import ingest_paths
from storyscope.store import Store

from webutil import HOSTILE, copy_store

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"


@pytest.fixture(scope="module")
def web_db(sample_store, tmp_path_factory) -> Path:
    """The samples store, copied, plus the hostile article ingested through the real pipeline."""
    store, _, _ = sample_store
    folder = tmp_path_factory.mktemp("web")
    db = copy_store(store, folder / "web.db")
    src = folder / "hostile.jsonl"
    src.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    config = build_config(db=str(db))
    with Store(db) as s:
        statuses = list(ingest_paths(s, [src], config))
    assert [x.status for x in statuses] == ["stored"], statuses
    return db


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium under Playwright; a skip where it is missing, a failure in CI."""
    path = chromium_path()
    if path is None:
        message = "chromium is not installed (apt-get install chromium; `make test` does it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + ": the browser tests must run in CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # --no-sandbox: tests run as root in CI, where chromium's sandbox refuses to start
        b = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot as a test artefact (artifacts/web/, ignored by git)."""
    def take(page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return take
