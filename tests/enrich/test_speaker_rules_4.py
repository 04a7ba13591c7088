"""Speaker rules of issue 13 (fourth pass): binding, on sentences written for the test."""

from __future__ import annotations

from quote_helpers import nlp, speaker_of  # noqa: F401 (nlp: a fixture) tests/enrich/quote_helpers.py


def test_a_pronoun_is_not_the_person_its_own_clause_names_after_it(nlp):
    # Whitfield spoke last, but "he told Ostrander" cannot be Ostrander speaking to
    # himself: it is the other man named before
    text = (
        "Paul Ostrander met the mayor, Daniel Reyes, on Monday. Reyes said the bridge \"will be "
        "finished by spring.\"\n"
        "Ostrander asked about the cost. \"We will find the money,\" he told Ostrander.\n"
    )
    assert speaker_of(nlp, text, "We will find") == "Daniel Reyes"
