"""Paraphrases with no shared content word ("no one was hurt" / "no one was injured"):
near-synonym links (compare/synonyms.py) and pieces of two compound sentences that match
each other (facts.py), on short reports written for this test (no gold or sample text)."""

from __future__ import annotations

import numpy as np
import pytest

from storyscope.compare import build_brief
from storyscope.compare import similar
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
    return build_brief(Story("s", "Millbrook fire", ("a", "b"), ("Valley Herald", "County Times"), None, None),
                       items).data


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

