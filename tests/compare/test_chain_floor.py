"""Session 12's complete-link check (facts.CHAIN_FLOOR) on sentences written for this test (no
gold or sample text): a sentence that states two things joins one of them, and a third
outlet's sentence about the other thing must not ride into that fact through it."""

from __future__ import annotations

from storyscope.compare import facts
from storyscope.compare.similar import Similarity

from test_align_rules import _units

# b tells both the killing (a) and the rallies (c); a and c share nothing
STORY = {
    "a": "A teenager was killed in the police shooting in Athens on Saturday.",
    "b": "Students announced new rallies after the police shooting of a teenager in Athens on Saturday.",
    "c": "Students announced new rallies in front of parliament as unions announced more rallies.",
}


def _groups(units) -> list[set[str]]:
    return [{u.article_id for u in f.units} for f in facts.align(units, Similarity(units))]


def test_the_sentences_pair_as_the_test_needs():
    units = _units(STORY)
    sim = Similarity(units).block([0, 1, 2])
    assert sim[0, 1] >= facts.ALIGN_THRESHOLD and sim[1, 2] >= facts.ALIGN_THRESHOLD
    assert sim[0, 2] < facts.MUTUAL_THRESHOLD


def test_a_third_sentence_does_not_join_through_one_partner():
    groups = _groups(_units(STORY))
    assert {"a", "b"} in groups
    assert {"c"} in groups


def test_single_link_alone_would_chain_them(monkeypatch):
    """The check is what keeps them apart: without it the three are one fact."""
    monkeypatch.setattr(facts, "CHAIN_FLOOR", None)
    assert _groups(_units(STORY)) == [{"a", "b", "c"}]


def test_a_fact_all_of_whose_pairs_are_close_still_grows():
    """Three outlets telling one thing: every pair is close, so the fact takes all three."""
    units = _units({
        "a": "A teenager was killed in the police shooting in Athens on Saturday.",
        "b": "Police shot and killed a teenager in Athens on Saturday.",
        "c": "A teenager was shot dead by police in Athens on Saturday night.",
    })
    assert {"a", "b", "c"} in _groups(units)
