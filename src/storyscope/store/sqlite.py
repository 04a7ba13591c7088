"""The embedded store: one SQLite file, WAL mode, one write path.

Every stage reads records from here and writes records here inside a
transaction, so a crash mid-run loses at most the item in flight and a re-run
skips what is done. All SQL is parameterised: article text never becomes SQL.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from ..errors import ItemConflict, NotFound, StoreError, StoreLocked
from ..headline import OPENING, headline
from ..ingest.urls import url_key
from ..model import Article, DateMention, Enrichment, EntityMention, Quote, Sentence
from . import search as web_index
from . import snapshots
from .lock import WriteLock
from .migrations import MIGRATIONS
from .snapshots import StoredSnapshot

# "compute it here": a key argument not given (None is a key: the article has no URL)
_COMPUTE = object()

_ARTICLE_COLUMNS = (
    "id", "text", "title", "published", "author", "outlet", "url", "language", "source", "content_hash", "captions",
)


def _article_from_row(row) -> Article:
    values = dict(zip(_ARTICLE_COLUMNS, row))
    values["captions"] = tuple(json.loads(values["captions"]))
    return Article(**values)


class EnrichmentRow(NamedTuple):
    """An enrichment in the form the store keeps: plain values, cheap to hand from a worker to the driver."""

    article_id: str
    data: str  # the JSON stored
    quotes: tuple[tuple[str | None, str], ...]  # (speaker, words), for the search index
    names: tuple[tuple[str, str, str], ...]  # (canonical name, wording, label), for the entity index


def enrichment_row(e: Enrichment) -> EnrichmentRow:
    # vars(): the records are flat, so this is asdict's dict at a fraction of its cost
    data = json.dumps({
        "sentences": [vars(s) for s in e.sentences],
        "entities": [vars(x) for x in e.entities],
        "quotes": [vars(q) for q in e.quotes],
        "dates": [vars(d) for d in e.dates],
        "caption_entities": [vars(x) for x in e.caption_entities],
    })
    return EnrichmentRow(e.article_id, data, web_index.quote_rows(e.quotes), web_index.name_rows(e.entities))


class Store:
    """A storyscope store in one SQLite file.

    ``create=False`` opens an existing store only (the reading commands: a typo
    in ``--db`` must not leave an empty store behind). ``busy_timeout``: seconds
    a write waits for another connection's SQLite lock before StoreLocked.
    """

    def __init__(self, path: str | Path, *, create: bool = True, busy_timeout: float = 5.0):
        self.path = str(path)
        self.busy_timeout = busy_timeout
        self._lock = WriteLock(self.path)
        if not create and not os.path.isfile(self.path):
            raise StoreError(f"no store at {self.path}: ingest some articles first "
                             f"(storyscope ingest --db {self.path} PATH), or check --db / STORYSCOPE_DB")
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                       timeout=busy_timeout)
        except sqlite3.Error as exc:  # a folder, a missing parent folder ...
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc
        try:
            self._wal_mode()
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:  # not a database, locked, read-only dir ...
            self._db.close()
            raise self._failure(exc, f"cannot open store {self.path}") from exc
        except BaseException:
            self._db.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        self._lock.release()
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def write_lock(self, wait: float, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold the store's write lock (see lock.py) inside the block; re-entrant.

        Every run that assigns stories or writes in bulk holds it, and reads the
        state it builds on only once it holds it. Raises StoreLocked after ``wait``
        seconds.
        """
        if self._lock.held:
            yield
            return
        self._lock.acquire(wait, on_wait)
        try:
            yield
        finally:
            self._lock.release()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The single write path: everything inside commits together or not at all.

        A database constraint failing inside is ItemConflict (about the item being
        written); a locked, read-only, full or damaged store is StoreError. Either
        way nothing of the transaction is kept.
        """
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise self._failure(exc, f"cannot write to store {self.path}") from exc
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException as exc:
            if self._db.in_transaction:  # SQLite may have rolled back already (disk full)
                self._db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.IntegrityError):
                raise ItemConflict(f"the store refused it: {exc}") from exc
            if isinstance(exc, sqlite3.DatabaseError):
                raise self._failure(exc, f"cannot write to store {self.path}") from exc
            raise

    def _failure(self, exc: sqlite3.DatabaseError, what: str) -> StoreError:
        """A store-level SQLite error as a named error whose message says what to do."""
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return StoreLocked(f"{what}: another program held the database locked for over "
                               f"{self.busy_timeout:g} s; try again later or pass a longer --wait")
        if name.startswith("SQLITE_READONLY"):
            return StoreError(f"{what}: the store is read-only (check the permissions of the file and its folder)")
        if name.startswith("SQLITE_FULL"):
            return StoreError(f"{what}: the disk is full; nothing of the item in flight was stored")
        return StoreError(f"{what}: {exc}")

    def _wal_mode(self) -> None:
        """Switch to WAL, waiting like any write for a connection that holds the file.

        Several connections opening a new store at once race to change its journal
        mode, and SQLite answers the losers SQLITE_BUSY at once, without calling the
        busy handler (seen in about 1 of 30 four-thread opens): retry until
        ``busy_timeout``.
        """
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                busy = (getattr(exc, "sqlite_errorname", "") or "").startswith("SQLITE_BUSY")
                if not busy or time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)

    def _migrate(self) -> None:
        """Bring the schema up to date; refuse a store written by a newer storyscope.

        The version is read inside each migration's transaction, so two processes
        opening a new store at once apply each migration once.
        """
        self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        current = self._db.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
        if current > len(MIGRATIONS):
            raise StoreError(
                f"store {self.path} has schema version {current}, newer than this storyscope "
                f"understands ({len(MIGRATIONS)}): upgrade storyscope to open it"
            )
        for version, migration in enumerate(MIGRATIONS, start=1):
            if version <= current:
                continue
            with self.transaction() as db:
                if (db.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0) >= version:
                    continue  # another process applied it meanwhile
                migration(db)
                db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))

    # -- articles ----------------------------------------------------------------------------
    def find_duplicate(self, article: Article, key: str | None | object = _COMPUTE) -> str | None:
        """The id of a stored article that is this one (same id, same canonical URL or same content).

        ``key``: the article's ``url_key`` when the caller has it already (the ingest workers
        compute it, so the driver does not).
        """
        row = self._db.execute(
            "SELECT id FROM articles WHERE id = ? OR content_hash = ? OR (url_key IS NOT NULL AND url_key = ?)",
            (article.id, article.content_hash, url_key(article.url) if key is _COMPUTE else key),
        ).fetchone()
        return row[0] if row else None

    def add_article(self, db: sqlite3.Connection, article: Article, features: bytes | None, *,
                    key: str | None | object = _COMPUTE, index: bool = True) -> None:
        """Insert an article (inside a transaction opened by the caller).

        ``index=False`` leaves its search-index row to ``index_articles``, which the caller then
        runs in the same transaction: a batch indexed at its end is written once (see there).
        """
        values = [getattr(article, c) for c in _ARTICLE_COLUMNS[:-1]] + [json.dumps(list(article.captions))]
        db.execute(
            f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}, features, url_key) "
            f"VALUES ({', '.join('?' * (len(_ARTICLE_COLUMNS) + 2))})",
            (*values, features, url_key(article.url) if key is _COMPUTE else key),
        )
        if index:
            web_index.index_article(db, article.id, article.title, article.text)

    def index_articles(self, db: sqlite3.Connection, articles: Iterable[Article]) -> None:
        """The search-index rows of articles added with ``index=False``, in one go (store/search.py)."""
        web_index.index_articles(db, [(a.id, a.title, a.text) for a in articles])

    def set_features(self, db: sqlite3.Connection, article_id: str, features: bytes) -> None:
        """Replace an article's features (recomputed after a format change)."""
        db.execute("UPDATE articles SET features = ? WHERE id = ?", (features, article_id))

    def has_article(self, article_id: str, up_to_seq: int | None = None) -> bool:
        """Is the article stored (among the first ``up_to_seq`` stored, when given)?"""
        if up_to_seq is None:
            return self._db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None
        return self._db.execute("SELECT 1 FROM articles WHERE id = ? AND seq <= ?",
                                (article_id, up_to_seq)).fetchone() is not None

    def stored_ids(self, article_ids: Iterable[str], up_to_seq: int) -> set[str]:
        """Which of these ids are stored among the first ``up_to_seq`` articles: one query for many."""
        ids = list(dict.fromkeys(article_ids))
        found: set[str] = set()
        for start in range(0, len(ids), 500):  # under SQLite's limit on parameters
            chunk = ids[start : start + 500]
            found.update(r[0] for r in self._db.execute(
                f"SELECT id FROM articles WHERE seq <= ? AND id IN ({', '.join('?' * len(chunk))})",
                (up_to_seq, *chunk)))
        return found

    def get_article(self, article_id: str) -> Article:
        row = self._db.execute(
            f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no article {article_id!r} in {self.path}")
        return _article_from_row(row)

    def get_articles(self, article_ids: Iterable[str]) -> list[Article]:
        """The articles of these ids, in the order given, in one query per 500 (``get_article``'s errors)."""
        ids, found = list(article_ids), {}
        for i in range(0, len(ids), 500):  # SQLite caps the number of parameters
            chunk = ids[i:i + 500]
            rows = self._db.execute(
                f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
            found.update((a.id, a) for a in map(_article_from_row, rows))
        for article_id in ids:
            if article_id not in found:
                raise NotFound(f"no article {article_id!r} in {self.path}")
        return [found[a] for a in ids]

    def iter_articles(self) -> Iterator[Article]:
        """Every stored article, in ingest order, streamed."""
        cursor = self._db.execute(f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles ORDER BY seq")
        for row in cursor:
            yield _article_from_row(row)

    def count_articles(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def iter_features(
        self, after_seq: int = 0
    ) -> Iterator[tuple[str, bytes | None, str | None, str | None, str | None]]:
        """(article_id, features, published, story_id, syndicated_of) in ingest order, from ``after_seq`` on."""
        yield from self._db.execute(
            "SELECT a.id, a.features, a.published, s.story_id, s.syndicated_of "
            "FROM articles a LEFT JOIN assignments s ON s.article_id = a.id WHERE a.seq > ? ORDER BY a.seq",
            (after_seq,),
        )

    def last_seq(self) -> int:
        """The ingest order number of the newest article (0 for an empty store)."""
        return self._db.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]

    def iter_article_features_blobs(self, after_seq: int = 0) -> Iterator[tuple[str, bytes | None]]:
        """(article_id, features) in ingest order, from ``after_seq`` on."""
        yield from self._db.execute("SELECT id, features FROM articles WHERE seq > ? ORDER BY seq", (after_seq,))

    def iter_article_features(self) -> Iterator[tuple[str, bytes | None, str | None]]:
        """(article_id, features, published) in ingest order, streamed (no join on assignments)."""
        yield from self._db.execute("SELECT id, features, published FROM articles ORDER BY seq")

    # -- stories -----------------------------------------------------------------------------
    def assign(
        self, db: sqlite3.Connection, article_id: str, story_id: str, score: float,
        syndicated_of: str | None, reason: str,
    ) -> None:
        db.execute(
            "INSERT OR REPLACE INTO assignments (article_id, story_id, score, syndicated_of, reason) "
            "VALUES (?, ?, ?, ?, ?)",
            (article_id, story_id, score, syndicated_of, reason),
        )

    def clear_assignments(self, db: sqlite3.Connection) -> None:
        """Forget every assignment, the story links made with them and the clusterer snapshots (a recluster)."""
        snapshots.drop(db)
        db.execute("DELETE FROM assignments")
        db.execute("DELETE FROM story_links")
        db.execute("DELETE FROM story_merges")

    def move_articles(self, db: sqlite3.Connection, moves: Iterable[tuple[str, str]], reason: str) -> None:
        """Put stored articles in another story: (article id, story id) pairs from a split or a merge."""
        db.executemany(
            "UPDATE assignments SET story_id = ?, reason = ? WHERE article_id = ?",
            [(story_id, reason, article_id) for article_id, story_id in moves],
        )

    def record_merge(self, db: sqlite3.Connection, gone: str, kept: str, reason: str) -> None:
        """Story ``gone`` was merged into ``kept``: record why, and move its links to ``kept``.

        A link that ``kept`` already has keeps the better score of the two; a link
        between the two becomes none.
        """
        db.execute(
            "INSERT OR REPLACE INTO story_merges (story_id, merged_into, reason) VALUES (?, ?, ?)", (gone, kept, reason)
        )
        # stories merged into ``gone`` earlier now live in ``kept``
        db.execute("UPDATE story_merges SET merged_into = ? WHERE merged_into = ?", (kept, gone))
        rows = db.execute(
            "SELECT story_id, related_id, score, reason FROM story_links WHERE story_id = ? OR related_id = ?",
            (gone, gone),
        ).fetchall()
        db.execute("DELETE FROM story_links WHERE story_id = ? OR related_id = ?", (gone, gone))
        for story_id, related_id, score, why in rows:
            story_id = kept if story_id == gone else story_id
            related_id = kept if related_id == gone else related_id
            if story_id != related_id:
                db.execute(
                    "INSERT INTO story_links (story_id, related_id, score, reason) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (story_id, related_id) DO UPDATE SET score = excluded.score, reason = excluded.reason "
                    "WHERE excluded.score > story_links.score",
                    (story_id, related_id, score, why),
                )

    def merged_into(self, story_id: str) -> str | None:
        """The story that ``story_id`` was merged into, if it was."""
        row = self._db.execute("SELECT merged_into FROM story_merges WHERE story_id = ?", (story_id,)).fetchone()
        return row[0] if row else None

    def merged_story_ids(self) -> list[str]:
        """Ids of every story merged away (none of them may be handed out again)."""
        return [r[0] for r in self._db.execute("SELECT story_id FROM story_merges")]

    def add_story_link(
        self, db: sqlite3.Connection, story_id: str, related_id: str, score: float, reason: str
    ) -> None:
        """Record that ``story_id`` is related to the earlier ``related_id`` (linked, not merged)."""
        db.execute(
            "INSERT OR REPLACE INTO story_links (story_id, related_id, score, reason) VALUES (?, ?, ?, ?)",
            (story_id, related_id, score, reason),
        )

    def related_stories(self, story_id: str) -> list[str]:
        """Ids of the stories linked to ``story_id``, in both directions, best score first."""
        return [other for other, _, _ in self.story_links(story_id)]

    def story_links(self, story_id: str) -> list[tuple[str, float, str]]:
        """(other story, score, reason) of each link of ``story_id``, in both directions, best first."""
        rows = self._db.execute(
            "SELECT related_id, score, reason FROM story_links WHERE story_id = ? "
            "UNION ALL SELECT story_id, score, reason FROM story_links WHERE related_id = ?",
            (story_id, story_id),
        ).fetchall()
        out: list[tuple[str, float, str]] = []
        seen: set[str] = set()
        for other, score, reason in sorted(rows, key=lambda r: (-r[1], r[0])):
            if other not in seen:
                seen.add(other)
                out.append((other, score, reason))
        return out

    def story_rows(self) -> Iterator[tuple[str, list[str]]]:
        """(story_id, article ids in ingest order) for every story, oldest story first."""
        rows = self._db.execute(
            "SELECT s.story_id, s.article_id FROM assignments s JOIN articles a ON a.id = s.article_id "
            "ORDER BY s.story_id, a.seq"
        )
        current, ids = None, []
        for story_id, article_id in rows:
            if story_id != current:
                if current is not None:
                    yield current, ids
                current, ids = story_id, []
            ids.append(article_id)
        if current is not None:
            yield current, ids

    def story_headers(self) -> Iterator[tuple[str, list[tuple[str, str | None, str | None, str | None, bool]]]]:
        """(story_id, [(article_id, title or one made from the text's opening (headline.py), published,
        outlet, is a syndicated copy)] in ingest order) for every story, oldest story
        first: what a story list needs, without reading any article's whole text."""
        rows = self._db.execute(
            "SELECT s.story_id, a.id, a.title, CASE WHEN COALESCE(a.title, '') = '' THEN substr(a.text, 1, ?) END, "
            "a.published, a.outlet, s.syndicated_of IS NOT NULL "
            "FROM assignments s JOIN articles a ON a.id = s.article_id ORDER BY s.story_id, a.seq", (OPENING,)
        )
        current, members = None, []
        for story_id, article_id, title, opening, published, outlet, copy in rows:
            if story_id != current:
                if current is not None:
                    yield current, members
                current, members = story_id, []
            members.append((article_id, headline(title, opening or ""), published, outlet, bool(copy)))
        if current is not None:
            yield current, members

    def story_article_ids(self, story_id: str) -> list[str]:
        ids = [r[0] for r in self._db.execute(
            "SELECT s.article_id FROM assignments s JOIN articles a ON a.id = s.article_id "
            "WHERE s.story_id = ? ORDER BY a.seq", (story_id,))]
        if not ids:
            kept = self.merged_into(story_id)
            if kept is not None:
                raise NotFound(f"story {story_id!r} was merged into {kept!r} (run `storyscope brief {kept}`)")
            raise NotFound(f"no story {story_id!r} in {self.path} (run `storyscope stories` to list them)")
        return ids

    def syndication(self, article_ids: Iterable[str]) -> dict[str, str]:
        """article id -> the article it copies, for the given ids that are syndicated copies."""
        return self._assignment_column("syndicated_of", article_ids)

    def stories_of(self, article_ids: Iterable[str]) -> dict[str, str]:
        """article id -> its stored story, for the given ids that have one."""
        return self._assignment_column("story_id", article_ids)

    def _assignment_column(self, column: str, article_ids: Iterable[str]) -> dict[str, str]:
        """article id -> ``column`` of its assignment (a fixed name, never input), where not NULL.

        In chunks of 500 ids: SQLite caps the parameters of one statement.
        """
        ids = list(article_ids)
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.update(self._db.execute(
                f"SELECT article_id, {column} FROM assignments WHERE {column} IS NOT NULL "
                f"AND article_id IN ({', '.join('?' * len(chunk))})", chunk))
        return out

    # -- clusterer snapshots (store/snapshots.py) ----------------------------------------------
    def put_snapshot(self, db: sqlite3.Connection, covers_seq: int, fingerprint: str,
                     data: snapshots.Data | list[snapshots.Data], keep: list[int] | tuple = ()) -> int:
        """Store the clusterer's state after the articles up to ``covers_seq`` (inside a transaction):
        its bytes, or its parts (cluster/snapshot.py ``parts``), one row each; the older snapshots
        are deleted but ``keep`` (those a delta is applied over). Returns its id."""
        return snapshots.put(db, covers_seq, fingerprint, data, keep)

    def drop_snapshots(self, db: sqlite3.Connection) -> None:
        """Forget every snapshot: the stored assignments or features they were taken from changed."""
        snapshots.drop(db)

    def latest_snapshot(self) -> StoredSnapshot | None:
        return snapshots.latest(self._db)

    def read_snapshot(self, snap: StoredSnapshot) -> bytearray | None:
        """The snapshot's bytes; None when some are missing."""
        return snapshots.read(self._db, snap)

    def snapshot_parts(self, snapshot_id: int, first: int, last: int) -> list[bytes]:
        """Stored parts ``first`` to ``last`` of snapshot row ``snapshot_id`` (fewer when some are missing)."""
        return snapshots.part_range(self._db, snapshot_id, first, last)

    def snapshot_part(self, snapshot_id: int, i: int) -> bytes | None:
        """The i-th stored part of snapshot row ``snapshot_id`` (read when a run first needs it); None when missing."""
        return snapshots.part(self._db, snapshot_id, i)

    # -- enrichment --------------------------------------------------------------------------
    def get_enrichment(self, article_id: str, version: int) -> Enrichment | None:
        row = self._db.execute(
            "SELECT data FROM enrichments WHERE article_id = ? AND version = ?", (article_id, version)
        ).fetchone()
        return _enrichment_from_json(article_id, row[0]) if row else None

    def missing_enrichments(self, version: int, article_ids: Iterable[str] | None = None) -> list[str]:
        """Ids (of all articles, or of the given ones) with no enrichment of this version, in ingest order."""
        query = ("SELECT a.seq, a.id FROM articles a "
                 "LEFT JOIN enrichments e ON e.article_id = a.id AND e.version = ? WHERE e.article_id IS NULL")
        if article_ids is None:
            missing = self._db.execute(query, (version,)).fetchall()
        else:
            ids, missing = list(article_ids), []
            for i in range(0, len(ids), 500):  # SQLite caps the number of parameters
                chunk = ids[i:i + 500]
                missing += self._db.execute(
                    f"{query} AND a.id IN ({', '.join('?' * len(chunk))})", (version, *chunk)).fetchall()
        return [article_id for _, article_id in sorted(missing)]

    def put_enrichment(self, enrichment: Enrichment, version: int) -> None:
        self.put_enrichments([enrichment], version)

    def put_enrichments(self, enrichments: Iterable[Enrichment], version: int) -> None:
        """Store (replace) these enrichments and index their quotes and entities, in one transaction."""
        self.put_enrichment_rows([enrichment_row(e) for e in enrichments], version)

    def put_enrichment_rows(self, rows: Iterable[EnrichmentRow], version: int) -> None:
        """``put_enrichments`` of enrichments already in their stored form (``enrichment_row``)."""
        rows = list(rows)
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO enrichments (article_id, version, data) VALUES (?, ?, ?)",
                           [(r.article_id, version, r.data) for r in rows])
            # the search index last, in one go (store/search.py: one FTS5 segment a batch)
            web_index.index_enrichments(db, [(r.article_id, r.quotes, r.names) for r in rows])

    # -- web reads: full-text search, entities, built briefs (store/search.py) -----------------
    def search(self, text: str, limit: int = 20, offset: int = 0) -> tuple[list[web_index.Hit], int]:
        """(hits best first, total) of articles, quotes and brief facts holding every word of ``text``."""
        return web_index.search(self._db, text, limit, offset)

    def search_stories(self, text: str) -> list[str]:
        """Ids of the stories that the best hits of ``text`` belong to, best first."""
        return web_index.matching_stories(self._db, text)

    def story_page(self, **filters) -> tuple[list[web_index.StoryRow], int]:
        """One page of the story list (see search.story_rows for the filters) and the number matching."""
        return web_index.story_rows(self._db, **filters)

    def entity_mentions(self, name: str) -> list[tuple[str, str, str, str | None, str | None]]:
        return web_index.entity_rows(self._db, name)

    def put_brief(self, story_id: str, fingerprint: str, data: str, facts: Iterable[str]) -> None:
        """Keep a built brief (its JSON) and index its facts, in one transaction."""
        with self.transaction() as db:
            web_index.put_brief(db, story_id, fingerprint, data, facts)

    def get_brief(self, story_id: str) -> tuple[str, str] | None:
        """(fingerprint, JSON) of the story's kept brief, or None."""
        return web_index.get_brief(self._db, story_id)


def _enrichment_from_json(article_id: str, data: str) -> Enrichment:
    d = json.loads(data)
    return Enrichment(
        article_id=article_id,
        sentences=tuple(Sentence(**s) for s in d["sentences"]),
        entities=tuple(EntityMention(**e) for e in d["entities"]),
        quotes=tuple(Quote(**q) for q in d["quotes"]),
        dates=tuple(DateMention(**x) for x in d["dates"]),
        caption_entities=tuple(EntityMention(**e) for e in d.get("caption_entities", ())),
    )
