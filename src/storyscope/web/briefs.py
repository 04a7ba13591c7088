"""Briefs for the web app: served from the store once built, built by the one writer otherwise.

A request never runs the NLP or the compare stage itself: it reads the brief kept in the store
(``brief_cache``), and when there is none for the story as it now stands it hands the work to
the writer thread and shows how far it got (enriched k of n articles). The brief is the one the
CLI prints: ``run.stories.story_brief`` (which calls ``compare.build_brief``) rendered by the JSON
renderer, so the API returns exactly the schema of ``brief --format json``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .. import __version__
from ..config import Config
from ..enrich.pipeline import ENRICH_VERSION
from ..errors import StoryscopeError
from ..store import Store


@cache
def _schema_digest() -> str:
    text = (resources.files("storyscope") / "schema" / "brief.schema.json").read_bytes()
    return hashlib.sha256(text).hexdigest()[:16]


def fingerprint(article_ids: list[str]) -> str:
    """What a kept brief was built from: the story's articles, the NLP and storyscope versions and
    the brief's schema (a changed brief format builds every brief again)."""
    key = json.dumps([__version__, ENRICH_VERSION, _schema_digest(), article_ids])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Pending:
    """A brief being built: what the writer is doing and how far it got."""

    story_id: str
    stage: str  # queued, enriching, comparing, failed
    done: int
    total: int
    error: str | None = None

    def as_json(self) -> dict:
        return {"status": "failed" if self.error else "pending", "story_id": self.story_id, "stage": self.stage,
                "enriched": self.done, "articles": self.total, "error": self.error}


class Writer:
    """The app's one writer: a single thread with the app's one writing store connection.

    Brief builds (enrich, compare, keep) and HTTP ingests run here one at a time, so the web
    app adds one writer to the store, never one per request.
    """

    def __init__(self, config: Config):
        self.config = config
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyscope-writer")
        self._store: Store | None = None
        self._jobs: dict[str, Pending] = {}
        self._futures: dict[str, Future] = {}
        self._mutex = threading.Lock()

    def store(self) -> Store:
        """The writing connection (only ever used on the writer thread)."""
        if self._store is None:
            self._store = Store(self.config.db, create=False, busy_timeout=self.config.lock_wait)
        return self._store

    def submit(self, fn, *args) -> Future:
        return self._pool.submit(fn, *args)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._store is not None:
            self._store.close()

    # -- briefs ---------------------------------------------------------------------------------
    def build(self, story_id: str, article_ids: list[str]) -> tuple[Pending | None, Future | None]:
        """Start (once) building the brief of ``story_id``; returns its progress and future."""
        with self._mutex:
            job = self._jobs.get(story_id)
            if job is not None and job.error is None:
                return job, self._futures.get(story_id)
            job = Pending(story_id, "queued", 0, len(article_ids))
            self._jobs[story_id] = job
            future = self._futures[story_id] = self._pool.submit(self._build, story_id, article_ids)
            return job, future

    def progress(self, story_id: str) -> Pending | None:
        with self._mutex:
            return self._jobs.get(story_id)

    def forget(self, story_id: str) -> None:
        with self._mutex:
            self._jobs.pop(story_id, None)
            self._futures.pop(story_id, None)

    def _set(self, job: Pending) -> None:
        with self._mutex:
            self._jobs[job.story_id] = job

    def _build(self, story_id: str, article_ids: list[str]) -> None:
        from ..render import render_json
        from ..run.enrich import enrich_missing
        from ..run.stories import story_brief

        store = self.store()
        total = len(article_ids)
        try:
            # 1. the deep NLP of the articles that lack it, counted for the progress page
            missing = store.missing_enrichments(ENRICH_VERSION, article_ids)
            done = total - len(missing)
            self._set(Pending(story_id, "enriching", done, total))
            for _ in enrich_missing(store, self.config, missing):
                done += 1
                self._set(Pending(story_id, "enriching", done, total))
            # 2. the brief, as `storyscope brief --format json` writes it
            self._set(Pending(story_id, "comparing", total, total))
            data = render_json(story_brief(store, self.config, story_id))
            # 3. kept with what it was built from; its facts become searchable
            facts = [f["text"] for f in json.loads(data).get("facts", [])]
            store.put_brief(story_id, fingerprint(article_ids), data, facts)
            with self._mutex:
                self._jobs.pop(story_id, None)
                self._futures.pop(story_id, None)
        except StoryscopeError as exc:
            self._set(Pending(story_id, "failed", 0, total, str(exc)))
        except Exception as exc:  # the page says the build failed and why; the next visit tries again
            self._set(Pending(story_id, "failed", 0, total, f"{type(exc).__name__}: {exc}"))
            raise
