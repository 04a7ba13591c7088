"""What the ingest workers hand the driver, and the store's batch writes: the same as the slow forms."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from storyscope.config import build_config
from storyscope.enrich.pipeline import ENRICH_VERSION, enrich_articles
from storyscope.model import Article, Quote
from storyscope.run.ingest import _unpack, prepare, prepare_records, read_inputs
from storyscope.store import Store, search

from .engine_helpers import small_corpus


def test_a_compact_record_gives_the_driver_the_very_article_and_features(tmp_path):
    items = list(read_inputs([small_corpus(tmp_path, 24)], build_config()))
    rich, records = prepare(items), prepare_records(items)
    pairs = [(r, c) for r, c in zip(rich, records) if isinstance(r, tuple)]
    assert len(pairs) >= 20  # real articles, not all rejected
    for (article, features), record in pairs:
        got = _unpack(record)
        assert got.article == article
        assert got.features == features  # the stored form holds them exactly
        assert got.blob == features.to_bytes()
    assert [r for r in rich if not isinstance(r, tuple)] == [c for c in records if not isinstance(c, tuple)]


def test_stored_ids_answers_for_many_ids_in_one_go(tmp_path):
    with Store(tmp_path / "s.db") as store:
        with store.transaction() as db:
            for i in range(3):
                store.add_article(db, Article(id=f"a{i}", text="Some text.", content_hash=f"h{i}"), None)
        many = [f"a{i}" for i in range(1200)]  # past SQLite's parameter limit in one statement
        assert store.stored_ids(many, up_to_seq=2) == {"a0", "a1"}
        assert store.stored_ids(["a2", "zz"], up_to_seq=3) == {"a2"}


def _hits(store: Store, words: str) -> list[tuple[str, str | None]]:
    hits, _ = store.search(words)
    return sorted((h.kind, h.article_id) for h in hits)


def test_batched_index_writes_find_what_one_at_a_time_found(tmp_path):
    articles = [Article(id=f"a{i}", text=f"The mayor of Springfield{i} opened a bridge. Officials said "
                        f"\u201cthe bridge number {i} is safe\u201d on Monday.", title=f"Bridge {i}",
                        content_hash=f"h{i}") for i in range(6)]
    enrichments = list(enrich_articles(articles))
    assert sum(len(e.quotes) for e in enrichments) >= 6
    with Store(tmp_path / "s.db") as store:
        with store.transaction() as db:
            for a in articles[:3]:
                store.add_article(db, a, None)  # indexed one at a time
            for a in articles[3:]:
                store.add_article(db, a, None, index=False)
            store.index_articles(db, articles[3:])  # indexed together
        # twice: the second replaces the first, in one batch with the same article twice
        store.put_enrichments(enrichments, ENRICH_VERSION)
        store.put_enrichments(enrichments + enrichments[:2], ENRICH_VERSION)
        assert _hits(store, "bridge safe") == sorted([("article", a.id) for a in articles]
                                                      + [("quote", a.id) for a in articles])
        assert _hits(store, "Springfield4") == [("article", "a4")]
        batched = {w: _hits(store, w) for w in ("mayor", "officials said", "Monday bridge", "Springfield2")}
        names = store.entity_mentions("Springfield2")
        # a replaced quote is gone from the index, its successor found
        changed = replace(enrichments[0], quotes=(Quote("Mayor", "the river is deep", "direct", 0, 10),))
        store.put_enrichments([changed], ENRICH_VERSION)
        assert _hits(store, "river deep") == [("quote", "a0")]
        assert ("quote", "a0") not in _hits(store, "bridge safe")
    # the same words and names found in a store written one row at a time
    with Store(tmp_path / "one.db") as one:
        with one.transaction() as db:
            for a in articles:
                one.add_article(db, a, None)
            for e in enrichments:
                search.index_enrichment(db, e.article_id, e.quotes, e.entities)
        assert {w: _hits(one, w) for w in batched} == batched
        assert one.entity_mentions("Springfield2") == names
    con = sqlite3.connect(tmp_path / "s.db")
    con.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")  # raises when damaged
    con.close()
