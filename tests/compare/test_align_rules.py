"""Session 8's alignment rules on sentences written for this test (no gold or sample
text): figures tokenised whole, a refusal to disclose as a shared claim, and the
average-link check that keeps a chance partner out of a fact."""

from __future__ import annotations

import pytest

from storyscope.compare import facts as facts_module
from storyscope.compare.facts import align
from storyscope.compare.similar import Similarity
from storyscope.compare.text import words
from storyscope.compare.units import WITHHELD_TOKEN, make_units
from storyscope.model import Article, Enrichment


def test_figures_are_whole_tokens():
    assert words("The singer, 33, is resting.") == ["the", "singer", "33", "is", "resting"]
    assert words("He improved to 52-3 with 1,000 fans watching") == [
        "he", "improved", "to", "52-3", "with", "1,000", "fans", "watching"]


def _units(texts: dict[str, str]):
    units = []
    for aid, text in texts.items():
        art = Article(id=aid, text=text, language="en")
        units += make_units(art, Enrichment(aid, (), (), (), ()), aid, {}, len(units))
    return units


@pytest.mark.parametrize("text", [
    "The spokesman would not say where the minister was staying.",
    "A police spokeswoman declined to reveal the suspect's name.",
    "The company did not disclose how much it paid for the site.",
    "Officials refused to confirm the number of arrests.",
])
def test_a_refusal_to_disclose_is_a_token(text):
    assert WITHHELD_TOKEN in _units({"a": text})[0].tokens


@pytest.mark.parametrize("text", [
    "The minister said he would stay in the capital.",
    "She did not expect the vote to pass so quickly.",
    "The company will disclose its results on Friday.",
])
def test_no_refusal_no_token(text):
    assert WITHHELD_TOKEN not in _units({"a": text})[0].tokens


def test_a_refusal_told_in_other_words_aligns_closer():
    """Two outlets' "would not say" / "declined to reveal" sentences score higher with the
    token than the same sentences without it."""
    units = _units({
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


def test_a_partner_of_one_member_only_does_not_join_a_fact(monkeypatch):
    """Two outlets report one closure; a third outlet's sentence reports another closure
    in like words, close to one of the two and farther from the other. Single link makes
    the three one fact; with the average-link check at a floor above the third sentence's
    mean similarity to the two, the pair stays a fact of its own and the third stays out."""
    units = _units({
        "a": "Officials confirmed that the old river bridge will close for repairs in March.\n\n"
             "Traffic will be sent through the eastern ring road.\n\nShops near the bridge fear a quiet spring.",
        "b": "The old river bridge will close in March for repairs, city officials confirmed.\n\n"
             "A ferry service is planned for pedestrians.\n\nThe work is expected to cost four million pounds.",
        "c": "City officials confirmed that the old town library will close in March as well.\n\n"
             "The library's books will move to the school hall.\n\nReaders have started a petition.",
    })
    sim = Similarity(units)
    a, b, c = (next(u.index for u in units if u.article_id == x and u.position == 0) for x in "abc")
    block = sim.block([a, b, c])
    near, far = max(block[0, 2], block[1, 2]), min(block[0, 2], block[1, 2])
    threshold = float(near + far) / 2  # c pairs with one of a, b only
    assert block[0, 1] > threshold >= far
    monkeypatch.setattr(facts_module, "LINK_FLOOR", 0.0)
    assert any(len(f.units) == 3 for f in align(units, sim, threshold=threshold))
    monkeypatch.setattr(facts_module, "LINK_FLOOR", float(near + far) / 2 + 0.01)
    kept = align(units, sim, threshold=threshold)
    assert {u.article_id for f in kept for u in f.units if len(f.units) > 1} == {"a", "b"}
