"""Split check: is a story really two events? A cut of its members in two, and how clean it is."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from threadpoolctl import ThreadpoolController

from .kernels import clipped_graph, cross_floor, cut_blocks, normalised_laplacian, two_means_gram
from .kernels import gram as pairwise_dots
from .story import Vec

# Tried this many times from deterministic seeds; at most this many rounds each.
SEEDS = 3
ITERATIONS = 6
# kNN purity: the share of members whose NEIGHBOURS nearest members are in their own half,
# fewer in a story of under 4 * NEIGHBOURS members: at the first check (8 members, parts of
# 4) a member's three nearest would have to be every other member of its side, and one
# odd article of a third event on a side fails the whole side (tests/cluster/test_stream.py,
# two earthquakes merged early). ECB+ held out over topic folds: 0.927 with 3 at every
# size, 0.931 with 2 below 12 members (benchmarks/clustering_cv.py; docs/benchmarks.md, ecb2).
NEIGHBOURS = 3


_BLAS: list | None = None  # see _blas_libraries


def _blas_libraries() -> list:
    """The BLAS libraries loaded (threadpoolctl's controllers), found at the first call.

    The eigenproblem runs with one BLAS thread, as cluster/minilm.py runs its
    matrices: OpenBLAS's threads for a 64 x 64 ``eigh`` spin on the other cores
    after each call (on cluster_scale.py's stream, 30,000 articles on 2 cores,
    the split checks took 6-8 CPU s and the whole assignment twice its time,
    against 1.9 s with one thread). Each check reads and sets the libraries'
    threads directly, about 2 us, where a ``ThreadpoolController.limit``
    context took 10 (it reads every library's whole description).
    """
    global _BLAS
    if _BLAS is None:
        _BLAS = list(ThreadpoolController().select(user_api="blas").lib_controllers)
    return _BLAS


def _gram(vecs: list[Vec]) -> np.ndarray:
    """The members' n x n matrix of cosines (compiled, see kernels.gram)."""
    ids, vals, starts = end_to_end(vecs)
    return np.asarray(pairwise_dots(ids, vals.astype(np.float64), starts))


def end_to_end(rows: list[Vec]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse rows (ids, values) stored one after another, the form the compiled
    kernels take: (ids, values, where each row starts; the last entry the end)."""
    starts = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r[0]) for r in rows], out=starts[1:])
    return np.concatenate([r[0] for r in rows]), np.concatenate([r[1] for r in rows]), starts


def two_means(vecs: list[Vec]) -> tuple[np.ndarray, float]:
    """Labels (0/1 per vector) of the best 2-means split, and the halves' cosine.

    Spherical 2-means needs only dot products between the vectors (a half's sum
    dotted with a vector is a sum of the vector's dots with the half's members),
    so everything works on their n x n Gram matrix: a story of 64 articles is a
    64 x 64 problem, whatever its vocabulary. Seeds: each of the ``SEEDS``
    members least like the whole story, paired with the member least like it;
    the run whose halves are tightest (largest sum of the lengths of the half
    sums) wins.
    """
    labels, cos = two_means_gram(_gram(vecs), SEEDS, ITERATIONS)
    return labels, float(cos)


class Cut(NamedTuple):
    """A story's members cut in two, and the evidence that the cut is between two events."""

    labels: np.ndarray  # 0 / 1 per member
    score: float  # square root of the cosine of the halves' sums (two_means's scale)
    purity: float  # share of members whose nearest members (NEIGHBOURS, fewer when small) are on their own side
    cross: float  # mean cosine of the member pairs across the cut


def cut(vecs: list[Vec]) -> Cut:
    """The spectral cut of the members, with its score, kNN purity and cross cosine.

    The cut: the sign of the Fiedler vector of the normalised Laplacian of the
    members' cosine graph (negative cosines as 0), which follows two groups of
    articles that are each alike even when the groups share the topic's words;
    2-means on the same matrix, tied to the two centroids, cut one event in two
    more often. The score is the one two_means gives, for the reason and the
    link. The purity, the share of members whose three nearest members (two
    under 12 members) are on their own side, says whether the cut is real: two events of one kind share
    words, so their halves' centroids stay alike (the score), while each
    article's nearest neighbours are still reports of its own event. The cross
    cosine says whether there is anything to cut: copies of one report (other
    datelines, headlines, a sentence cut) are near-identical, their graph has no
    structure but who edited what, and purity on it is high for the wrong
    reason (copies with one dateline are each other's nearest).
    """
    return cut_gram(_gram(vecs))


def alike_across_every_cut(gram: np.ndarray, min_part: int, same: float) -> bool:
    """True when every cut of the members into parts of ``min_part`` or more has a mean
    cosine across it of ``same`` or more (kernels.cross_floor), so that no cut the
    check could make is split: the stream then skips the cut (the eigenproblem, the
    blocks and the purity; most of the check's cost). A margin of 1e-9 over ``same``
    covers the rounding of the bound and of the cut's own mean (both sums of at
    most 64 x 64 cosines, each off by about 1e-14).
    """
    return bool(cross_floor(gram, min_part) >= same + 1e-9)


def cut_gram(gram: np.ndarray) -> Cut:
    """``cut`` of the members' n x n cosine matrix (kernels.gram)."""
    n = len(gram)
    labels = spectral_labels(gram)
    n1 = int(labels.sum())
    if n1 == 0 or n1 == n:
        return Cut(labels, 1.0, 0.0, 1.0)
    k = max(1, min(NEIGHBOURS, n // 4))
    # the blocks gathered in one compiled call and summed by numpy as before (the same
    # arrays, so the same floats), the kNN agreement counted in the same call
    across, within0, within1, agree = cut_blocks(gram, labels, k)
    total = across.sum()
    within = within0.sum() * within1.sum()
    cos = total / math.sqrt(within) if within > 0.0 else 0.0
    score = math.sqrt(cos) if cos > 0.0 else 0.0
    # (a mean of booleans and of floats is their sum over their count: what .mean() gives)
    return Cut(labels, float(score), agree / (n * k), float(total / across.size))


def spectral_labels(gram: np.ndarray) -> np.ndarray:
    """0 / 1 per member: the sign of the Fiedler vector of the normalised Laplacian of
    the cosine graph ``gram`` (negative cosines as 0)."""
    a = clipped_graph(gram)
    d = a.sum(axis=1)  # numpy's sum (pairwise), the degrees as they always were
    lap = normalised_laplacian(a, d)  # (sets a degree of 0.0 to 1e-9 in d)
    libs = _blas_libraries()
    had = [lib.get_num_threads() for lib in libs]
    for lib in libs:
        lib.set_num_threads(1)
    try:
        _, vec = np.linalg.eigh(lap)
    finally:
        for lib, n in zip(libs, had):
            lib.set_num_threads(n)
    return (vec[:, 1] / np.sqrt(d) > 0.0).astype(np.int64)
