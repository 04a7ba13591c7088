"""MinHash signatures of word 4-shingles, stable across processes and machines.

Written here rather than with ``datasketch.MinHash`` because the signature
is persisted by the store: the shingle hash must not depend on Python's salted
``hash()``, and a ``datasketch.MinHash`` per article (it regenerates its
permutations each time) ran at about 1,300 docs/s on this machine class
(shared/DEPENDENCIES.md), too close to the budget of the whole fast path. Each
word is hashed once (crc32) and a shingle's hash is a fixed linear mix of its
words' hashes, so no n-gram strings are built; the loop over shingles and
permutations is compiled (``kernels.min_hash``). The result is the same kind of
object: ``NUM_PERM`` minima of universal hashes, whose agreement rate estimates
the Jaccard similarity of the shingle sets.
"""

from __future__ import annotations

import hashlib
import zlib
from operator import eq

import numpy as np

from . import kernels

NUM_PERM = 64
SHINGLE_SIZE = 4
# every value of the signature of a text with no shingles
EMPTY = 0xFFFFFFFF


def _coefficients(n: int) -> tuple[np.ndarray, np.ndarray]:
    # Derived from blake2b of fixed labels, not from a numpy RNG, so that a numpy
    # upgrade cannot silently change every stored signature.
    def word(label: str) -> int:
        return int.from_bytes(hashlib.blake2b(label.encode(), digest_size=8).digest(), "little")

    a = np.array([word(f"minhash-a-{i}") | 1 for i in range(n)], dtype=np.uint64)
    b = np.array([word(f"minhash-b-{i}") for i in range(n)], dtype=np.uint64)
    return a, b


_A, _B = _coefficients(NUM_PERM)


_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5], dtype=np.uint64)


def word_hash(word: str) -> int:
    """The hash a word brings to its shingles: crc32 of the lower-cased word."""
    return zlib.crc32(word.lower().encode("utf-8"))


def signature_of_hashes(hashes: np.ndarray) -> tuple[int, ...]:
    """MinHash signature of the word 4-shingles of words with these ``word_hash`` values (uint64)."""
    return tuple(kernels.min_hash(hashes, _A, _B, _MIX[:SHINGLE_SIZE]).tolist())


def signature_of_tokens(title: np.ndarray, body: np.ndarray, word_hash: np.ndarray) -> tuple[int, ...]:
    """``signature_of_hashes`` of title then body words given as token ids (``word_hash[id]``)."""
    return tuple(array_of_tokens(title, body, word_hash).tolist())


def array_of_tokens(title: np.ndarray, body: np.ndarray, word_hash: np.ndarray) -> np.ndarray:
    """``signature_of_tokens`` as an array (uint64), not a tuple."""
    return kernels.min_hash_of_tokens(title, body, word_hash, _A, _B, _MIX[:SHINGLE_SIZE])


def signature_of_words(words: list[str]) -> tuple[int, ...]:
    """MinHash signature of the word 4-shingles of ``words``."""
    return signature_of_hashes(np.fromiter(map(word_hash, words), np.uint64, len(words)))


def jaccard(sig_a: tuple[int, ...], sig_b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    if not sig_a or len(sig_a) != len(sig_b):
        return 0.0
    if sig_a[0] == EMPTY and all(v == EMPTY for v in sig_a):
        return 0.0
    # map(eq) counts in C (the syndication index compares in its compiled lookup instead)
    return sum(map(eq, sig_a, sig_b)) / len(sig_a)
