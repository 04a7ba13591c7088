"""A summary sentence must stand alone (compare/summary.py ``stands_alone``): sentences
written for this test."""

from __future__ import annotations

import pytest

from storyscope.compare.summary import stands_alone


@pytest.mark.parametrize("text, alone", [
    ("Three people were injured in the collapse on Tuesday, police said.", True),
    ("Still, it was not known how many people were inside at the time.", False),
    ("However, the council has not said when the road will reopen.", False),
    ("In addition, two schools were closed.", False),
    ("He said that the council would meet on Friday.", False),
    ("Stillwater police closed the road on Tuesday.", True),  # a name, no connective
    ("Then-mayor Ann Cole opened the hall in 1999.", True),
    # the last sentence of a quotation cut into sentences: someone else's words
    ('Moving forward, we will review the schedule."', False),
    ("Next year the hall will close for repairs.\u201d", False),
    ('The mayor called the plan "a good start" on Monday.', True),  # a whole quotation inside
    ("The mayor called the plan \u201ca good start\u201d on Monday.", True),
])
def test_a_summary_sentence_that_answers_an_unseen_one_does_not_stand_alone(text, alone):
    assert stands_alone(text) is alone


@pytest.mark.parametrize("text, names", [
    ("Ohio driver fined for speeding.", False),  # only the first word is capitalised
    ("Local council closes the bridge.", False),
    ("A driver was fined by Judge Ann Cole on Monday.", True),
    ("Police in Dayton closed the road.", True),
    ('Residents said "Dayton" was flooded.', True),
])
def test_an_opener_names_someone_past_its_first_word(text, names):
    from storyscope.compare.summary import _NAME_INSIDE_RE

    assert bool(_NAME_INSIDE_RE.search(text)) is names
