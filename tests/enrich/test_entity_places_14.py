"""Names the NER tagged PERSON that the article itself uses as a place or an organisation
(issue 13, session 14, second pass), on sentences written for the test. The labels are given
by hand (``raw``), so the tests do not hang on the small model's tagging; the parse decides
the apposition, the preposition and the reporting verb. Last, "spokesman" before a name says
no gender."""

from __future__ import annotations

from quote_helpers import nlp, speaker_of  # noqa: F401 (nlp: a fixture) tests/enrich/quote_helpers.py

from storyscope.enrich.entities import _unname_places
from storyscope.enrich.speakers import _untagged_name


def _raw(text: str, labelled: list[tuple[str, str, int]]) -> list[list]:
    """``[name, label, start, end]`` for the ``n``-th mention (0-based) of each name."""
    out = []
    for name, label, n in labelled:
        start = -1
        for _ in range(n + 1):
            start = text.index(name, start + 1)
        out.append([name, label, start, start + len(name)])
    return out


def _labels(nlp, text: str, labelled: list[tuple[str, str, int]], place_tagged=frozenset()) -> dict[str, set[str]]:
    doc = nlp(text)
    raw = _raw(text, labelled)
    _unname_places(doc, text, raw, set(), set(place_tagged))
    out: dict[str, set[str]] = {}
    for name, label, _, _ in raw:
        out.setdefault(name, set()).add(label)
    return out


def test_a_name_ending_in_a_street_is_a_place(nlp):
    text = ("Outside the plant on Hermenegildo Galeana Street, a worker named Antonio Arroyo "
            "has nothing but good things to say about his job.")
    got = _labels(nlp, text, [("Hermenegildo Galeana Street", "PERSON", 0), ("Antonio Arroyo", "PERSON", 0)])
    assert got == {"Hermenegildo Galeana Street": {"FAC"}, "Antonio Arroyo": {"PERSON"}}


def test_a_name_that_opens_a_school_name_is_a_place(nlp):
    text = ("He met the families at the firehouse near Sandy Hook Elementary School. "
            "In that sense, Sandy Hook was not just a national tragedy, but a personal summons.")
    got = _labels(nlp, text, [("Sandy Hook Elementary School", "ORG", 0), ("Sandy Hook", "PERSON", 1)])
    assert got["Sandy Hook"] == {"GPE"}
    assert got["Sandy Hook Elementary School"] == {"ORG"}


def test_a_name_that_speaks_stays_a_person(nlp):
    # the same name opening a school's name, but the subject of "said": a person the
    # school is named after
    text = ("The mayor spoke at Dana Whitlock Elementary School on Monday. "
            "\u201cWe will rebuild,\u201d Dana Whitlock said.")
    got = _labels(nlp, text, [("Dana Whitlock Elementary School", "ORG", 0), ("Dana Whitlock", "PERSON", 1)])
    assert got["Dana Whitlock"] == {"PERSON"}


def test_an_organisation_word_in_apposition_makes_an_organisation(nlp):
    text = ("\u201cTo understand him, his background matters,\u201d Xinhua, the official Chinese news "
            "agency, wrote on Monday.")
    assert _labels(nlp, text, [("Xinhua", "PERSON", 0)]) == {"Xinhua": {"ORG"}}


def test_a_given_name_keeps_a_person_beside_an_organisation(nlp):
    # "Josh Bivens, Economic Policy Institute": the parse makes the institute an apposition,
    # the given name says a person
    text = "\u201cWe are going to enter the next recession,\u201d said Josh Bivens, Economic Policy Institute."
    assert _labels(nlp, text, [("Josh Bivens", "PERSON", 0)]) == {"Josh Bivens": {"PERSON"}}


def test_a_name_tagged_a_place_elsewhere_and_used_as_one_is_a_place(nlp):
    text = ("Carrier has had operations in Monterrey, Mexico, since 1969. "
            "He rejected the notion that greed had prompted the factory move to Monterrey.")
    labelled = [("Monterrey", "PERSON", 0), ("Mexico", "GPE", 0), ("Monterrey", "PERSON", 1)]
    assert _labels(nlp, text, labelled, {"Monterrey"})["Monterrey"] == {"GPE"}
    # never tagged a place anywhere in the article: the preposition alone does not make one
    assert _labels(nlp, text, labelled)["Monterrey"] == {"PERSON"}


def test_a_street_is_no_untagged_name(nlp):
    # "Wall Street" untagged by the NER: its head is no person's name, so no he/she means it
    doc = nlp("Wall Street is looking for the company to post a 17 percent gain.")
    assert not _untagged_name(next(t for t in doc if t.text == "Street"))


def test_spokesman_before_a_name_says_no_gender(nlp):
    # house styles write "spokesman" of a woman: the "she" after it may mean her
    text = ("Dahlys Hamilton is listed as the head of Hispanic Patriots for the candidate. Recently she "
            "announced on her Facebook page that she would back him. Campaign spokesman Hope Hicks confirmed "
            "that the group was created independently from the campaign. "
            "\u201cThey are not affiliated with the campaign,\u201d she said.\n")
    assert speaker_of(nlp, text, "They are not") == "Hope Hicks"
