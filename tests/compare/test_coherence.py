"""Facts as clusters (compare/coherence.py): the local search that takes a chained sentence
out of a fact it does not fit, and lets an article's better telling of a fact take its place."""

from __future__ import annotations

import numpy as np

from storyscope.compare import coherence, facts
from storyscope.compare.similar import Pairs, Similarity

from test_align_rules import _units


def _pairs(rows):
    i, j, s = zip(*rows)
    return Pairs(np.array(i), np.array(j), np.array(s, dtype=np.float32))


def _refine(groups, rows, articles):
    return sorted(coherence.refine(groups, _pairs(rows), [frozenset(a) for a in articles],
                                   facts.REFINE_CUT, facts.REFINE_MISSING))


def test_a_sentence_chained_through_one_partner_is_taken_out():
    # 0-1 a close pair; 2 met the fact through 1 only, barely over the threshold, and is
    # unlike 0 (no neighbour pair): alone it is better than in the fact
    got = _refine([[0, 1, 2]], [(0, 1, 0.55), (1, 2, 0.28)], ["a", "b", "c"])
    assert got == [[0, 1], [2]]


def test_a_sentence_close_to_every_member_stays():
    got = _refine([[0, 1, 2]], [(0, 1, 0.55), (1, 2, 0.40), (0, 2, 0.35)], ["a", "b", "c"])
    assert got == [[0, 1, 2]]


def test_an_articles_better_telling_takes_the_place_of_its_first():
    # article a tells the fact twice (wordings 0 and 3); single link spent a's place on 0,
    # which meets only 1; 3 meets both other outlets' sentences, and swaps in
    got = _refine([[0, 1, 2], [3]], [(0, 1, 0.35), (1, 3, 0.50), (2, 3, 0.50)], ["a", "b", "c", "a"])
    assert got == [[0], [1, 2, 3]]


def test_a_fact_never_holds_two_sentences_of_one_article():
    rows = [(0, 1, 0.5), (1, 2, 0.5), (0, 2, 0.5), (2, 3, 0.6), (1, 3, 0.6)]
    for groups in ([[0, 1, 2], [3]], [[0, 1], [2, 3]], [[0], [1], [2], [3]]):
        for g in _refine(groups, rows, ["a", "b", "c", "a"]):
            assert len({"acab"[r] for r in g}) == len(g)


def test_align_with_and_without_the_search_on_written_sentences(monkeypatch):
    """Outlets' sentences written for this test: the search keeps the clear facts joined,
    and with the bound set to nothing align is single link as before."""
    texts = {
        "a": "Floods closed the main bridge into the city on Tuesday. The mayor asked residents "
             "to stay home. Schools will stay shut until the water goes down.",
        "b": "The main bridge into the city was closed by floods on Tuesday. Schools will remain "
             "shut until the water recedes, officials said. Shops on the river front were empty.",
        "c": "Residents were told by the mayor to stay at home. Floodwater closed the city's main "
             "bridge on Tuesday.",
    }
    units = _units(texts)
    monkeypatch.setattr(facts, "REFINE", True)  # off by default (facts.py says why)
    called = []
    real = coherence.refine
    monkeypatch.setattr(coherence, "refine", lambda *a, **k: called.append(1) or real(*a, **k))
    on = facts.align(units, Similarity(units))
    assert called
    monkeypatch.setattr(coherence, "MAX_WORDINGS", 0)
    off = facts.align(units, Similarity(units))
    assert len(called) == 1  # past the bound the search is not run

    def grouped(fs):
        return sorted(sorted(u.text for u in f.units) for f in fs)

    bridge = [f for f in on if len(f.units) == 3]
    assert bridge and all(len({u.article_id for u in f.units}) == 3 for f in bridge)
    assert any("bridge" in u.text for f in bridge for u in f.units)
    assert grouped(on) == grouped(off)  # clear facts: nothing to move
