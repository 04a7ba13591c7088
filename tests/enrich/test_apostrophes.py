"""Typographic apostrophes: the model reads the text with "'" in their place, the doc keeps the
article's own characters (sentences written for the test)."""

from __future__ import annotations

from quote_helpers import nlp, speaker_of  # noqa: F401 (nlp: a fixture) tests/enrich/quote_helpers.py

from storyscope.enrich.entities import find_entities
from storyscope.enrich.pipeline import enrich_articles
from storyscope.model import Article

CURLY = (
    "Harbour master Colm O\u2019Brien said on Tuesday that the port\u2019s new cranes would not arrive "
    "before spring. \u201cWe won\u2019t wait for them,\u201d O\u2019Brien told the council\u2019s "
    "committee, calling the delay \u2018a scandal.\u2019\n"
)
STRAIGHT = CURLY.replace("\u2019", "'").replace("\u2018", "'")


def _annotations(doc):
    return [(t.idx, len(t), t.tag_, t.pos_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.is_sent_start) for t in doc]


def test_the_doc_keeps_its_text_and_gets_the_straight_texts_annotations(nlp):
    curly, straight = nlp(CURLY), nlp(STRAIGHT)
    assert curly.text == CURLY
    assert [t.text for t in curly][:4] == ["Harbour", "master", "Colm", "O\u2019Brien"]
    assert _annotations(curly) == _annotations(straight)
    assert [(e.start_char, e.end_char, e.label_) for e in curly.ents] == [
        (e.start_char, e.end_char, e.label_) for e in straight.ents
    ]
    # in batches too, and a text with nothing to replace is the pipeline's doc as it was
    docs = list(nlp.pipe([CURLY, STRAIGHT, "No apostrophe here, she said."], batch_size=2))
    assert [d.text for d in docs] == [CURLY, STRAIGHT, "No apostrophe here, she said."]
    assert _annotations(docs[0]) == _annotations(straight)


def test_a_name_with_a_curly_apostrophe_is_a_person_and_speaks(nlp):
    doc = nlp(CURLY)
    people = {e.canonical for e in find_entities(doc) if e.label == "PERSON"}
    assert "Colm O\u2019Brien" in people
    assert speaker_of(nlp, CURLY, "We won\u2019t wait") == "Colm O\u2019Brien"


def test_stored_records_keep_the_articles_characters():
    (enrichment,) = enrich_articles([Article(id="a1", text=CURLY)])
    quote = next(q for q in enrichment.quotes if q.text.startswith("We won"))
    assert quote.text.startswith("We won\u2019t wait")
    assert CURLY[quote.start : quote.end].startswith("We won\u2019t")
    assert all(CURLY[e.start : e.end] == e.text for e in enrichment.entities)
    assert any(e.text == "O\u2019Brien" for e in enrichment.entities)
    assert all(CURLY[s.start : s.end].strip() == s.text for s in enrichment.sentences)
