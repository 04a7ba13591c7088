"""Acronyms meet the names they stand for (compare/text.py ``acronym_table``), on sentences
written for this test (no gold or sample text)."""

from __future__ import annotations

from storyscope.compare.similar import Similarity
from storyscope.compare.text import acronym_table, acronyms_in, content_stems, with_acronyms

from compare_helpers import units_of


def test_acronyms_are_read_with_or_without_dots():
    assert acronyms_in("The WHO and the I.M.F. met in the U.K. on Monday.") == ["WHO", "IMF", "UK"]
    assert acronyms_in("A single capital I or A is no acronym.") == []
    assert acronyms_in("STORM HITS COAST") == []  # a headline in capitals is not a row of acronyms


def test_the_name_spelled_out_in_the_story_is_the_expansion():
    table = acronym_table([
        "The World Health Organization said the outbreak was over.",
        "The WHO declared the outbreak over on Friday.",
        "The International Monetary Fund cut its forecast; the IMF blamed trade.",
        "The Organisation for Economic Cooperation and Development agreed.",
        "The OECD said so too.",
    ])
    assert table["WHO"] == tuple(content_stems("World Health Organization"))
    assert table["IMF"] == tuple(content_stems("International Monetary Fund"))
    # "for" and "and" inside a name give no initial
    assert table["OECD"] == tuple(content_stems("Organisation Economic Cooperation Development"))


def test_no_expansion_without_the_name_or_with_a_tie():
    assert acronym_table(["The NTSB opened an inquiry."]) == {}
    tied = acronym_table(["The Bar Council met.", "The Boxing Commission met.", "The BC said nothing."])
    assert "BC" not in tied


def test_expansion_adds_only_missing_stems():
    table = {"WHO": ("world", "health", "organ")}
    assert with_acronyms("The WHO said so.", ("said",), table) == ("said", "world", "health", "organ")
    assert with_acronyms("No acronym here.", ("acronym",), table) == ("acronym",)


def test_an_acronym_and_its_name_score_closer():
    units = units_of({
        "a": "The carmaker recalled its electric vans over a Battery Management System fault.",
        "b": "Owners of the electric vans were told the BMS fault could cut power.",
        "c": "The carmaker opened a new plant in the north last spring.",
    })
    from storyscope.compare import similar

    with_ = Similarity(units).block([0, 1])[0, 1]
    try:
        similar.ACRONYMS = False
        without = Similarity(units).block([0, 1])[0, 1]
    finally:
        similar.ACRONYMS = True
    assert with_ > without + 0.05
