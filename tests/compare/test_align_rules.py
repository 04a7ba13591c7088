"""Session 8's alignment rules on sentences written for this test (no gold or sample
text): figures tokenised whole, and a refusal to disclose as a shared claim."""

from __future__ import annotations

import pytest

from storyscope.compare.similar import Similarity
from storyscope.compare.text import words
from storyscope.compare.units import WITHHELD_TOKEN

from compare_helpers import units_of


def test_figures_are_whole_tokens():
    assert words("The singer, 33, is resting.") == ["the", "singer", "33", "is", "resting"]
    assert words("He improved to 52-3 with 1,000 fans watching") == [
        "he", "improved", "to", "52-3", "with", "1,000", "fans", "watching"]



@pytest.mark.parametrize("text", [
    "The spokesman would not say where the minister was staying.",
    "A police spokeswoman declined to reveal the suspect's name.",
    "The company did not disclose how much it paid for the site.",
    "Officials refused to confirm the number of arrests.",
])
def test_a_refusal_to_disclose_is_a_token(text):
    assert WITHHELD_TOKEN in units_of({"a": text})[0].tokens


@pytest.mark.parametrize("text", [
    "The minister said he would stay in the capital.",
    "She did not expect the vote to pass so quickly.",
    "The company will disclose its results on Friday.",
])
def test_no_refusal_no_token(text):
    assert WITHHELD_TOKEN not in units_of({"a": text})[0].tokens


def test_a_refusal_told_in_other_words_aligns_closer():
    """Two outlets' "would not say" / "declined to reveal" sentences score higher with the
    token than the same sentences without it."""
    units = units_of({
        "a": "The coach would not say why the striker was left out of the squad.",
        "b": "The club declined to reveal why its striker was dropped from the squad.",
        "c": "The striker scored twice in the final of the cup last season.",
    })
    sim = Similarity(units)
    with_token = sim.block([0, 1])[0, 1]
    plain = [u.__class__(**{**u.__dict__, "tokens": tuple(t for t in u.tokens if t != WITHHELD_TOKEN)})
             for u in units]
    without = Similarity(plain).block([0, 1])[0, 1]
    assert with_token > without + 0.02


def test_a_claim_told_with_its_rejection_aligns_with_the_claim():
    """A sentence that tells a claim and, in a contrast after it, its rejection joins the
    other outlet's telling of the claim (its main clause asserts), while a sentence whose
    main clause denies stays apart from the claim."""
    from storyscope.compare.facts import align

    units = units_of({
        "a": "The city hailed the new harbour wall as a shield against winter storms but critics dismissed it "
             "as a waste of money.\n\nThe wall cost the council eleven million pounds.",
        "b": "City officials presented the new harbour wall as a shield against the winter storms.\n\n"
             "Engineers said the harbour wall would last for a century.",
        "c": "The council denied that the new harbour wall was a shield against winter storms.",
    })
    assert units[0].denial and not units[0].main_denial
    assert units[-1].main_denial
    facts = align(units, Similarity(units))
    fact_of = {u.index: k for k, f in enumerate(facts) for u in f.units}
    assert fact_of[units[0].index] == fact_of[units[2].index]
    assert fact_of[units[-1].index] != fact_of[units[0].index]


def test_a_refusal_to_disclose_is_a_shared_specific():
    """Two outlets' refusals to disclose are a specific the two wordings share (similar.py
    anchors), as a figure or a day is: a mutual best pair under the threshold may join."""
    from storyscope.compare.similar import _anchors_of

    refusal = units_of({"a": "The coach would not say why the striker was left out of the squad."})[0]
    plain = units_of({"a": "The coach said the striker was left out of the squad."})[0]
    assert WITHHELD_TOKEN in _anchors_of(refusal.tokens)
    assert not _anchors_of(plain.tokens)
