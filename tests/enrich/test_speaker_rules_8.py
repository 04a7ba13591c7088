"""Speaker rules of issue 13 (eighth pass), on sentences written for the test."""

from __future__ import annotations

from quote_helpers import nlp, speaker_of  # noqa: F401 (nlp: a fixture) tests/enrich/quote_helpers.py


def test_a_verb_that_reports_with_its_particle_is_a_cue(nlp):
    # without "shot back" as a cue the quote went to the subject of the clause before it
    text = (
        "After Governor Tom Hale criticized the budget during a debate, Ruth Ellis shot back, "
        "\u201cI suppose we could cut schools, but we won\u2019t.\u201d\n"
    )
    assert speaker_of(nlp, text, "I suppose") == "Ruth Ellis"
    text = "\u201cWe are not done,\u201d Tom Hale said. Ruth Ellis quickly hit back: \u201cThey are done, and they know it.\u201d\n"
    assert speaker_of(nlp, text, "We are not done") == "Tom Hale"
    assert speaker_of(nlp, text, "They are done") == "Ruth Ellis"
