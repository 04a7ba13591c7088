"""Split check: is a story really two events? Spherical 2-means on its members."""

from __future__ import annotations

import math

import numpy as np

from .kernels import gram as pairwise_dots
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

    def length(ind: np.ndarray) -> float:
        return math.sqrt(max(float(ind @ gram @ ind), 0.0))

    outliers = np.argsort(gram.sum(axis=1), kind="stable")[:SEEDS]
    best: tuple[float, np.ndarray, np.ndarray, np.ndarray] | None = None
    for a in outliers:
        b = int(np.argmin(gram[a]))
        in0, in1 = np.zeros(n), np.zeros(n)
        in0[a], in1[b] = 1.0, 1.0  # the halves start as the two seeds
        labels = np.full(n, -1)
        for _ in range(ITERATIONS):
            n0, n1 = length(in0) or 1.0, length(in1) or 1.0
            new = np.where(gram @ in0 / n0 >= gram @ in1 / n1, 0, 1)
            if np.array_equal(new, labels):
                break
            labels = new
            in1 = labels.astype(np.float64)
            in0 = 1.0 - in1
        objective = length(in0) + length(in1)
        if best is None or objective > best[0] + 1e-9:
            best = (objective, labels, in0, in1)
    assert best is not None
    _, labels, in0, in1 = best
    den = length(in0) * length(in1)
    cos = float(in0 @ gram @ in1) / den if den else 0.0
    return labels, math.sqrt(max(cos, 0.0))
