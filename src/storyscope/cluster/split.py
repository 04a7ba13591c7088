"""Split check: is a story really two events? Spherical 2-means on its members."""

from __future__ import annotations

import math

import numpy as np

from .story import Vec

# Tried this many times from deterministic seeds; at most this many rounds each.
SEEDS = 3
ITERATIONS = 6


def two_means(vecs: list[Vec]) -> tuple[np.ndarray, float]:
    """Labels (0/1 per vector) of the best 2-means split, and the halves' cosine.

    The unit vectors (a story's members) go into one dense matrix over the union of their terms
    (a story of 64 articles has a few thousand distinct terms: a few MB at most), so
    every round is two matrix-vector products. Seeds: each of the ``SEEDS`` members
    least like the whole story, paired with the member least like it; the run whose
    halves are tightest (largest sum of the lengths of the half sums) wins.
    """
    ids = np.concatenate([v[0] for v in vecs])
    cols, inv = np.unique(ids, return_inverse=True)
    matrix = np.zeros((len(vecs), len(cols)))
    rows = np.repeat(np.arange(len(vecs)), [len(v[0]) for v in vecs])
    matrix[rows, inv] = np.concatenate([v[1] for v in vecs])
    total = matrix.sum(axis=0)
    outliers = np.argsort(matrix @ total, kind="stable")[:SEEDS]
    best: tuple[float, np.ndarray, np.ndarray, np.ndarray] | None = None
    for a in outliers:
        b = int(np.argmin(matrix @ matrix[a]))
        h0, h1 = matrix[a].copy(), matrix[b].copy()
        labels = np.full(len(vecs), -1)
        for _ in range(ITERATIONS):
            n0 = float(np.linalg.norm(h0)) or 1.0
            n1 = float(np.linalg.norm(h1)) or 1.0
            new = np.where(matrix @ h0 / n0 >= matrix @ h1 / n1, 0, 1)
            if np.array_equal(new, labels):
                break
            labels = new
            h0 = matrix[labels == 0].sum(axis=0)
            h1 = matrix[labels == 1].sum(axis=0)
        objective = float(np.linalg.norm(h0) + np.linalg.norm(h1))
        if best is None or objective > best[0] + 1e-9:
            best = (objective, labels, h0, h1)
    assert best is not None
    _, labels, h0, h1 = best
    den = float(np.linalg.norm(h0) * np.linalg.norm(h1))
    cos = float(h0 @ h1) / den if den else 0.0
    return labels, math.sqrt(max(cos, 0.0))
