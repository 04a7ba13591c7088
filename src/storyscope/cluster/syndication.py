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

The band buckets are one fixed array, not a dict: each band is hashed to a slot
of a table (``kernels.band_slots``), which holds the newest article whose band
landed there, and a query reads the slots and compares signatures in one
compiled call (``kernels.nearest_copy``). The dict of 1.6 million band keys it
replaced cost about 85 us an article (lookups, evictions, a Python int per key).
A slot holding an article that has left the window is ignored, so nothing is
evicted. Two bands landing in one slot cost at worst a Jaccard check (which
rejects the stranger) or, when a newer article takes the slot, the older one's
band: with at least ``_SLOTS_PER_KEY`` slots per band key of the window an
article 100,000 articles back keeps each band with probability >= 0.78, and a
copy of it at Jaccard 0.8 is still found with probability > 0.998 (0.9998 just
after it).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..features import minhash
from .kernels import band_slots, nearest_copy

_SLOTS_PER_KEY = 4
_MIN_BITS = 10


class Prepared(NamedTuple):
    """A signature ready for the index: as uint32, with its band slots (computed once)."""

    sig: np.ndarray
    slots: np.ndarray


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
        self._bits = max(_MIN_BITS, (window * bands * _SLOTS_PER_KEY - 1).bit_length())
        # serial + 1 of the newest article with a band in each slot, 0 for none;
        # np.zeros maps pages lazily, so a short stream touches little of it
        self._table = np.zeros(1 << self._bits, dtype=np.int64)
        self._sigs = np.zeros((min(window, 1024), num_perm), dtype=np.uint32)
        self._ids: list[str] = []  # article id per row of the ring
        self._serial_of: dict[str, int] = {}  # article id -> serial, for the articles in the window
        self._serial = 0  # articles inserted so far

    def __len__(self) -> int:
        """Articles currently indexed (at most ``window``)."""
        return len(self._serial_of)

    def prepare(self, sig: tuple[int, ...] | np.ndarray | Prepared | None) -> Prepared | None:
        """``sig`` with its band slots, for a ``query`` then an ``insert``; None if empty."""
        if sig is None or isinstance(sig, Prepared):
            return sig
        arr = _as_array(sig, self.num_perm)
        return None if arr is None else Prepared(arr, band_slots(arr, self.rows, self._bits))

    def query(self, sig: tuple[int, ...] | np.ndarray | Prepared) -> tuple[str, float] | None:
        """The most similar indexed article at or above the threshold, with its Jaccard estimate."""
        prepared = self.prepare(sig)
        if prepared is None:
            return None
        serial, agree = nearest_copy(
            prepared.sig, prepared.slots, self._table, self._sigs, self._serial, self.window
        )
        if serial < 0 or agree / self.num_perm < self.threshold:
            return None
        return self._ids[serial % self.window], agree / self.num_perm

    def insert(self, article_id: str, sig: tuple[int, ...] | np.ndarray | Prepared | None) -> None:
        prepared = self.prepare(sig)
        if prepared is None or article_id in self._serial_of:
            return
        serial = self._serial
        ring = serial % self.window  # its row in the ring of signatures
        if serial >= self.window:
            self._serial_of.pop(self._ids[ring], None)  # left the window; its table slots are ignored
        elif ring >= len(self._sigs):
            grown = np.zeros((min(self.window, 2 * len(self._sigs)), self.num_perm), dtype=np.uint32)
            grown[: len(self._sigs)] = self._sigs
            self._sigs = grown
        self._sigs[ring] = prepared.sig
        if ring < len(self._ids):
            self._ids[ring] = article_id
        else:
            self._ids.append(article_id)
        self._serial_of[article_id] = serial
        self._table[prepared.slots] = serial + 1
        self._serial = serial + 1


def _as_array(sig: tuple[int, ...] | np.ndarray, num_perm: int) -> np.ndarray | None:
    """The signature as uint32, or None when it has the wrong length or is empty."""
    if len(sig) != num_perm:
        return None
    arr = np.asarray(sig, dtype=np.uint32)
    if arr[0] == minhash.EMPTY and (arr == minhash.EMPTY).all():
        return None
    return arr
