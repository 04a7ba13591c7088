"""benchmarks/cluster_scale.py: its shortcuts give the stream its slow forms give."""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from cluster_scale import Generator, Picks, _blocks, plan  # noqa: E402

from storyscope.features import compute_many  # noqa: E402

ECB = ROOT / "tests" / "data" / "ecbplus_sample.jsonl"


def _gen() -> Generator:
    return Generator([json.loads(line) for line in ECB.open(encoding="utf-8")], seed=3)


def test_sentence_picks_made_beforehand_give_the_same_articles():
    gen = _gen()
    events, ks = plan(400, 5, 40, seed=3)
    picks = Picks(gen, events, ks)
    slow, fast = {}, {}
    for i, (e, k) in enumerate(zip(events.tolist(), ks.tolist())):
        a = gen.article(e, k, i // 50, slow)
        assert len(slow[e][1]) == gen.sentences(e)  # the count Picks relies on
        assert gen.article(e, k, i // 50, fast, picks[i]) == a


def test_features_from_the_second_process_equal_those_computed_here():
    gen = _gen()
    n = 120
    events, ks = plan(n, 5, 40, seed=3)
    picks = Picks(gen, events, ks)
    args = Namespace(block=25, per_day=50, spread=40, workers=2, ahead=2)
    got = [(meta, feats) for _, _, meta, feats, *_ in _blocks(gen, events, ks, picks, n, args)]
    arts = [gen.article(int(e), int(k), i // 50, {}) for i, (e, k) in enumerate(zip(events, ks))]
    assert [m for meta, _ in got for m in meta] == [(a.id, a.published) for a in arts]
    # the worker sends the stored form: exactly the records computed here
    assert [f for _, feats in got for f in feats] == [f.to_bytes() for f in compute_many(arts)]
