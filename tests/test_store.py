"""The SQLite store: migrations, the transactional write path, named errors."""

from __future__ import annotations

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
