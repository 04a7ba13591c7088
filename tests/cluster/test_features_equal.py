"""The compiled ``compute`` returns exactly what the plain-Python one did.

``features_v1.py`` is a frozen copy of ``compute`` before it ran over token ids
with compiled loops. Equal means equal ``Features``: the same term ids, the same
float32 weights, MinHash, names and token count, on real text (the ECB+ sample and
the bundled samples) and on odd input.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

import features_v1  # noqa: E402
from news_fixtures import BASRA_RFERL, BASRA_WAPO, NEPAL_A, NEPAL_A_COPY, TURKEY_A  # noqa: E402

import storyscope.features as features  # noqa: E402
from storyscope.extract import extract  # noqa: E402
from storyscope.features import compute, kernels, minhash, text  # noqa: E402
from storyscope.features.tokens import TokenTable, char_classes  # noqa: E402
from storyscope.ingest import Rejected, iter_inputs  # noqa: E402
from storyscope.model import Article  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ecbplus_sample.jsonl"


def _ecb_sample() -> list[Article]:
    rows = [json.loads(line) for line in SAMPLE.open(encoding="utf-8")]
    return [Article(id=r["id"], title=r["title"], text=r["text"]) for r in rows]


def _lexical(f):
    """The fields the frozen copy computes: the embeddings (step 6) came after it."""
    return dataclasses.replace(f, embedding=b"", title_embedding=b"")


def _assert_same(article: Article) -> None:
    assert _lexical(compute(article)) == features_v1.compute(article), article.id


def test_ecbplus_sample_is_unchanged():
    articles = _ecb_sample()
    assert len(articles) == 145
    for art in articles:
        _assert_same(art)
        # without a title the body's own first line is not dropped and no title names count
        _assert_same(Article(id=art.id + "-untitled", text=art.text))


def test_bundled_samples_are_unchanged(samples):
    docs = [d for d in iter_inputs([samples], 10_000_000) if not isinstance(d, Rejected)]
    assert len(docs) >= 6
    for doc in docs:
        art = extract(doc)
        assert art.text
        _assert_same(art)


def test_news_fixtures_are_unchanged():
    for art in (BASRA_RFERL, BASRA_WAPO, NEPAL_A, NEPAL_A_COPY, TURKEY_A):
        _assert_same(art)


ODD = [
    "",
    " ",
    "\n\n\n",
    "a",
    "A B C",
    "!!! ??? ...",
    "2024",
    "1,200.5 9/11 6.1 10:30 3-2 1,2,3,4,5,6,7,8,9,10 1,200 1200 7 7 7 8 8",
    "U.S. officials said. Mr. Smith's U.K.-based firm, Inc. Co. Dr. Who. NASA BREAKING NEWS!",
    "Ünïcödé Straße in München. İstanbul ΟΔΟΣ Αθήνα. Москва сказала. 東京 と 大阪.",
    "naïve café – “quoted” ’tis O’Neill’s rock’n’roll co-operate e-mail x-ray.",
    "Title Case Headline Capitalises Every Single Word Here",
    "Police said. Police left. police arrived. Obama said Obama's plan. Obama.",
    "emoji 🙂 here, Zoë’s ½ and ² and ³ and ①②, Ⅻ century, ＡＢＣ full-width, ٣٤ digits",
    "tab\tseparated\x0bvertical\x0cfeed\x1cfile\x1dgroup\x1erecord\x1funit"
    "\u2028line\u2029para\u00a0nbsp\u3000ideographic\u0085next",
    "under_score snake_case __dunder__ a_b_c 1_000",
    "A. B. C. D. E. F. The end. ... Mr. X. Jr. Sr. St. Louis. no. 5 vs. 6",
    "Word " * 3000,
]


@pytest.mark.parametrize("body", ODD)
@pytest.mark.parametrize("title", [None, "", "Breaking: Mr. Smith's 3 Big Plans", "word"])
def test_odd_input_is_unchanged(body, title):
    _assert_same(Article(id="odd", title=title, text=body))


def test_title_repeated_as_first_line_is_unchanged():
    art = NEPAL_A
    _assert_same(Article(id="t", title=art.title, text=f"  {art.title}\n\n{art.text}"))


def test_random_text_is_unchanged():
    """Random mixtures of real words, names, numbers and punctuation, long and short."""
    rng = random.Random(7)
    vocab = " ".join(a.text for a in _ecb_sample()[:40]).split()
    odd = ["U.S.", "Mr.", "’s", "'s", "...", "!", "?\n\n", "1,200", "9/11", "—", "Ü", "(", ")", "“", "”", "."]
    for i in range(300):
        n = rng.choice([0, 1, 3, 5, 20, 200, 2000])
        words = [rng.choice(odd) if rng.random() < 0.1 else rng.choice(vocab) for _ in range(n)]
        body = " ".join(w if rng.random() < 0.9 else w.upper() for w in words)
        title = " ".join(rng.choice(vocab) for _ in range(rng.choice([0, 3, 9])))
        _assert_same(Article(id=f"r{i}", title=title, text=body))


def test_a_long_article_keeps_the_same_top_terms():
    # more than MAX_TERMS distinct terms, many tied, and counts beyond the log table
    words = [f"word{i}" for i in range(2000)] + ["often"] * 5000
    _assert_same(Article(id="long", title="often", text=" ".join(words)))


def test_switched_off_signals_still_match(monkeypatch):
    # the position decay and bigrams are kept as switches (off): on, they still give
    # the old code's counts, decayed counts included (float, in the same order)
    monkeypatch.setattr(features, "DECAY_WORDS", 30)
    monkeypatch.setattr(features, "BIGRAM_WEIGHT", 0.5)
    for art in _ecb_sample()[:30]:
        assert _lexical(compute(art)) == features_v1.compute(art, decay_words=30, bigram_weight=0.5)


def test_a_full_token_table_is_emptied_between_articles(monkeypatch):
    monkeypatch.setattr(features, "_TABLE", TokenTable(limit=50))
    for art in _ecb_sample()[:20]:
        _assert_same(art)
    assert len(features._TABLE.term_text) < 2000


def test_character_classes_are_the_regex_classes():
    # every code point, the astral planes included: the compiled tokeniser and
    # sentence split read these bits instead of running the regexes
    classes = char_classes(0x110000)
    letter = re.compile(r"[^\W\d_]")
    checks = [
        (kernels.LETTER, letter.match),
        (kernels.DECIMAL, re.compile(r"\d").match),
        (kernels.SPACE, re.compile(r"\s").match),
        (kernels.WORD_SEP, re.compile(r"['’.\-]").match),
        (kernels.NUMBER_SEP, re.compile(r"[.,:/\-]").match),
        (kernels.UPPER, str.isupper),
        (kernels.DIGIT_CHAR, str.isdigit),
    ]
    for bit, test in checks:
        has = np.flatnonzero(classes & bit)
        expected = [c for c in range(0x110000) if test(chr(c))]
        assert has.tolist() == expected, bit


def _article_tokens(body: str, title: str, n: int) -> tuple[list[str], list[str], list[str], bool]:
    table = TokenTable()
    body_ids, title_ids, lead_ids, title_case = table.article(body, title, n)
    return tuple([table.token_text[i] for i in ids.tolist()] for ids in (body_ids, title_ids, lead_ids)) + (title_case,)


@pytest.mark.parametrize("body", ODD + ["lone \ud800 surrogate. And \udfff. Then", "x\n \n\ny. z!? \"w\" v.) u"])
def test_compiled_tokens_lead_and_title_case_are_the_regex_ones(body):
    for n in (0, 1, 2, 3):
        for title in ("", "Mr. Smith’s 3 Big Plans", "a🙂b Ünï"):
            got = _article_tokens(body, title, n)
            lead = text.lead(body, n)
            assert lead == " ".join(text.sentences(body)[:n])
            assert got == (text.tokens(body), text.tokens(title), text.tokens(lead), text.is_title_case(title))


def test_compiled_tokens_of_random_text_are_the_regex_ones():
    rng = random.Random(11)
    alphabet = "aZé1 9.,:/-'’!?\n\t\")”_ü²ΣσÅ🙂\u00a0\u2028"
    for _ in range(2000):
        body = "".join(rng.choice(alphabet) for _ in range(rng.randrange(40)))
        title = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        lead = text.lead(body, 2)
        got = _article_tokens(body, title, 2)
        assert got == (text.tokens(body), text.tokens(title), text.tokens(lead), text.is_title_case(title))


def test_minhash_of_words_is_unchanged():
    rng = random.Random(3)
    for n in (0, 1, 2, 3, 4, 5, 50, 500):
        words = [rng.choice(["a", "B", "c", "Ünï", "1,200", "the"]) for _ in range(n)]
        assert minhash.signature_of_words(words) == features_v1.signature_of_words(words)


def test_stable_order_is_numpys_stable_argsort():
    rng = np.random.default_rng(5)
    for n in (0, 1, 2, 3, 7, 64, 401, 1000):
        for keys in (rng.integers(0, 5, n), -rng.integers(0, 3, n).astype(np.float64)):
            assert kernels._order(keys).tolist() == np.argsort(keys, kind="stable").tolist()
