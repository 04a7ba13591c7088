"""What the web app reads fast: full-text search, entity names per article, built briefs.

Three tables (migration 7), kept in step by the store's write path:
- ``search_index``: an FTS5 table over articles (title, text), quotes (speaker, words) and the
  facts of every built brief; contentless (``content=''``), so article text is not stored
  twice. ``search_docs`` says what each of its rows is (kind, article or story id) and keeps
  the words of the short rows (quotes, facts) that a contentless table needs to delete them.
- ``article_entities``: the canonical names an article mentions, with the wordings used.
- ``brief_cache``: a story's brief as built (the JSON of ``brief --format json``), with the
  fingerprint of what it was built from, so a changed story is built again.

All SQL is parameterised; a search query becomes an FTS5 query of quoted terms only.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from ..headline import OPENING, headline


def create(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE search_docs (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,   -- article, quote or fact
            ref TEXT NOT NULL,    -- the article id (article, quote) or story id (fact)
            title TEXT,           -- quote: the speaker; article: the headline
            body TEXT             -- quote, fact: the words (NULL for an article: it is in articles)
        )"""
    )
    db.execute("CREATE INDEX search_docs_ref ON search_docs (kind, ref)")
    # porter: "closes" finds "closed"; unicode61 folds case and (2) diacritics
    db.execute("CREATE VIRTUAL TABLE search_index USING fts5(title, body, content='', "
               "tokenize='porter unicode61 remove_diacritics 2')")
    db.execute(
        """CREATE TABLE article_entities (
            name TEXT NOT NULL,       -- canonical name
            article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            alias TEXT NOT NULL,      -- the wording in this article
            label TEXT NOT NULL,
            PRIMARY KEY (name, article_id, alias)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX article_entities_article ON article_entities (article_id)")
    # the story list walks articles newest first instead of grouping every assignment
    db.execute("CREATE INDEX articles_published ON articles (published)")
    db.execute(
        """CREATE TABLE brief_cache (
            story_id TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            data TEXT NOT NULL,
            built_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        )"""
    )


def backfill(db: sqlite3.Connection) -> None:
    """Index what an existing store holds: every article, and each article's newest enrichment."""
    db.execute("INSERT INTO search_docs (kind, ref, title) SELECT 'article', id, title FROM articles ORDER BY seq")
    db.execute("INSERT INTO search_index (rowid, title, body) SELECT d.id, coalesce(a.title, ''), a.text "
               "FROM search_docs d JOIN articles a ON a.id = d.ref WHERE d.kind = 'article'")
    rows = db.execute("SELECT e.article_id, e.data FROM enrichments e WHERE e.version = "
                      "(SELECT max(version) FROM enrichments x WHERE x.article_id = e.article_id)")
    items = []
    for article_id, data in rows.fetchall():
        d = json.loads(data)
        items.append((article_id, quote_rows(d.get("quotes", ())), name_rows(d.get("entities", ()))))
    index_enrichments(db, items)


# -- the write path ---------------------------------------------------------------------------
def _add(db: sqlite3.Connection, kind: str, ref: str, title: str | None, body: str) -> None:
    """One document whose words the index keeps (a fact; articles: ``index_articles``)."""
    cur = db.execute("INSERT INTO search_docs (kind, ref, title, body) VALUES (?, ?, ?, ?)",
                     (kind, ref, title, body))
    db.execute("INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)", (cur.lastrowid, title or "", body))


def _take(db: sqlite3.Connection, kind: str, ref: str) -> list[tuple[int, str, str]]:
    """Remove one quote or fact set's documents; returns the full-text deletes they need (a
    contentless table deletes a row by its old words), for the caller to write."""
    rows = db.execute("SELECT id, title, body FROM search_docs WHERE kind = ? AND ref = ?", (kind, ref)).fetchall()
    db.execute("DELETE FROM search_docs WHERE kind = ? AND ref = ?", (kind, ref))
    return [(rowid, title or "", body or "") for rowid, title, body in rows]


def _delete_rows(db: sqlite3.Connection, gone: list[tuple[int, str, str]]) -> None:
    db.executemany("INSERT INTO search_index (search_index, rowid, title, body) VALUES ('delete', ?, ?, ?)", gone)


def _drop(db: sqlite3.Connection, kind: str, ref: str) -> None:
    """Remove the rows of one quote or fact set."""
    _delete_rows(db, _take(db, kind, ref))


def index_article(db: sqlite3.Connection, article_id: str, title: str | None, text: str) -> None:
    index_articles(db, [(article_id, title, text)])


def index_articles(db: sqlite3.Connection, rows: list[tuple[str, str | None, str]]) -> None:
    """``index_article`` of each (id, title, text), the full-text rows written last, together.

    FTS5 keeps a transaction's new rows in memory, but writes them out as a segment of their
    own whenever a statement that needs a statement journal (an INSERT OR REPLACE, a foreign
    key) runs after them: one segment per article when the rows are interleaved with the
    other writes of an ingest batch, about 0.2 CPU ms an article in the merges; one per batch here.
    """
    docs = [(db.execute("INSERT INTO search_docs (kind, ref, title, body) VALUES ('article', ?, ?, NULL)",
                        (article_id, title)).lastrowid, title or "", text) for article_id, title, text in rows]
    db.executemany("INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)", docs)


def index_enrichment(db: sqlite3.Connection, article_id: str, quotes: Iterable, entities: Iterable) -> None:
    """(Re)index one article's quotes and entity names; ``quotes``/``entities``: records or dicts."""
    index_enrichments(db, [(article_id, quote_rows(quotes), name_rows(entities))])


def quote_rows(quotes: Iterable) -> tuple[tuple[str | None, str], ...]:
    """(speaker, words) of each quote (records or dicts): what the index keeps of them."""
    return tuple((q.get("speaker"), q["text"]) for q in (q if isinstance(q, dict) else q.__dict__ for q in quotes))


def name_rows(entities: Iterable) -> tuple[tuple[str, str, str], ...]:
    """(canonical name, wording, label) of each entity mention (records or dicts), each once, sorted."""
    return tuple(sorted({(e["canonical"], e["text"], e["label"])
                         for e in (e if isinstance(e, dict) else e.__dict__ for e in entities)}))


def index_enrichments(db: sqlite3.Connection, items: list[tuple[str, tuple, tuple]]) -> None:
    """(Re)index the quotes and names of each (article id, ``quote_rows``, ``name_rows``), one
    article once, the full-text deletes and inserts written last, together (see ``index_articles``)."""
    latest = {article_id: (quotes, names) for article_id, quotes, names in items}
    gone: list[tuple[int, str, str]] = []
    added: list[tuple[int, str, str]] = []
    for article_id, (quotes, names) in latest.items():
        gone += _take(db, "quote", article_id)
        for speaker, words in quotes:
            cur = db.execute("INSERT INTO search_docs (kind, ref, title, body) VALUES ('quote', ?, ?, ?)",
                             (article_id, speaker, words))
            added.append((cur.lastrowid, speaker or "", words))
        db.execute("DELETE FROM article_entities WHERE article_id = ?", (article_id,))
        db.executemany("INSERT OR IGNORE INTO article_entities (name, article_id, alias, label) VALUES (?, ?, ?, ?)",
                       [(name, article_id, alias, label) for name, alias, label in names])
    # every delete before any insert: a new row may take the rowid of one deleted
    _delete_rows(db, gone)
    db.executemany("INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)", added)


def put_brief(db: sqlite3.Connection, story_id: str, fingerprint: str, data: str, facts: Iterable[str]) -> None:
    """Keep a built brief and index its facts (replacing the story's earlier ones)."""
    db.execute("INSERT OR REPLACE INTO brief_cache (story_id, fingerprint, data) VALUES (?, ?, ?)",
               (story_id, fingerprint, data))
    _drop(db, "fact", story_id)
    for text in facts:
        _add(db, "fact", story_id, None, text)


def get_brief(db: sqlite3.Connection, story_id: str) -> tuple[str, str] | None:
    """(fingerprint, brief JSON) of the story's kept brief, if one was built."""
    return db.execute("SELECT fingerprint, data FROM brief_cache WHERE story_id = ?", (story_id,)).fetchone()


# -- reads ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    kind: str  # article, quote, fact
    article_id: str | None
    story_id: str | None
    title: str | None
    body: str | None  # quote and fact words; None for an article (read it from the store)


_TERM = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """A user's words as an FTS5 query: every word must occur (each quoted, so no FTS5 syntax
    — NEAR, column filters, '*' — can come from the user); None when there is no word."""
    terms = _TERM.findall(text)[:20]
    return " ".join(f'"{t}"' for t in terms) if terms else None


# Ranking (bm25) scores every match; past this many matches the hits come newest first instead
# (a walk of the index in rowid order that stops at the page): on a 100,000-article store a
# word found in 20,000 articles costs about 100 ms to rank and under 1 ms to walk, and over
# benchmarks/web.py's queries the median search costs 9 ms with 2,000 here, 3 ms with 500. A
# speed setting, not a quality one: no relevance was measured, and a news search for a word
# this common wants the latest anyway.
RANK_AT_MOST = 500
_KEY = {"rank": "rank", "rowid DESC": "-rowid"}  # the same order as a column, for the join's ORDER BY


def _order(db: sqlite3.Connection, query: str) -> tuple[int, str]:
    """(number of matches, their ORDER BY: bm25's rank, or newest first)."""
    total = db.execute("SELECT count(*) FROM search_index WHERE search_index MATCH ?", (query,)).fetchone()[0]
    return total, ("rank" if total <= RANK_AT_MOST else "rowid DESC")


def search(db: sqlite3.Connection, text: str, limit: int = 20, offset: int = 0) -> tuple[list[Hit], int]:
    """(hits, best first or, past RANK_AT_MOST matches, newest first; the number of matches)."""
    query = fts_query(text)
    if query is None:
        return [], 0
    total, order = _order(db, query)
    rows = db.execute(
        "SELECT d.kind, d.ref, d.title, d.body, s.story_id FROM "
        f"(SELECT rowid, {_KEY[order]} AS k FROM search_index WHERE search_index MATCH ? ORDER BY {order} LIMIT ? OFFSET ?) m "
        "JOIN search_docs d ON d.id = m.rowid "
        "LEFT JOIN assignments s ON d.kind != 'fact' AND s.article_id = d.ref ORDER BY m.k",
        (query, limit, offset)).fetchall()
    hits = [Hit(kind, None if kind == "fact" else ref, ref if kind == "fact" else story, title, body)
            for kind, ref, title, body, story in rows]
    return hits, total


def matching_stories(db: sqlite3.Connection, text: str, cap: int = 1000) -> list[str]:
    """Ids of the stories with a hit among the ``cap`` first hits (as ``search`` orders them)."""
    query = fts_query(text)
    if query is None:
        return []
    _, order = _order(db, query)
    rows = db.execute(
        "SELECT CASE d.kind WHEN 'fact' THEN d.ref ELSE s.story_id END FROM "
        f"(SELECT rowid, {_KEY[order]} AS k FROM search_index WHERE search_index MATCH ? ORDER BY {order} LIMIT ?) m "
        "JOIN search_docs d ON d.id = m.rowid "
        "LEFT JOIN assignments s ON d.kind != 'fact' AND s.article_id = d.ref ORDER BY m.k", (query, cap))
    return list(dict.fromkeys(r[0] for r in rows if r[0] is not None))


def entity_rows(db: sqlite3.Connection, name: str) -> list[tuple[str, str, str, str | None, str | None]]:
    """(alias, label, article id, published, story id) of every mention of canonical ``name``."""
    return db.execute(
        "SELECT e.alias, e.label, e.article_id, a.published, s.story_id FROM article_entities e "
        "JOIN articles a ON a.id = e.article_id LEFT JOIN assignments s ON s.article_id = e.article_id "
        "WHERE e.name = ? ORDER BY a.published, a.seq", (name,)).fetchall()


@dataclass(frozen=True)
class StoryRow:
    id: str
    title: str
    articles: int
    independent: int
    outlets: tuple[str, ...]
    first_published: str | None
    last_published: str | None


def story_rows(
    db: sqlite3.Connection, *, story_ids: list[str] | None = None, outlet: str | None = None,
    entity: str | None = None, since: str | None = None, until: str | None = None,
    limit: int = 25, offset: int = 0,
) -> tuple[list[StoryRow], int]:
    """One page of stories, newest (latest publication) and biggest first, and how many match.

    ``story_ids`` (a search's stories), ``outlet`` and ``entity`` keep the stories with such an
    article; ``since``/``until`` (ISO dates) keep those whose time span meets that range.
    """
    where, params = [], []
    if story_ids is not None:
        where.append("s.story_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(story_ids))
    if outlet:
        where.append("s.story_id IN (SELECT x.story_id FROM assignments x JOIN articles y ON y.id = x.article_id "
                     "WHERE y.outlet = ?)")
        params.append(outlet)
    if entity:
        where.append("s.story_id IN (SELECT x.story_id FROM article_entities e JOIN assignments x "
                     "ON x.article_id = e.article_id WHERE e.name = ?)")
        params.append(entity)
    having, hparams = [], []
    if since:
        having.append("coalesce(max(a.published), '') >= ?")
        hparams.append(since)
    if until:
        having.append("coalesce(min(a.published), '9999') <= ?")
        hparams.append(until + "\uffff")  # a date-time on the last day is still inside
    if not where and not having:
        # newest first without grouping every story: walk the articles by date, newest first, until
        # the page's stories are found and the date at its end is complete (ties: biggest first)
        story_ids, boundary = [], None
        for story_id, published in db.execute(
                "SELECT s.story_id, a.published FROM articles a INDEXED BY articles_published "
                "JOIN assignments s ON s.article_id = a.id ORDER BY a.published DESC, a.seq DESC"):
            if boundary is not None and published != boundary:
                break
            if story_id not in story_ids:
                story_ids.append(story_id)
                if len(story_ids) >= offset + limit:
                    boundary = published
        where.append("s.story_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(story_ids))
        total = db.execute("SELECT count(DISTINCT story_id) FROM assignments").fetchone()[0]
    else:
        total = None
    grouped = (
        "SELECT s.story_id, count(*) AS n, sum(s.syndicated_of IS NOT NULL) AS copies, "
        "min(a.published) AS first, max(a.published) AS last, max(a.seq) AS newest "
        "FROM assignments s JOIN articles a ON a.id = s.article_id "
        + (f"WHERE {' AND '.join(where)} " if where else "")
        + "GROUP BY s.story_id" + (f" HAVING {' AND '.join(having)}" if having else ""))
    args = (*params, *hparams)
    if total is None:
        total = db.execute(f"SELECT count(*) FROM ({grouped})", args).fetchone()[0]
    page = db.execute(f"SELECT story_id, n, copies, first, last FROM ({grouped}) "
                      "ORDER BY last IS NULL, last DESC, n DESC, newest DESC LIMIT ? OFFSET ?",
                      (*args, limit, offset)).fetchall()
    out = []
    for story_id, n, copies, first, last in page:
        arts = db.execute(
            "SELECT a.title, substr(a.text, 1, ?), a.outlet, a.published FROM assignments s JOIN articles a ON a.id = s.article_id "
            "WHERE s.story_id = ? ORDER BY a.seq", (OPENING, story_id)).fetchall()
        outlets = tuple(dict.fromkeys(o for _, _, o, _ in arts if o))
        # the earliest article's headline names the story (as run/stories.py does)
        head = min(enumerate(arts), key=lambda ia: (ia[1][3] or "9999", ia[0]))[1]
        title = headline(head[0], head[1])
        out.append(StoryRow(story_id, title, n, n - (copies or 0), outlets, first, last))
    return out, total
