"""A snapshot's data read block by block, each block checked by its own CRC-32 (issue 11).

Why: at a million articles a snapshot is most of a gigabyte, and reading it
whole and checking one CRC over it took 4 ms of CPU a megabyte before the first
new article, while a run of a hundred articles builds a few hundred stories.
Format 3 (cluster/snapshot.py) cuts the data into blocks of ``BLOCK`` bytes,
stored one row each (store/snapshots.py), with the CRC-32 of every block in
the snapshot's head. A loaded clusterer reads the small arrays whole and the
per-member and per-story ones (``Paged``) a block at a time when a story is
first built, so what a start reads grows with what the run touches, not with
the store.

A block that is missing or fails its CRC raises SnapshotError naming it; the
caller then replays the stored articles (run/resume.py, run/ingest.py).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np

from ..errors import StoryscopeError

BLOCK = 16 * 1024  # bytes: a run of 100 articles at 1M reads a few thousand of them
_RUN = 1024  # blocks read by one query when every block is wanted (16 MB)
FENCE = 2048  # items between two entries of a sorted array's fence (``Paged.searchsorted``)
# Blocks kept once read (64 MB): a long run into a big store would otherwise end up holding most
# of the snapshot; one evicted is read again (and checked again) when next needed.
CACHE_BLOCKS = 4096


class SnapshotError(StoryscopeError):
    """A snapshot cannot be used: truncated, corrupt, or of another version or settings.

    The caller rebuilds the clusterer by replaying the stored articles instead.
    """


class SnapshotBlockError(SnapshotError):
    """A block of a stored snapshot is missing or fails its CRC-32 (found when it is first read)."""


class Blocks:
    """The data of one snapshot: block ``b`` from ``fetch(b)``, checked against ``crcs[b]`` once, kept."""

    def __init__(self, fetch: Callable[[int], bytes | None], crcs: np.ndarray, size: int, block: int,
                 fetch_range: Callable[[int, int], list[bytes]] | None = None) -> None:
        if len(crcs) != -(-size // block):
            raise SnapshotError(f"snapshot of {size} bytes has {len(crcs)} block checksums")
        self._fetch, self._crcs, self.size, self.block = fetch, crcs, size, block
        self._fetch_range = fetch_range  # blocks first..last in one query (an array read whole)
        self._got: dict[int, bytes] = {}  # oldest read first (the cache, at most ``limit`` blocks)
        self.limit: int | None = CACHE_BLOCKS  # None: keep every block (``load_all``)
        self.reads = 0  # blocks fetched (for the benchmark: what a run read)

    def _get(self, b: int, fetched: bytes | None = None) -> bytes:
        got = self._got.get(b)
        if got is None:
            got = fetched if fetched is not None else self._fetch(b)
            want = min(self.block, self.size - b * self.block)
            if got is None or len(got) != want:
                raise SnapshotBlockError(f"snapshot block {b} missing or of the wrong length")
            if zlib.crc32(got) != int(self._crcs[b]):
                raise SnapshotBlockError(f"snapshot block {b} corrupt: CRC-32 mismatch")
            if self.limit is not None and len(self._got) >= self.limit:
                del self._got[next(iter(self._got))]
            self._got[b] = got = bytes(got)
            self.reads += 1
        return got

    def read(self, offset: int, nbytes: int) -> bytes:
        """The ``nbytes`` bytes at ``offset`` of the data."""
        if offset < 0 or nbytes < 0 or offset + nbytes > self.size:
            raise SnapshotError(f"snapshot read of {nbytes} bytes at {offset} outside its {self.size}")
        if not nbytes:
            return b""
        first, last = offset // self.block, (offset + nbytes - 1) // self.block
        if first == last:
            at = offset - first * self.block
            return self._get(first)[at : at + nbytes]
        if self._fetch_range is not None and last - first > 2:
            fetched = self._fetch_range(first, last)
            if len(fetched) != last - first + 1:
                raise SnapshotBlockError(f"snapshot blocks {first}-{last} missing")
            joined = b"".join(self._get(b, f) for b, f in zip(range(first, last + 1), fetched))
        else:
            joined = b"".join(self._get(b) for b in range(first, last + 1))
        at = offset - first * self.block
        return joined[at : at + nbytes]

    def load_all(self) -> None:
        """Every block read and checked (before the rows they come from are replaced): the
        missing ones in runs of one query each where the store can read a range."""
        self.limit = None  # every block kept from now on: the rows may be gone when one is next needed
        n = len(self._crcs)
        if self._fetch_range is None:
            for b in range(n):
                self._get(b)
            return
        b = 0
        while b < n:
            if b in self._got:
                b += 1
                continue
            last = b
            while last + 1 < n and last + 1 - b < _RUN and last + 1 not in self._got:
                last += 1
            fetched = self._fetch_range(b, last)
            if len(fetched) != last - b + 1:
                raise SnapshotBlockError(f"snapshot blocks {b}-{last} missing")
            for at, f in zip(range(b, last + 1), fetched):
                self._get(at, f)
            b = last + 1


class Paged:
    """A 1-d array of the snapshot read a block at a time: ``len``, ``a[i]``, ``a[i:j]`` (a writable
    copy), ``searchsorted`` on a sorted one, ``all()``. Stands in for the numpy array of format 2."""

    def __init__(self, blocks: Blocks, offset: int, dtype: np.dtype, count: int) -> None:
        self._blocks, self._offset, self.dtype, self._count = blocks, offset, np.dtype(dtype), count
        self._all: np.ndarray | None = None
        self.fence: np.ndarray | None = None  # of a sorted one: every FENCE-th item (``searchsorted``)

    def __len__(self) -> int:
        return self._count

    @property
    def size(self) -> int:
        return self._count

    def _slice(self, a: int, b: int) -> np.ndarray:
        if self._all is not None:
            return self._all[a:b].copy()
        item = self.dtype.itemsize
        raw = self._blocks.read(self._offset + a * item, (b - a) * item)
        return np.frombuffer(bytearray(raw), dtype=self.dtype)

    def __getitem__(self, key):
        if isinstance(key, slice):
            a, b, step = key.indices(self._count)
            if step != 1:
                raise IndexError("paged arrays take contiguous slices")
            return self._slice(a, max(a, b))
        i = int(key)
        if i < 0:
            i += self._count
        if not 0 <= i < self._count:
            raise IndexError(f"index {key} of {self._count}")
        return self._slice(i, i + 1)[0]

    def all(self) -> np.ndarray:
        if self._all is None:
            self._all = self._slice(0, self._count)
        return self._all

    def searchsorted(self, value, side: str = "left") -> int:
        """Where ``value`` goes in this ascending array: with a fence, the FENCE items between two of
        its entries read in one slice (a block or two); without, by bisection (a block a step)."""
        if self._all is not None:
            return int(self._all.searchsorted(value, side))
        if self.fence is not None:
            k = int(self.fence.searchsorted(value, side))
            if k == 0:
                return 0
            a = (k - 1) * FENCE
            return a + int(self._slice(a, min(a + FENCE, self._count)).searchsorted(value, side))
        lo, hi = 0, self._count
        while lo < hi:
            mid = (lo + hi) // 2
            x = self[mid]
            if x < value or (side == "right" and x == value):
                lo = mid + 1
            else:
                hi = mid
        return lo


def whole(arr) -> np.ndarray:
    """A numpy array of ``arr`` (a ``Paged`` read whole, anything else as it is)."""
    return arr.all() if isinstance(arr, Paged) else arr
