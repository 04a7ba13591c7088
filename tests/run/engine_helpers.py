"""What the engine tests compare: a store's stories, links and enrichments after a run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storyscope.config import build_config
from storyscope.run.engines import Engine
from storyscope.run.enrich import enrich_missing
from storyscope.run.ingest import ingest_paths
from storyscope.store import Store

ECB = Path(__file__).parents[1] / "data" / "ecbplus_sample.jsonl"


def small_corpus(tmp: Path, n: int, skip: int = 0) -> Path:
    """The first ``n`` records of the ECB+ sample (real news of several events), as a JSONL file."""
    lines = ECB.read_text(encoding="utf-8").splitlines()[skip : skip + n]
    path = tmp / f"ecb_{skip}_{n}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(db: Path, inputs: list[Path], engine: Engine, enrich: bool = False) -> list[tuple[str, str]]:
    """Ingest (and enrich) with ``engine``; the statuses (status, article id) in order."""
    config = build_config(db=str(db))
    with Store(db) as store:
        statuses = [(s.status, s.article_id) for s in ingest_paths(store, inputs, config, engine)]
        if enrich:
            list(enrich_missing(store, config, engine=engine))
    return statuses


def result(db: Path) -> tuple[list, list, list]:
    """(stories as (story id, article ids), links, enrichments as (article id, data)) of a store."""
    con = sqlite3.connect(db)
    try:
        stories: dict[str, list[str]] = {}
        for sid, aid in con.execute("SELECT s.story_id, s.article_id FROM assignments s "
                                    "JOIN articles a ON a.id = s.article_id ORDER BY a.seq"):
            stories.setdefault(sid, []).append(aid)
        links = con.execute("SELECT story_id, related_id, score, reason FROM story_links").fetchall()
        enriched = con.execute("SELECT article_id, data FROM enrichments ORDER BY article_id").fetchall()
        return sorted(stories.items()), sorted(links), enriched
    finally:
        con.close()
