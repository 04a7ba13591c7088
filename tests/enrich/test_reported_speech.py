"""Reported speech told before its verb ("..., she said."): its speaker, on sentences
written for the test. The first tests fail on the code before it (no such record)."""

from __future__ import annotations

from quote_helpers import nlp, quotes_of  # noqa: F401 (nlp: a fixture) tests/enrich/quote_helpers.py

from storyscope.compare import build_brief
from storyscope.enrich.pipeline import enrich_articles
from storyscope.model import Article, Story

NURSE = (
    "\u201cWe treated more than forty people overnight,\u201d said Maria Lopez, a nurse at the district hospital. "
    "Most of the injured had been brought from nearby farms in two buses, she said."
)


def _reported(quotes, beginning: str):
    return [q for q in quotes if q.kind == "indirect" and q.text.startswith(beginning)]


def test_she_said_after_the_clause_names_who_just_spoke(nlp):
    found = _reported(quotes_of(nlp, NURSE), "Most of the injured")
    assert len(found) == 1
    q = found[0]
    assert q.speaker == "Maria Lopez"
    assert q.text == "Most of the injured had been brought from nearby farms in two buses"
    assert q.cue == "said"
    assert NURSE[q.speaker_start:q.speaker_end] == "she"


def test_a_description_after_the_clause_is_resolved(nlp):
    text = ("\u201cThe road will stay closed until Friday,\u201d said a police spokesman in Marlow. "
            "Crews were still clearing mud from the bridge on Tuesday, the spokesman said.")
    found = _reported(quotes_of(nlp, text), "Crews were still clearing")
    assert len(found) == 1
    assert found[0].speaker is not None and found[0].speaker.endswith("spokesman")


def test_a_verb_set_inside_the_clause_names_the_speaker_of_both_sides(nlp):
    text = ("\u201cWe treated forty people,\u201d said Maria Lopez, a nurse. "
            "In a crisis, she said, the hospital can take two hundred more.")
    found = _reported(quotes_of(nlp, text), "In a crisis")
    assert len(found) == 1
    assert found[0].speaker == "Maria Lopez"
    assert found[0].text == "In a crisis the hospital can take two hundred more"


def test_a_he_said_with_no_one_speaking_just_before_is_left_unnamed(nlp):
    # the gate: a pronoun that does not go on in a voice just quoted is often resolved to
    # someone its own clause names; no name is better than a wrong one
    text = ("Tom Baker has run the bakery on Main Street for twenty years, and his father ran it before him. "
            "Business has been slow since the river flooded the street in March, he said.")
    assert _reported(quotes_of(nlp, text), "Business has been slow") == []


def test_a_clause_holding_a_quotation_is_left_to_the_quotes(nlp):
    text = ("\u201cWe need the money now,\u201d said Ruth Hale, the mayor of Alston. "
            "The council called the repairs \u201clong overdue\u201d at its meeting on Monday, she said.")
    quotes = quotes_of(nlp, text)
    assert _reported(quotes, "The council") == []
    assert any(q.text == "long overdue" for q in quotes)


def test_the_brief_fact_of_a_she_said_shows_her_name():
    article = Article(id="a1", text=NURSE, outlet="Daily", language="en")
    enrichment = next(enrich_articles([article]))
    brief = build_brief(Story("s", "t", ("a1",), ("Daily",), None, None), [(article, enrichment)]).data
    by_text = {f["text"]: f for f in brief["facts"]}
    fact = by_text["Most of the injured had been brought from nearby farms in two buses, she said."]
    assert fact["speaker"] == "Maria Lopez"
