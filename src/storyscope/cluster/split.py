"""Split check: is a story really two events? Spherical 2-means on its members."""

from __future__ import annotations

import numpy as np

from .kernels import gram as pairwise_dots
from .kernels import two_means_gram
from .story import Vec

# Tried this many times from deterministic seeds; at most this many rounds each.
SEEDS = 3
ITERATIONS = 6


def two_means(vecs: list[Vec]) -> tuple[np.ndarray, float]:
    """Labels (0/1 per vector) of the best 2-means split, and the halves' cosine.

    Spherical 2-means needs only dot products between the vectors (a half's sum
    dotted with a vector is a sum of the vector's dots with the half's members),
    so everything works on their n x n Gram matrix (merges of sorted term lists,
    compiled): a story of 64 articles is a 64 x 64 problem, whatever its
    vocabulary. Seeds: each of the ``SEEDS`` members least like the whole story,
    paired with the member least like it; the run whose halves are tightest
    (largest sum of the lengths of the half sums) wins.
    """
    n = len(vecs)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(v[0]) for v in vecs], out=starts[1:])
    gram = pairwise_dots(
        np.concatenate([v[0] for v in vecs]), np.concatenate([v[1] for v in vecs]).astype(np.float64), starts
    )

    labels, cos = two_means_gram(gram, SEEDS, ITERATIONS)
    return labels, float(cos)
