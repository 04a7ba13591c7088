"""Speaker rules of issue 13's session 14, on sentences written for the test."""

from __future__ import annotations

import pytest
from quote_helpers import MILL_TOWNS, nlp, speaker_of  # noqa: F401 (nlp: a fixture) tests/enrich/quote_helpers.py

from storyscope.enrich import speakers
from storyscope.model import EntityMention

# the subject of a paragraph's first sentence, between 100 and 150 tokens before the "she
# said" that ends it (the quote between counts): the last subject the rules look back to
LONG_PARAGRAPH = MILL_TOWNS + (
    "\u201cMy whole family worked on that floor,\u201d she said over coffee.\n"
)


def test_the_last_subject_is_found_past_a_hundred_tokens(nlp, monkeypatch):
    # the rules alone (the ranker's other weights at 0): the paragraph's subject, not the
    # woman who spoke a paragraph before
    monkeypatch.setattr(speakers, "RANKER_WEIGHTS", (1.0,) + (0.0,) * (len(speakers.RANKER_FEATURES) - 1))
    assert speaker_of(nlp, LONG_PARAGRAPH, "My whole family") == "Laura Kent"


def _resolver(nlp, text: str, name: str, label: str) -> speakers.SpeakerResolver:
    doc = nlp(text)
    start = text.index(name)
    return speakers.SpeakerResolver(doc, (EntityMention(name, label, start, start + len(name), name),))


@pytest.mark.parametrize(
    "text, name",
    [
        ("Maryam Violet, an Iranian journalist visiting on vacation, told the paper that she saw the truck.",
         "Maryam Violet"),
        ("Tomas Brenner, a retired farmer from the valley, said the water had never come so high.",
         "Tomas Brenner"),
    ],
)
def test_a_name_described_as_a_person_is_one_whatever_its_label(nlp, text, name):
    # the NER's label (ORG here) gives way to the apposition: a person, whom a later he/she
    # may mean
    assert _resolver(nlp, text, name, "ORG").entities[0].label == "PERSON"


@pytest.mark.parametrize(
    "text, name, label",
    [
        # an organisation described as one stays one
        ("Harbor Steel, a company based in Ohio, said the plant would close.", "Harbor Steel", "ORG"),
        # a people is not a person ("Roman Catholics, ... critics ...")
        ("Roman Catholics, many of them critics of the plan, said they would not attend.", "Roman Catholics", "NORP"),
    ],
)
def test_other_names_keep_their_label(nlp, text, name, label):
    assert _resolver(nlp, text, name, label).entities[0].label == label
