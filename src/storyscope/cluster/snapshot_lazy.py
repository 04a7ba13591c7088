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
from .postings import ListsByTerm

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


K = TypeVar("K")
V = TypeVar("V")


class _Whole(Generic[K, V]):
    """A dict's keys, values and iteration from ``items()`` (every entry: for a full snapshot)."""

    def items(self) -> list[tuple[K, V]]:
        raise NotImplementedError

    def keys(self) -> list[K]:
        return [k for k, _ in self.items()]

    def values(self) -> list[V]:
        return [v for _, v in self.items()]

    def __iter__(self) -> Iterator[K]:
        return iter(self.keys())


class ArticleStories(_Whole[str, str]):
    """article id -> story id: the snapshot's entries, looked up one at a time, plus those set since."""

    def __init__(self, index: TextIndex, texts: Texts, codes: np.ndarray | Paged, table: Texts | list[str]) -> None:
        if len(codes) != len(texts):
            raise ValueError("article columns differ in length")
        self._index, self._texts, self._codes, self._table = index, texts, codes, table
        self._set: dict[str, str] = {}  # set since the load (or by the deltas loaded), in order of first setting
        self._added = 0  # of those, how many the snapshot did not hold
        self._run: dict[str, None] = {}  # set since the load, for the next delta (snapshot_delta.py)
        # the stored entry of each key looked up since the load (None: not stored): an article is
        # asked for two or three times in one ``add`` (contains, get, set), found once
        self._seen: dict[str, str | None] = {}

    def _stored(self, key: str) -> str | None:
        try:
            return self._seen[key]
        except KeyError:
            p = self._index.find(key)
            got = self._seen[key] = None if p < 0 else self._table[int(self._codes[p])]
            return got

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
        return isinstance(key, str) and (key in self._set or self._stored(key) is not None)

    def __setitem__(self, key: str, value: str) -> None:
        if key not in self._set and self._stored(key) is None:
            self._added += 1
        self._set[key] = value
        self._run[key] = None

    def seed(self, keys: list[str], values: list[str]) -> None:
        """Entries set by a delta loaded over the snapshot (its count of new ones is set by the caller)."""
        if len(keys) != len(values):
            raise ValueError("delta article columns differ in length")
        self._set.update(zip(keys, values))

    def run_entries(self, since_base: bool = False) -> tuple[list[str], list[str]]:
        """(keys, values) set since the load (``since_base``: or by the deltas loaded), in order of first setting."""
        keys = list(self._set if since_base else self._run)
        return keys, [self._set[k] for k in keys]

    def __len__(self) -> int:
        return len(self._texts) + self._added

    def __bool__(self) -> bool:
        return len(self) > 0

    def items(self) -> list[tuple[str, str]]:
        """Every entry in a dict's order: the snapshot's (changed values in place), then the new ones."""
        changed = dict(self._set)
        table = self._table.all() if isinstance(self._table, Texts) else self._table
        out = [(k, changed.pop(k, None) or table[c]) for k, c in zip(self._texts.all(), whole(self._codes).tolist())]
        out.extend(changed.items())
        return out



_MISSING = object()


class StoredDict(_Whole[K, V]):
    """A dict over the ``n`` entries a snapshot stores, plus what was set or deleted since the load.

    A stored entry is found by ``find(key)`` (its position, or -1) and its value
    built by ``value(j)`` when asked for; ``stored_items()`` gives them all in
    order (for a full snapshot only). A dict's semantics, order included: a
    changed value keeps its place, a key set anew (or again after a deletion)
    goes last. What changed since the load (``overlay``) is what a delta holds
    (snapshot_delta.py), so neither a start nor a delta reads or writes every entry.
    """

    def __init__(self, n: int = 0, find: Callable[[K], int] | None = None, value: Callable[[int], V] | None = None,
                 stored_items: Callable[[], list[tuple[K, V]]] | None = None) -> None:
        self._n, self._find, self._value = n, find, value
        self._stored_items = stored_items or (lambda: [])
        self._set: dict[K, V] = {}  # set since the load (changed stored entries and new keys)
        self._gone: set[K] = set()  # stored keys deleted since the load (some maybe set again: then in _new)
        self._new: dict[K, None] = {}  # keys set that are not stored ones in place, in order of setting
        self._memo: dict[K, int] = {}  # stored position of each key looked up (-1: none)

    def _at(self, key: K) -> int:
        """The stored position of ``key`` if it is still there, else -1."""
        if not self._n or key in self._gone:
            return -1
        j = self._memo.get(key)
        if j is None:
            j = self._memo[key] = self._find(key)  # type: ignore[misc]
        return j

    def get(self, key: K, default: V | None = None) -> V | None:
        got = self._set.get(key, _MISSING)
        if got is not _MISSING:
            return got  # type: ignore[return-value]
        j = self._at(key)
        return default if j < 0 else self._value(j)  # type: ignore[misc]

    def __getitem__(self, key: K) -> V:
        got = self.get(key, _MISSING)  # type: ignore[arg-type]
        if got is _MISSING:
            raise KeyError(key)
        return got  # type: ignore[return-value]

    def __contains__(self, key: object) -> bool:
        return key in self._set or self._at(key) >= 0  # type: ignore[arg-type]

    def __setitem__(self, key: K, value: V) -> None:
        if key not in self._set and self._at(key) < 0:
            self._new[key] = None
        self._set[key] = value

    def __delitem__(self, key: K) -> None:
        held = key in self._set
        if held:
            del self._set[key]
            self._new.pop(key, None)
        if self._at(key) >= 0:
            self._gone.add(key)
        elif not held:
            raise KeyError(key)

    def pop(self, key: K, *default: V) -> V:
        got = self.get(key, _MISSING)  # type: ignore[arg-type]
        if got is _MISSING:
            if default:
                return default[0]
            raise KeyError(key)
        del self[key]
        return got  # type: ignore[return-value]

    def __len__(self) -> int:
        return self._n - len(self._gone) + len(self._new)

    def __bool__(self) -> bool:
        return len(self) > 0

    def items(self) -> list[tuple[K, V]]:
        """Every entry in a dict's order (reads every stored one: for a full snapshot)."""
        s, gone = self._set, self._gone
        out = [(k, s.get(k, v)) for k, v in self._stored_items() if k not in gone]
        out.extend((k, s[k]) for k in self._new)
        return out


    def overlay(self) -> tuple[list[tuple[K, V]], int, list[K]]:
        """What changed since the load: (entries set, the first ``in_place`` of them stored ones changed
        in place and the rest new in order, the stored keys deleted)."""
        new = self._new
        in_place = [(k, v) for k, v in self._set.items() if k not in new]
        return in_place + [(k, self._set[k]) for k in new], len(in_place), sorted(self._gone, key=str)

    def seed(self, entries: list[tuple[K, V]], in_place: int, gone: list[K]) -> None:
        """The state of a delta's ``overlay`` (what changed since the same load), over the stored entries."""
        if not 0 <= in_place <= len(entries):
            raise ValueError("delta entries do not add up")
        self._set = dict(entries)
        self._new = dict.fromkeys(k for k, _ in entries[in_place:])
        self._gone = set(gone)
        self._memo.clear()


class LazyList(Generic[T]):
    """A list whose items the snapshot holds are built on first access (``build(i)``)."""

    def __init__(self, n: int, build: Callable[[int], T]) -> None:
        self._items: list[T | None] = [None] * n
        self._build = build

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
    """story id -> story for the live stories, in a dict's order, built through ``by_idx`` when asked for.

    ``order`` maps each live story's id to its position in ``by_idx`` (a dict, or a ``StoredDict``
    over the snapshot's, looked up one id at a time)."""

    def __init__(self, order: dict[str, int] | StoredDict[str, int], by_idx: LazyList[T]) -> None:
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


class Postings(ListsByTerm):
    """term id -> array of story positions: the snapshot's lists (terms ascending) copied out on first use.

    ``terms``, ``ends`` (of each list in ``flat``) and ``flat`` are numpy arrays or
    ``Paged`` ones (a term found by bisection over a few blocks: snapshot_blocks.py).
    """

    def __init__(self, terms: np.ndarray | Paged, ends: np.ndarray | Paged, flat: np.ndarray | Paged) -> None:
        if len(terms) != len(ends) or (len(ends) and int(ends[len(ends) - 1]) != len(flat)):
            raise ValueError("postings do not add up")
        if isinstance(terms, np.ndarray) and len(terms) > 1 and not (np.diff(terms.astype(np.int64)) > 0).all():
            raise ValueError("postings terms not ascending")
        if isinstance(ends, np.ndarray) and len(ends) and ((np.diff(ends) < 0).any() or ends[0] < 0):
            raise ValueError("postings do not add up")
        self._terms, self._ends, self._flat = terms, ends, flat
        self._got: dict[int, array] = {}  # copied out or added since the load (changed in place)
        self._none: set[int] = set()  # terms looked up and held nowhere (a ``get`` then a set: one lookup)
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
        return self._flat[int(self._ends[j - 1]) if j else 0 : int(self._ends[j])].tobytes()

    def get(self, tid: int, default: array | None = None) -> array | None:
        got = self._got.get(tid)
        if got is not None:
            return got
        if tid in self._none:
            return default
        raw = self._stored(tid)
        if raw is None:
            self._none.add(tid)
            return default
        self._orig[tid] = raw
        got = self._got[tid] = array("i", raw)
        return got

    def __contains__(self, tid: object) -> bool:
        return isinstance(tid, int) and self.get(tid) is not None

    def __setitem__(self, tid: int, value: array) -> None:
        if tid not in self._got and self.get(tid) is None:  # (after a ``get`` of it: no second lookup)
            self._added += 1
            self._none.discard(tid)
        self._got[tid] = value

    def load_overlay(self) -> None:
        """Every list of the deltas copied out (before the whole index is written)."""
        for terms, _, _ in self.overlay:
            for tid in terms.tolist():
                self.get(tid)

    def changed(self, since_base: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The lists changed or added since the load (``since_base``: or held by the deltas loaded, as they
        are now; call ``load_overlay`` first), as ``columns`` (what a delta holds)."""
        orig = self._orig
        held = {t for terms, _, _ in self.overlay for t in terms.tolist()} if since_base else set()
        return postings_columns({t: v for t, v in self._got.items() if t in held or orig.get(t) != v.tobytes()})

    def __len__(self) -> int:
        return len(self._terms) + self._added

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(terms ascending, list lengths, the lists end to end), the snapshot's and the changed ones merged."""
        terms_all, ends, flat_all = whole(self._terms), whole(self._ends), whole(self._flat)
        lens_all = np.diff(ends, prepend=0)
        got_terms = np.fromiter(self._got.keys(), np.uint32, len(self._got))
        keep = ~np.isin(terms_all, got_terms)
        base_starts = (ends - lens_all)[keep]
        got_lens = np.fromiter(map(len, self._got.values()), np.int64, len(self._got))
        got_flat = np.frombuffer(b"".join(self._got.values()), np.int32)
        terms = np.concatenate([terms_all[keep], got_terms])
        lens = np.concatenate([lens_all[keep], got_lens])
        starts = np.concatenate([base_starts, len(flat_all) + np.cumsum(got_lens) - got_lens])
        return sorted_lists(terms, lens, starts, np.concatenate([flat_all, got_flat]))


def postings_columns(postings: dict[int, array] | ListsByTerm) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A clusterer's postings (a dict, the compiled table, or loaded ``Postings``) as (terms ascending,
    lengths, lists end to end)."""
    if isinstance(postings, ListsByTerm):
        return postings.columns()
    terms = np.fromiter(postings.keys(), np.uint32, len(postings))
    lens = np.fromiter(map(len, postings.values()), np.int64, len(postings))
    flat = np.frombuffer(b"".join(postings.values()), np.int32)
    return sorted_lists(terms, lens, np.cumsum(lens) - lens, flat)


def sorted_lists(terms: np.ndarray, lens: np.ndarray, starts: np.ndarray, flat: np.ndarray):
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
        return dict(stories._idx.items())
    return {sid: s.idx for sid, s in stories.items()}
