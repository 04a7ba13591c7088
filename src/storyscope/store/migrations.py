"""Schema migrations, in order. Each runs once, in its own transaction; never edit a shipped one."""

from __future__ import annotations

import sqlite3


def _v1_initial(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE articles (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL,
            title TEXT, published TEXT, author TEXT, outlet TEXT, url TEXT, language TEXT,
            source TEXT,
            content_hash TEXT NOT NULL,
            features BLOB,
            ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        )"""
    )
    db.execute("CREATE INDEX articles_hash ON articles (content_hash)")
    db.execute("CREATE INDEX articles_url ON articles (url)")
    db.execute(
        """CREATE TABLE assignments (
            article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
            story_id TEXT NOT NULL,
            score REAL NOT NULL,
            syndicated_of TEXT,
            reason TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX assignments_story ON assignments (story_id)")
    db.execute(
        """CREATE TABLE enrichments (
            article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (article_id, version)
        )"""
    )


def _v2_captions(db: sqlite3.Connection) -> None:
    # photo/video captions, kept apart from the body text (JSON list of strings)
    db.execute("ALTER TABLE articles ADD COLUMN captions TEXT NOT NULL DEFAULT '[]'")


def _v3_story_links(db: sqlite3.Connection) -> None:
    # a new story's links to earlier stories it is related to but was not merged
    # with (reason "closed": outside the time window; "related": below the join
    # threshold); written with the assignment that started the story
    db.execute(
        """CREATE TABLE story_links (
            story_id TEXT NOT NULL,
            related_id TEXT NOT NULL,
            score REAL NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (story_id, related_id)
        )"""
    )
    db.execute("CREATE INDEX story_links_related ON story_links (related_id)")


def _v4_url_key(db: sqlite3.Connection) -> None:
    # the canonical URL (see ingest/urls.py) that identifies an article across inputs
    db.execute("ALTER TABLE articles ADD COLUMN url_key TEXT")
    db.execute("CREATE INDEX articles_url_key ON articles (url_key)")
    _rekey_urls(db)


def _rekey_urls(db: sqlite3.Connection) -> None:
    """Set every stored article's url_key from its URL by today's ingest/urls.py."""
    from ..ingest.urls import url_key

    rows = db.execute("SELECT seq, url FROM articles WHERE url IS NOT NULL").fetchall()
    db.executemany("UPDATE articles SET url_key = ? WHERE seq = ?", [(url_key(u), seq) for seq, u in rows])


def _v5_story_merges(db: sqlite3.Connection) -> None:
    # stories the merge check put into another one: why, and so that a restarted
    # clusterer never hands out a merged-away id again
    db.execute(
        """CREATE TABLE story_merges (
            story_id TEXT PRIMARY KEY,
            merged_into TEXT NOT NULL,
            reason TEXT NOT NULL
        )"""
    )


def _v6_cluster_snapshots(db: sqlite3.Connection) -> None:
    # the clusterer's state (cluster/snapshot.py) after the articles with seq <=
    # covers_seq, so that a run loads it and replays only the articles stored
    # after it (issue 11); cut into chunks because SQLite caps a BLOB at 1e9 bytes
    db.execute(
        """CREATE TABLE cluster_snapshots (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            covers_seq INTEGER NOT NULL,
            fingerprint TEXT NOT NULL,
            nbytes INTEGER NOT NULL,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        )"""
    )
    db.execute(
        """CREATE TABLE cluster_snapshot_chunks (
            snapshot_id INTEGER NOT NULL REFERENCES cluster_snapshots (id) ON DELETE CASCADE,
            part INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (snapshot_id, part)
        )"""
    )


def _v7_search(db: sqlite3.Connection) -> None:
    # the web app's reads (issue 14): full-text search over articles, quotes and the facts of
    # built briefs; entity names per article (filters, entity pages); built briefs kept so a
    # story page never waits for the compare stage twice. Kept in step by the write path
    # (store/search.py); existing stores are indexed here.
    from . import search

    search.create(db)
    search.backfill(db)


def _v8_url_key_courlan(db: sqlite3.Connection) -> None:
    # url_key now also folds www., AMP addresses and a trailing slash (ingest/urls.py on
    # courlan, issue 12): keys stored in the old form would let an edited re-fetch of an
    # article stored under the old key in twice
    _rekey_urls(db)


MIGRATIONS = [_v1_initial, _v2_captions, _v3_story_links, _v4_url_key, _v5_story_merges, _v6_cluster_snapshots,
              _v7_search, _v8_url_key_courlan]
