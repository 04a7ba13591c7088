"""The fitted he/she ranker of ``SpeakerResolver._ranked``, on sentences written for the test."""

from __future__ import annotations

import pytest
from quote_helpers import MILL_TOWNS, nlp, speaker_of  # noqa: F401 (nlp: a fixture) tests/enrich/quote_helpers.py

from storyscope.enrich import speakers

# a new person is the subject of a paragraph's first sentence; the "she said" that ends the
# paragraph lies more than the rules' look-back (``_SUBJECT_LOOK_BACK`` tokens) after it, where the rules alone fall back
# on the last woman who spoke, a paragraph before
NEW_PERSON = MILL_TOWNS + (
    "Those who stay drive an hour each way to the warehouses by the interstate, where the pay is lower, the "
    "hours are longer and the work stops whenever the orders from the coast slow down for a season or two. "
    "\u201cMy whole family worked on that floor,\u201d she said over coffee.\n"
)


def test_weights_match_features():
    assert len(speakers.RANKER_WEIGHTS) == len(speakers.RANKER_FEATURES)


def test_the_paragraphs_subject_outranks_an_older_speaker(nlp):
    assert speaker_of(nlp, NEW_PERSON, "My whole family") == "Laura Kent"


def test_the_rules_alone_took_the_older_speaker(nlp, monkeypatch):
    # the case above is one the ranker decides: with the rules' guess as the only
    # feature, the quote goes to the woman who spoke before
    monkeypatch.setattr(speakers, "RANKER_WEIGHTS", (1.0,) + (0.0,) * (len(speakers.RANKER_FEATURES) - 1))
    assert speaker_of(nlp, NEW_PERSON, "My whole family") == "Ann Porter"


@pytest.mark.parametrize(
    "text, beginning, who",
    [
        # the one who just spoke goes on speaking: nothing for the ranker to change
        ("\u201cThe deal is done,\u201d said Mark Olsen, the chief executive. \u201cWe signed it "
         "on Friday,\u201d he said.\n", "We signed", "Mark Olsen"),
        # a man named inside the quote is not who says it
        ("Carol Weiss, the union's lawyer, met the board on Tuesday. \u201cFrank Doyle has "
         "never answered our letters,\u201d she said.\n", "Frank Doyle", "Carol Weiss"),
    ],
)
def test_plain_cases_stay(nlp, text, beginning, who):
    assert speaker_of(nlp, text, beginning) == who
