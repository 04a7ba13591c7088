"""The clusterer at the start of a run: the stored snapshot, then the articles stored after it.

``resume`` steps:

1. the latest snapshot in the store, when its fingerprint is this clusterer's
   (settings, model, code: cluster/snapshot.py) and it reads back sound;
2. replay through ``add``, in ingest order, only the articles stored after it;
   each of them, and each older article a split or merge among them moved, must
   land in the story the store has it in;
3. otherwise (no snapshot, another version's, a damaged one, a disagreement)
   replay every stored article, which takes a thousand articles a second; and
   when even that disagrees with the store (a store clustered by other settings
   or an older version), restore the stored assignments as they are.

A snapshot is written in the same transaction as the articles it covers (see
``SnapshotPolicy``), so a crash leaves either both or neither, and a resumed run
equals a clean one whichever step it took.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import features as feats
from ..cluster import StreamClusterer
from ..cluster import snapshot_delta
from ..cluster.snapshot import SnapshotBlockError, SnapshotError, fingerprint, load_chain, parts
from ..store import Store


@dataclass(frozen=True)
class Resumed:
    """A rebuilt clusterer and how it was rebuilt."""

    clusterer: StreamClusterer
    # "snapshot" (loaded, then the articles after it replayed), "replay" (every
    # stored article), "as stored" (replay disagreed: assignments put back unscored)
    how: str
    replayed: int  # articles put through add (or restore)
    uncovered: int  # stored articles the store's snapshot does not cover
    why: str = ""  # why a snapshot was not used, when one was stored
    snapshot_bytes: int = 0  # size of the snapshot loaded

    def policy(self, every: int) -> SnapshotPolicy:
        """When the run that starts from here writes snapshots."""
        return SnapshotPolicy(every, self.uncovered, self.snapshot_bytes)


def resume(store: Store, make: Callable[[], StreamClusterer], use_snapshot: bool = True) -> Resumed:
    """The clusterer a clean run over the stored articles would have left (see the module docstring).

    ``make`` builds an empty clusterer with the run's settings. Call with the
    store's write lock held. ``use_snapshot`` False replays whatever is stored
    (a block of the snapshot was found damaged after the load).
    """
    why = "" if use_snapshot else "a block of the snapshot was damaged"
    snap = store.latest_snapshot() if use_snapshot else None
    if snap is not None:
        fresh = make()
        if snap.fingerprint != fingerprint(fresh):
            why = "snapshot taken with other settings, model or code"
        else:
            # 1. load it (format 3: only its head; each block when the run first needs it)
            try:
                clusterer = load_chain(snap.id, store.snapshot_part, fresh, store.snapshot_parts)
                # 2. the articles stored after it
                n = _replay_tail(store, clusterer, snap.covers_seq)
            except SnapshotError as exc:
                why = str(exc)
            else:
                if n is not None:  # what a full snapshot would cost: the size of the base and its deltas
                    chain = snapshot_delta.chain_of(clusterer)
                    return Resumed(clusterer, "snapshot", n, n, snapshot_bytes=chain.base_bytes + chain.delta_bytes)
                why = "the articles stored after the snapshot land elsewhere than stored"
    # 3. everything
    clusterer, n = _replayed(store, make)
    if clusterer is not None:
        return Resumed(clusterer, "replay", n, n, why)
    clusterer, n = _restored_as_stored(store, make)
    return Resumed(clusterer, "as stored", n, n, why)


def checked_seq(store: Store, make: Callable[[], StreamClusterer]) -> int:
    """Up to which article the stored features are known to be of this version's format.

    Those a snapshot of this code covers: the run that took it had brought every
    article's features up to date (``upgrade_features``) and computed the rest
    itself, and its fingerprint covers the features code (cluster/snapshot.py).
    Spares a run reading every stored features record to find none stale.
    """
    snap = store.latest_snapshot()
    return snap.covers_seq if snap is not None and snap.fingerprint == fingerprint(make()) else 0


def _replay_tail(store: Store, clusterer: StreamClusterer, after_seq: int) -> int | None:
    """Replay the articles stored after ``after_seq``; their count, or None when any lands elsewhere than stored."""
    stored: dict[str, str] = {}
    moved: set[str] = set()
    for article_id, blob, published, story_id, _ in store.iter_features(after_seq):
        if blob is not None and story_id is not None:
            stored[article_id] = story_id
            got = clusterer.add(article_id, feats.Features.from_bytes(blob), published)
            moved.update(a for a, _ in got.moved)
    n = len(stored)
    # an article moved by a later one's split or merge is stored where it was moved to
    older = moved - stored.keys()
    if older:
        stored.update(store.stories_of(older))
    if older <= stored.keys() and all(clusterer.story_of(a) == s for a, s in stored.items()):
        return n
    return None


def _replayed(store: Store, make: Callable[[], StreamClusterer]) -> tuple[StreamClusterer | None, int]:
    """Every stored article replayed through ``add``; None when that disagrees with the store.

    Assignment is deterministic, so this gives back the very state the runs that
    stored them ended in, split and merged stories' centroids and links
    included; restoring each stored assignment without scoring does not: a
    split or a merge weighs the moved articles under the statistics of that
    moment, and the merged-away story keeps its candidate slot.
    """
    clusterer = make()
    stored: dict[str, str] = {}
    for article_id, blob, published, story_id, _ in store.iter_features():
        if blob is not None and story_id is not None:
            stored[article_id] = story_id
            clusterer.add(article_id, feats.Features.from_bytes(blob), published)
    if all(clusterer.story_of(a) == s for a, s in stored.items()):
        return clusterer, len(stored)
    return None, len(stored)


def _restored_as_stored(store: Store, make: Callable[[], StreamClusterer]) -> tuple[StreamClusterer, int]:
    """A clusterer holding every stored assignment, rebuilt without re-scoring."""
    clusterer = make()
    clusterer.reserve(store.merged_story_ids())  # merged-away ids are never handed out again
    n = 0
    for article_id, blob, published, story_id, syndicated_of in store.iter_features():
        if blob is not None and story_id is not None:
            n += 1
            clusterer.restore(article_id, story_id, feats.Features.from_bytes(blob), published,
                              syndicated_of=syndicated_of)
    return clusterer, n


# The end-of-run snapshot is written when replaying the articles it would cover
# at the next start costs about as much as writing it, or when they reach
# _END_OF_RUN_MAX. Measured with benchmarks/incremental.py on the synthetic
# stream (100,000 articles, 2-core machine): replay 0.6 ms an article; taking
# and storing a snapshot about 12 ns a byte (334 MB: 3 s to take, 1 s to store).
# So a small store is saved at the end of every run, a large one every few runs,
# and a run never starts by replaying more than _END_OF_RUN_MAX articles (about
# 1.2 s) unless the one before it crashed. These apply to a full snapshot; a
# delta over a stored one (cluster/snapshot_delta.py: a few MB for a run of a
# hundred articles) is written at the end of every run: after MAX_DELTAS of them
# one delta over the base replaces the chain, until MAX_SHARE of the base's
# bytes calls for a full one.
_REPLAY_S = 0.6e-3
_WRITE_S_PER_BYTE = 12e-9
_END_OF_RUN_MAX = 2_000


class SnapshotPolicy:
    """When a run writes the clusterer's snapshot, and writing it.

    Every ``every`` articles a snapshot is written in the transaction of the
    article that reaches the count: that bounds what a run started after a crash
    replays. At the end of a run one is written, in a transaction of its own,
    when the articles stored since the last one are worth it (see
    _END_OF_RUN_MAX): under the write lock the clusterer then holds exactly the
    stored articles. ``every`` 0 writes none (every run replays).
    """

    def __init__(self, every: int, uncovered: int, last_nbytes: int = 0) -> None:
        self.every = every
        self.uncovered = uncovered
        self.last_nbytes = last_nbytes  # size of the latest snapshot: what the next one costs, roughly

    def due(self) -> bool:
        """Should the transaction of the article being stored also write a snapshot?"""
        return bool(self.every) and self.uncovered + 1 >= self.every

    def stored(self, snapshotted: bool) -> None:
        """One more article committed (with a snapshot, or not)."""
        self.uncovered = 0 if snapshotted else self.uncovered + 1

    def worth_it(self, clusterer: StreamClusterer | None = None) -> bool:
        """At the end of a run: is a snapshot of the articles stored since the last one worth writing?

        Always when it can be a delta (a few MB, cluster/snapshot_delta.py).
        """
        if not self.every or not self.uncovered:
            return False
        if clusterer is not None and snapshot_delta.worth_delta(clusterer):
            return True
        return (self.uncovered * _REPLAY_S >= self.last_nbytes * _WRITE_S_PER_BYTE
                or self.uncovered >= min(self.every, _END_OF_RUN_MAX))

    def write(self, store: Store, db, clusterer: StreamClusterer) -> bool:
        """Write a snapshot of ``clusterer`` covering every stored article, inside ``db``'s transaction.

        False (nothing written) when the clusterer cannot be saved: the run goes
        on, and the next one replays.
        """
        kind = snapshot_delta.next_kind(clusterer)
        try:
            data = snapshot_delta.dumps_delta(clusterer, kind == "rebase") if kind else clusterer.snapshot()
        except SnapshotBlockError:  # the loaded one is damaged: no run should start from it again
            store.drop_snapshots(db)
            return False
        except SnapshotError:
            return False
        chain = snapshot_delta.chain_of(clusterer)
        # a delta keeps the rows it is applied over (and replaces this run's earlier delta); a rebased
        # one keeps the base alone
        keep = () if kind is None else chain.ids[:1] if kind == "rebase" else chain.ids
        store.put_snapshot(db, store.last_seq(), fingerprint(clusterer), parts(data), keep=keep)
        if chain is not None and kind is None:
            chain.fresh = False  # the rows it was loaded from are gone: what follows is written whole
        if kind == "rebase":
            chain.rebased = True  # the chain's deltas are gone: the run's later snapshots are rebased too
        if kind is None:  # (what a full snapshot costs, for when the deltas outgrow their base)
            self.last_nbytes = len(data)
        return True

    def finish(self, store: Store, clusterer: StreamClusterer) -> None:
        """At the end of a run: a snapshot of what it stored since the last one, when worth it."""
        if self.worth_it(clusterer):
            with store.transaction() as db:
                if self.write(store, db, clusterer):
                    self.uncovered = 0
