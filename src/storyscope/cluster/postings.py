"""The clusterer's inverted index (term id -> positions of the stories whose centroid has it) as arrays.

Why: held as a dict of ``array`` lists, each candidate search looked up, cut and
joined the lists of an article's 16 heaviest terms in Python, and each joined
article appended its story to the list of every term new to the story, one
Python step a term: together the largest Python cost left in assignment. Here
the lists lie in one int32 pool found through an open-addressing table, and the
vote (``kernels.posting_vote``) and the appends (``kernels.posting_add``) are
one compiled call each, with the same lists and the same votes as the dict
(``tests/cluster/test_postings.py``).

A fresh clusterer holds one; a clusterer loaded from a snapshot holds the
snapshot's lazy ``snapshot_lazy.Postings`` (a dict-like view that reads only the
lists it needs) and takes the Python form (``dict_add``, ``dict_vote``, below).
The snapshot stores either as the same columns (``lists``), so the format does
not depend on which.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, MutableMapping

import numpy as np

from .kernels import posting_add, posting_compact, posting_place, posting_rehash, posting_vote, top_voted


class ListsByTerm:
    """The mapping reads both indexes give (this table and a loaded snapshot's
    ``snapshot_lazy.Postings``), from their own ``get`` and ``columns``: (terms ascending,
    list lengths, the lists end to end), the form the snapshot stores."""

    __slots__ = ()

    def get(self, tid: int, default: array | None = None) -> array | None:
        raise NotImplementedError

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        raise NotImplementedError

    def __getitem__(self, tid: int) -> array:
        got = self.get(tid)
        if got is None:
            raise KeyError(tid)
        return got

    def keys(self) -> list[int]:
        return self.columns()[0].tolist()

    def values(self) -> list[array]:
        _, lens, flat = self.columns()
        ends = np.cumsum(lens).tolist()
        return [array("i", flat[a:b].tobytes()) for a, b in zip([0, *ends[:-1]], ends)]

    def __iter__(self) -> Iterator[int]:
        return iter(self.keys())


class PostingTable(ListsByTerm):
    """term id -> story positions in order of arrival, each list cut to its newest ``keep`` once it reaches
    twice that (see ``StreamClusterer._attach``)."""

    __slots__ = ("keep", "places", "slots", "start", "length", "cap", "pool", "meta")

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.places = np.full(1 << 12, -1, dtype=np.int64)  # term id, -1: empty place
        self.slots = np.zeros(1 << 12, dtype=np.int64)  # the list of the term at that place
        self.start = np.zeros(1 << 10, dtype=np.int64)  # per list: where it starts in the pool,
        self.length = np.zeros(1 << 10, dtype=np.int64)  # how many stories it holds,
        self.cap = np.zeros(1 << 10, dtype=np.int64)  # and the room it has there
        self.pool = np.zeros(1 << 14, dtype=np.int32)
        self.meta = np.zeros(3, dtype=np.int64)  # terms, lists, pool used

    # -- what the clusterer calls ------------------------------------------------

    def vote(self, tids: np.ndarray, weights: np.ndarray, sums: np.ndarray, cut: int, k: int) -> tuple[np.ndarray, int]:
        """``kernels.posting_vote`` on this table: (the ``k`` best story positions, terms that had a list)."""
        return posting_vote(self.places, self.slots, self.start, self.length, self.pool, tids, weights, sums, cut, k)

    def add(self, tids: np.ndarray, idx: int) -> None:
        """Append story position ``idx`` to each term's list (growing the arrays when they lack room)."""
        while True:
            short = posting_add(
                self.places, self.slots, self.start, self.length, self.cap, self.pool, self.meta, tids, idx, self.keep
            )
            if not short:
                return
            self._grow(len(tids), short)

    def _grow(self, terms: int, room: int) -> None:
        n_keys, n_lists, used = (int(v) for v in self.meta)
        if 2 * (n_keys + terms) > len(self.places):
            size = len(self.places)
            while 2 * (n_keys + terms) > size:
                size *= 2
            places, slots = np.full(size, -1, dtype=np.int64), np.zeros(size, dtype=np.int64)
            posting_rehash(self.places, self.slots, places, slots)
            self.places, self.slots = places, slots
        if n_lists + terms > len(self.start):
            size = max(2 * len(self.start), n_lists + terms)
            self.start, self.length, self.cap = (np.resize(a, size) for a in (self.start, self.length, self.cap))
        if used + room > len(self.pool):
            # lists moved to the end when full leave their old room behind: copy the live
            # ones end to end, into a pool twice what they need
            live = int(self.cap[:n_lists].sum())
            pool = np.zeros(max(2 * (live + room), len(self.pool)), dtype=np.int32)
            self.meta[2] = posting_compact(self.start, self.length, self.cap, self.pool, n_lists, pool)
            self.pool = pool

    # -- dict-like reads (tests, the snapshot) ---------------------------------------

    def _list(self, tid: int) -> np.ndarray | None:
        h = posting_place(self.places, int(tid))
        if self.places[h] < 0:
            return None
        s = self.slots[h]
        a = int(self.start[s])
        return self.pool[a : a + int(self.length[s])]

    def get(self, tid: int, default: array | None = None) -> array | None:
        got = self._list(tid)
        return default if got is None else array("i", got.tobytes())

    def __contains__(self, tid: object) -> bool:
        return isinstance(tid, int) and self._list(tid) is not None

    def __len__(self) -> int:
        return int(self.meta[0])

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        from .snapshot_lazy import sorted_lists  # (snapshot_lazy imports this module)

        held = self.places >= 0
        slots = self.slots[held]
        return sorted_lists(self.places[held].astype(np.uint32), self.length[slots], self.start[slots], self.pool)


# -- the Python form, for a dict-like index (a loaded snapshot's lazy ``snapshot_lazy.Postings``) --


def dict_add(postings: MutableMapping[int, array], tids: np.ndarray, idx: int, keep: int) -> None:
    """``PostingTable.add`` on a dict of ``array`` lists: append ``idx`` to each term's list,
    cutting a list to its newest ``keep`` once it reaches twice that."""
    for tid in tids.tolist():
        posting = postings.get(tid)
        if posting is None:
            postings[tid] = array("i", (idx,))
        else:
            posting.append(idx)
            if len(posting) >= 2 * keep:
                del posting[:-keep]


def dict_vote(postings: MutableMapping[int, array], tids: np.ndarray, weights: np.ndarray, sums: np.ndarray,
              cut: int, k: int) -> tuple[list[int], int]:
    """``PostingTable.vote`` on a dict of ``array`` lists: (the ``k`` best story positions, the
    number of terms that had a list). The lists gathered with as few Python steps a term as
    possible, each cut to its newest ``cut`` stories (a common term only looks at the most
    recent ones), then the same compiled vote."""
    got = list(map(postings.get, tids.tolist()))
    found = [j for j, posting in enumerate(got) if posting]
    if not found:
        return [], 0
    recent = [posting[-cut:] if len(posting) > cut else posting for posting in (got[j] for j in found)]
    voted = top_voted(np.frombuffer(b"".join(recent), dtype=np.int32),
                      np.fromiter(map(len, recent), np.int32, len(recent)), weights[found], sums, k)
    return voted.tolist(), len(found)
