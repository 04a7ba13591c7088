"""Session 14's chain floor: a join that chains never puts two wordings scoring under
facts.CHAIN_FLOOR in one fact; and Similarity.cross, the score it reads, equals block's."""

from __future__ import annotations

import numpy as np
import pytest

from storyscope.compare import facts as facts_module
from storyscope.compare.facts import align
from storyscope.compare.similar import Pairs, Similarity

from compare_helpers import units_of


class _MatrixSim:
    """A Similarity whose scores are given (one wording per unit): align's contract only."""

    has_paraphrase = False
    has_embedding = True
    anchors = None

    def __init__(self, units, scores: np.ndarray):
        self.texts = [u.text for u in units]
        self.row = np.arange(len(units))
        self.scores = scores

    def neighbours(self, threshold, group, apart):
        n = len(self.texts)
        i, j = np.triu_indices(n, 1)
        keep = (self.scores[i, j] >= threshold) & (group[i] == group[j]) & (apart[i] != apart[j])
        i, j, s = i[keep], j[keep], self.scores[i, j][keep]
        order = np.lexsort((j, i, -s))
        return Pairs(i[order], j[order], s[order])

    def piece_neighbours(self, threshold, group, apart):
        empty = np.zeros(0, dtype=np.int64)
        return Pairs(empty, empty, np.zeros(0, dtype=np.float32))

    piece_pairs = piece_neighbours
    piece_of = np.zeros(0, dtype=np.int64)

    def cross(self, a, b):
        return self.scores[np.ix_(a, b)]


def _three():
    return units_of({
        "a": "The harbour wall was finished on Monday after two years of work.",
        "b": "Workers completed the harbour wall this week, two years after it began.",
        "c": "The mayor opened the new library on the square this week.",
    })


def _facts_of(facts):
    return sorted(sorted(u.article_id for u in f.units) for f in facts)


@pytest.mark.parametrize("ac, joined", [(-0.2, False), (-0.01, False), (0.0, True), (0.05, True)])
def test_a_chained_join_needs_every_pair_over_the_floor(ac, joined):
    """a-b and b-c score over the threshold; c joins a's and b's fact only when it is not
    less alike than the story's average with a too."""
    units = _three()
    scores = np.array([[1.0, 0.6, ac], [0.6, 1.0, 0.4], [ac, 0.4, 1.0]], dtype=np.float32)
    facts = align(units, _MatrixSim(units, scores))
    assert _facts_of(facts) == ([["a", "b", "c"]] if joined else [["a", "b"], ["c"]])


def test_without_the_floor_single_link_chains(monkeypatch):
    monkeypatch.setattr(facts_module, "CHAIN_FLOOR", None)
    units = _three()
    scores = np.array([[1.0, 0.6, -0.2], [0.6, 1.0, 0.4], [-0.2, 0.4, 1.0]], dtype=np.float32)
    assert _facts_of(align(units, _MatrixSim(units, scores))) == [["a", "b", "c"]]


def test_a_fact_past_chain_max_grows_by_single_link(monkeypatch):
    """The check is bounded: a join making a fact of more than CHAIN_MAX wordings is not checked."""
    monkeypatch.setattr(facts_module, "CHAIN_MAX", 2)
    units = _three()
    scores = np.array([[1.0, 0.6, -0.2], [0.6, 1.0, 0.4], [-0.2, 0.4, 1.0]], dtype=np.float32)
    assert _facts_of(align(units, _MatrixSim(units, scores))) == [["a", "b", "c"]]


def test_the_refused_wording_still_joins_a_fact_it_fits():
    """A wording refused by one fact still pairs with another article's wording it is like."""
    units = units_of({
        "a": "The harbour wall was finished on Monday after two years of work.",
        "b": "Workers completed the harbour wall this week, two years after it began.",
        "c": "The mayor opened the new library on the square this week.",
        "d": "A new library was opened by the mayor on the town square.",
    })
    scores = np.array([[1.0, 0.6, -0.2, 0.0], [0.6, 1.0, 0.4, 0.0],
                       [-0.2, 0.4, 1.0, 0.35], [0.0, 0.0, 0.35, 1.0]], dtype=np.float32)
    assert _facts_of(align(units, _MatrixSim(units, scores))) == [["a", "b"], ["c", "d"]]


def test_cross_equals_block():
    units = units_of({
        "a": "Firefighters put out the blaze at the warehouse on Tuesday night. No one was hurt. "
             "The owner said 40 people worked there.",
        "b": "A fire destroyed a warehouse on Tuesday. Nobody was injured, officials said. "
             "About 40 workers were employed at the site.",
        "c": "The warehouse had been empty since March, a neighbour said.",
    })
    sim = Similarity(units)
    rows = list(range(len(sim.texts)))
    first = {int(sim.row[u.index]): u.index for u in reversed(units)}
    block = sim.block([first[r] for r in rows])
    cross = sim.cross(rows, rows)
    off = ~np.eye(len(rows), dtype=bool)  # block leaves a wording's own anchors out
    assert np.allclose(cross[off], block[off], atol=1e-5)
    assert np.allclose(sim.cross([0, 2], [1]), block[np.ix_([0, 2], [1])], atol=1e-5)
