"""enrich/nlp.py's faster components give spaCy's own output, on real news text."""

from __future__ import annotations

import json
from pathlib import Path

ECB = Path(__file__).parents[1] / "data" / "ecbplus_sample.jsonl"


def test_load_nlp_gives_the_same_docs_as_spacy_as_loaded():
    import spacy
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG

    from storyscope.enrich.nlp import MODEL_PACKAGE, FastAttributeRuler, FastLemmatizer, GreedyNER, load_nlp

    texts = [json.loads(x)["text"] for x in ECB.read_text().splitlines() if x.strip()][:12]
    default = spacy.load(MODEL_PACKAGE)  # spaCy's own attribute ruler and lemmatizer
    nlp = load_nlp()
    assert isinstance(nlp.get_pipe("lemmatizer"), FastLemmatizer)
    assert isinstance(nlp.get_pipe("attribute_ruler"), FastAttributeRuler)
    assert isinstance(nlp.get_pipe("ner"), GreedyNER)
    cols = [TAG, POS, MORPH, LEMMA, HEAD, DEP, SENT_START, ENT_IOB, ENT_TYPE]
    for _ in range(2):  # the second time from the lemma cache
        for a, b in zip(default.pipe(texts), nlp.pipe(texts)):
            assert len(a) == len(b) and (a.to_array(cols) == b.to_array(cols)).all()
            assert [t.lemma_ for t in a] == [t.lemma_ for t in b]
    # one doc at a time, and in spaCy's batches of 2 (the recogniser steps 8 docs at once)
    for a, b in zip(default.pipe(texts[:3]), [nlp(t) for t in texts[:3]]):
        assert (a.to_array(cols) == b.to_array(cols)).all()
    for a, b in zip(default.pipe(texts, batch_size=2), nlp.pipe(texts, batch_size=2)):
        assert [(e.start, e.end, e.label_) for e in a.ents] == [(e.start, e.end, e.label_) for e in b.ents]


def test_compiled_recogniser_gives_the_entities_of_spacys_steps():
    from storyscope.enrich.nlp import GreedyNER, load_nlp

    texts = [json.loads(x)["text"] for x in ECB.read_text().splitlines() if x.strip()][:24]
    nlp = load_nlp()

    def ents(compiled: bool):
        GreedyNER.COMPILED = compiled
        try:
            return [[(e.start, e.end, e.label_) for e in d.ents] for d in nlp.pipe(texts, batch_size=4)]
        finally:
            GreedyNER.COMPILED = True

    stepped, compiled = ents(False), ents(True)
    assert sum(map(len, compiled)) > 50  # real news: many entities
    assert compiled == stepped
    # a doc that already holds an entity keeps it (spaCy's steps honour preset annotations)
    from spacy.tokens import Span

    doc = nlp.make_doc(texts[0])
    doc.ents = [Span(doc, 0, 1, label="ORG")]
    for name, proc in nlp.pipeline:
        doc = proc(doc)
    assert (doc.ents[0].start, doc.ents[0].end, doc.ents[0].label_) == (0, 1, "ORG")


def test_malloc_keeps_freed_memory_where_glibc_runs_the_process():
    import platform

    from storyscope.enrich.nlp import keep_freed_memory

    # glibc answers 1 for each parameter it accepts; elsewhere the call says it did nothing
    expected = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    assert keep_freed_memory() is expected
