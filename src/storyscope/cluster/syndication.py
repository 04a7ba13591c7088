"""Near-identical copies (wire copies, reposts) found with MinHash LSH.

Banding: the signature is cut into ``bands`` bands of ``rows`` values; two
articles become candidates when any band agrees exactly, and are confirmed when
the estimated Jaccard similarity of their 4-shingle sets reaches the threshold.
With 16 bands of 4 rows a pair at Jaccard 0.8 is a candidate with probability
0.9998, at 0.5 with 0.64, at 0.2 with 0.03, so confirmed copies are almost never
missed and few unrelated articles are compared.
"""

from __future__ import annotations

from array import array

from ..features import minhash


class NearDuplicateIndex:
    def __init__(self, num_perm: int = minhash.NUM_PERM, bands: int = 16, threshold: float = 0.6):
        if num_perm % bands:
            raise ValueError(f"bands={bands} must divide num_perm={num_perm}; try bands=16 for 64 permutations")
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"syndication threshold must be in (0, 1], got {threshold}")
        self.num_perm = num_perm
        self.bands = bands
        self.rows = num_perm // bands
        self.threshold = threshold
        # Memory per article matters at a million articles: a band key is one int
        # (band number and its values packed, lossless) rather than nested tuples,
        # and a signature is an array of 32-bit values (256 bytes instead of a
        # tuple of 64 int objects, about 2.6 KB).
        self._buckets: dict[int, list[str]] = {}
        self._signatures: dict[str, array] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def _keys(self, sig: tuple[int, ...]) -> list[int]:
        # band b's values as one int of 32 * rows bits, plus b above them: lossless
        raw = array("I", sig).tobytes()
        step = 4 * self.rows
        top = 8 * step
        return [int.from_bytes(raw[b * step : (b + 1) * step], "little") | (b << top) for b in range(self.bands)]

    def query(self, sig: tuple[int, ...]) -> tuple[str, float] | None:
        """The most similar indexed article at or above the threshold, with its Jaccard estimate."""
        if len(sig) != self.num_perm or _is_empty(sig):
            return None
        seen: set[str] = set()
        best: tuple[str, float] | None = None
        for key in self._keys(sig):
            for other in self._buckets.get(key, ()):
                if other in seen:
                    continue
                seen.add(other)
                j = minhash.jaccard(sig, self._signatures[other])
                if j >= self.threshold and (best is None or j > best[1]):
                    best = (other, j)
        return best

    def insert(self, article_id: str, sig: tuple[int, ...]) -> None:
        if len(sig) != self.num_perm or _is_empty(sig) or article_id in self._signatures:
            return
        self._signatures[article_id] = array("I", sig)
        for key in self._keys(sig):
            self._buckets.setdefault(key, []).append(article_id)


def _is_empty(sig: tuple[int, ...]) -> bool:
    return sig[0] == 0xFFFFFFFF and all(v == 0xFFFFFFFF for v in sig)
