"""The SQLite store: migrations, the transactional write path, named errors."""

from __future__ import annotations

from dataclasses import replace

import pytest

from storyscope.errors import NotFound, StoreError
from storyscope.model import Article, Enrichment, Quote, Sentence
from storyscope.store import Store


def _article(i: str, text: str = "Some text.") -> Article:
    return Article(id=i, text=text, title=f"Title {i}", published="2020-01-02", content_hash=f"h{i}")


def test_a_failed_transaction_leaves_nothing_behind(tmp_path):
    with Store(tmp_path / "s.db") as store:
        with pytest.raises(RuntimeError):
            with store.transaction() as db:
                store.add_article(db, _article("a"), None)
                raise RuntimeError("crash mid-item")
        assert store.count_articles() == 0
        with store.transaction() as db:
            store.add_article(db, _article("a"), None)
            store.assign(db, "a", "s1", 1.0, None, "new story")
    with Store(tmp_path / "s.db") as store:  # reopening runs no migration twice
        assert store.get_article("a").title == "Title a"
        assert store.story_article_ids("s1") == ["a"]


def test_untrusted_text_is_stored_verbatim_through_parameters(tmp_path):
    evil = "Robert'); DROP TABLE articles;-- \u201cquoted\u201d \x00 end"
    with Store(tmp_path / "s.db") as store:
        with store.transaction() as db:
            store.add_article(db, _article("x'; --", evil), None)
        assert store.get_article("x'; --").text == evil
        assert store.count_articles() == 1


def test_enrichment_round_trips(tmp_path):
    e = Enrichment("a", sentences=(Sentence(0, 5, "Hello"),),
                   quotes=(Quote("Mike Pompeo", "hi", "direct", 1, 3, "said"),))
    with Store(tmp_path / "s.db") as store:
        with store.transaction() as db:
            store.add_article(db, _article("a"), None)
        assert store.missing_enrichments(1) == ["a"]
        store.put_enrichment(e, 1)
        assert store.get_enrichment("a", 1) == e
        assert store.missing_enrichments(1) == [] and store.missing_enrichments(2) == ["a"]
        assert store.missing_enrichments(2, ["a", "unknown"]) == ["a"]
        assert store.missing_enrichments(1, ["a"]) == []


def test_named_errors(tmp_path):
    bad = tmp_path / "not.db"
    bad.write_bytes(b"this is not a database file at all, just some text" * 100)
    with pytest.raises(StoreError, match="cannot open store"):
        Store(bad)
    with Store(tmp_path / "s.db") as store:
        with pytest.raises(NotFound, match="no story"):
            store.story_article_ids("nope")
        with pytest.raises(NotFound, match="no article"):
            store.get_article("nope")


def test_story_links_read_both_ways_and_go_with_a_recluster(tmp_path):
    with Store(tmp_path / "s.db") as store:
        with store.transaction() as db:
            store.add_story_link(db, "s3", "s1", 0.7, "closed")
            store.add_story_link(db, "s3", "s2", 0.4, "related")
        assert store.related_stories("s3") == ["s1", "s2"]  # best score first
        assert store.related_stories("s1") == ["s3"] and store.related_stories("s9") == []
        with store.transaction() as db:
            store.clear_assignments(db)
        assert store.related_stories("s3") == []


def test_the_same_url_in_another_form_is_the_same_article(tmp_path):
    from dataclasses import replace

    first = replace(_article("a", "First version."), url="https://News.example.com/2018/09/basra?utm_source=mail#top")
    with Store(tmp_path / "s.db") as store:
        with store.transaction() as db:
            store.add_article(db, first, None)
        updated = replace(_article("b", "Updated version."), url="http://news.example.com:80/2018/09/basra")
        assert store.find_duplicate(updated) == "a"
        other = replace(_article("c", "Other."), url="https://news.example.com/2018/09/basra-2")
        assert store.find_duplicate(other) is None


BODY = ("The city council approved the new budget on Tuesday after a six-hour debate, raising spending on "
        "schools by four percent. The mayor said the plan protects libraries and parks while keeping property "
        "taxes flat for a third year. Opponents said the budget relies on optimistic revenue forecasts.")


def _docs(n: int):
    from storyscope.model import RawDoc

    topics = ["budget", "flood", "election", "strike", "fire", "trade", "vaccine", "bridge"]
    return [RawDoc(id=f"d{i}", source=f"src{i}", text=f"Report {i} on the {topics[i % 8]} {i}. " + BODY.replace(
        "budget", topics[i % 8]) + f" Item number {i} of the {topics[(i * 3) % 8]} series.") for i in range(n)]


def _ingest(store, docs):
    from storyscope.config import build_config
    from storyscope.run.ingest import ingest_raw

    return list(ingest_raw(store, docs, build_config(db=store.path)))


def test_a_constraint_failure_rejects_that_item_and_the_run_goes_on_as_without_it(tmp_path):
    from pathlib import Path

    from storyscope.ingest import iter_inputs
    from storyscope.model import RawDoc

    sample = Path(__file__).parent / "data" / "ecbplus_sample.jsonl"
    docs = [d for d in iter_inputs([sample], 1_000_000) if isinstance(d, RawDoc)][:24]
    refused = "13_18ecb"  # starts a story of its own, which the next article joins
    with Store(tmp_path / "s.db") as store:
        # another program's rule that the store enforces: this article cannot be stored
        store._db.execute(f"CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN NEW.id = '{refused}' "
                          "BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END")
        statuses = {s.article_id: s for s in _ingest(store, docs)}
        assert statuses[refused].status == "rejected" and "refused by a trigger" in statuses[refused].reason
        stored = [a for a, s in statuses.items() if s.status == "stored"]
        assert not store.has_article(refused) and store.count_articles() == len(stored) == len(docs) - 3  # 2 short
        got = sorted(store.story_rows())
    with Store(tmp_path / "clean.db") as clean:
        _ingest(clean, [d for d in docs if d.id != refused])
        assert got == sorted(clean.story_rows())  # the clusterer forgot the refused article


def test_a_full_disk_ends_the_run_with_a_store_error_and_nothing_half_written(tmp_path):
    with Store(tmp_path / "s.db") as store:
        _ingest(store, _docs(2))
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages + 1}")  # what SQLite says when the disk is full
        big = [replace(_docs(1)[0], id="big", source="big", text=BODY + " ".join(f"word{i}" for i in range(20_000)))]
        with pytest.raises(StoreError, match="disk is full"):
            _ingest(store, big)
        assert store.count_articles() == 2 and not store.has_article("big")
        assert store._db.execute("SELECT count(*) FROM assignments").fetchone()[0] == 2
        assert not store._db.in_transaction


def test_a_read_only_store_is_a_store_error_not_a_traceback(tmp_path):
    import sqlite3

    with Store(tmp_path / "s.db") as store:
        _ingest(store, _docs(1))
        store._db.close()
        store._db = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True, isolation_level=None)
        with pytest.raises(StoreError, match="read-only"):
            _ingest(store, _docs(3))
        assert store.count_articles() == 1


def test_a_store_of_a_newer_schema_is_refused_and_left_alone(tmp_path):
    import sqlite3

    Store(tmp_path / "s.db").close()
    con = sqlite3.connect(tmp_path / "s.db")
    con.execute("INSERT INTO schema_version (version) VALUES (99)")
    con.commit()
    con.close()
    before = (tmp_path / "s.db").read_bytes()
    with pytest.raises(StoreError, match="schema version 99, newer than this storyscope understands"):
        Store(tmp_path / "s.db")
    assert (tmp_path / "s.db").read_bytes() == before


def test_opening_an_existing_store_only_never_creates_one(tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        Store(tmp_path / "typo.db", create=False)
    assert list(tmp_path.iterdir()) == []


def test_two_stores_opened_at_once_migrate_once(tmp_path):
    # The race for the journal mode of a new file was lost about once in 30 rounds
    # (SQLite answers BUSY without waiting), so the test runs many rounds.
    import sqlite3
    import threading

    for round_ in range(40):
        path = tmp_path / f"new{round_}.db"
        errors = []

        def open_it():
            try:
                Store(path).close()
            except Exception as exc:  # noqa: BLE001 - the test reports any
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [], f"round {round_}"
        versions = [v for (v,) in sqlite3.connect(path).execute("SELECT version FROM schema_version")]
        assert versions == sorted(set(versions))


def test_an_old_store_gets_its_url_keys_in_todays_form(tmp_path):
    # A store written before url_key folded www. and AMP addresses (schema 7) holds the old
    # key; the migration rewrites it so that the AMP copy of the article is known as the same.
    import sqlite3

    with Store(tmp_path / "s.db") as store, store.transaction() as db:
        store.add_article(db, replace(_article("a"), url="https://www.example.com/news/story-1?utm_source=x"), None)
    con = sqlite3.connect(tmp_path / "s.db")
    con.execute("UPDATE articles SET url_key = 'www.example.com/news/story-1'")
    con.execute("DELETE FROM schema_version WHERE version = 8")
    con.commit()
    con.close()
    with Store(tmp_path / "s.db") as store:
        key = store._db.execute("SELECT url_key FROM articles").fetchone()[0]
        assert key == "example.com/news/story-1"
        amp_copy = replace(_article("b", "Edited text."), content_hash="hb", url="https://amp.example.com/news/story-1/amp")
        assert store.find_duplicate(amp_copy) == "a"
