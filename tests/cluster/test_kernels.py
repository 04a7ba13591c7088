"""Each compiled kernel gives what a plain Python loop gives, on random and on real vectors."""

import math
import os
import subprocess
import sys

import numpy as np
import pytest
from news_fixtures import BASRA_RFERL, BASRA_WAPO, NEPAL_A, NEPAL_B, TURKEY_A, weighed_vectors

from storyscope.cluster import StreamClusterer, kernels
from storyscope.cluster.vectors import terms
from storyscope.features import compute

SEEDS = range(12)


def _sparse(rng: np.random.Generator, n: int, universe: int = 5000) -> tuple[np.ndarray, np.ndarray]:
    ids = np.unique(rng.integers(0, universe, size=n)).astype(np.uint32)
    return ids, rng.random(len(ids)) + 0.01


def _as_dict(vec: tuple[np.ndarray, np.ndarray]) -> dict[int, float]:
    return dict(zip(vec[0].tolist(), vec[1].tolist()))


def _real_vectors() -> list[tuple[np.ndarray, np.ndarray]]:
    return weighed_vectors((BASRA_RFERL, BASRA_WAPO, NEPAL_A, NEPAL_B, TURKEY_A))


@pytest.mark.parametrize("seed", SEEDS)
def test_top_voted_is_the_plain_vote(seed):
    rng = np.random.default_rng(seed)
    lists = []
    for _ in range(int(rng.integers(1, 17))):
        stories = np.unique(rng.integers(0, 60, size=int(rng.integers(0, 30)))).astype(np.int32)
        lists.append(stories[rng.permutation(len(stories))])  # a story once per list, any order
    # few distinct weights, so that ties between sums happen
    weights = rng.choice([0.5, 0.25, 1.0, 0.125], size=len(lists))
    votes: dict[int, float] = {}
    for stories, w in zip(lists, weights):
        for i in stories.tolist():
            votes[i] = votes.get(i, 0.0) + w
    for k in (1, 6, 100):
        plain = sorted(votes, key=lambda i: (-votes[i], -i))[:k]
        sums = np.zeros(64)
        got = kernels.top_voted(
            np.concatenate(lists), np.array([len(x) for x in lists], dtype=np.int32), weights, sums, k
        )
        assert got.tolist() == plain
        assert not sums.any()  # the scratch is left clean for the next article


@pytest.mark.parametrize("seed", SEEDS)
def test_sparse_dot_and_add_are_dict_arithmetic(seed):
    rng = np.random.default_rng(seed)
    a = _sparse(rng, int(rng.integers(0, 300)))
    b = _sparse(rng, int(rng.integers(0, 3000)))
    da, db = _as_dict(a), _as_dict(b)
    plain = sum(v * db.get(t, 0.0) for t, v in da.items())
    assert kernels.sparse_dot(a[0], a[1], b[0], b[1]) == pytest.approx(plain)
    assert kernels.sparse_dot(b[0], b[1], a[0], a[1]) == pytest.approx(plain)

    c_ids, c_vals = b[0].copy(), b[1].copy()
    ids, vals, fresh, cross = kernels.add_sparse(c_ids, c_vals, a[0], a[1])
    summed = dict(db)
    for t, v in da.items():
        summed[t] = summed.get(t, 0.0) + v
    assert ids.tolist() == sorted(summed)
    assert vals.tolist() == pytest.approx([summed[t] for t in sorted(summed)])
    assert fresh.tolist() == sorted(set(da) - set(db))
    assert cross == pytest.approx(plain)


def test_add_sparse_without_new_terms_updates_in_place():
    ids = np.array([3, 7, 9], dtype=np.uint32)
    vals = np.array([1.0, 2.0, 3.0])
    out_ids, out_vals, fresh, cross = kernels.add_sparse(ids, vals, ids[1:].copy(), np.array([0.5, 0.5]))
    assert vals.tolist() == [1.0, 2.5, 3.5] and out_vals.tolist() == [1.0, 2.5, 3.5]
    assert len(fresh) == 0 and cross == pytest.approx(2.5)


def test_tfidf_is_the_numpy_formula_on_real_articles():
    c = StreamClusterer()
    for i, art in enumerate((BASRA_RFERL, BASRA_WAPO, NEPAL_A, NEPAL_B)):
        c.add(f"a{i}", compute(art))
    stats = c.stats
    for art in (BASRA_WAPO, TURKEY_A):
        ids, tf = terms(compute(art))
        n_docs = stats.n_docs + 20 + 1  # PRIOR_DOCS
        vals = tf * np.log(n_docs / (stats.df(ids) + 0.5))
        keep = vals > 0
        want = vals[keep] / math.sqrt(float(np.dot(vals, vals)))
        got_ids, got_vals = stats.weigh(ids, tf)
        assert got_ids.tolist() == ids[keep].tolist()
        assert got_vals == pytest.approx(want)
        assert float(np.dot(got_vals, got_vals)) == pytest.approx(float(np.dot(want, want)))


def test_tfidf_drops_terms_in_every_document_and_empties_a_weightless_vector():
    df = np.zeros(16, dtype=np.int32)
    df[[1, 2]] = 10
    ids, vals = kernels.tfidf(np.array([1, 2, 3], dtype=np.uint32), np.ones(3), df, 15, 10.0, 1.0)
    raw = np.log(10.0 / np.array([10.5, 10.5, 0.5]))  # the norm counts the dropped weights, as numpy's did
    assert ids.tolist() == [3] and vals.tolist() == pytest.approx([raw[2] / np.linalg.norm(raw)])
    ids, vals = kernels.tfidf(np.array([1, 2], dtype=np.uint32), np.ones(2), df, 15, 10.0, 1.0)
    assert len(ids) == 0 and len(vals) == 0


def test_count_terms_counts_every_slot():
    df = np.zeros(8, dtype=np.int32)
    kernels.count_terms(df, np.array([1, 9, 2], dtype=np.uint32), 7)  # 1 and 9 share slot 1
    assert df.tolist() == [0, 2, 1, 0, 0, 0, 0, 0]


@pytest.mark.parametrize("seed", SEEDS)
def test_gram_is_the_dense_product(seed):
    rng = np.random.default_rng(seed)
    vecs = [_sparse(rng, int(rng.integers(0, 200)), universe=400) for _ in range(int(rng.integers(1, 12)))]
    dense = np.zeros((len(vecs), 400))
    for row, (ids, vals) in enumerate(vecs):
        dense[row, ids] = vals
    starts = np.concatenate([[0], np.cumsum([len(v[0]) for v in vecs])])
    got = kernels.gram(np.concatenate([v[0] for v in vecs]), np.concatenate([v[1] for v in vecs]), starts)
    assert got == pytest.approx(dense @ dense.T)


def test_gram_of_real_articles_is_their_cosines():
    vecs = _real_vectors()
    starts = np.concatenate([[0], np.cumsum([len(v[0]) for v in vecs])])
    got = kernels.gram(np.concatenate([v[0] for v in vecs]), np.concatenate([v[1] for v in vecs]), starts)
    assert np.diag(got) == pytest.approx(np.ones(len(vecs)))  # unit vectors
    d = [_as_dict(v) for v in vecs]
    assert got[0, 1] == pytest.approx(sum(x * d[1].get(t, 0.0) for t, x in d[0].items()))
    assert got[0, 1] > got[0, 2]  # the two Basra reports are closer to each other than to an earthquake


@pytest.mark.parametrize("seed", SEEDS)
def test_union_sorted_is_union1d(seed):
    rng = np.random.default_rng(seed)
    a = np.unique(rng.integers(0, 100, size=int(rng.integers(0, 50)))).astype(np.uint32)
    b = np.unique(rng.integers(0, 100, size=int(rng.integers(0, 50)))).astype(np.uint32)
    assert kernels.union_sorted(a, b).tolist() == np.union1d(a, b).tolist()


def _two_means_plain(gram: np.ndarray, seeds: int, iterations: int) -> tuple[list[int], float]:
    """Spherical 2-means on a Gram matrix in plain numpy (what the kernel replaced)."""

    def length(ind: np.ndarray) -> float:
        return math.sqrt(max(float(ind @ gram @ ind), 0.0))

    n = len(gram)
    best = None
    for a in np.argsort(gram.sum(axis=1), kind="stable")[:seeds]:
        b = int(np.argmin(gram[a]))
        in0, in1 = np.zeros(n), np.zeros(n)
        in0[a], in1[b] = 1.0, 1.0
        labels = np.full(n, -1)
        for _ in range(iterations):
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
    _, labels, in0, in1 = best
    den = length(in0) * length(in1)
    cos = float(in0 @ gram @ in1) / den if den else 0.0
    return labels.tolist(), math.sqrt(max(cos, 0.0))


@pytest.mark.parametrize("seed", SEEDS)
def test_two_means_is_the_plain_algorithm(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 40))
    # two overlapping groups of unit vectors over 60 terms, with noise
    centres = rng.random((2, 60)) ** 4
    rows = centres[rng.integers(0, 2, size=n)] + 0.3 * rng.random((n, 60)) ** 4
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    gram = rows @ rows.T
    labels, cos = kernels.two_means_gram(gram, 3, 6)
    want_labels, want_cos = _two_means_plain(gram, 3, 6)
    assert labels.tolist() == want_labels
    assert cos == pytest.approx(want_cos)


def test_kernels_work_where_numba_has_nowhere_to_cache(tmp_path):
    # Only the user-provided cache locator, and no NUMBA_CACHE_DIR: numba finds no
    # place to cache and refuses cache=True at import; the kernels must compile
    # without a cache instead (a read-only install with no writable home).
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["NUMBA_CACHE_LOCATOR_CLASSES"] = "UserProvidedCacheLocator"
    code = (
        "import numpy as np\n"
        "from storyscope.cluster import kernels\n"
        "print(kernels.union_sorted(np.array([1, 3], dtype=np.uint32), np.array([2], dtype=np.uint32)).tolist())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[1, 2, 3]"


@pytest.mark.parametrize("seed", SEEDS)
def test_heaviest_first_is_the_stable_argsort(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    ids = np.unique(rng.integers(0, 2**32, size=n)).astype(np.uint32)
    vals = rng.choice([0.1, 0.2, 0.3, 0.25], size=len(ids)) if seed % 2 else rng.random(len(ids))  # ties or none
    k = min(16, len(ids))
    top = np.argpartition(vals, -k)[-k:] if len(vals) > k else np.arange(len(vals))
    order = top[np.argsort(-vals[top], kind="stable")]
    got_ids, got_vals = kernels.heaviest_first(ids, vals, top)
    assert got_ids.tolist() == ids[order].tolist() and got_vals.tolist() == vals[order].tolist()
    assert got_ids.dtype == np.uint32
