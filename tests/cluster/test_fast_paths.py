"""The clusterer's fast paths give bit-for-bit the results of the plain loops they replace."""

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from news_fixtures import (  # noqa: E402
    BASRA_RFERL,
    BASRA_WAPO,
    NEPAL_A,
    NEPAL_A_COPY,
    NEPAL_B,
    NEPAL_C,
    SULAWESI,
    TEIXEIRA,
    TURKEY_A,
    TURKEY_B,
    TURKEY_MONTH_LATER,
)

from storyscope.cluster import StreamClusterer, stream  # noqa: E402
from storyscope.cluster.syndication import NearDuplicateIndex  # noqa: E402
from storyscope.features import compute, minhash  # noqa: E402

ARTICLES = [SULAWESI, TURKEY_A, NEPAL_A, BASRA_RFERL, TEIXEIRA, TURKEY_B, NEPAL_B, BASRA_WAPO, NEPAL_A_COPY,
            NEPAL_C, TURKEY_MONTH_LATER]


def _run(**settings):
    c = StreamClusterer(**settings)
    feats = [(a.id, compute(a), a.published) for a in ARTICLES]
    return c, [c.add(i, f, p) for i, f, p in feats]


def test_numpy_votes_rank_like_the_dict_loop(monkeypatch):
    _, plain = _run()
    monkeypatch.setattr(stream, "_NUMPY_VOTES", 0)  # every candidate search through numpy
    _, fast = _run()
    assert fast == plain


def test_postings_are_cut_to_what_is_read():
    c, _ = _run(max_postings=1, threshold=0.99)  # every article its own story
    assert len(c) >= 8
    assert all(len(p) < 2 for p in c._postings.values())
    # the newest story with a term is the one a later article finds
    again = c.add("nepal-b-again", compute(NEPAL_B), None)
    assert again.score > 0


def test_add_into_matches_the_loop():
    rng = random.Random(3)
    h_fast: dict[int, float] = {}
    h_loop: dict[int, float] = {}
    for _ in range(20):
        v = {rng.randrange(50): rng.random() for _ in range(rng.randrange(1, 15))}
        stream._add_into(h_fast, v)
        for t, x in v.items():
            h_loop[t] = h_loop.get(t, 0.0) + x
    assert list(h_fast.items()) == list(h_loop.items())  # same floats, same key order


@pytest.mark.parametrize("ascending", [True, False])
def test_shared_term_score_equals_full_dot(ascending):
    c, _ = _run()
    vec = c.stats.vector(compute(NEPAL_B))
    if not ascending:
        vec = dict(reversed(list(vec.items())))
    for story in c._by_idx:
        full = stream.StreamClusterer._score(c, vec, story, False)
        assert stream.StreamClusterer._score(c, vec, story, ascending) == full


def test_compact_lsh_keys_are_distinct_per_band():
    idx = NearDuplicateIndex()
    sig = minhash.signature_of_words("a b c d e f g h".split())
    keys = idx._keys(sig)
    assert len(set(keys)) == idx.bands
    idx.insert("x", sig)
    assert idx.query(sig) == ("x", 1.0)
