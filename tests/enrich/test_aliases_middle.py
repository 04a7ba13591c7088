"""group_aliases rule 5: a person named with and without a middle name or initial is one entry,
unless the story holds two different middles for the name or a generational suffix differs.
Names written for the test (the kinds seen in the BASIL dev outlets), not read from data."""

from __future__ import annotations

import pytest

from storyscope.enrich.aliases import group_aliases


def _groups(*names: str, label: str = "PERSON") -> dict[str, set[str]]:
    """Group name -> every spelling in it, each name mentioned once in its own article."""
    out = group_aliases([(n, label, f"a{i}") for i, n in enumerate(names)])
    return {g.name: {g.name, *g.aliases} for g in out}


def _together(groups: dict[str, set[str]], *names: str) -> bool:
    return any(set(names) <= spellings for spellings in groups.values())


@pytest.mark.parametrize("short, full", [
    ("Nadia Keller", "Nadia R. Keller"),             # a middle initial
    ("Thomas Varga", "Thomas Andras Varga"),         # a middle name
    ("Ellen Marsh", "Ellen Whitford Marsh"),         # a maiden name kept as a middle
    ("Ruth Osei", "Ruth A.B. Osei"),                 # two initials in one token
    ("Aaron Doyle Jr.", "Aaron P. Doyle Jr."),       # the same suffix on both
])
def test_a_name_with_and_without_its_middle_is_one_person(short: str, full: str):
    groups = _groups(short, full)
    assert len(groups) == 1 and _together(groups, short, full)


def test_an_initial_and_the_middle_it_stands_for_join():
    groups = _groups("Walter Kemp", "Walter J. Kemp", "Walter James Kemp")
    assert len(groups) == 1
    groups = _groups("Carla H.W. Ortiz", "Carla Helen Wren Ortiz")
    assert len(groups) == 1


def test_the_surname_then_has_one_full_name_to_join():
    # before, "Kemp" had two candidate groups ("Walter Kemp", "Walter J. Kemp") and stayed alone
    groups = _groups("Walter Kemp", "Walter J. Kemp", "Kemp")
    assert len(groups) == 1 and _together(groups, "Walter Kemp", "Walter J. Kemp", "Kemp")


def test_two_different_middles_are_two_people_and_the_bare_name_joins_neither():
    groups = _groups("Henry L. Pratt", "Henry M. Pratt", "Henry Pratt")
    assert len(groups) == 3
    # the same with the middles spelt out, and each still joins its own initial
    groups = _groups("Henry Lionel Pratt", "Henry L. Pratt", "Henry M. Pratt", "Henry Pratt")
    assert _together(groups, "Henry Lionel Pratt", "Henry L. Pratt")
    assert not _together(groups, "Henry Pratt", "Henry L. Pratt")
    assert not _together(groups, "Henry Pratt", "Henry M. Pratt")
    assert not _together(groups, "Henry L. Pratt", "Henry M. Pratt")


def test_one_initial_does_not_bridge_two_middle_names():
    # "J." may be James or John: it joins neither, and they stay apart
    groups = _groups("Owen James Reid", "Owen John Reid", "Owen J. Reid")
    assert len(groups) == 3


def test_a_generational_suffix_is_another_person():
    groups = _groups("Frank Dalton", "Frank Dalton Jr.")
    assert len(groups) == 2
    groups = _groups("Frank Dalton", "Frank E. Dalton", "Frank Dalton III", "Frank Dalton Sr.")
    assert _together(groups, "Frank Dalton", "Frank E. Dalton")
    assert not _together(groups, "Frank Dalton", "Frank Dalton III")
    assert not _together(groups, "Frank Dalton", "Frank Dalton Sr.")
    assert not _together(groups, "Frank Dalton III", "Frank Dalton Sr.")


def test_a_different_first_name_or_surname_never_joins():
    groups = _groups("Laura M. Price", "Linda Price", "Laura Pryce Holt", "Laura Holt")
    assert not _together(groups, "Laura M. Price", "Linda Price")
    assert not _together(groups, "Laura M. Price", "Laura Holt")
    # "Pryce" is Laura Holt's middle, not a second Laura Price
    assert _together(groups, "Laura Pryce Holt", "Laura Holt")


def test_two_people_in_one_span_are_no_middle_name():
    # the small model sometimes runs "John and Mary Smith" into one PERSON
    groups = _groups("Peter and Ann Lowe", "Peter Lowe")
    assert len(groups) == 2


def test_only_people():
    # organisations and places are not read as first/middle/last names
    groups = _groups("Banco Popular", "Banco Santander Popular", label="ORG")
    assert len(groups) == 2


def test_transliterated_first_names_and_surnames_join_as_rule_two_compares_them():
    groups = _groups("Mohammed Rouhani", "Muhammad J. Rohani")
    assert len(groups) == 1


def test_a_middle_word_counts_only_in_a_name_that_reads_as_a_persons():
    # the small model tags some firms PERSON; their short and long names may be two firms
    groups = _groups("Harbor Maid Dairy", "Harbor Dairy")
    assert len(groups) == 2
    # a given name first, or as the middle word, makes it a person's name
    assert len(_groups("Tomas Marie Varga", "Tomas Varga")) == 1
    assert len(_groups("Sarah Huckabee Sanders", "Sarah Sanders")) == 1


def test_a_nickname_in_quotation_marks_is_no_middle_name():
    # else "'Sonny'" and "R." would be two middles, and the bare name would join neither
    groups = _groups("Dominic 'Sonny' Ferrante", "Dominic R. Ferrante", "Dominic Ferrante")
    assert len(groups) == 1
    assert len(_groups("Dominic \u201cSonny\u201d Ferrante", "Dominic Ferrante")) == 1


def test_the_briefs_who_is_who_lists_the_person_once():
    from storyscope.compare.entities import merge_entities
    from storyscope.model import EntityMention, Enrichment, Sentence

    texts = [("Treasury Secretary Nadia R. Keller said the talks would resume.", "Nadia R. Keller"),
             ("Nadia Keller, the Treasury secretary, flew to Geneva on Monday.", "Nadia Keller"),
             ("Frank Dalton Jr. said his father, Frank Dalton, had retired.", "Frank Dalton Jr."),
             ("Frank Dalton, 71, ran the firm for forty years.", "Frank Dalton")]
    story = []
    for i, (text, name) in enumerate(texts):
        start = text.index(name)
        story.append(Enrichment(f"a{i}", (Sentence(0, len(text), text),),
                                (EntityMention(name, "PERSON", start, start + len(name), name),)))
    entities, alias_of = merge_entities(story)
    names = sorted((e.name, e.aliases) for e in entities)
    assert names == [("Frank Dalton", ()), ("Frank Dalton Jr.", ()), ("Nadia R. Keller", ("Nadia Keller",))]
    assert alias_of["Nadia Keller"] == "Nadia R. Keller"
