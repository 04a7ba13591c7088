"""The split check's compiled parts give the floats and labels of the numpy code they replaced.

Session 13 moved the check's Gram matrix, graph, Laplacian, blocks and kNN
purity into compiled kernels and weighs the members in one call; the
eigenproblem is still numpy's ``eigh`` (its eigenvector's sign decides which half
moves). Each test compares with the numpy form of session 12, kept here as the
reference: the same labels and the same floats, compared with ``==``.
"""

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from news_fixtures import (  # noqa: E402
    EVERY_ARTICLE,
    NEPAL_A,
    NEPAL_A_COPY,
    NEPAL_B,
    NEPAL_C,
    SULAWESI,
    TURKEY_A,
    TURKEY_B,
    TURKEY_MONTH_LATER,
    weighed_vectors,
)

from storyscope.cluster import StreamClusterer, kernels, split, stream  # noqa: E402
from storyscope.cluster import vectors  # noqa: E402
from storyscope.cluster.vectors import terms  # noqa: E402
from storyscope.features import compute  # noqa: E402
from storyscope.model import Article  # noqa: E402

SEEDS = range(40)
ARTICLES = EVERY_ARTICLE


# -- the reference: session 12's numpy code ------------------------------------------------


def _gram_merge(vecs):
    """Entry (i, j): the dot product by a merge of the two ascending id lists."""
    n = len(vecs)
    out = np.zeros((n, n))
    for a, (ai, av) in enumerate(vecs):
        out[a, a] = sum((x * x for x in av.tolist()), 0.0)
        for b in range(a + 1, n):
            bi, bv = vecs[b]
            i = j = 0
            s = 0.0
            while i < len(ai) and j < len(bi):
                if ai[i] < bi[j]:
                    i += 1
                elif bi[j] < ai[i]:
                    j += 1
                else:
                    s += float(av[i]) * float(bv[j])
                    i += 1
                    j += 1
            out[a, b] = out[b, a] = s
    return out


def _spectral_numpy(gram):
    a = np.clip(gram, 0.0, None)
    np.fill_diagonal(a, 0.0)
    d = a.sum(axis=1)
    d[d == 0.0] = 1e-9
    lap = np.eye(len(gram)) - a / np.sqrt(d[:, None] * d[None, :])
    _, vec = np.linalg.eigh(lap)
    return (vec[:, 1] / np.sqrt(d) > 0.0).astype(np.int64)


def _cut_numpy(gram):
    gram = gram.copy()
    n = len(gram)
    labels = _spectral_numpy(gram)
    side = labels.astype(bool)
    if side.all() or not side.any():
        return split.Cut(labels, 1.0, 0.0, 1.0)
    across = gram[np.ix_(~side, side)]
    within = gram[np.ix_(~side, ~side)].sum() * gram[np.ix_(side, side)].sum()
    cos = across.sum() / math.sqrt(within) if within > 0.0 else 0.0
    score = math.sqrt(cos) if cos > 0.0 else 0.0
    np.fill_diagonal(gram, -np.inf)
    k = max(1, min(split.NEIGHBOURS, n // 4))
    nearest = np.argsort(-gram, axis=1, kind="stable")[:, :k]
    purity = float((labels[nearest] == labels[:, None]).mean())
    return split.Cut(labels, float(score), purity, float(across.mean()))


def _assert_same_cut(got, want):
    assert got.labels.tolist() == want.labels.tolist()
    assert (got.score, got.purity, got.cross) == (want.score, want.purity, want.cross)


# -- inputs ---------------------------------------------------------------------------------


def _two_events(rng, n):
    """n sparse unit vectors from two overlapping vocabularies (a story of two events),
    some of them repeated (copies: equal rows, ties among the nearest)."""
    vecs = []
    for i in range(n):
        if vecs and rng.random() < 0.15:
            vecs.append(vecs[int(rng.integers(len(vecs)))])
            continue
        lo = 0 if rng.random() < 0.5 else 150
        ids = np.unique(rng.integers(lo, lo + 250, size=int(rng.integers(5, 60)))).astype(np.uint32)
        vals = rng.random(len(ids)) + 0.01
        vecs.append((ids, vals / np.linalg.norm(vals)))
    return vecs


def _real_vectors():
    """The fixture articles weighed as the stream weighs a story's members."""
    return weighed_vectors(ARTICLES)


# -- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_gram_is_the_merge_to_the_last_bit(seed):
    rng = np.random.default_rng(seed)
    vecs = _two_events(rng, int(rng.integers(1, 40)))
    got = split._gram(vecs)
    assert np.array_equal(got, _gram_merge(vecs))


def test_gram_of_vectors_with_no_terms_and_of_none():
    empty = (np.zeros(0, np.uint32), np.zeros(0))
    vecs = [empty, (np.array([3, 9], np.uint32), np.array([0.6, 0.8])), empty]
    assert np.array_equal(split._gram(vecs), _gram_merge(vecs))
    assert kernels.gram(np.zeros(0, np.uint32), np.zeros(0), np.zeros(1, np.int64)).shape == (0, 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_weigh_rows_is_weigh_row_by_row(seed):
    rng = np.random.default_rng(seed)
    c = StreamClusterer()
    for i, a in enumerate(ARTICLES):
        c.add(f"a{i}", compute(a))
    stats = c.stats
    rows = [terms(compute(ARTICLES[int(j)])) for j in rng.integers(0, len(ARTICLES), size=int(rng.integers(1, 20)))]
    # a row of one term in more documents than were seen (weight below 0: dropped, the row comes back empty)
    common = rows[0][0][:1]
    stats._df[common & vectors._DF_MASK] = 10**6
    rows.insert(int(rng.integers(len(rows) + 1)), (common, np.ones(1)))
    starts = np.concatenate([[0], np.cumsum([len(r[0]) for r in rows])]).astype(np.int64)
    ids = np.concatenate([r[0] for r in rows])
    tf32 = np.concatenate([r[1] for r in rows]).astype(np.float32)  # what a Member keeps
    got_ids, got_vals, got_starts = stats.weigh_rows(ids, tf32, starts)
    assert len(got_starts) == len(rows) + 1
    for r, (row_ids, row_tf) in enumerate(rows):
        want_ids, want_vals = stats.weigh(row_ids, row_tf.astype(np.float32).astype(np.float64))
        a, b = got_starts[r], got_starts[r + 1]
        assert got_ids[a:b].tolist() == want_ids.tolist()
        assert got_vals[a:b].tolist() == want_vals.tolist()
    assert any(got_starts[r] == got_starts[r + 1] for r in range(len(rows)))  # the dropped row


@pytest.mark.parametrize("seed", SEEDS)
def test_graph_and_laplacian_are_numpy_s(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 70))
    gram = rng.normal(0.1, 0.3, size=(n, n))
    gram = (gram + gram.T) / 2
    gram[rng.random((n, n)) < 0.1] = 0.0
    if n > 2:
        gram[1, :] = gram[:, 1] = -0.5  # a member like no other: degree 0
    a = np.clip(gram, 0.0, None)
    np.fill_diagonal(a, 0.0)
    assert np.array_equal(kernels.clipped_graph(gram), a)
    d = a.sum(axis=1)
    got_d = d.copy()
    got = kernels.normalised_laplacian(a, got_d)
    d[d == 0.0] = 1e-9
    assert np.array_equal(got_d, d)
    assert np.array_equal(got, np.eye(n) - a / np.sqrt(d[:, None] * d[None, :]))


@pytest.mark.parametrize("seed", SEEDS)
def test_cut_blocks_are_the_numpy_blocks_and_neighbours(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 70))
    # few distinct values: many ties among a row's nearest (the lower index first)
    gram = rng.integers(0, 4, size=(n, n)) / 4.0
    gram = np.maximum(gram, gram.T)
    labels = rng.integers(0, 2, size=n).astype(np.int64)
    labels[0], labels[-1] = 0, 1
    for k in (1, 2, 3, n):
        across, within0, within1, agree = kernels.cut_blocks(gram, labels, k)
        side = labels.astype(bool)
        for got, want in ((across, gram[np.ix_(~side, side)]), (within0, gram[np.ix_(~side, ~side)]),
                          (within1, gram[np.ix_(side, side)])):
            assert np.array_equal(got, want) and got.flags.c_contiguous and got.strides == want.strides
            assert got.sum() == want.sum()
        masked = gram.copy()
        np.fill_diagonal(masked, -np.inf)
        nearest = np.argsort(-masked, axis=1, kind="stable")[:, :k]
        assert agree == int((labels[nearest] == labels[:, None]).sum())


@pytest.mark.parametrize("seed", SEEDS)
def test_cut_is_the_numpy_cut_on_random_stories(seed):
    rng = np.random.default_rng(seed)
    vecs = _two_events(rng, int(rng.integers(8, 70)))
    _assert_same_cut(split.cut(vecs), _cut_numpy(_gram_merge(vecs)))


def test_cut_is_the_numpy_cut_on_real_articles():
    vecs = _real_vectors()
    rng = np.random.default_rng(0)
    cuts = 0
    for _ in range(60):
        # a story of 8-24 of the fixture articles, some twice (a copy)
        pick = rng.integers(0, len(vecs), size=int(rng.integers(8, 25)))
        members = [vecs[int(i)] for i in pick]
        got = split.cut(members)
        _assert_same_cut(got, _cut_numpy(_gram_merge(members)))
        cuts += 0 < int(got.labels.sum()) < len(members)
    assert cuts > 30  # the stories were cut, not all on one side


def test_blas_threads_are_given_back():
    libs = split._blas_libraries()
    before = [lib.get_num_threads() for lib in libs]
    split.cut(_real_vectors()[:8])
    assert [lib.get_num_threads() for lib in libs] == before


def _least_cross_mean(gram, min_part):
    """The least mean entry across a cut with both parts of ``min_part`` or more, over every cut."""
    n = len(gram)
    best = np.inf
    for mask in range(1, 2 ** (n - 1)):  # member n - 1 always on side 0: each cut once
        side = np.array([(mask >> i) & 1 for i in range(n)], dtype=bool)
        if min(side.sum(), n - side.sum()) >= min_part:
            best = min(best, gram[np.ix_(~side, side)].mean())
    return best


@pytest.mark.parametrize("seed", SEEDS)
def test_cross_floor_bounds_every_cut(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 13))
    gram = split._gram(_two_events(rng, n))
    for min_part in (1, 2, 4):
        floor = kernels.cross_floor(gram, min_part)
        least = _least_cross_mean(gram, min_part)
        assert floor <= least + 1e-12
        if n < 2 * min_part:
            assert floor == np.inf and least == np.inf
    # with one member unlike the rest the bound is that member's row: reached by the cut around it
    gram = np.full((6, 6), 0.8)
    gram[0, 1:] = gram[1:, 0] = 0.1
    np.fill_diagonal(gram, 1.0)
    assert kernels.cross_floor(gram, 1) == pytest.approx(0.1) == _least_cross_mean(gram, 1)


def test_copies_skip_the_cut_only_when_every_cut_would_be_declined():
    rng = np.random.default_rng(5)
    base = _real_vectors()
    skipped = 0
    for _ in range(60):
        # near-identical copies of one report (another dateline, a sentence cut: its terms reweighed a
        # little) and a few other reports, or a story of many reports
        members = [base[int(i)] for i in rng.integers(0, len(base), size=int(rng.choice([0, 1, 2, 8, 16])))]
        one = base[int(rng.integers(len(base)))]
        for _ in range(int(rng.integers(8 - min(len(members), 8), 20))):
            vals = one[1] * rng.uniform(0.7, 1.3, size=len(one[1]))
            members.append((one[0], vals / np.linalg.norm(vals)))
        gram = split._gram(members)
        if split.alike_across_every_cut(gram, stream._SPLIT_MIN_PART, stream._SPLIT_SAME):
            skipped += 1
            got = split.cut_gram(gram)
            n1 = int(got.labels.sum())
            assert min(n1, len(members) - n1) < stream._SPLIT_MIN_PART or got.cross >= stream._SPLIT_SAME
    assert 5 < skipped < 60


def _copy(i, source):
    """Copy i of a report as an outlet ran it: a dateline, a headline prefix, some with the last sentence cut."""
    text = ["KATHMANDU (Reuters) - ", "(UPI) ", "NEW DELHI (AFP) - ", ""][i % 4] + source.text
    if i % 3 == 0:
        text = text.rsplit(". ", 1)[0] + "."
    return Article(id=f"{source.id}-copy-{i}", title=f"Update {i}: {source.title}", text=text, published=source.published)


@pytest.mark.parametrize("threshold", [None, 1e-6])
def test_the_stream_assigns_the_same_with_and_without_the_skip(monkeypatch, threshold):
    # two earthquakes forced into one story by a threshold of 1e-6 (test_stream.py's MERGED_EARLY:
    # the check at 8 members cuts it), then copies of two reports; undated
    merged_early = [TURKEY_A, NEPAL_A, TURKEY_B, NEPAL_B, SULAWESI, TURKEY_MONTH_LATER, NEPAL_A_COPY, NEPAL_C]
    copies = [a for i in range(40) for a in ([_copy(i, NEPAL_A)] + ([_copy(i, TURKEY_A)] if i % 2 else []))]
    arts = [Article(id=a.id, title=a.title, text=a.text) for a in (merged_early if threshold else []) + copies]
    feats = [compute(a) for a in arts]
    settings = {} if threshold is None else {"threshold": threshold}
    used = []
    skip = stream.alike_across_every_cut

    def counted(*args):
        used.append(skip(*args))
        return used[-1]

    def run():
        c = StreamClusterer(**settings)
        return [c.add(a.id, f, a.published) for a, f in zip(arts, feats)], {a.id: c.story_of(a.id) for a in arts}

    monkeypatch.setattr(stream, "alike_across_every_cut", counted)
    with_skip = run()
    monkeypatch.setattr(stream, "alike_across_every_cut", lambda *_: False)
    assert run() == with_skip
    if threshold is None:
        assert any(used)  # stories of copies: the cut was skipped
    else:
        assert any(g.moved for g in with_skip[0])  # the two events were split
