"""A sentence that states two facts supports both (compare/units.py pieces, facts.py
``Fact.also``), on two short reports written for this test (no gold or sample text)."""

from __future__ import annotations

from storyscope.compare import build_brief
from storyscope.compare.units import _pieces
from storyscope.model import Article, Story

from compare_helpers import enrich

A = Article(
    id="a", outlet="North Courier", language="en", title="Warehouse fire in Leeds",
    text=(
        "A textile warehouse in Leeds burned down on Sunday night, and police are investigating "
        "whether the fire was started deliberately.\n\n"
        "Firefighters from four stations spent six hours on the site.\n\n"
        "The owner, Marsh Textiles, employs 40 people there."
    ),
)
B = Article(
    id="b", outlet="Yorkshire Daily", language="en", title="Leeds warehouse destroyed",
    text=(
        "A textile warehouse in Leeds was destroyed by fire on Sunday night.\n\n"
        "West Yorkshire Police said officers are investigating whether the fire was started "
        "deliberately.\n\n"
        "Marsh Textiles, which owns the building, said none of its 40 staff were hurt."
    ),
)


def test_a_compound_sentence_is_compared_piece_by_piece():
    text = A.text.split("\n\n")[0]
    pieces = [p for _, p in _pieces(text)]
    assert pieces == [
        "A textile warehouse in Leeds burned down on Sunday night",
        "and police are investigating whether the fire was started deliberately.",
    ]
    assert _pieces("Firefighters from four stations spent six hours on the site.") == []


def test_a_sentence_that_states_two_facts_supports_both():
    items = list(zip([A, B], enrich([A, B])))
    brief = build_brief(Story("s", "Leeds fire", ("a", "b"), ("North Courier", "Yorkshire Daily"), None, None),
                        items).data
    compound = A.text.split("\n\n")[0]
    fire, police = B.text.split("\n\n")[:2]
    with_compound = [f for f in brief["facts"] if any(s["sentence"] == compound for s in f["support"])]
    partners = {s["sentence"] for f in with_compound for s in f["support"] if s["article_id"] == "b"}
    assert {fire, police} <= partners
    # each of those facts pairs the compound sentence with a different sentence of b
    assert len(with_compound) == 2
    for f in brief["facts"]:  # what a fact shows is still a whole sentence
        assert any(f["text"] in s["sentence"] for s in f["support"])
        assert not f["text"].startswith("and ")


def test_not_only_but_also_is_one_statement():
    """"not only X, but also Y" lists; it joins no second statement, so it is not cut."""
    assert _pieces("The flaw affects not only the newest version, but also the two versions before it.") == []
    assert len(_pieces("The flaw affects the newest version, but the older ones are safe.")) == 2
