"""Disagreements: rejections, speakers grouped, figures that only look different; quotes
the enrich stage left unattributed."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from storyscope.compare import build_brief
from storyscope.compare.disputes import same_figure
from storyscope.compare.text import DENIAL_RE, numbers
from storyscope.model import Article, Enrichment, Quote, Sentence, Story

from compare_helpers import RFERL, WAPO, seed_items

SCHEMA = json.loads((resources.files("storyscope") / "schema" / "brief.schema.json").read_text())


def _item(aid: str, text: str, quotes=()) -> tuple[Article, Enrichment]:
    """One article of one sentence per line (no splitting at the dots of "6.2")."""
    sents, at = [], 0
    for line in text.split("\n"):
        sents.append(Sentence(at, at + len(line), line))
        at += len(line) + 1
    return Article(id=aid, text=text, outlet=aid.upper()), Enrichment(aid, tuple(sents), quotes=tuple(quotes))


def _brief(items):
    story = Story("s", "test", tuple(a.id for a, _ in items), tuple(a.outlet for a, _ in items), None, None)
    brief = build_brief(story, items).data
    jsonschema.validate(brief, SCHEMA)
    return brief


def test_unit_conversion_and_rounding_are_no_clash():
    a = _item("a", "The quake struck at a depth of 10 kilometres (6.2 miles), the geological agency said.\n"
                   "Rescue teams searched the collapsed market overnight.")
    b = _item("b", "The quake struck at a depth of 10 kilometers (6 miles), the geological agency said.\n"
                   "Hospitals in the district were short of beds.")
    brief = _brief([a, b])
    assert not [d for d in brief["disagreements"] if d["kind"] == "number"]
    assert all(f["status"] != "disputed" for f in brief["facts"])


def test_bounds_agree_with_figures_inside_them():
    a = _item("a", "At least 50 people were injured in the quake in the mountain town, officials said.")
    b = _item("b", "More than 200 people were injured in the quake in the mountain town, officials said.")
    assert not _brief([a, b])["disagreements"]
    c = _item("c", "Exactly 30 people were injured in the quake in the mountain town, officials said.")
    clash = [d for d in _brief([b, c])["disagreements"] if d["kind"] == "number"]
    assert len(clash) == 1


def test_same_figure_allows_rounding_but_not_small_counts():
    assert same_figure(6, 6.2) and same_figure(1200, 1234) and same_figure(1.5e6, 1.52e6)
    assert not same_figure(20, 23) and not same_figure(30, 31) and not same_figure(1e6, 1.52e6)


def test_model_names_are_not_counts():
    assert not any(v == 47 for v, _ in numbers("They seized seven AK-47 assault rifles and 12 AK 47 guns."))
    assert (7.0, "ak") in numbers("They seized seven AK-47 assault rifles.")


@pytest.mark.parametrize("text", [
    "The ministry called the U.S. allegations of fomenting violence irresponsible.",
    "The company disputes the figure.",
    "Officials rejected the report.",
    "He said there was no evidence of a leak.",
])
def test_rejection_cues(text):
    assert DENIAL_RE.search(text)


@pytest.mark.parametrize("text", ["The mayor called for calm.", "She called on insurers to pay claims."])
def test_not_rejection_cues(text):
    assert not DENIAL_RE.search(text)


def test_allegations_called_names_are_a_rejection_of_the_other_speaker():
    ta = "The ministry said the militia fired rockets at the embassy compound."
    tb = "The militia called the ministry's allegations about rockets fired at the embassy astonishing."
    a = _item("a", ta, [Quote("ministry", ta[18:-1], "indirect", 18, len(ta) - 1)])
    b = _item("b", tb, [Quote("militia", tb[19:-1], "indirect", 19, len(tb) - 1)])
    brief = _brief([a, b])
    assert len(brief["disagreements"]) == 1
    assert {p["speaker"] for p in brief["disagreements"][0]["positions"]} == {"ministry", "militia"}


def test_seed_positions_are_grouped_by_speaker():
    story, items = seed_items()
    brief = build_brief(story, list(items)).data
    threat = next(d for d in brief["disagreements"]
                  if any("We are not aware of any intention" in p["text"] for p in d["positions"]))
    speakers = [p["speaker"] for p in threat["positions"]]
    assert len(speakers) == len(set(speakers))
    official = next(p for p in threat["positions"] if "We are not aware" in p["text"])
    assert "did not appear driven by any credible threat" in official["text"]
    assert official["article_ids"] == [WAPO]
    assert any("increasing and specific" in p["text"] for p in threat["positions"])
    # the Iranian Foreign Ministry rejects the U.S. allegations: a second disagreement
    assert any(any("called the U.S. allegations" in p["text"] for p in d["positions"])
               and any(RFERL in p["article_ids"] and "threats" in p["text"] and p is not q
                       for p in d["positions"] for q in d["positions"] if "allegations" in q["text"])
               for d in brief["disagreements"])


def test_quoted_words_without_a_speaker_still_match_across_outlets():
    a = _item("a", 'The fire at the store is being treated as "potentially suspicious" by detectives.')
    tb = 'Police said the blaze was "potentially suspicious" and asked for witnesses.'
    b = _item("b", tb, [Quote("Police", "potentially suspicious", "partial", tb.index("potentially"),
                              tb.index("potentially") + 22)])
    brief = _brief([a, b])
    shared = [q for q in brief["quotes"] if q["text"] == "potentially suspicious"]
    assert shared and shared[0]["article_ids"] == ["a", "b"]
    assert shared[0]["speaker"] == "Police"


def test_quoted_words_nobody_else_has_are_not_added():
    a = _item("a", 'The fire was called "a total loss" by the owner.')
    b = _item("b", "The store burned down on Friday night.")
    assert _brief([a, b])["quotes"] == []


def test_figures_with_different_roles_count_different_things():
    a = _item("a", "In the province 24 people were killed by the quake, officials said on Tuesday.")
    b = _item("b", "In the province 249 people were injured by the quake, officials said on Tuesday.")
    assert not [d for d in _brief([a, b])["disagreements"] if d["kind"] == "number"]
    c = _item("c", "In the province 31 people were killed by the quake, officials said on Tuesday.")
    clash = [d for d in _brief([a, c])["disagreements"] if d["kind"] == "number"]
    assert len(clash) == 1 and clash[0]["topic"] == "how many: people"


def test_a_whole_against_a_breakdown_of_other_kinds():
    a = _item("a", "The navy has captured 23 Somali pirates in the gulf.")
    b = _item("b", "Commandos boarded the boat and detained 12 Somali and 11 Yemeni nationals.")
    clash = _brief([a, b])["disagreements"]
    assert len(clash) == 1 and clash[0]["kind"] == "number"
    assert [p["article_ids"] for p in clash[0]["positions"]] == [["a"], ["b"]]
    # "23 Somali and Yemeni pirates" names both kinds: no clash
    c = _item("c", "The navy has captured 23 Somali and Yemeni pirates in the gulf.")
    assert not _brief([c, b])["disagreements"]
