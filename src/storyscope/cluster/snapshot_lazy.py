"""The containers of a loaded clusterer that build their objects on first use (issue 11).

Why: loading a snapshot used to build every story, member, postings list and
article entry before the first new article: about 2 s at 100,000 stored
articles, growing with the store, while a run of a hundred articles touches a
few hundred stories and a few thousand terms. These containers stand in for the
clusterer's dicts and list (``_by_idx``, ``_stories``, ``_postings``,
``_article_story``) over the snapshot's arrays (cluster/snapshot.py) and build
an object when it is first asked for; what the clusterer then changes lives in
the built objects, which the next snapshot writes. They offer exactly the
operations stream.py and snapshot.py use, with a dict's semantics (insertion
order included), so a loaded clusterer's ``add`` returns what the original's
would.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

import numpy as np

from .snapshot_blocks import Paged, whole

T = TypeVar("T")


class Texts:
    """Strings as one UTF-8 buffer and the end of each: the i-th decoded on demand."""

    def __init__(self, blob: np.ndarray | Paged, ends: np.ndarray | Paged) -> None:
        # (a Paged one, read a block at a time, is checked by its blocks' CRCs, not read here)
        if len(ends) and (int(ends[len(ends) - 1]) != len(blob)
                          or isinstance(ends, np.ndarray) and ((np.diff(ends) < 0).any() or ends[0] < 0)):
            raise ValueError("text ends do not add up")
        self._blob, self._ends = blob, ends

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> str:
        a = int(self._ends[i - 1]) if i else 0
        return self._blob[a : int(self._ends[i])].tobytes().decode("utf-8", "surrogatepass")

    def many(self, start: int, count: int) -> list[str]:
        """Strings ``start`` to ``start + count``, read together."""
        if count <= 0:
            return []
        got = self._ends[max(start - 1, 0) : start + count].tolist()
        ends = got if start else [0, *got]
        raw = self._blob[ends[0] : ends[-1]].tobytes()
        a0 = ends[0]
        return [raw[a - a0 : b - a0].decode("utf-8", "surrogatepass") for a, b in zip(ends[:-1], ends[1:])]

    def all(self) -> list[str]:
        raw = whole(self._blob).tobytes()
        ends = whole(self._ends).tolist()
        return [raw[a:b].decode("utf-8", "surrogatepass") for a, b in zip([0, *ends[:-1]], ends)]


class TextIndex:
    """Finds a string's position in ``Texts`` by its CRC-32 (ascending, with positions), then compares."""

    def __init__(self, texts: Texts, crc: np.ndarray, pos: np.ndarray) -> None:
        if len(crc) != len(texts) or len(pos) != len(texts):
            raise ValueError("text index of another length")
        self._texts, self._crc, self._pos = texts, crc, pos

    def find(self, key: str) -> int:
        """The position of ``key``, or -1."""
        h = zlib.crc32(key.encode("utf-8", "surrogatepass"))
        crc = self._crc
        lo = int(crc.searchsorted(h, "left"))
        while lo < len(crc) and int(crc[lo]) == h:
            p = int(self._pos[lo])
            if self._texts[p] == key:
                return p
            lo += 1
        return -1


class ArticleStories:
    """article id -> story id: the snapshot's entries, looked up one at a time, plus those set since."""

    def __init__(self, index: TextIndex, texts: Texts, codes: np.ndarray, table: list[str]) -> None:
        if len(codes) != len(texts):
            raise ValueError("article columns differ in length")
        self._index, self._texts, self._codes, self._table = index, texts, codes, table
        self._set: dict[str, str] = {}  # set since the load (or by the deltas loaded), in order of first setting
        self._added = 0  # of those, how many the snapshot did not hold
        self._run: dict[str, None] = {}  # set since the load, for the next delta (snapshot_delta.py)

    def _stored(self, key: str) -> str | None:
        p = self._index.find(key)
        return None if p < 0 else self._table[int(self._codes[p])]

    def get(self, key: str, default: str | None = None) -> str | None:
        got = self._set.get(key)
        if got is None:
            got = self._stored(key)
        return default if got is None else got

    def __getitem__(self, key: str) -> str:
        got = self.get(key)
        if got is None:
            raise KeyError(key)
        return got

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self._set or self._index.find(key) >= 0)

    def __setitem__(self, key: str, value: str) -> None:
        if key not in self._set and self._index.find(key) < 0:
            self._added += 1
        self._set[key] = value
        self._run[key] = None

    def seed(self, keys: list[str], values: list[str]) -> None:
        """Entries set by a delta loaded over the snapshot (its count of new ones is set by the caller)."""
        if len(keys) != len(values):
            raise ValueError("delta article columns differ in length")
        self._set.update(zip(keys, values))

    def run_entries(self) -> tuple[list[str], list[str]]:
        """(keys, values) set since the load, in order of first setting."""
        return list(self._run), [self._set[k] for k in self._run]

    def __len__(self) -> int:
        return len(self._texts) + self._added

    def __bool__(self) -> bool:
        return len(self) > 0

    def items(self) -> list[tuple[str, str]]:
        """Every entry in a dict's order: the snapshot's (changed values in place), then the new ones."""
        changed = dict(self._set)
        table = self._table
        out = [(k, changed.pop(k, None) or table[c]) for k, c in zip(self._texts.all(), whole(self._codes).tolist())]
        out.extend(changed.items())
        return out

    def keys(self) -> list[str]:
        return [k for k, _ in self.items()]

    def values(self) -> list[str]:
        return [v for _, v in self.items()]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())


class LazyList(Generic[T]):
    """A list whose items the snapshot holds are built on first access (``build(i)``)."""

    def __init__(self, n: int, build: Callable[[int], T]) -> None:
        self._items: list[T | None] = [None] * n
        self._build = build
        self.source: object = None  # what the items are built from (snapshot.py writes the unbuilt ones from it)
        self.blocks: object = None  # the stored blocks they are read from (snapshot_blocks.Blocks), if any
        self.chain: object = None  # the stored rows loaded, for a delta over them (snapshot_delta.Chain)
        self.base_tables: tuple = ()  # the stored frequencies and copy-index slots (snapshot.py)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __getitem__(self, i: int) -> T:
        item = self._items[i]
        if item is None:
            item = self._items[i] = self._build(i if i >= 0 else len(self._items) + i)
        return item

    def append(self, item: T) -> None:
        self._items.append(item)

    def __iter__(self) -> Iterator[T]:
        for i in range(len(self._items)):
            yield self[i]

    def built(self) -> int:
        """How many items have been built or added (for the benchmark: what a run touched)."""
        return sum(x is not None for x in self._items)


class LiveStories(Generic[T]):
    """story id -> story for the live stories, in a dict's order, built through ``by_idx`` when asked for."""

    def __init__(self, order: dict[str, int], by_idx: LazyList[T]) -> None:
        self._idx, self._by_idx = order, by_idx

    def __getitem__(self, sid: str) -> T:
        return self._by_idx[self._idx[sid]]

    def get(self, sid: str, default: T | None = None) -> T | None:
        i = self._idx.get(sid)
        return default if i is None else self._by_idx[i]

    def __contains__(self, sid: object) -> bool:
        return sid in self._idx

    def __setitem__(self, sid: str, story: T) -> None:
        self._idx[sid] = story.idx  # type: ignore[attr-defined]  # appended to by_idx next (stream.py)

    def __delitem__(self, sid: str) -> None:
        del self._idx[sid]

    def __len__(self) -> int:
        return len(self._idx)

    def __iter__(self) -> Iterator[str]:
        return iter(self._idx)

    def keys(self):
        return self._idx.keys()

    def values(self) -> Iterator[T]:
        by_idx = self._by_idx
        return (by_idx[i] for i in self._idx.values())

    def items(self) -> Iterator[tuple[str, T]]:
        by_idx = self._by_idx
        return ((sid, by_idx[i]) for sid, i in self._idx.items())


class Postings:
    """term id -> array of story positions: the snapshot's lists (terms ascending) copied out on first use."""

    def __init__(self, terms: np.ndarray, lens: np.ndarray, flat: np.ndarray) -> None:
        if len(terms) != len(lens) or int(lens.sum()) != len(flat) or (lens < 0).any():
            raise ValueError("postings do not add up")
        if len(terms) > 1 and not (np.diff(terms.astype(np.int64)) > 0).all():
            raise ValueError("postings terms not ascending")
        self._terms, self._lens, self._flat = terms, lens, flat
        self._ends = np.cumsum(lens)
        self._got: dict[int, array] = {}  # copied out or added since the load (changed in place)
        self._added = 0  # terms the snapshot did not hold (with those of the deltas loaded)
        # the lists of the deltas loaded over the snapshot, newest first: (terms, ends, lists end to end)
        self.overlay: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._orig: dict[int, bytes] = {}  # each list as copied out (what a delta need not write again)

    def _find(self, tid: int) -> int:
        j = int(self._terms.searchsorted(tid))
        return j if j < len(self._terms) and int(self._terms[j]) == tid else -1

    def _stored(self, tid: int) -> bytes | None:
        """The list as the newest delta holding it, or the snapshot, stored it."""
        for terms, ends, flat in self.overlay:
            j = int(terms.searchsorted(tid))
            if j < len(terms) and int(terms[j]) == tid:
                return flat[int(ends[j - 1]) if j else 0 : int(ends[j])].tobytes()
        j = self._find(tid)
        if j < 0:
            return None
        end = int(self._ends[j])
        return self._flat[end - int(self._lens[j]) : end].tobytes()

    def get(self, tid: int, default: array | None = None) -> array | None:
        got = self._got.get(tid)
        if got is not None:
            return got
        raw = self._stored(tid)
        if raw is None:
            return default
        self._orig[tid] = raw
        got = self._got[tid] = array("i", raw)
        return got

    def __getitem__(self, tid: int) -> array:
        got = self.get(tid)
        if got is None:
            raise KeyError(tid)
        return got

    def __contains__(self, tid: object) -> bool:
        return tid in self._got or (isinstance(tid, int) and self._stored(tid) is not None)

    def __setitem__(self, tid: int, value: array) -> None:
        if tid not in self._got and self._stored(tid) is None:
            self._added += 1
        self._got[tid] = value

    def load_overlay(self) -> None:
        """Every list of the deltas copied out (before the whole index is written)."""
        for terms, _, _ in self.overlay:
            for tid in terms.tolist():
                self.get(tid)

    def changed(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The lists changed or added since the load, as ``columns`` (what a delta holds)."""
        orig = self._orig
        return postings_columns({t: v for t, v in self._got.items() if orig.get(t) != v.tobytes()})

    def __len__(self) -> int:
        return len(self._terms) + self._added

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(terms ascending, list lengths, the lists end to end), the snapshot's and the changed ones merged."""
        got_terms = np.fromiter(self._got.keys(), np.uint32, len(self._got))
        keep = ~np.isin(self._terms, got_terms)
        base_starts = (self._ends - self._lens)[keep]
        got_lens = np.fromiter(map(len, self._got.values()), np.int64, len(self._got))
        got_flat = np.frombuffer(b"".join(self._got.values()), np.int32)
        terms = np.concatenate([self._terms[keep], got_terms])
        lens = np.concatenate([self._lens[keep], got_lens])
        starts = np.concatenate([base_starts, len(self._flat) + np.cumsum(got_lens) - got_lens])
        return _sorted_lists(terms, lens, starts, np.concatenate([self._flat, got_flat]))

    def keys(self) -> list[int]:
        return self.columns()[0].tolist()

    def values(self) -> list[array]:
        _, lens, flat = self.columns()
        ends = np.cumsum(lens).tolist()
        return [array("i", flat[a:b].tobytes()) for a, b in zip([0, *ends[:-1]], ends)]

    def __iter__(self) -> Iterator[int]:
        return iter(self.keys())


def postings_columns(postings: dict[int, array] | Postings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A clusterer's postings (a dict, or loaded ``Postings``) as (terms ascending, lengths, lists end to end)."""
    if isinstance(postings, Postings):
        return postings.columns()
    terms = np.fromiter(postings.keys(), np.uint32, len(postings))
    lens = np.fromiter(map(len, postings.values()), np.int64, len(postings))
    flat = np.frombuffer(b"".join(postings.values()), np.int32)
    return _sorted_lists(terms, lens, np.cumsum(lens) - lens, flat)


def _sorted_lists(terms: np.ndarray, lens: np.ndarray, starts: np.ndarray, flat: np.ndarray):
    """The lists (``flat[starts[i]:starts[i]+lens[i]]``) reordered by term, end to end."""
    order = np.argsort(terms, kind="stable")
    lens = lens[order]
    return terms[order], lens, np.ascontiguousarray(gather(flat, starts[order], lens), dtype=np.int32)


def gather(flat: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """``flat[starts[i]:starts[i]+lens[i]]`` for each i, end to end.

    Items that follow each other in ``flat`` are copied as one run: a snapshot
    taken after a load copies the stories never built in long runs, and an
    index per element (three int64 arrays the size of the data) cost five
    times more at 100,000 articles. Many short runs (postings sorted by term)
    take the index.
    """
    n = len(lens)
    total = int(lens.sum()) if n else 0
    ends = starts + lens
    breaks = np.flatnonzero(starts[1:] != ends[:-1]) + 1  # items that do not follow the one before
    if len(breaks) > max(1024, n // 16):
        cum = np.cumsum(lens)
        at = np.arange(total, dtype=np.int64) - np.repeat(cum - lens, lens) + np.repeat(starts, lens)
        return flat[at]
    out = np.empty(total, dtype=flat.dtype)
    first = np.concatenate([[0], breaks]).astype(np.int64)
    last = np.concatenate([breaks, [n]]).astype(np.int64) - 1
    pos = 0
    for a, b in zip(starts[first].tolist() if n else [], ends[last].tolist() if n else []):
        out[pos : pos + b - a] = flat[a:b]
        pos += b - a
    return out


def positions(stories: LiveStories | dict) -> dict:
    """story id -> position in ``_by_idx`` of the live stories, in order, without building any."""
    if isinstance(stories, LiveStories):
        return stories._idx
    return {sid: s.idx for sid, s in stories.items()}
