"""The search index (store/search.py): built for an existing store by its migration, and kept in
step by the write path (articles, enrichments, kept briefs)."""

from __future__ import annotations

import json
import sqlite3

from storyscope.model import Enrichment, EntityMention, Quote
from storyscope.store import Store
from storyscope.store.migrations import MIGRATIONS, _v7_search
from storyscope.store.search import fts_query

from webutil import copy_store

SEED_RFERL = "000_a660c4176bf93f53"  # the RFE/RL sample (tests/conftest.py)


def _old_store(path, samples) -> None:
    """A store as the version before the search index wrote it: one real article, one enrichment."""
    text = (samples / f"{SEED_RFERL}.txt").read_text(encoding="utf-8")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for version, migration in enumerate(MIGRATIONS[:MIGRATIONS.index(_v7_search)], start=1):
        migration(db)
        db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
    db.execute("INSERT INTO articles (id, text, title, outlet, published, content_hash) VALUES (?, ?, ?, ?, ?, ?)",
               ("old-1", text, "US Closes Consulate In Iraq", "RFE/RL", "2018-09-29", "h1"))
    db.execute("INSERT INTO assignments (article_id, story_id, score, reason) VALUES ('old-1', 's1', 1, 'new')")
    start = text.index("economic war")
    pompeo = text.index("Pompeo")
    data = {"sentences": [], "dates": [], "caption_entities": [],
            "quotes": [{"speaker": "Hassan Rohani", "text": "economic war", "kind": "partial",
                        "start": start, "end": start + 12, "cue": None, "speaker_start": None, "speaker_end": None}],
            "entities": [{"text": "Pompeo", "label": "PERSON", "start": pompeo, "end": pompeo + 6,
                          "canonical": "Mike Pompeo"}]}
    db.execute("INSERT INTO enrichments (article_id, version, data) VALUES ('old-1', 1, ?)", (json.dumps(data),))
    db.close()


def test_migration_indexes_an_existing_store(tmp_path, samples):
    path = tmp_path / "old.db"
    _old_store(path, samples)
    with Store(path) as store:
        hits, total = store.search("Basra consulate")
        assert total == 1 and [(h.kind, h.article_id, h.story_id) for h in hits] == [("article", "old-1", "s1")]
        quote, _ = store.search("economic war")
        assert ("quote", "Hassan Rohani") in {(h.kind, h.title) for h in quote}
        assert [r[:3] for r in store.entity_mentions("Mike Pompeo")] == [("Pompeo", "PERSON", "old-1")]
        assert store.search_stories("rocket attacks") == ["s1"]


def test_write_path_keeps_the_index_in_step(web_db, tmp_path):
    with Store(web_db) as src:
        path = copy_store(src, tmp_path / "copy.db")
    with Store(path) as store:
        article = store.get_article(SEED_RFERL)
        at = article.text.index("economic war")

        def enrichment(words: str, speaker: str) -> Enrichment:
            start = article.text.index(words)
            return Enrichment(article.id, quotes=(Quote(speaker, words, "partial", start, start + len(words)),),
                              entities=(EntityMention("Rouhani", "PERSON", at, at + 7, speaker),))

        store.put_enrichment(enrichment("economic war", "Hassan Rouhani"), 99)
        assert any(h.kind == "quote" for h in store.search("economic war")[0])
        # enriched again: the old quote and entity rows are replaced, not kept beside the new ones
        store.put_enrichment(enrichment("chaos, death, and destruction", "Donald Trump"), 100)
        assert not any(h.kind == "quote" for h in store.search("economic war")[0])
        assert [h.title for h in store.search("chaos death destruction")[0] if h.kind == "quote"] == ["Donald Trump"]
        assert store.entity_mentions("Hassan Rouhani") == []
        # a kept brief's facts are searchable; building it again replaces them
        story = store.stories_of([article.id])[article.id]
        store.put_brief(story, "f1", "{}", ["Quokkas crossed the bridge at dawn."])
        assert [(h.kind, h.story_id) for h in store.search("quokkas")[0]] == [("fact", story)]
        store.put_brief(story, "f2", "{}", ["Wombats crossed the bridge at noon."])
        assert store.search("quokkas") == ([], 0) and store.get_brief(story) == ("f2", "{}")
        # a new article is searchable as soon as it is stored (the ingest's transaction)
        assert store.search("Marlow")[1] == 1  # the hostile article of the web store


def test_query_words_only():
    assert fts_query('Basra" OR NEAR(a b) title:x*') == '"Basra" "OR" "NEAR" "a" "b" "title" "x"'
    assert fts_query("  ,;  ") is None


def test_story_list_walk_by_date_orders_as_the_grouping_does(web_db):
    with Store(web_db) as store:
        every = [s for s, _ in store.story_rows()]
        walked, total = store.story_page(limit=100)  # no filter: the walk by date
        grouped, same_total = store.story_page(story_ids=every, limit=100)  # a filter: grouped
        assert walked == grouped and total == same_total == len(every) == 4
        assert walked[-1].last_published is None  # the undated ECB+ story comes last
        pages = [store.story_page(limit=1, offset=k)[0][0] for k in range(4)]
        assert pages == walked


def test_past_the_rank_cap_hits_come_newest_first(web_db, monkeypatch):
    from storyscope.store import search

    with Store(web_db) as store:
        ranked, total = store.search("Basra Iran", limit=100)
        monkeypatch.setattr(search, "RANK_AT_MOST", 1)
        newest, same_total = store.search("Basra Iran", limit=100)
    assert total == same_total == len(ranked) > 1
    assert sorted(map(repr, ranked)) == sorted(map(repr, newest))
    # the samples are ingested in file-name order: the Washington Post's (004_) after RFE/RL's (000_)
    assert [h.article_id for h in newest if h.kind == "article"] == ["004_30c83ec27df2ac6c", SEED_RFERL]
