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
