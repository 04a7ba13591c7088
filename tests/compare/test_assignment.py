"""Session 10's alignment rules on sentences written for this test (no gold or sample text):
shared specifics (figures, ordinals, days) as evidence, and a pair under the threshold
joined when its two sentences are each other's best partner in the other's article."""

from __future__ import annotations

import numpy as np
import pytest

from storyscope.compare import facts, similar
from storyscope.compare.similar import Pairs, Similarity, _anchors_of

from compare_helpers import units_of

RAIL_A = (
    "A freight train left the tracks outside the town late on Sunday. "
    "Inspectors blamed a cracked axle for the derailment of the 14-car train. "
    "Nobody was hurt, the railway company said. "
    "The line reopened to passenger traffic two days later."
)
RAIL_B = (
    "Rail services were suspended after the accident on the main line. "
    "Investigators said a wheel shaft under one of the {count}wagons snapped, throwing the rear "
    "of the convoy into a muddy ditch beside a farm. "
    "The company has faced criticism over its maintenance budget. "
    "Local residents described a loud bang followed by screeching metal."
)


def _joined(units, a: int, b: int) -> bool:
    return any({a, b} <= {u.index for u in f.units} for f in facts.align(units, Similarity(units)))


def test_a_shared_figure_and_mutual_best_join_a_pair_under_the_threshold():
    """The cause of a derailment told in other words ("cracked axle" / "wheel shaft
    snapped"): the two sentences share only the figure; each is the other's closest in
    the other article, so they are one fact although they score under the threshold."""
    units = units_of({"a": RAIL_A, "b": RAIL_B.format(count="14 ")})
    score = Similarity(units).block([1, 5])[0, 1]
    assert facts.MUTUAL_THRESHOLD <= score < facts.ALIGN_THRESHOLD
    assert _joined(units, 1, 5)


def test_without_the_shared_figure_the_pair_stays_apart():
    units = units_of({"a": RAIL_A, "b": RAIL_B.format(count="")})
    assert Similarity(units).block([1, 5])[0, 1] < facts.ALIGN_THRESHOLD
    assert not _joined(units, 1, 5)


def test_a_shared_figure_raises_the_similarity_by_the_bonus(monkeypatch):
    units = units_of({"a": RAIL_A, "b": RAIL_B.format(count="14 ")})
    with_anchor, bonus = Similarity(units).block([1, 5])[0, 1], similar.ANCHOR_BONUS
    monkeypatch.setattr(similar, "ANCHOR_BONUS", 0.0)
    without = Similarity(units).block([1, 5])[0, 1]
    assert with_anchor == pytest.approx(without + bonus, abs=1e-4)


def test_an_anchor_most_sentences_carry_is_no_evidence(monkeypatch):
    """A figure in most of the story's sentences (the toll every line repeats) adds nothing;
    the same figure in two sentences of four is evidence."""
    toll = units_of({
        "a": "The quake killed 40 people in the valley. Rescuers dug 40 bodies out of the rubble.",
        "b": "Officials put the toll at 40 people. A second tremor shook the town on Monday.",
    })
    rare = units_of({
        "a": "The quake killed 40 people in the valley. Rescuers worked through the night.",
        "b": "Officials put the toll at 40 people. A second tremor shook the town on Monday.",
    })
    got = {name: Similarity(us).block([0, 2])[0, 1] for name, us in (("toll", toll), ("rare", rare))}
    bonus = similar.ANCHOR_BONUS
    monkeypatch.setattr(similar, "ANCHOR_BONUS", 0.0)
    plain = {name: Similarity(us).block([0, 2])[0, 1] for name, us in (("toll", toll), ("rare", rare))}
    assert got["toll"] == pytest.approx(plain["toll"], abs=1e-6)
    # "40 people" is two anchors: the figure and the quantity the number parser reads
    assert got["rare"] == pytest.approx(plain["rare"] + 2 * bonus, abs=1e-4)


@pytest.mark.parametrize("text, anchor", [
    ("The champion won in the sixth round.", "sixth"),
    ("The vote was held on Sunday across the country.", "sunday"),
    ("The club paid $160 million for the stadium.", "num:1.6e+08"),
    ("He improved his record to 52-3 last night.", "52-3"),
])
def test_specifics_are_anchors(text, anchor):
    assert anchor in _anchors_of(units_of({"a": text})[0].tokens)


@pytest.mark.parametrize("text", [
    "She won the title for the fifth time in her career.",
    "The team lost for the third straight season.",
])
def test_an_ordinal_that_counts_times_is_no_anchor(text):
    found = _anchors_of(units_of({"a": text})[0].tokens)
    assert not found & similar.ANCHOR_WORDS


def _pairs(triples):
    i, j, s = zip(*triples)
    return Pairs(np.array(i), np.array(j), np.array(s, dtype=np.float32))


def test_mutual_best_needs_both_sides_best_in_the_others_article():
    # wordings 0, 1 in article 0; 2, 3 in article 1
    article = np.array([0, 0, 1, 1])
    pairs = _pairs([(0, 2, 0.25), (1, 2, 0.22), (1, 3, 0.20), (0, 3, 0.10)])
    got = facts._mutual_best(pairs, article, 0.0).tolist()
    # (0, 2): 0's best in article 1 is 2, 2's best in article 0 is 0; (1, 2): 2 prefers 0;
    # (1, 3): 1's best in article 1 is 2 (0.22 > 0.20): not mutual; (0, 3): 0 prefers 2
    assert got == [True, False, False, False]
    # with a margin of 0.05 over the runner-up, (0, 2) is too close to (1, 2) on 2's side
    assert facts._mutual_best(pairs, article, 0.05).tolist() == [False, False, False, False]
