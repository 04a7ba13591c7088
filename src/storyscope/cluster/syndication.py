"""Near-identical copies (wire copies, reposts) found with MinHash LSH.

Banding: the signature is cut into ``bands`` bands of ``rows`` values; two
articles become candidates when any band agrees exactly, and are confirmed when
the estimated Jaccard similarity of their 4-shingle sets reaches the threshold.
With 16 bands of 4 rows a pair at Jaccard 0.8 is a candidate with probability
0.9998, at 0.5 with 0.64, at 0.2 with 0.03, so confirmed copies are almost never
missed and few unrelated articles are compared.

Bounded memory: only the last ``window`` articles are indexed (a ring of
signatures), because copies of a story run within hours or days of it, and each
band bucket remembers only its newest article. A copy of a copy still reaches the
first original through the clusterer's ``syndicated_of`` chain.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..features import minhash

_EMPTY = 0xFFFFFFFF
class Prepared(NamedTuple):
    """A signature ready for the index: as uint32, with its band keys (computed once)."""

    sig: np.ndarray
    keys: list[int]


class NearDuplicateIndex:
    def __init__(
        self, num_perm: int = minhash.NUM_PERM, bands: int = 16, threshold: float = 0.6, window: int = 100_000
    ):
        if num_perm % bands:
            raise ValueError(f"bands={bands} must divide num_perm={num_perm}; try bands=16 for 64 permutations")
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"syndication threshold must be in (0, 1], got {threshold}")
        if window < 1:
            raise ValueError(f"window must be a positive number of articles, got {window}")
        self.num_perm = num_perm
        self.bands = bands
        self.rows = num_perm // bands
        self.threshold = threshold
        self.window = window
        self._sigs = np.zeros((min(window, 1024), num_perm), dtype=np.uint32)
        self._ids: list[str] = []  # article id per ring slot
        self._serial_of: dict[str, int] = {}  # article id -> serial, for the articles in the window
        self._buckets: dict[int, int] = {}  # band key -> serial of the newest article with that band
        self._serial = 0  # articles inserted so far

    def __len__(self) -> int:
        """Articles currently indexed (at most ``window``)."""
        return len(self._serial_of)

    def _keys(self, sig: np.ndarray) -> list[int]:
        # One key per band: Python's hash of the band's bytes, offset by the band's
        # byte position so that equal values in two bands give two keys. The hash is
        # salted per process, which is fine: the index lives in memory only and is
        # rebuilt on restore. A collision costs one Jaccard check, which rejects it.
        raw = sig.tobytes()
        step = 4 * self.rows
        return [hash(raw[i : i + step]) + i for i in range(0, len(raw), step)]

    def prepare(self, sig: tuple[int, ...] | np.ndarray | Prepared | None) -> Prepared | None:
        """``sig`` with its band keys, for a ``query`` then an ``insert``; None if empty."""
        if sig is None or isinstance(sig, Prepared):
            return sig
        arr = _as_array(sig, self.num_perm)
        return None if arr is None else Prepared(arr, self._keys(arr))

    def query(self, sig: tuple[int, ...] | np.ndarray | Prepared) -> tuple[str, float] | None:
        """The most similar indexed article at or above the threshold, with its Jaccard estimate."""
        prepared = self.prepare(sig)
        if prepared is None:
            return None
        arr = prepared.sig
        get = self._buckets.get
        serials = {s for s in map(get, prepared.keys) if s is not None}
        if not serials:
            return None
        found = sorted(serials)
        slots = np.array(found) % self.window
        agree = (self._sigs[slots] == arr).sum(axis=1) / self.num_perm
        i = int(np.argmax(agree))  # ties: the oldest, as found is ascending
        if agree[i] < self.threshold:
            return None
        return self._ids[found[i] % self.window], float(agree[i])

    def insert(self, article_id: str, sig: tuple[int, ...] | np.ndarray | Prepared | None) -> None:
        prepared = self.prepare(sig)
        if prepared is None or article_id in self._serial_of:
            return
        arr = prepared.sig
        serial = self._serial
        slot = serial % self.window
        if serial >= self.window:
            self._evict(serial - self.window, slot)
        elif slot >= len(self._sigs):
            grown = np.zeros((min(self.window, 2 * len(self._sigs)), self.num_perm), dtype=np.uint32)
            grown[: len(self._sigs)] = self._sigs
            self._sigs = grown
        self._sigs[slot] = arr
        if slot < len(self._ids):
            self._ids[slot] = article_id
        else:
            self._ids.append(article_id)
        self._serial_of[article_id] = serial
        self._buckets.update(zip(prepared.keys, [serial] * self.bands))
        self._serial = serial + 1

    def _evict(self, old: int, slot: int) -> None:
        buckets = self._buckets
        for key in self._keys(self._sigs[slot]):
            if buckets.get(key) == old:
                del buckets[key]
        self._serial_of.pop(self._ids[slot], None)


def _as_array(sig: tuple[int, ...] | np.ndarray, num_perm: int) -> np.ndarray | None:
    """The signature as uint32, or None when it has the wrong length or is empty."""
    if len(sig) != num_perm:
        return None
    arr = np.asarray(sig, dtype=np.uint32)
    if arr[0] == _EMPTY and (arr == _EMPTY).all():
        return None
    return arr
