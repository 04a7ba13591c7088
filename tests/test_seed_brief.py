"""The whole job on the real bundled samples: the acceptance checks of the skeleton issue."""

from __future__ import annotations

import jsonschema
import pytest

from storyscope.render import render_html, render_markdown
from storyscope.run.stories import iter_stories, story_brief

from seed_ids import SEED_RFERL, SEED_WAPO

# Page furniture of the two seed files: none of it may reach a fact, quote or summary.
BOILERPLATE = (
    "Democracy Dies in Darkness", "Leave a Reply", "Required fields are marked",
    "journalists report the news in 21 countries", "Essam al-Sudani/Reuters",
    "Video: Joyce Lee", "Both are failing",
)


@pytest.fixture(scope="module")
def stories(sample_store):
    store, _, statuses = sample_store
    assert all(s.status == "stored" for s in statuses), statuses
    return {frozenset(s.article_ids): s for s, _ in iter_stories(store)}


@pytest.fixture(scope="module")
def seed_brief(sample_store, stories):
    store, config, _ = sample_store
    story = next(s for ids, s in stories.items() if SEED_WAPO in ids)
    return story_brief(store, config, story.id).data


def test_same_event_groups_and_other_events_stay_apart(stories):
    assert frozenset({SEED_RFERL, SEED_WAPO}) in stories
    # Two magnitude-6.1 earthquakes in Indonesia, years apart: two stories, each of two outlets.
    assert frozenset({"ecbplus_37_1ecb", "ecbplus_37_2ecb"}) in stories
    assert frozenset({"ecbplus_37_4ecbplus", "ecbplus_37_13ecbplus"}) in stories


def test_brief_is_valid_against_the_published_schema(seed_brief, brief_schema):
    jsonschema.validate(seed_brief, brief_schema)
    assert seed_brief["story"]["first_published"] == "2018-09-28"
    assert seed_brief["story"]["last_published"] == "2018-09-29"
    assert {s["article_id"] for s in seed_brief["sources"]} == {SEED_RFERL, SEED_WAPO}


def test_no_boilerplate_in_facts_quotes_or_summary(seed_brief):
    texts = [f["text"] for f in seed_brief["facts"]] + [q["text"] for q in seed_brief["quotes"]]
    texts += [s["text"] for s in seed_brief.get("summary", [])]
    assert texts
    for text in texts:
        for junk in BOILERPLATE:
            assert junk not in text, (junk, text)


def test_shared_pompeo_quote_appears_once_with_both_sources(seed_brief):
    matches = [q for q in seed_brief["quotes"] if "reinforce our message to Iran" in q["text"]]
    assert len(matches) == 1
    assert matches[0]["speaker"] == "Mike Pompeo"
    assert set(matches[0]["article_ids"]) == {SEED_RFERL, SEED_WAPO}


def test_rohani_and_rouhani_are_one_entity(seed_brief):
    rouhani = [e for e in seed_brief["entities"]
               if {"Hassan Rouhani", "Hassan Rohani"} & ({e["name"]} | set(e["aliases"]))]
    assert len(rouhani) == 1
    assert {"Hassan Rouhani", "Hassan Rohani"} <= {rouhani[0]["name"], *rouhani[0]["aliases"]}
    assert set(rouhani[0]["article_ids"]) == {SEED_RFERL, SEED_WAPO}


def test_dates_are_resolved_against_each_articles_publication_date(seed_brief):
    by_date: dict[str, set] = {}
    for t in seed_brief["timeline"]:
        by_date.setdefault(t["date"], set()).update(t["article_ids"])
    # "late on September 28" (000, published 09-29) and "Friday" (004, published 09-28)
    assert {SEED_RFERL, SEED_WAPO} <= by_date.get("2018-09-28", set())
    assert SEED_WAPO in by_date.get("2018-11", set())  # "in November"


def test_markdown_and_html_carry_the_same_quote(seed_brief):
    from storyscope.model import Brief

    brief = Brief.from_dict(seed_brief)
    md, html = render_markdown(brief), render_html(brief)
    assert "reinforce our message to Iran" in md and "reinforce our message to Iran" in html
    assert md.startswith("# ") and "<!doctype html>" in html


def test_entities_carry_counts_and_the_sentences_that_mention_them(seed_brief):
    bolton = next(e for e in seed_brief["entities"] if e["name"] == "John Bolton")
    assert bolton["type"] == "PERSON" and bolton["article_ids"] == [SEED_WAPO]
    assert bolton["mentions"] >= 1
    assert any("hell to pay" in s["sentence"] for s in bolton["sentences"])
    pompeo = next(e for e in seed_brief["entities"] if e["name"] == "Mike Pompeo")
    assert pompeo["mentions"] >= 5 and 1 <= len(pompeo["sentences"]) <= 3
    assert {s["article_id"] for s in pompeo["sentences"]} <= {SEED_RFERL, SEED_WAPO}


def test_a_shared_fact_is_shown_in_a_wording_that_stands_alone(seed_brief):
    # RFE/RL's "He said that Washington is working with ..." and the Post's "In his statement
    # Friday, Pompeo said the United States is working with ...": one fact of two outlets,
    # shown in the wording that says who
    from storyscope.compare.alone import stands_alone

    working = [f for f in seed_brief["facts"] if "is working with" in f["text"]]
    assert working and all(stands_alone(f["text"]) for f in working), working
    assert any(len(f["article_ids"]) == 2 for f in working)
