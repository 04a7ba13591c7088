"""A quote credited to a description ("the doctor") is named in the brief by the one person
the article introduced with that noun (compare/described.py)."""

from __future__ import annotations

import re

from storyscope.compare import build_brief
from storyscope.compare.described import describes, is_description, name_described_speakers
from storyscope.model import Article, EntityMention, Enrichment, Quote, Sentence, Story


def _person(text: str, name: str, nth: int = 0) -> EntityMention:
    start = [m.start() for m in re.finditer(re.escape(name), text)][nth]
    return EntityMention(name, "PERSON", start, start + len(name), name)


def _quote(text: str, words: str, speaker: str) -> Quote:
    start = text.index(words)
    at = text.index(speaker, start) if speaker in text[start:] else None
    return Quote(speaker, words, "direct", start, start + len(words), "said",
                 at, at + len(speaker) if at is not None else None)


def _enrichment(aid: str, text: str, persons: list[EntityMention], quotes: list[Quote]) -> Enrichment:
    sents = tuple(Sentence(m.start(1), m.end(1), m.group(1)) for m in re.finditer(r"\s*([^.!?]+[.!?][\"\u201d]?)", text))
    return Enrichment(aid, sentences=sents, entities=tuple(persons), quotes=tuple(quotes))


QUAKE = ('A quake hit the province on Tuesday. "A child died when a wall collapsed," Maria Ortega, '
         'a doctor at a health clinic in the city, told reporters. "We have received around fifty '
         'people with injuries," added the doctor.')


def _quake() -> tuple[Article, Enrichment]:
    e = _enrichment("a", QUAKE, [_person(QUAKE, "Maria Ortega")], [
        _quote(QUAKE, "A child died when a wall collapsed,", "Maria Ortega"),
        _quote(QUAKE, "We have received around fifty people with injuries,", "the doctor"),
    ])
    return Article(id="a", text=QUAKE), e


def test_description_speaker_is_named_in_quotes_facts_and_voices():
    art, e = _quake()
    brief = build_brief(Story("s", "quake", ("a",), ("",), None, None), [(art, e)])
    said = {q.text: q.speaker for q in brief.quotes}
    assert said["We have received around fifty people with injuries,"] == "Maria Ortega"
    assert "the doctor" not in {q.speaker for q in brief.quotes}
    fact = next(f for f in brief.facts if "fifty people" in f.text)
    assert fact.speaker == "Maria Ortega"  # the sentence itself says only "the doctor"
    assert brief.coverage[0].voices == ("Maria Ortega",)


def test_enrichment_itself_is_not_changed():
    art, e = _quake()
    name_described_speakers(art.text, e)
    assert e.quotes[1].speaker == "the doctor"


def test_two_doctors_keep_the_description():
    text = ('"The wall fell," Maria Ortega, a doctor at the clinic, said. Juan Perez, a doctor at '
            'the hospital, was there too. "We are full," said the doctor.')
    e = _enrichment("a", text, [_person(text, "Maria Ortega"), _person(text, "Juan Perez")],
                    [_quote(text, "We are full,", "the doctor")])
    assert name_described_speakers(text, e).quotes[0].speaker == "the doctor"


def test_no_apposition_keeps_the_description():
    text = ('Maria Ortega visited the clinic on Tuesday. "We are full," said the doctor.')
    e = _enrichment("a", text, [_person(text, "Maria Ortega")], [_quote(text, "We are full,", "the doctor")])
    assert name_described_speakers(text, e).quotes[0].speaker == "the doctor"


def test_a_person_described_only_after_the_quote_is_not_named():
    text = ('"We are full," said the doctor. Maria Ortega, a doctor at the clinic, arrived later.')
    e = _enrichment("a", text, [_person(text, "Maria Ortega")], [_quote(text, "We are full,", "the doctor")])
    assert name_described_speakers(text, e).quotes[0].speaker == "the doctor"


def test_other_head_noun_is_not_named():
    text = ('Maria Ortega, a nurse at the clinic, was there. "We are full," said the doctor.')
    e = _enrichment("a", text, [_person(text, "Maria Ortega")], [_quote(text, "We are full,", "the doctor")])
    assert name_described_speakers(text, e).quotes[0].speaker == "the doctor"


def test_apposition_with_modifiers_title_and_age():
    text = "Ali Khan, a senior government official in the capital, spoke. Police spokesman Tom Reed and Ann Lee, 43, too."
    khan, reed, lee = _person(text, "Ali Khan"), _person(text, "Tom Reed"), _person(text, "Ann Lee")
    assert describes(text, khan, "the official") and describes(text, khan, "the senior official")
    assert not describes(text, khan, "the junior official")
    assert describes(text, reed, "the spokesman") and not describes(text, reed, "the police spokesman")
    assert describes(text, lee, "the 43-year-old") and not describes(text, lee, "the 44-year-old")


def test_what_counts_as_a_description():
    assert is_description("the doctor") and is_description("the 43-year-old")
    assert not is_description("The Doctor") and not is_description("doctor")
    assert not is_description("the Pentagon") and not is_description(None)


def test_capitalised_title_names_but_another_office_does_not():
    text = ("Vice President Joe Biden spoke first. Former President Bill Clinton and Athens Mayor "
            "Nikitas Kaklamanis followed. Ali Khan, a former doctor, and Sara Bell, the deputy governor, came.")
    biden, clinton, mayor = _person(text, "Joe Biden"), _person(text, "Bill Clinton"), _person(text, "Nikitas Kaklamanis")
    khan, bell = _person(text, "Ali Khan"), _person(text, "Sara Bell")
    assert describes(text, mayor, "the mayor")
    assert not describes(text, biden, "the president") and not describes(text, clinton, "the president")
    assert not describes(text, khan, "the doctor") and not describes(text, bell, "the governor")


def test_the_president_after_vice_president_and_president():
    text = ('Vice President Joe Biden and President Barack Obama met. "We agree," the president said.')
    e = _enrichment("a", text, [_person(text, "Joe Biden"), _person(text, "Barack Obama")],
                    [_quote(text, "We agree,", "the president")])
    assert name_described_speakers(text, e).quotes[0].speaker == "Barack Obama"
