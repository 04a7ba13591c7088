"""Speaker rules of issue 13 (second pass), each on sentences written for the test."""

from __future__ import annotations

import pytest

from storyscope.enrich.entities import find_entities
from storyscope.enrich.nlp import load_nlp
from storyscope.enrich.quotes import find_quotes
from storyscope.enrich.speakers import _pronoun_gender

from quote_helpers import quotes_of, the_quote  # tests/enrich/quote_helpers.py


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def speaker_of(quotes, beginning):
    return the_quote(quotes, beginning).speaker


GENDERED = (
    "Maria Delgado runs the county food bank, and her volunteers adore her.\n"
    "Tom Becker, the county treasurer, said the budget would be tight and his office could "
    "not cover every request; his staff has shrunk since his first term.\n"
)


def test_gender_is_read_off_the_articles_own_pronouns(nlp):
    doc = nlp(GENDERED)
    ents = sorted(find_entities(doc), key=lambda e: e.start)
    genders = _pronoun_gender(doc, ents, bytearray(len(doc)))
    assert genders.get("Maria Delgado") == "f"
    assert genders.get("Tom Becker") == "m"


def test_she_said_skips_a_man_who_spoke_last(nlp):
    text = GENDERED + (
        "The storm closed the highway for two days.\n"
        "\"We ran out of bread on the first night,\" she said.\n"
    )
    assert speaker_of(quotes_of(nlp, text), "We ran out of bread") == "Maria Delgado"


def test_a_participles_own_clause_subject_is_not_the_speaker(nlp):
    # read off the word order after the closing mark: "said Caddell" names the speaker,
    # "saying the city embodied ..." does not
    from storyscope.enrich.quotes import _Piece, _surface_subject, _Tokens

    for text, cue_word, expect in (
        ("Jane Morrow defended “river towns,” saying the city embodied the valley.", "saying", None),
        ("“River towns built this state,” said Jane Morrow, a county official.", "said", "Morrow"),
    ):
        doc = nlp(text)
        close = text.index("”")
        piece = _Piece(text.index("“") + 1, close, text.index("“"), close, 0)
        cue = next(t for t in doc if t.text == cue_word)
        found = _surface_subject(cue, piece, _Tokens(doc))
        assert (found.text if found is not None else None) == expect


def test_a_titled_name_the_ner_calls_an_organisation_is_a_person(nlp):
    from dataclasses import replace

    text = (
        "Former Acme Robotics CEO Carla Winfield named a local diner as her favorite.\n"
        "\"The pie alone is worth the drive,\" she said.\n"
    )
    doc = nlp(text)
    # the small model sometimes tags such a name ORG: the title before it says person
    ents = tuple(replace(e, label="ORG") if e.text == "Carla Winfield" else e for e in find_entities(doc))
    assert any(e.text == "Carla Winfield" and e.label == "ORG" for e in ents)
    assert speaker_of(find_quotes(doc, ents), "The pie alone") == "Carla Winfield"


def test_she_agrees_with_a_womans_given_name(nlp):
    # nothing in the article says Tom Hale is "he": his given name does
    text = (
        "Ellen Park, the mayor, visited the site on Monday. Her deputy, Tom Hale, stayed behind.\n"
        "\u201cWe will rebuild the library,\u201d she said.\n"
    )
    assert speaker_of(quotes_of(nlp, text), "We will rebuild") == "Ellen Park"


def test_given_names_leave_shared_and_single_names_alone():
    from storyscope.enrich.given_names import name_gender

    assert name_gender("Ellen Park") == "f" and name_gender("Tom Hale") == "m"
    assert name_gender("Chris Dale") is None  # given to both
    assert name_gender("Park") is None  # a surname alone says nothing


def test_it_said_is_the_organisation_that_was_the_subject(nlp):
    text = (
        "Acme Corp. reported a loss on Monday.\n"
        "\u201cWe expect a better year,\u201d it said in a statement.\n"
    )
    assert speaker_of(quotes_of(nlp, text), "We expect a better year") == "Acme Corp."


def test_it_said_after_a_person_spoke_is_not_the_organisation(nlp):
    text = (
        "Acme Corp. reported a loss on Monday. Its chief, Dana Ruiz, then resigned.\n"
        "\u201cWe expect a better year,\u201d it said in a statement.\n"
    )
    assert speaker_of(quotes_of(nlp, text), "We expect a better year") != "Acme Corp."
