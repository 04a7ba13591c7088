"""The batched paths of a big story's brief (session 12, issue 13) give exactly what the
one-at-a-time paths gave: ``_best_over`` picks what a full ``argpartition`` of each row
picked, ties included, and ``Similarity.blocks`` equals each small block to the bit."""

from __future__ import annotations

import numpy as np

from storyscope.compare import facts, similar
from storyscope.compare.similar import Similarity, _best_over

from compare_helpers import DATA, RFERL, WAPO
from compare_helpers import units_of


def _argpartition_pick(sim: np.ndarray, threshold: float) -> set[tuple[int, int]]:
    """The pick as _top_pairs made it before: each row's NEIGHBOURS best by argpartition,
    then those at least the threshold."""
    k = similar.NEIGHBOURS
    if sim.shape[1] <= k:
        rows, cols = np.nonzero(sim >= threshold)
        return set(zip(rows.tolist(), cols.tolist()))
    top = np.argpartition(-sim, k, axis=1)[:, :k]
    rows = np.repeat(np.arange(sim.shape[0]), k)
    cols = top.ravel()
    keep = sim[rows, cols] >= threshold
    return set(zip(rows[keep].tolist(), cols[keep].tolist()))


def test_best_over_picks_what_argpartition_picks_ties_included():
    rng = np.random.default_rng(12)
    # coarse values: many rows have ties at their NEIGHBOURS-th best value; rows of few
    # and of many entries over the threshold, and masked -1 entries as _top_pairs sets them
    sim = (np.round(rng.random((300, 700)) * rng.random((300, 1)) * 20) / 20).astype(np.float32)
    sim[rng.random(sim.shape) < 0.2] = -1.0
    rows, cols = _best_over(sim, 0.3)
    assert set(zip(rows.tolist(), cols.tolist())) == _argpartition_pick(sim, 0.3)
    assert np.all(np.diff(rows) >= 0)  # rows in order
    over = (sim >= 0.3).sum(axis=1)
    assert (over > similar.NEIGHBOURS).any() and (over <= similar.NEIGHBOURS).any()
    # and some row is tied at its NEIGHBOURS-th best value (the fallback is taken)
    ordered = -np.sort(-sim, axis=1)
    k = similar.NEIGHBOURS
    assert ((over > k) & (ordered[:, k - 1] == ordered[:, k])).any()
    assert ((over > k) & (ordered[:, k - 1] > ordered[:, k])).any()


def test_best_over_with_distinct_values_and_few_columns():
    rng = np.random.default_rng(13)
    sim = rng.random((50, 2000)).astype(np.float32)
    rows, cols = _best_over(sim, 0.9)
    assert set(zip(rows.tolist(), cols.tolist())) == _argpartition_pick(sim, 0.9)
    narrow = rng.random((20, similar.NEIGHBOURS)).astype(np.float32)
    rows, cols = _best_over(narrow, 0.5)
    assert set(zip(rows.tolist(), cols.tolist())) == _argpartition_pick(narrow, 0.5)


def _one_block(sim: Similarity, units: list[int]) -> np.ndarray:
    """Similarity.block as it was computed before the batch (one small product per call)."""
    rows = sim.row[units]
    out = (sim.left[rows] @ sim.right[rows].T).toarray()
    if sim.emb is not None:
        e = sim.emb[rows]
        out = (1.0 - sim.embed_weight) * out + sim.embed_weight * (e @ e.T)
    if sim.anchors is not None:
        a = sim.anchors[rows]
        bonus = similar._anchor_bonus((a @ a.T).toarray())
        np.fill_diagonal(bonus, 0.0)
        out += bonus
    return out


def test_blocks_equal_the_small_blocks_bit_for_bit():
    texts = {aid: (DATA / f"{aid}.txt").read_text(encoding="utf-8") for aid in (RFERL, WAPO)}
    units = units_of(texts)
    sim = Similarity(units)
    rng = np.random.default_rng(14)
    groups = [rng.choice(len(units), size=int(rng.integers(1, 25)), replace=False).tolist() for _ in range(40)]
    groups += [[], [0], [3, 3, 7]]
    for group, got in zip(groups, sim.blocks(groups)):
        want = _one_block(sim, group)
        assert got.dtype == want.dtype and got.shape == want.shape
        assert np.array_equal(got, want)


def _old_representative(fact: facts.Fact, sim: Similarity):
    """facts.representative as it was before the batch (its own small block)."""
    from storyscope.compare.alone import stands_alone

    if len(fact.units) <= 2:
        return min(fact.units, key=lambda u: (not stands_alone(u.text), len(u.text) > 300, u.position,
                                              len(u.text)))
    pool = fact.units[:facts.REPRESENTATIVE_POOL]
    rows, first, counts = np.unique(sim.row[[u.index for u in pool]], return_index=True, return_counts=True)
    if len(rows) == 1:
        return pool[0]
    scores = _one_block(sim, [pool[k].index for k in first]) @ counts
    best = max(range(len(rows)), key=lambda i: (stands_alone(pool[first[i]].text),
                                                 round(float(scores[i]), 3), -len(pool[first[i]].text)))
    return pool[first[best]]


def test_representatives_in_one_batch_are_those_found_one_by_one():
    texts = {aid: (DATA / f"{aid}.txt").read_text(encoding="utf-8") for aid in (RFERL, WAPO)}
    units = units_of(texts)
    sim = Similarity(units)
    found = facts.align(units, sim)
    # facts of many wordings too, so that the pool's block path is taken
    made = [facts.Fact(units=units[k: k + 9]) for k in range(0, len(units) - 9, 7)]
    assert made
    every = found + made
    assert facts.representatives(every, sim) == [_old_representative(f, sim) for f in every]
