"""find_entities (article-level canonical names) and group_aliases (across outlets), on
real sentences and names from the seed articles (RFE/RL and The Washington Post)."""

from __future__ import annotations

import pytest

from storyscope.enrich.aliases import AliasGroup, group_aliases, translit_equal
from storyscope.errors import MissingDependency

# Copied from the seed articles (/work/shared/data/seed), not read at test time.
WAPO_HEAD = (
    "The Washington PostDemocracy Dies in Darkness\n\n"
    "U.S. orders evacuation of diplomats from Iraqi city of Basra, citing threats from Iran\n\n"
    "Secretary of State Mike Pompeo ordered the evacuation of U.S. diplomats stationed at the "
    "U.S. Consulate in the Iraqi city of Basra on Friday, citing \u201cthreats to our personnel and "
    "facilities\u201d from Iran and its proxies.\n\n"
    "With insults like \u201cNazi-disposition\u201d and \u201cbrutal,\u201d President Trump and Iran\u2019s "
    "President Hassan Rouhani traded criticisms at the 2018 U.N. General Assembly.\n\n"
    "In his statement Friday, Pompeo said the United States is working with the Iraqi "
    "government to address Iranian threats."
)
RFE_BODY = (
    "U.S. Secretary of State Mike Pompeo said in the announcement late on September 28 that he "
    "would hold Iran directly responsible for any attacks on Americans and U.S. diplomatic "
    "facilities in the neighboring country.\n\n"
    "U.S. President Donald Trump in his address to the UN General Assembly accused Iran\u2019s "
    "leaders of sowing \u201cchaos, death, and destruction\u201d in the Middle East.\n\n"
    "Iranian President Hassan Rohani in his speech denounced the United States for waging what "
    "he called an \u201ceconomic war\u201d against his country, and proclaimed that Trump\u2019s bid to "
    "isolate Iran had fallen on deaf ears.\n\n"
    "The Islamic Revolutionary Guard Corps (IRGC) has threatened U.S. forces. The IRGC denied "
    "any role, Pompeo said."
)


@pytest.fixture(scope="module")
def nlp():
    from storyscope.enrich.nlp import load_nlp

    try:
        return load_nlp()
    except MissingDependency:
        pytest.skip("spaCy model not installed")


def canon(nlp, text: str) -> dict[str, set[str]]:
    from storyscope.enrich.entities import find_entities

    out: dict[str, set[str]] = {}
    for m in find_entities(nlp(text)):
        assert text[m.start:m.end] == m.text  # offsets point at the mention
        out.setdefault(m.text, set()).add(m.canonical)
    return out


def test_surname_and_title_take_the_full_name(nlp):
    got = canon(nlp, RFE_BODY)
    assert got["Pompeo"] == {"Mike Pompeo"}
    assert got["Trump"] == {"Donald Trump"}  # "Trump's" without the possessive
    assert got["Hassan Rohani"] == {"Hassan Rohani"}


def test_president_trump_without_full_name_stays_trump(nlp):
    got = canon(nlp, WAPO_HEAD)
    assert got["Trump"] == {"Trump"}  # "President" is trimmed; no full name in this text
    assert got["Pompeo"] == {"Mike Pompeo"}
    assert got["Hassan Rouhani"] == {"Hassan Rouhani"}


def test_masthead_and_title_fragments_are_dropped(nlp):
    got = canon(nlp, WAPO_HEAD)
    assert "Darkness" not in got  # "Democracy Dies in Darkness", the masthead slogan
    assert "State" not in got  # of "Secretary of State"
    assert "U.S." in got  # the abbreviation keeps its final period


def test_acronyms_take_their_expansion(nlp):
    got = canon(nlp, RFE_BODY)
    assert got["IRGC"] == {"Islamic Revolutionary Guard Corps"}
    assert got["U.S."] == {"United States"}


def test_entity_labels_agree_within_an_article(nlp):
    from storyscope.enrich.entities import find_entities

    labels = {}
    for m in find_entities(nlp(RFE_BODY + "\n\nPompeo said it again.")):
        labels.setdefault(m.canonical, set()).add(m.label)
    assert labels["Mike Pompeo"] == {"PERSON"}


# the opening of a quotation in a PolNeAR train article (Huffington Post, 2016), where the
# small model took the capitalised adverb into the PERSON span
OPENING_ADVERB = (
    "Ari Fleischer said Trump’s nomination will test their conclusions. “Certainly Donald Trump "
    "has gone in the opposite direction from what we recommended,” said the former aide. "
    "Trump did not answer."
)


def test_an_opening_adverb_is_no_part_of_the_name(nlp):
    got = canon(nlp, OPENING_ADVERB)
    assert "Certainly Donald Trump" not in got
    assert got["Trump"] == {"Donald Trump"}  # every "Trump" takes the full name, not "Certainly ..."


def test_opener_trim_only_at_a_sentence_start(nlp):
    from storyscope.enrich.entities import _opens_sentence

    doc = nlp("He said that “Certainly Donald Trump” was wrong. Certainly Trump was.")
    firsts = [t.i for t in doc if t.text == "Certainly"]
    assert all(_opens_sentence(doc, i) for i in firsts)  # after the quotation mark, and a sentence's first
    said = next(t.i for t in doc if t.text == "said")
    assert not _opens_sentence(doc, said)


def test_empty_doc(nlp):
    from storyscope.enrich.entities import find_entities

    assert find_entities(nlp("")) == ()
    assert find_entities(nlp("no names here at all.")) == ()


# ---- group_aliases ------------------------------------------------------------------------

ROWS = [
    ("Hassan Rohani", "PERSON", "rferl"), ("Hassan Rohani", "PERSON", "rferl"),
    ("Hassan Rouhani", "PERSON", "wapo"),
    ("Mike Pompeo", "PERSON", "rferl"), ("Mike Pompeo", "PERSON", "wapo"),
    ("Pompeo", "PERSON", "ap"),
    ("Mike Pence", "PERSON", "ap"),
    ("Donald Trump", "PERSON", "rferl"), ("Trump", "PERSON", "wapo"),
    ("United States", "GPE", "rferl"), ("U.S.", "GPE", "wapo"), ("US", "GPE", "rferl"),
    ("Iran", "GPE", "rferl"), ("Iran", "GPE", "wapo"), ("Iraq", "GPE", "rferl"),
    ("Iraq", "GPE", "wapo"),
    ("Islamic Revolutionary Guards Corps", "ORG", "rferl"), ("IRGC", "ORG", "ap"),
    ("Qasem Soleimani", "PERSON", "rferl"), ("Qassem Suleimani", "PERSON", "ap"),
    ("Mohamed al-Halbousi", "PERSON", "wapo"), ("Halbousi", "PERSON", "ap"),
    ("Hillary Clinton", "PERSON", "rferl"), ("Bill Clinton", "PERSON", "ap"),
    ("Clinton", "PERSON", "ap"),
    ("John Bolton", "PERSON", "wapo"), ("John Kerry", "PERSON", "ap"),
    ("United Nations", "FAC", "rferl"), ("UN", "ORG", "rferl"), ("U.N.", "ORG", "wapo"),
]


@pytest.fixture(scope="module")
def groups() -> dict[str, AliasGroup]:
    out = {}
    for g in group_aliases(ROWS):
        for n in (g.name, *g.aliases):
            out[n] = g
    return out


def test_transliterations_merge(groups):
    g = groups["Hassan Rohani"]
    assert g is groups["Hassan Rouhani"]
    assert g.name == "Hassan Rohani"  # the more frequent spelling
    assert g.type == "PERSON" and g.mentions == 3
    assert g.article_ids == ("rferl", "wapo")
    assert groups["Qasem Soleimani"] is groups["Qassem Suleimani"]


def test_surname_joins_the_one_full_name(groups):
    assert groups["Pompeo"] is groups["Mike Pompeo"]
    assert groups["Mike Pompeo"].name == "Mike Pompeo"
    assert groups["Trump"].name == "Donald Trump"
    assert groups["Halbousi"].name == "Mohamed al-Halbousi"


def test_ambiguous_surname_stays_alone(groups):
    assert groups["Clinton"].name == "Clinton"
    assert groups["Bill Clinton"] is not groups["Hillary Clinton"]


def test_shared_first_name_is_not_one_person(groups):
    assert groups["Mike Pence"] is not groups["Mike Pompeo"]
    assert groups["John Bolton"] is not groups["John Kerry"]


def test_countries_and_acronyms(groups):
    us = groups["United States"]
    assert us.name == "United States" and set(us.aliases) == {"U.S.", "US"}
    assert groups["Iran"] is not groups["Iraq"]
    assert groups["IRGC"].name == "Islamic Revolutionary Guards Corps"
    un = groups["UN"]
    assert un.name == "United Nations" and un.type == "ORG"  # ORG/FAC are one family
    assert groups["U.N."] is un


def test_translit_equal_rules():
    assert translit_equal("rohani", "rouhani")
    assert translit_equal("qasem", "qassem")
    assert translit_equal("mohamed", "muhammad")
    assert not translit_equal("iran", "iraq")
    assert not translit_equal("ali", "eli")  # short names need more than a skeleton


def test_types_do_not_mix():
    out = group_aliases([("Jordan", "GPE", "a"), ("Jordan", "PERSON", "b")])
    assert len(out) == 2


def test_bad_rows():
    assert group_aliases([]) == []
    assert group_aliases([("  ", "PERSON", "a")]) == []
    with pytest.raises(TypeError, match="canonical_name, label, article_id"):
        group_aliases([("Iran", "GPE")])  # type: ignore[list-item]


# Written for the test: a relative named in full after the main bearer of the surname,
# and a firm named after two partners.
RELATIVE = (
    "Carly Fiorina spoke to voters in Iowa on Monday. She was joined by her husband, "
    "Frank Fiorina, who rarely speaks at rallies.\n\n"
    "Fiorina said the campaign would buy more television time."
)
FIRM = (
    "Paul Manafort has advised presidents and dictators. In 1995 he founded the lobbying firm "
    "Davis Manafort with Rick Davis, a longtime adviser to Senator John McCain.\n\n"
    "Manafort said he would run the convention operation."
)


def test_bare_surname_is_its_main_bearer_not_a_relative_named_later(nlp):
    got = canon(nlp, RELATIVE)
    assert got["Fiorina"] == {"Carly Fiorina"}
    assert got["Frank Fiorina"] == {"Frank Fiorina"}


def test_bare_surname_is_no_firm_named_after_partners(nlp):
    from storyscope.enrich.entities import find_entities

    doc = nlp(FIRM)
    bare = [m for m in find_entities(doc) if m.text == "Manafort"]
    assert bare, "the NER found the bare surname"
    assert {m.canonical for m in bare} == {"Paul Manafort"}


def test_bare_surname_is_no_title_the_ner_kept():
    from storyscope.enrich.entities import _person_canonical

    # "AG Mukasey" (a title the NER kept inside the span) named twice, the full name once
    fulls = {"Mukasey": [(0, "AG Mukasey"), (40, "Michael Mukasey"), (90, "AG Mukasey")]}
    assert _person_canonical("Mukasey", 120, fulls) == "Michael Mukasey"


def test_a_surname_tagged_as_a_place_that_speaks_is_the_person(nlp):
    # the small model reads an unfamiliar surname as a place ("Kacong" GPE); the subject of a
    # reporting verb is a person, and the article names one with that surname
    from storyscope.enrich.entities import find_entities

    text = ("Officials had been put on alert, provincial disaster chief Rahimin Kacong was quoted by AFP "
            "as saying. Many refugees have returned home but some remain too fearful to go back, "
            "Kacong said.")
    got = {(m.text, m.label, m.canonical) for m in find_entities(nlp(text))}
    assert ("Kacong", "PERSON", "Rahimin Kacong") in got


def test_a_name_opening_with_an_acronym_joins_the_one_spelling_it_out():
    rows = [("U.S. Geological Survey", "ORG", "a"), ("United States Geological Survey", "ORG", "b"),
            ("U.N. Security Council", "ORG", "a"), ("United Nations Security Council", "ORG", "b"),
            ("U.S. Army", "ORG", "a"), ("United States Army", "ORG", "b"), ("Utah State Army", "ORG", "c"),
            ("U.S. Navy", "ORG", "a"), ("United States Marines", "ORG", "b")]
    groups = {g.name: set(g.aliases) for g in group_aliases(rows)}
    assert groups["United States Geological Survey"] == {"U.S. Geological Survey"}
    assert groups["United Nations Security Council"] == {"U.N. Security Council"}
    # two spellings out of "U.S. Army": neither is sure; other words after the acronym: no join
    assert groups["U.S. Army"] == set() and groups["U.S. Navy"] == set()


def test_a_town_tagged_person_once_among_many_place_tags_is_a_place():
    # the small model tags a town GPE in most sentences and PERSON in one ("Marlow became
    # his home"); one PERSON tag made every mention a person, who then spoke for "he said"
    from storyscope.enrich.entities import _vote_labels

    raw = [["Marlow", "GPE", 0, 6], ["Marlow", "GPE", 40, 46], ["Marlow", "PERSON", 90, 96],
           ["Marlow", "GPE", 140, 146], ["Ezra Hale", "PERSON", 200, 209]]
    _vote_labels(raw)
    assert [label for name, label, _, _ in raw if name == "Marlow"] == ["GPE"] * 4
    # a one-word name tagged PERSON and ORG by turns stays a person ("Rihanna")
    raw = [["Zola", "ORG", 0, 4], ["Zola", "PERSON", 40, 44], ["Zola", "ORG", 90, 94]]
    _vote_labels(raw)
    assert {label for _, label, _, _ in raw} == {"PERSON"}
    # the surname of a full name is the person, whatever the place tags ("Kacong")
    raw = [["Tia Marlow", "PERSON", 0, 10], ["Marlow", "GPE", 40, 46], ["Marlow", "GPE", 90, 96],
           ["Marlow", "GPE", 140, 146], ["Marlow", "PERSON", 190, 196]]
    _vote_labels(raw)
    assert {label for name, label, _, _ in raw if name == "Marlow"} == {"PERSON"}


def test_a_courtesy_title_picks_the_full_name_of_its_gender(nlp):
    from storyscope.enrich.entities import find_entities

    text = ("Walter Penn and his wife, Nora Penn, ran the bakery for forty years. Walter Penn retired in "
            "May. Mr. Penn still bakes on Sundays, and Mrs. Penn keeps the books.")
    got = {(m.text, m.canonical) for m in find_entities(nlp(text)) if m.label == "PERSON"}
    assert ("Penn", "Walter Penn") in got
    assert ("Penn", "Nora Penn") in got
