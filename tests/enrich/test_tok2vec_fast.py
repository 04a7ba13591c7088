"""enrich/tok2vec_fast.py gives thinc's tok2vec arrays (bit for bit with thinc's first-layer product,
within 1e-4 with the precomputed tables) and the same docs, on real news."""

from __future__ import annotations

import json
from pathlib import Path

import numpy
import pytest

ECB = Path(__file__).parents[1] / "data" / "ecbplus_sample.jsonl"


def _texts(n: int) -> list[str]:
    rows = [json.loads(x) for x in ECB.read_text().splitlines() if x.strip()]
    return [r["title"] + "\n\n" + r["text"] for r in rows[:n]]


@pytest.fixture
def thinc_too():
    from storyscope.enrich import tok2vec_fast

    tables = tok2vec_fast.TABLES
    yield tok2vec_fast
    tok2vec_fast.ENABLED = True
    tok2vec_fast.TABLES = tables


def _networks(nlp):
    return {"shared": nlp.get_pipe("tok2vec").model, "ner": nlp.get_pipe("ner").ner.model.layers[0].layers[0]}


@pytest.mark.parametrize("tables", [False, True])
def test_both_networks_are_swapped_and_give_thincs_arrays(thinc_too, tables):
    from storyscope.enrich.nlp import load_nlp

    nlp = load_nlp()
    assert thinc_too.install(nlp) == 0  # load_nlp installed it on both already
    for model in _networks(nlp).values():
        assert getattr(model._func, "tok2vec_fast", False)
    docs = [nlp.make_doc(t) for t in _texts(30)]
    # an empty doc and a one-token doc inside a batch: thinc leaves the first out of its layout
    docs[3:3] = [nlp.make_doc(""), nlp.make_doc("Yes")]
    for name, model in _networks(nlp).items():
        for batch in (docs[:16], docs[16:], docs[5:6]):
            thinc_too.ENABLED = False
            want = model.predict(batch)  # thinc's layers
            thinc_too.TABLES = tables
            got = model._func.plan.forward(batch)  # the fast pass, called directly
            assert len(got) == len(want) == len(batch)
            for g, w, doc in zip(got, want, batch):
                assert g.shape == w.shape == (len(doc), 96), name
                assert g.dtype == numpy.float32
                if tables:  # the first layer's sums in another order: the last bits differ
                    assert numpy.abs(g - w).max(initial=0) < 1e-4, name
                else:
                    assert numpy.array_equal(g, w), name  # bit for bit, not merely close


@pytest.mark.parametrize("tables", [False, True])
def test_the_pipeline_gives_the_same_docs_with_and_without_it(thinc_too, tables):
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG

    from storyscope.enrich.nlp import load_nlp

    nlp = load_nlp()
    texts = _texts(26)
    cols = [TAG, POS, MORPH, LEMMA, HEAD, DEP, SENT_START, ENT_IOB, ENT_TYPE]
    thinc_too.ENABLED = False
    want = [d.to_array(cols) for d in nlp.pipe(texts, batch_size=16)]
    thinc_too.ENABLED, thinc_too.TABLES = True, tables
    docs = list(nlp.pipe(texts, batch_size=16))
    assert sum(len(d.ents) for d in docs) > 100  # real news: many entities and sentences
    assert sum(1 for d in docs for _ in d.sents) > 200
    assert len(want) == len(docs) == 26
    for w, d in zip(want, docs):
        assert numpy.array_equal(w, d.to_array(cols))
    # the shared network's output is what the tagger and parser read: doc.tensor
    thinc_too.ENABLED = False
    plain = nlp(texts[0]).tensor
    thinc_too.ENABLED = True
    fast = nlp(texts[0]).tensor
    assert numpy.array_equal(plain, fast) if not tables else numpy.allclose(plain, fast, rtol=0, atol=1e-4)


def test_a_model_of_another_shape_is_left_alone():
    from thinc.api import Linear, chain

    from storyscope.enrich.tok2vec_fast import plan

    assert plan(chain(Linear(4, 4), Linear(4, 4))) is None
