"""A base snapshot plus small deltas: what a run changed, written without rewriting the rest (issue 11).

Why: a full snapshot rewrites every byte of the state (at a million articles
most of a gigabyte, 10-20 s), so a run of a hundred articles could not afford
one and the next run replayed its articles instead. A delta holds what the run
changed since it loaded the snapshot:

- the stories it made or changed (whole, with their members), by position: not
  those it only read (a story's digest at its build, ``snapshot.digest``, tells);
- the postings lists it changed or added, and the article -> story entries it set;
- the hot stories (at most a few thousand);
- relative to the base (so only the newest delta's count): what changed in the
  live stories, copies, links, merges and incoming counts since the base
  (``StoredDict.overlay``: entries set, keys deleted), the document frequencies
  and copy-index slots that differ from the base's, as (slot, value) pairs, and
  the copy index's signatures inserted since it.

So a delta grows with what the runs since the base did, not with the store.

A delta names its chain (the base's row and the deltas before it); the rows of
a chain are kept until a later snapshot replaces them. After MAX_DELTAS deltas
the next is a *rebased* one: a single delta over the base holding what the whole
chain and the run changed since the base (the chain's stories, postings lists
and article entries as they are now), which replaces the chain's deltas. It
grows with what was added since the base, not with the store, so a full
snapshot (a compaction: at a million articles most of a gigabyte, 25-30 s) is
written only once the deltas add up to MAX_SHARE of the base's bytes
(``next_kind``). Loading applies the chain over the base in order: a story is
built from the newest part holding it, a postings list looked up newest first.
A delta is written in the same transaction as the articles it covers, like a
full snapshot (run/resume.py), and a run's later delta replaces its earlier one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from . import snapshot as snap
from .snapshot_blocks import SnapshotError

if TYPE_CHECKING:
    from .stream import StreamClusterer

MAX_DELTAS = 8  # deltas on one base before they are rebased into one
MAX_SHARE = 0.25  # of the base's bytes the deltas may add up to before a full snapshot


@dataclass
class Chain:
    """What a clusterer loaded from stored snapshots needs to write a delta over them."""

    ids: list[int]  # the stored rows loaded: the base's, then the deltas' (empty: not stored, no delta)
    base_bytes: int
    delta_bytes: int  # of the deltas loaded
    n_base: int  # stories in the base
    new_ids: list[str]  # ids of the stories at positions n_base and on, as the newest delta holds them
    base_df: tuple[np.ndarray, np.ndarray]  # the base's document frequencies: (slots ascending, counts)
    base_table: tuple[np.ndarray, np.ndarray]  # the base's copy-index slots: (slots ascending, serials)
    base_serial: int
    overlay: dict[int, tuple[Callable, int]] = field(default_factory=dict)  # position -> (build, j)
    fresh: bool = True  # False once a full snapshot was written from this state: later ones are full
    rebased: bool = False  # a rebased delta was written from this state: later ones of the run are too

    def build_all(self, c: StreamClusterer) -> None:
        """The deltas' stories and postings lists built (a full snapshot writes them as made)."""
        for i in self.overlay:
            c._by_idx[i]
        c._postings.load_overlay()


def start(c: StreamClusterer, ids: list[int], nbytes: int) -> Chain:
    """The chain of a clusterer just loaded from the base snapshot stored as row ``ids[0]``."""
    got = snap.loaded(c)
    df_slot, df_count, dups_slot, dups_serial = got.tables
    got.chain = chain = Chain(
        ids=list(ids), base_bytes=nbytes, delta_bytes=0, n_base=len(c._by_idx), new_ids=[],
        base_df=(df_slot, df_count), base_table=(dups_slot, dups_serial), base_serial=c._dups._serial,
    )
    return chain


def chain_of(c: StreamClusterer) -> Chain | None:
    """The stored rows ``c`` was loaded from (None: not loaded from the store)."""
    got = snap.loaded(c)
    return None if got is None else got.chain  # type: ignore[return-value]


def next_kind(c: StreamClusterer) -> str | None:
    """What the next snapshot of ``c`` can be: "delta" (over its chain), "rebase" (one delta over the
    base alone: the chain is full), or None (a full snapshot: not loaded from a stored chain, one was
    written since, or the deltas add up to MAX_SHARE of the base)."""
    chain = chain_of(c)
    if chain is None or not chain.fresh or not chain.ids or chain.delta_bytes > MAX_SHARE * chain.base_bytes:
        return None
    return "rebase" if chain.rebased or len(chain.ids) - 1 >= MAX_DELTAS else "delta"


def worth_delta(c: StreamClusterer) -> bool:
    """Can the next snapshot of ``c`` be a delta (rather than a full one)?"""
    return next_kind(c) is not None


def dumps_delta(c: StreamClusterer, rebase: bool = False) -> bytearray:
    """What ``c`` changed since it was loaded, over its chain; with ``rebase``, what the chain's deltas
    and the run changed since the base, over the base alone (see the module docstring)."""
    got = snap.loaded(c)
    chain: Chain = got.chain  # type: ignore[assignment]
    if rebase:
        chain.build_all(c)  # the deltas' stories and postings lists, as they are now
    items = c._by_idx._items
    # the stories built since the load that the run changed (and those the deltas hold), then those it made
    digests = got.digests
    changed = {i for i, d in digests.items() if snap.digest(items[i]) != d}
    at = sorted(changed.union(chain.overlay) if rebase else changed)
    at += [i for i in range(got.n_loaded, len(items))]
    cols = snap._Columns()
    snap._story_columns(cols, None, [items[i] for i in at])
    cols.put("story.idx", at, "int64")
    n_base = chain.n_base
    cols.strings("story.new_ids", [items[i].id if items[i] is not None else chain.new_ids[i - n_base]
                                   for i in range(n_base, len(items))])
    cols.strings("hot.id", c._hot)
    terms, lens, flat = c._postings.changed(since_base=rebase)
    cols.put("postings.term", terms, "uint32")
    cols.put("postings.story.len", lens, "int64")
    cols.put("postings.story", flat, "int32")
    keys, values = c._article_story.run_entries(since_base=rebase)
    cols.strings("article.key", keys)
    cols.strings("article.value", values)
    # the dicts: what changed since the base
    for name, kind in _OVERLAYS.items():
        entries, in_place, gone = _dict_of(c, name).overlay()
        snap._dict_columns(cols, name + ".set", entries, kind, index=False)
        cols.texts(name + ".gone", gone, index=False)
        cols.scalars[name + ".in_place"] = in_place
    df = c.stats._df
    nz = _changed(df, *chain.base_df)
    cols.put("df.slot", nz.astype(np.uint32), "uint32")
    cols.put("df.count", df[nz], "int32")
    d = c._dups
    moved = _changed(d._table, *chain.base_table)
    cols.put("dups.slot", moved.astype(np.uint32), "uint32")
    cols.put("dups.serial", d._table[moved], "int64")
    ring = [s % d.window for s in range(max(chain.base_serial, d._serial - d.window), d._serial)]
    cols.put("dups.ring", ring, "int64")
    cols.put("dups.sigs", d._sigs[ring] if ring else np.zeros((0, d.num_perm), np.uint32), "uint32")
    cols.strings("dups.ids", [d._ids[p] for p in ring])
    snap._scalars(cols, c)
    cols.scalars.update(kind="delta", chain=chain.ids[:1] if rebase else chain.ids, n_stories=len(items), postings_added=c._postings._added,
                        articles_added=c._article_story._added)
    return snap._pack(snap.fingerprint(c), cols)


# The dicts a delta holds as what changed since the base: "stories" is the live stories' ids ->
# positions (LiveStories), the others the clusterer's dicts (snapshot._DICTS).
_OVERLAYS = {"stories": "int", **snap._DICTS}


def _dict_of(c: StreamClusterer, name: str):
    return c._stories._idx if name == "stories" else getattr(c, "_" + name)


def _changed(now: np.ndarray, slots: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The positions (ascending) where ``now`` differs from a table holding ``values`` at ``slots`` and 0
    elsewhere: the stored slots whose value changed, and the others that are no longer 0.

    (Compared as stored rather than against a copy of the table kept from the load:
    two 64 MB copies were a fifth of a start at 100,000 articles. One pass over the
    table, no sort of the stored slots.)
    """
    slots = slots.astype(np.int64)
    moved = slots[now[slots] != values]
    fresh = now != 0
    fresh[slots] = False
    return np.sort(np.concatenate([moved, np.flatnonzero(fresh)]))


def apply(c: StreamClusterer, deltas: list[tuple[dict, snap._Reader, int]], StoryLink: type) -> None:
    """Apply the deltas (header, reader, stored bytes; oldest first) over ``c``, loaded from their base."""
    got = snap.loaded(c)
    chain: Chain = got.chain  # type: ignore[assignment]
    by_idx = c._by_idx
    base_story = by_idx._build
    overlay = chain.overlay
    for header, r, nbytes in deltas:
        _, story, _ = snap._stories_of(r)
        for j, i in enumerate(r.get("story.idx").tolist()):
            overlay[i] = (story, j)
        pt, plen, pflat = r.get("postings.term"), r.get("postings.story.len"), r.get("postings.story")
        if len(pt) != len(plen) or int(plen.sum()) != len(pflat):
            raise SnapshotError("delta postings do not add up")
        c._postings.overlay.insert(0, (pt, np.cumsum(plen), pflat))
        c._article_story.seed(r.strings("article.key"), r.strings("article.value"))
        chain.ids.append(header["_id"])
        chain.delta_bytes += nbytes
    header, r, _ = deltas[-1]
    sc = header["scalars"]
    # stories: positions past the base built from the newest delta holding them
    total = sc["n_stories"]
    chain.new_ids = r.strings("story.new_ids")
    if total < chain.n_base or len(chain.new_ids) != total - chain.n_base or any(i >= total for i in overlay):
        raise SnapshotError("delta stories do not add up")
    by_idx._items.extend([None] * (total - len(by_idx._items)))

    def build(i: int):
        hit = overlay.get(i)
        return hit[0](hit[1], i) if hit is not None else base_story(i)

    by_idx._build = snap.tracked(build, got.digests)
    c._hot = OrderedDict.fromkeys(r.strings("hot.id"))
    # the dicts as the newest delta left them (each delta holds what changed since the base)
    for name, kind in _OVERLAYS.items():
        entries = snap.dict_entries(r, name + ".set", kind, StoryLink)
        _dict_of(c, name).seed(entries, sc[name + ".in_place"], r.texts(name + ".gone").all())
    if any(not 0 <= i < total for _, i in snap.dict_entries(r, "stories.set", "int", StoryLink)):
        raise SnapshotError("delta story order points outside the stories")
    c._postings._added = sc["postings_added"]
    c._article_story._added = sc["articles_added"]
    c.stats._df[r.get("df.slot")] = r.get("df.count")
    c.stats.n_docs = sc["n_docs"]
    d = c._dups
    d._table[r.get("dups.slot")] = r.get("dups.serial")
    if sc["dups_capacity"] > len(d._sigs):
        sigs = np.zeros((sc["dups_capacity"], d.num_perm), dtype=np.uint32)
        sigs[: len(d._sigs)] = d._sigs
        d._sigs = sigs
    ring, sigs, ring_ids = r.get("dups.ring").tolist(), r.get("dups.sigs"), r.strings("dups.ids")
    if len(ring) != len(sigs) or len(ring) != len(ring_ids):
        raise SnapshotError("delta copy index does not add up")
    for p, sig, article in zip(ring, sigs, ring_ids):
        d._sigs[p] = sig
        if p < len(d._ids):
            d._ids[p] = article
        elif p == len(d._ids):
            d._ids.append(article)
        else:
            raise SnapshotError("delta copy index out of order")
    d._serial = serial = sc["dups_serial"]
    if len(d._ids) != min(serial, d.window):
        raise SnapshotError("delta copy index does not add up")
    d._serial_of = snap.serials(d)
    c._sums = np.zeros(sc["sums"], dtype=np.float64)
    c._next = sc["next"]
