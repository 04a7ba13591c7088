"""Speaker rules of issue 13 (fifth pass), on sentences written for the test."""

from __future__ import annotations

from quote_helpers import nlp, quotes_of, speaker_of  # noqa: F401 (nlp: a fixture) tests/enrich/quote_helpers.py


def test_a_participle_opening_the_sentence_is_not_the_speaker(nlp):
    # the parser can make "Conceding" a subject; who warns is the prime minister
    text = (
        "Prime Minister Alan Reed spoke to reporters in London on Friday.\n"
        "Conceding that a trade deal was possible \"down the line,\" he warned that it would take years.\n"
    )
    assert speaker_of(nlp, text, "down the line") != "Conceding"


def test_an_age_used_as_a_noun_is_the_speaker(nlp):
    # "the 43-year-old" is a person; the NER reads the age as a date
    text = (
        "The comedian posted the clip on Thursday.\n"
        "\"What if the candidate had elocution lessons?\" the 43-year-old asked in the video's description.\n"
    )
    assert speaker_of(nlp, text, "What if the candidate") == "the 43-year-old"


def test_a_name_inside_the_quote_is_not_who_he_is(nlp):
    # nobody outside the quote is named before "he said": the pronoun has no antecedent,
    # and the man named inside the quote it attributes is not its speaker
    text = (
        "Across town, a canvasser knocks on doors for the campaign.\n"
        "\"I am telling people about a man who helped Jesse Jackson win the state in 1988,\" he said.\n"
    )
    assert speaker_of(nlp, text, "I am telling people") is None


def test_intimate_and_speculate_report_speech(nlp):
    text = (
        "Senator Maria Ostrowski has intimated that her rival's \"diagnoses\" of the economy are the big draw.\n"
        "Governor Paul Hennessy said he would deport the migrants, who he speculates are \"mostly young men\" "
        "sent by gangs, after the mayor wanted to admit 2,000 of them.\n"
    )
    assert speaker_of(nlp, text, "diagnoses") == "Maria Ostrowski"
    assert speaker_of(nlp, text, "mostly young men") == "Paul Hennessy"


def test_an_adjectival_participle_is_no_cue(nlp):
    # "self-described" is no reporting verb, and "self" no speaker
    text = "Councilman Roy Abbot on Monday named the mayor \"the worst leader\" of the self-described reform caucus.\n"
    speakers = [q.speaker for q in quotes_of(nlp, text)]
    assert "self" not in speakers


def test_she_in_what_a_person_is_saying_is_that_person(nlp):
    # the parse can hang "saying" on the name: "she" in what it reports is Dana Whitfield,
    # not the woman who spoke before
    text = (
        "\"We will fix the pipes,\" Mayor Linda Ruiz said on Friday.\n"
        "Dana Whitfield, the veteran consumer advocate and lawyer, endorsed Ruiz’ approach Sunday, saying she hadn’t "
        "yet called for the mayor’s resignation because she believed “we need to put all of our energy into helping "
        "the families of Marlow.”\n"
    )
    assert speaker_of(nlp, text, "we need to put") == "Dana Whitfield"
