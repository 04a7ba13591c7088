"""The clusterer's array and numpy paths give the results of the plain loops they replace."""

import math
import random
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from news_fixtures import EVERY_ARTICLE, NEPAL_A, NEPAL_B  # noqa: E402

from storyscope.cluster import StreamClusterer, cosine, stream  # noqa: E402
from storyscope.cluster.kernels import band_slots  # noqa: E402
from storyscope.cluster.split import two_means  # noqa: E402
from storyscope.cluster.story import Story, centroid_of  # noqa: E402
from storyscope.cluster.syndication import NearDuplicateIndex  # noqa: E402
from storyscope.features import compute, minhash  # noqa: E402

ARTICLES = EVERY_ARTICLE


def _run(**settings):
    c = StreamClusterer(**settings)
    feats = [(a.id, compute(a), a.published) for a in ARTICLES]
    return c, [c.add(i, f, p) for i, f, p in feats]


def test_postings_are_cut_to_what_is_read():
    c, _ = _run(max_postings=1, threshold=0.99)  # every article its own story
    assert len(c) >= 8
    assert all(len(p) < 2 for p in c._postings.values())
    # the newest story with a term is the one a later article finds
    again = c.add("nepal-b-again", compute(NEPAL_B), None)
    assert again.score > 0


def test_story_centroid_arrays_match_a_dict_sum():
    c, _ = _run()
    rng = random.Random(3)
    vecs = [c.stats.arrays(compute(a)) for a in rng.sample(ARTICLES, 6)]
    story = Story("x", 0)
    plain: dict[int, float] = {}
    for v in vecs:
        story.add(v)
        for t, x in zip(v[0].tolist(), v[1].tolist()):
            plain[t] = plain.get(t, 0.0) + x
    assert story.ids.tolist() == sorted(plain)
    assert story.vals.tolist() == pytest.approx([plain[t] for t in sorted(plain)])
    assert story.norm_sq == pytest.approx(sum(x * x for x in plain.values()))
    together = centroid_of(vecs)
    assert together[0].tolist() == story.ids.tolist() and together[1] == pytest.approx(story.vals)
    # the score is the square root of the cosine, as same_event_score
    probe = c.stats.arrays(compute(NEPAL_B))
    as_dict = dict(zip(probe[0].tolist(), probe[1].tolist()))
    assert story.score(probe) == pytest.approx(math.sqrt(max(cosine(as_dict, plain), 0.0)))


def test_arrays_are_the_dict_vector():
    c, _ = _run()
    feats = compute(NEPAL_B)
    ids, vals = c.stats.arrays(feats)
    assert dict(zip(ids.tolist(), vals.tolist())) == pytest.approx(c.stats.vector(feats))
    assert (ids[1:] > ids[:-1]).all()


def test_compacted_story_keeps_its_heaviest_terms_and_still_joins(monkeypatch):
    monkeypatch.setattr(stream, "_MAX_HOT", 2)
    c, assigned = _run()
    got = {a.id: g for a, g in zip(ARTICLES, assigned)}
    sizes = [len(s.ids) for s in c._by_idx]
    assert max(sizes) <= max(stream._COLD_TERMS, *(len(c._stories[i].ids) for i in c._hot))
    assert len(c._hot) == 2
    # a cold story is still found and joined: the Basra pair as before
    assert got["basra-wapo"].story_id == got["basra-rferl"].story_id


def test_two_means_separates_two_groups():
    rng = np.random.default_rng(5)
    ids = np.arange(40, dtype=np.uint32)
    vecs = []
    for i in range(10):
        vals = np.zeros(40)
        vals[(i % 2) * 20 : (i % 2) * 20 + 20] = rng.random(20) + 0.5
        keep = vals > 0
        vecs.append((ids[keep], vals[keep] / np.linalg.norm(vals)))
    labels, score = two_means(vecs)
    assert labels.tolist() in ([0, 1] * 5, [1, 0] * 5)
    assert score == pytest.approx(0.0)


def test_lsh_keys_are_distinct_per_band_and_the_window_forgets():
    idx = NearDuplicateIndex(window=3)
    sig = minhash.signature_of_words("a b c d e f g h".split())
    # 62 bits of key: equal values in two bands must still give two keys
    keys = band_slots(np.array(sig, dtype=np.uint32), idx.rows, 62)
    assert len(set(keys.tolist())) == idx.bands
    same = band_slots(np.full(64, 7, dtype=np.uint32), idx.rows, 62)
    assert len(set(same.tolist())) == idx.bands
    idx.insert("x", sig)
    assert idx.query(sig) == ("x", 1.0)
    for i in range(3):
        idx.insert(f"y{i}", minhash.signature_of_words(f"other words number {i} here and there".split()))
    assert len(idx) == 3
    assert idx.query(sig) is None  # "x" left the window of 3
    idx.insert("z", sig)
    assert idx.query(sig) == ("z", 1.0)


def test_hand_made_features_with_repeated_or_unsorted_ids_count_each_term_once():
    from storyscope.cluster.vectors import terms
    from storyscope.features import Features

    base = compute(NEPAL_B)
    ids, weights = list(base.term_ids), list(base.term_weights)
    # the same terms, reversed, with the first term split into two entries of half its weight
    messy = Features(
        term_ids=tuple(reversed(ids)) + (ids[0],),
        term_weights=tuple(reversed([weights[0] / 2] + weights[1:])) + (weights[0] / 2,),
        minhash=base.minhash, names=base.names, n_tokens=base.n_tokens,
        embedding=base.embedding, title_embedding=base.title_embedding,
    )
    got_ids, got_tf = terms(messy)
    assert got_ids.tolist() == sorted(ids)
    assert got_tf == pytest.approx(np.array(weights, dtype=np.float64)[np.argsort(ids)])
    scores = []
    for f in (base, messy):
        c = StreamClusterer()
        first = c.add("nepal-a", compute(NEPAL_A))
        got = c.add("nepal-b", f)
        assert got.story_id == first.story_id
        centroid = c._stories[got.story_id].ids.tolist()
        assert centroid == sorted(set(centroid))  # each term once, ascending
        scores.append(got.score)
    assert scores[1] == pytest.approx(scores[0], abs=1e-3)  # weights stored as float32, halves summed
