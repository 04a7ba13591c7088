"""Ingest runner: inputs -> extract -> features -> story assignment -> store.

The run first takes the store's write lock (store/lock.py), and only then
rebuilds the clusterer from the store (run/resume.py: the stored snapshot of its
state, then the articles stored after it): two runs never assign stories from
two states. Then the input items, streamed in batches of ``BATCH``:
1. read them (ingest/): a rejected read is reported and the run goes on; an item whose id
   an earlier run stored is a duplicate at once, with no work (a resumed run skips what it did);
2. extract each article (extract/) and compute its fast features, the batch's embeddings in
   one call (features.compute_many), in parallel on the run's engine (run/engines.py): no
   usable text, or text that is not valid Unicode (a lone surrogate from a JSON escape), is
   reported and the run goes on;
then for each batch, in the driver, in one transaction (one commit per batch, not per article):
3. skip an article the store already holds (same id, URL or content hash), stored before this
   run or earlier in this batch;
4. assign it to a story (cluster/), in input order;
5. store article, features, assignment, a new story's links to related earlier
   stories and the articles a split or merge check moved. A crash loses at most the batch in
   flight, and a re-run neither loses nor duplicates anything; the statuses are yielded in input
   order once the batch is committed.
   A store-level failure (locked, read-only, disk full) ends the run with
   StoreError; a constraint the store refuses rolls the batch back: the clusterer, which had
   counted its articles, is rebuilt from the store, and the batch is stored again one article
   per transaction, the refused item alone rejected. Every ``snapshot_every`` articles the
   batch's transaction also stores the clusterer's snapshot;
6. at the end, a snapshot of the state after the run's last article.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import NamedTuple

from .. import features as feats
from ..cluster import Assignment, StreamClusterer
from ..cluster.snapshot import SnapshotBlockError
from ..config import Config
from ..errors import ExtractionError, InputError, ItemConflict
from ..extract import extract
from ..ingest import Rejected, iter_inputs
from ..ingest.meta import LONE_SURROGATE, has_lone_surrogate
from ..ingest.urls import url_key
from ..model import Article, ItemStatus, RawDoc
from ..store import Store
from .engines import LOCAL, Engine, batched, ordered_map
from .resume import SnapshotPolicy, checked_seq, resume

# Items per batch handed to the engine: the embeddings of a batch are computed in one call,
# and a batch is the unit of parallel work. Fixed whatever the engine and worker count, so
# that every engine computes the very same features.
BATCH = 64

_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))


class Prepared(NamedTuple):
    """An article ready for the driver: its features' stored form and its URL key."""

    article: Article
    blob: bytes
    key: str | None

    @property
    def features(self) -> feats.Features:
        """The record the blob holds, built when asked for: the clusterer reads the blob itself."""
        return feats.Features.from_bytes(self.blob)


def upgrade_features(store: Store, batch: int = 500, after_seq: int = 0) -> int:
    """Recompute the features an older version stored (a format change); returns how many.

    Run with the write lock held, before the clusterer reads the store. The
    articles' text is in the store, so nothing is lost: a store of version 1
    features (no embeddings) gains them on its first ingest by this version.
    Articles up to ``after_seq`` are known to be current (see resume.checked_seq).
    """
    stale = [a for a, blob in store.iter_article_features_blobs(after_seq)
             if blob is not None and not feats.Features.is_current(blob)]
    for start in range(0, len(stale), batch):
        with store.transaction() as db:
            store.drop_snapshots(db)  # taken from the old features: a replay would now differ
            chunk = stale[start : start + batch]
            # in one batch: the embeddings cost less per article together (features.compute_many)
            for article_id, f in zip(chunk, feats.compute_many(store.get_articles(chunk))):
                store.set_features(db, article_id, f.to_bytes())
    return len(stale)


def restored_clusterer(store: Store, config: Config) -> StreamClusterer:
    """A clusterer in the state a clean run over the stored articles would have left it (run/resume.py)."""
    return resume(store, _maker(config)).clusterer


def _maker(config: Config, store: Store | None = None):
    # the module's StreamClusterer, looked up at call time (tests put another in)
    if config.precise and store is not None:
        from ..cluster.precise import stage_for_store

        stage = stage_for_store(store)  # built once: a missing model fails here, before any article
        return lambda: StreamClusterer(window_days=config.story_window_days, precise=stage)
    return lambda: StreamClusterer(window_days=config.story_window_days)


def prepare(items: list[RawDoc | Rejected | ItemStatus]) -> list[ItemStatus | tuple[Article, feats.Features]]:
    """Steps 1-2 for a batch: each item's status when it is rejected (or already one), else
    its article and features."""
    out: list = []
    ok: list[int] = []
    for item in items:
        if isinstance(item, ItemStatus):
            out.append(item)
        elif isinstance(item, Rejected):  # rejected while reading
            out.append(ItemStatus(item.item, "rejected", item.reason))
        elif has_lone_surrogate((item.id, item.text, item.html, item.title, item.url, item.outlet, item.author)):
            # any source, a library caller's RawDoc too: SQLite cannot store it
            out.append(ItemStatus(item.source, "rejected", LONE_SURROGATE, item.id))
        else:
            try:
                out.append(extract(item))
                ok.append(len(out) - 1)
            except (ExtractionError, InputError) as exc:
                out.append(ItemStatus(item.source, "rejected", str(exc), item.id))
    for i, features in zip(ok, feats.compute_many([out[i] for i in ok])):
        out[i] = (out[i], features)
    return out


def prepare_records(items: list[RawDoc | Rejected | ItemStatus]) -> list[ItemStatus | tuple]:
    """``prepare`` as the engine's workers run it: each article as a compact record (``_compact``)."""
    return [x if isinstance(x, ItemStatus) else _compact(*x) for x in prepare(items)]


def _warm(items: list[RawDoc | Rejected | ItemStatus]) -> None:
    """Loads what ``prepare`` needs (language model, embeddings, compiled code): a few of the batch's items."""
    prepare([i for i in items if isinstance(i, RawDoc)][:4])


def _compact(article: Article, features: feats.Features) -> tuple:
    """What a worker hands back for an article: plain values (the article's fields, its
    features as stored, its URL key). The URL key (courlan) and the stored form were the
    driver's work before, and the driver bounds a parallel run; unpickling this and reading
    the features back costs it about what unpickling the records did (docs/scaling.md)."""
    return tuple(getattr(article, f) for f in _ARTICLE_FIELDS), features.to_bytes(), url_key(article.url)


def _unpack(record: tuple) -> Prepared:
    """A worker's record as the driver uses it. The features stay in their stored form, which
    holds them exactly (float32 weights), as a resumed run reads them."""
    values, blob, key = record
    return Prepared(Article(*values), blob, key)


def ingest_raw(
    store: Store, items: Iterable[RawDoc | Rejected], config: Config, engine: Engine = LOCAL
) -> Iterator[ItemStatus]:
    """Store each item and yield its status, in input order; never stops on a bad item.

    Holds the store's write lock from before the clusterer reads the store until
    the last item (waiting up to ``config.lock_wait`` seconds for it). ``engine``
    runs extraction and features (run/engines.py); the result is the same with any.
    """
    make = _maker(config, store)
    with store.write_lock(config.lock_wait):
        upgrade_features(store, after_seq=checked_seq(store, make))
        resumed = resume(store, make)
        clusterer = resumed.clusterer
        snapshots = resumed.policy(config.snapshot_every)
        # what the store held before this run: the same whatever the engine runs ahead
        before = store.last_seq()
        batches = (_stored_already(store, batch, before) for batch in batched(items, BATCH))
        for records in ordered_map(prepare_records, batches, engine, warm=_warm):
            prepared = [r if isinstance(r, ItemStatus) else _unpack(r) for r in records]
            try:
                statuses = _store_batch(store, clusterer, snapshots, prepared)
            except SnapshotBlockError:
                # a block of the loaded snapshot failed its check when first read, and the batch's
                # transaction was rolled back: rebuild the clusterer by replaying the store, store it again;
                # the snapshot is dropped, so that no later resume (an ItemConflict's below) loads it again
                with store.transaction() as db:
                    store.drop_snapshots(db)
                resumed = resume(store, make, use_snapshot=False)
                clusterer, snapshots = resumed.clusterer, resumed.policy(config.snapshot_every)
                statuses = _store_batch(store, clusterer, snapshots, prepared)
            except ItemConflict:
                # the store refused an item of the batch, and with it the batch's transaction:
                # the clusterer counted articles the store does not hold, so start again from
                # the store and store the batch's items one transaction each, rejecting the bad one
                resumed = resume(store, make)
                clusterer, snapshots = resumed.clusterer, resumed.policy(config.snapshot_every)
                statuses = {}
                for i, one in _articles(prepared):
                    try:
                        statuses.update(_store_batch(store, clusterer, snapshots, [one], offset=i))
                    except ItemConflict as exc:
                        resumed = resume(store, make)
                        clusterer, snapshots = resumed.clusterer, resumed.policy(config.snapshot_every)
                        statuses[i] = ItemStatus(one.article.source, "rejected", str(exc), one.article.id)
            # statuses in input order, once the batch is committed
            for i, item in enumerate(prepared):
                yield item if isinstance(item, ItemStatus) else statuses[i]
        # 6. the state after the run's last article, for the next run to start from
        snapshots.finish(store, clusterer)


def _articles(prepared: list) -> list[tuple[int, Prepared]]:
    """(position, prepared article) of a batch's articles, in input order.

    Not by publication day: measured, that order put the bundled samples' two undated ECB
    articles (a 2009 earthquake) into the dated 2013 one's story (docs/scaling.md).
    """
    return [(i, item) for i, item in enumerate(prepared) if not isinstance(item, ItemStatus)]


def _store_batch(store: Store, clusterer: StreamClusterer, snapshots: SnapshotPolicy, prepared: list,
                 offset: int = 0) -> dict[int, ItemStatus]:
    """Steps 3-5 for a batch's articles, in one transaction: {position: status}.

    ItemConflict when the store refuses one (nothing of the batch is then kept).
    """
    out: dict[int, ItemStatus] = {}
    with store.transaction() as db:
        stored: list[Article] = []
        for i, (article, blob, key) in _articles(prepared):
            # 3. already stored (before this run, or earlier in this batch)?
            existing = store.find_duplicate(article, key)
            if existing is not None:
                why = "already stored" if existing == article.id else f"same article as {existing!r}"
                out[offset + i] = ItemStatus(article.source, "duplicate", why, existing)
                continue
            # 4. story
            if clusterer.precise is not None:  # not stored yet: the stage reads its text from here
                clusterer.precise.note(article.id, article.title, article.text)
            assignment = clusterer.add(article.id, blob, article.published)  # read as stored: the faster form
            # 5. the article, its story, the links of a new story and now and then the snapshot
            store.add_article(db, article, blob, key=key, index=False)
            stored.append(article)
            store.assign(db, article.id, assignment.story_id, assignment.score,
                         assignment.syndicated_of, assignment.reason)
            _store_links(store, db, clusterer, assignment)
            snapshots.stored(snapshots.due() and snapshots.write(store, db, clusterer))
            out[offset + i] = ItemStatus(article.source, "stored", assignment.reason, article.id)
        store.index_articles(db, stored)  # the batch's search-index rows, last (store/search.py)
    return out


def _stored_already(store: Store, batch: list[RawDoc | Rejected], up_to_seq: int) -> list[RawDoc | Rejected | ItemStatus]:
    """A batch's read items, those whose id a run before this one stored as duplicates, found
    before any work is spent on them (one query for the batch)."""
    ids = [item.id for item in batch if isinstance(item, RawDoc) and item.id]
    done = store.stored_ids(ids, up_to_seq) if ids else set()
    return [ItemStatus(item.source, "duplicate", "already stored", item.id)
            if isinstance(item, RawDoc) and item.id and item.id in done else item for item in batch]


def read_inputs(paths: Iterable[str | Path], config: Config) -> Iterator[RawDoc | Rejected]:
    """The items of input files and folders (ingest/files.py), read within the caps of ``config``."""
    return iter_inputs(paths, config.max_bytes, max_lines=config.max_lines, max_inflation=config.max_inflation)


def ingest_paths(
    store: Store, paths: Iterable[str | Path], config: Config, engine: Engine = LOCAL
) -> Iterator[ItemStatus]:
    """Ingest files and folders (see ingest/files.py for what is read)."""
    return ingest_raw(store, read_inputs(paths, config), config, engine)


def recluster(store: Store, config: Config) -> int:
    """Rebuild every story from scratch from the stored features; returns the article count."""
    clusterer = StreamClusterer(window_days=config.story_window_days)
    with store.write_lock(config.lock_wait):
        upgrade_features(store)
        return _recluster(store, clusterer, config.snapshot_every)


def _recluster(store: Store, clusterer: StreamClusterer, snapshot_every: int = 0) -> int:
    n = 0
    with store.transaction() as db:
        store.clear_assignments(db)  # the snapshots too
        for article_id, blob, published in store.iter_article_features():
            if blob is None:
                continue
            n += 1
            assignment = clusterer.add(article_id, blob, published)
            store.assign(db, article_id, assignment.story_id, assignment.score,
                         assignment.syndicated_of, assignment.reason)
            _store_links(store, db, clusterer, assignment)
        if n and snapshot_every:  # in the same transaction as the stories it holds
            SnapshotPolicy(snapshot_every, n).write(store, db, clusterer)
    return n


def _store_links(store: Store, db, clusterer: StreamClusterer, assignment: Assignment) -> None:
    """A new story's links, and the moves and links of stories this article split or merged."""
    if assignment.moved:
        store.move_articles(db, assignment.moved, assignment.move_reason)
    if assignment.merged_from:
        store.record_merge(db, assignment.merged_from, assignment.story_id, assignment.move_reason)
    new_stories = {sid for _, sid in assignment.moved}
    if assignment.is_new or assignment.moved:
        new_stories.add(assignment.story_id)
    for sid in sorted(new_stories):
        for link in clusterer.links(sid):
            store.add_story_link(db, link.story_id, link.related_id, link.score, link.describe())
