"""The compiled dependency parser (enrich/parse_decode.py) gives spaCy's own parse, on real news text."""

from __future__ import annotations

import json
from pathlib import Path

import numpy
import pytest

ECB = Path(__file__).parents[1] / "data" / "ecbplus_sample.jsonl"
COLS = ("HEAD", "DEP", "SENT_START", "ENT_IOB", "ENT_TYPE")


def _texts(n: int) -> list[str]:
    return [json.loads(x)["text"] for x in ECB.read_text().splitlines() if x.strip()][:n]


def _parse(nlp, texts, compiled: bool, batch_size: int = 16):
    from storyscope.enrich.nlp import GreedyParser

    GreedyParser.COMPILED = compiled
    try:
        return list(nlp.pipe(texts, batch_size=batch_size))
    finally:
        GreedyParser.COMPILED = True


def _same(a, b) -> bool:
    return len(a) == len(b) and (a.to_array(COLS) == b.to_array(COLS)).all()


def _by_components(nlp, doc, compiled: bool):
    from storyscope.enrich.nlp import GreedyParser

    GreedyParser.COMPILED = compiled
    try:
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        return doc
    finally:
        GreedyParser.COMPILED = True


def test_compiled_parser_gives_the_heads_labels_and_sentences_of_spacys_loop():
    from storyscope.enrich import parse_decode
    from storyscope.enrich.nlp import GreedyParser, load_nlp

    nlp = load_nlp()
    parser = nlp.get_pipe("parser")
    assert isinstance(parser, GreedyParser)
    texts = _texts(24) + ["", "   ", "Yes.", "Hello\n\nworld"]  # and the degenerate docs
    decorated, bad = [], []
    decode = parse_decode.decode

    def counting(*args):
        heads, actions, marked = decode(*args)
        decorated.append(int(parser._decorated[actions[heads >= 0]].sum()))
        bad.append(int(marked.sum()))
        return heads, actions, marked

    parse_decode.decode = counting
    try:
        compiled = _parse(nlp, texts, True)
    finally:
        parse_decode.decode = decode
    spacy_loop = _parse(nlp, texts, False)
    assert sum(len(d) for d in compiled) > 2_000  # real news: thousands of words
    assert all(_same(a, b) for a, b in zip(spacy_loop, compiled))
    assert [[s.start for s in d.sents] for d in compiled[:24]] == [[s.start for s in d.sents] for d in spacy_loop[:24]]
    # the texts hold non-projective arcs, which spaCy's postprocess re-attaches
    assert sum(decorated) > 0 and sum(bad) == 0
    # one doc at a time and in odd batches: the parse does not depend on the batch
    assert all(_same(a, nlp(t)) for a, t in zip(spacy_loop[:3], texts[:3]))
    assert all(_same(a, b) for a, b in zip(spacy_loop, _parse(nlp, texts, True, batch_size=3)))


def test_preset_sentence_starts_are_honoured_as_spacys_loop_does():
    from storyscope.enrich.nlp import load_nlp

    nlp = load_nlp()
    text = _texts(1)[0]

    def preset(compiled: bool):
        doc = nlp.make_doc(text)
        doc[12].is_sent_start = True  # a start the parser must keep
        doc[30].is_sent_start = False  # a word that may not start one
        return _by_components(nlp, doc, compiled)

    a, b = preset(False), preset(True)
    assert _same(a, b)
    assert b[12].is_sent_start and not b[30].is_sent_start


def test_a_doc_with_a_parse_already_goes_through_spacys_loop(monkeypatch):
    from storyscope.enrich import parse_decode
    from storyscope.enrich.nlp import load_nlp

    nlp = load_nlp()
    text = _texts(2)[1]

    def preset(compiled: bool):
        doc = nlp.make_doc(text)
        heads = numpy.zeros((len(doc), 2), dtype="uint64")
        heads[1, 0] = numpy.int64(-1).astype("uint64")  # word 1 attached to word 0
        heads[:, 1] = nlp.vocab.strings.add("dep")
        doc.from_array(["HEAD", "DEP"], heads)
        return _by_components(nlp, doc, compiled)

    a = preset(False)

    def refuse(*_):
        raise AssertionError("the compiled loop was asked to parse a doc holding a parse")

    monkeypatch.setattr(parse_decode, "decode", refuse)
    b = preset(True)
    assert _same(a, b)


def test_docs_the_compiled_loop_marks_are_parsed_by_spacys_loop(monkeypatch):
    from storyscope.enrich import parse_decode
    from storyscope.enrich.nlp import load_nlp

    nlp = load_nlp()
    texts = _texts(5)
    decode = parse_decode.decode

    def marking(*args):  # as if docs 1 and 3 had met the arc spaCy keeps stale
        heads, actions, bad = decode(*args)
        bad[[1, 3]] = True
        heads[:] = -1  # and nothing of theirs may be used
        return heads, actions, bad

    spacy_loop = _parse(nlp, texts, False)
    monkeypatch.setattr(parse_decode, "decode", marking)
    marked = _parse(nlp, texts, True, batch_size=8)
    assert _same(spacy_loop[1], marked[1]) and _same(spacy_loop[3], marked[3])
    assert not _same(spacy_loop[0], marked[0])  # the unmarked docs took the wiped heads


@pytest.mark.parametrize("last_is_child", [True, False])
def test_reattaching_a_word_marks_the_doc_only_where_spacy_keeps_a_stale_arc(last_is_child):
    # word 3 attached to word 1 (a right arc), then re-attached to word 4 (LeftArc's add_arc):
    # spaCy drops the old arc if it is its head's last, and keeps it otherwise
    from storyscope.enrich import parse_decode

    n = 6
    heads, labels = numpy.full(n, -1), numpy.full(n, -1)
    last_left, last_right, prev = numpy.full(n, -1), numpy.full(n, -1), numpy.full(n, -1)
    bad = numpy.zeros(1, dtype=bool)

    def add(head, child):
        parse_decode._add_arc.py_func(0, 0, head, child, 7, heads, labels, last_left, last_right, prev, bad)

    add(1, 3)
    if not last_is_child:
        add(1, 5)  # a later right child of word 1: word 3 is no longer its last
    add(4, 3)
    assert heads[3] == 4 and last_left[4] == 3
    assert bool(bad[0]) is (not last_is_child)
    if last_is_child:
        assert last_right[1] == -1


def test_actions_the_model_never_saw_score_lowest_as_in_spacys_loop():
    from storyscope.enrich.nlp import load_nlp

    nlp = load_nlp()
    parser = nlp.get_pipe("parser").parser
    texts = _texts(6)
    nsubj = next(i for i in range(parser.moves.n_moves) if parser.moves.get_class_name(i) == "L-nsubj")
    before = parser.model.attrs["unseen_classes"]
    parser.model.attrs["unseen_classes"] = {nsubj}
    try:
        spacy_loop, compiled = _parse(nlp, texts, False), _parse(nlp, texts, True)
    finally:
        parser.model.attrs["unseen_classes"] = before
    assert all(_same(a, b) for a, b in zip(spacy_loop, compiled))
    # the masked action was never taken: no subject attached by a left arc
    assert not any(t.dep_ == "nsubj" and t.head.i > t.i for d in compiled for t in d)
    assert any(t.dep_ == "nsubj" and t.head.i > t.i for d in _parse(nlp, texts, True) for t in d)
