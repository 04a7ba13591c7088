"""Speaker rules of issue 13 (sixth pass), on sentences written for the test."""

from __future__ import annotations

from quote_helpers import nlp, quotes_of, speaker_of  # noqa: F401 (nlp: a fixture) tests/enrich/quote_helpers.py

from storyscope.enrich.entities import _given_name_first, find_entities
from storyscope.enrich.given_names import name_gender
from storyscope.enrich.speakers import Speaker, _plural


def test_a_participle_hung_on_the_reported_clause_is_the_tellers(nlp):
    # the parser hangs "questioning" on "is" of the clause "telling" reports: who
    # questions is who tells, the justice, not the man the clause is about
    text = (
        "Justice Ruth Marlow gave an interview on Monday.\n"
        "She escalated her criticism on Tuesday, telling CNN that Dale Fenwick is a “faker” and questioning how "
        "he has “gotten away with not turning over his tax returns.”\n"
    )
    assert speaker_of(nlp, text, "gotten away") == "Ruth Marlow"


def test_who_is_asked_does_not_ask(nlp):
    # "Mr. Hale, asked about ..., had said": a bare past participle is passive; the
    # subject of the clause it hangs from ("The issue") is no speaker
    text = (
        "The issue had come up Friday after Mr. Hale, asked about the deaths of journalists abroad, had said, "
        "“I think our country does plenty of killing also.”\n"
    )
    assert speaker_of(nlp, text, "I think our country") != "The issue"


def test_in_the_words_of(nlp):
    text = (
        "Mrs. Lowell was, in the words of a senior adviser, “the torchbearer” of his legacy.\n"
        "The summit was held in Boston because, in Senator Hale's words, \"it is the most entrepreneurial place on "
        "the planet.\"\n"
    )
    assert speaker_of(nlp, text, "the torchbearer") == "a senior adviser"
    assert speaker_of(nlp, text, "it is the most entrepreneurial") == "Hale"


def test_in_his_own_words_is_no_new_speaker():
    # "his", "their" and "other" name no one new: nothing to read as a speaker there
    from storyscope.enrich.quotes import _OWN_WORDS

    assert {"his", "her", "their", "other"} <= _OWN_WORDS


def test_they_are_the_people_the_sentence_before_was_about(nlp):
    text = (
        "A city report last year counted the new arrivals.\n"
        "Professors Ellen Foner and Mark Alba suggest this conflict has less to do with faith than with habit. "
        "In the United States, they write, “to be religious is to be in sync with mainstream norms.”\n"
    )
    assert "Alba" in speaker_of(nlp, text, "to be religious")


def test_a_double_barrelled_surname_stands_for_its_bearer(nlp):
    doc = nlp(
        "Deborah Jordan Reynolds-Santilli met Peter Santilli in 2010.\n"
        "Reynolds says the show has attracted ire from all sides.\n"
    )
    canon = {e.text: e.canonical for e in find_entities(doc) if e.label == "PERSON"}
    assert canon.get("Reynolds", "").startswith("Deborah Jordan Reynolds")


def test_a_participle_reached_through_a_clause_with_its_own_subject(nlp):
    # "calling" hangs (via "at one point") on "battled", whose subject is "he": not the
    # subject of the clause "battled" is joined to ("the effort stalled")
    text = (
        "Gov. Chris Manning made reviving the harbor a priority in his first term, but the effort stalled, and he "
        "has battled with Mayor Tom Reilly over the city's finances, at one point calling the mayor a \"liar\" who "
        "was not \"honorable.\"\n"
    )
    assert speaker_of(nlp, text, "liar") != "the effort"


def test_the_person_in_apposition_not_the_organisation_before_it(nlp):
    text = (
        "The Podesta Group's CEO, Kimberley Fritts, said the firms had coordinated on the conclusion.\n"
        "“If counsel had determined registration was the way to go, we would have gladly registered,” she said in a "
        "statement.\n"
    )
    assert speaker_of(nlp, text, "If counsel had determined") == "Kimberley Fritts"


def test_a_quote_after_reported_speech_goes_on_in_that_voice(nlp):
    text = (
        "Ghazala Tarin says she received a nervous call from her niece, who had spent two years abroad. "
        "“She called me, ‘Auntie, I'm so disturbed by what I have heard.’”\n"
    )
    assert speaker_of(nlp, text, "She called me") == "Ghazala Tarin"


def test_a_name_alone_before_a_colon(nlp):
    text = (
        "Turnout has mattered more than ads in the primaries - Sarah Collins: “Two weeks ago, the strongest territory had been the South. "
        "Now it is the North.”\n"
    )
    assert speaker_of(nlp, text, "Two weeks ago") == "Sarah Collins"


def test_more_reporting_verbs(nlp):
    text = "On Monday, Senator Gary Holt groused to a crowd in Ohio that the network “doesn’t treat me properly.”\n"
    assert speaker_of(nlp, text, "doesn’t treat me properly") == "Gary Holt"


def test_a_reporting_verb_reached_from_a_participle_keeps_its_speaker(nlp):
    text = (
        "Comey cannot say that “from his perspective,” Lewandowski added, saying it should be "
        "“up to the prosecutor to move forward or not.”\n"
    )
    assert speaker_of(nlp, text, "up to the prosecutor") == "Lewandowski"


def test_many_are_no_it():
    assert _plural(Speaker("Analysts", 0, 8, "analyst", False))
    assert _plural(Speaker("five former aides", 0, 17, "aide", False))
    assert not _plural(Speaker("Reuters", 0, 7, "reuters", False))
    assert not _plural(Speaker("the agency", 0, 10, "agency", False))


def test_a_given_name_makes_a_person_of_a_two_word_name():
    assert _given_name_first("Jeff Weiner") and _given_name_first("Nikki Haley")
    assert not _given_name_first("Eric Trump Foundation") and not _given_name_first("NEW YORK")
    assert not _given_name_first("Sandy Hook")  # "Sandy" is given to both: not on the lists


def test_the_longer_given_name_list_is_the_systems_only():
    # the scorer (benchmarks/quotes.py) keeps the list its referent guess was read with
    assert name_gender("Geraldo Rivera") == "m" and name_gender("Geraldo Rivera", more=False) is None
    assert name_gender("Nikki Haley") == "f" and name_gender("Mary Smith", more=False) == "f"


def test_a_finite_verb_parsed_as_a_nouns_clause(nlp):
    # "a man yelled" parsed as "man" with a clause hanging from it: the man yells, not
    # the man of the clause before (Rubio)
    text = (
        "Some in the crowd booed, and when Rubio thanked Miami and said it was great to be home, "
        "a man yelled “Stay there!”\n"
    )
    assert speaker_of(nlp, text, "Stay there") == "a man"
