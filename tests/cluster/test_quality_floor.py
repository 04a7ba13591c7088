"""Quality floor of the clusterer on a small real labelled sample, run in CI.

``tests/data/ecbplus_sample.jsonl``: the 145 ECB+ articles of topics 3, 8, 13, 18,
23 and 28 (every fifth topic from 3; 12 gold stories, two events of one kind per
topic), from the ECB+ corpus (Cybulska and Vossen 2014; annotations CC BY 3.0).
The full benchmark is ``benchmarks/clustering.py`` (all 982 articles, F1 0.913).
On this sample, five shuffled orders gave B-cubed F1 0.896-0.944 (mean 0.920,
precision 0.96-0.99) on 2026-11-29 with the same-event model (0.879-0.931, mean
0.904, precision 0.99-1.00 with the TF-IDF score alone, 2026-11-23); the floors
sit a little under that, so a change that costs the clusterer real quality fails
here, not only in a benchmark nobody ran. The same-event model was fitted on ECB+
(cross-validated by topic), these topics included.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from storyscope.cluster import StreamClusterer
from storyscope.features import compute
from storyscope.model import Article

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from clustering import bcubed  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ecbplus_sample.jsonl"
ORDERS = (1, 2, 3, 4, 5)
FLOOR_EACH = 0.87
FLOOR_MEAN = 0.90


@pytest.fixture(scope="module")
def sample():
    rows = [json.loads(line) for line in SAMPLE.open(encoding="utf-8")]
    feats = {
        r["id"]: compute(Article(id=r["id"], title=r["title"], text=r["text"], published=r["date"])) for r in rows
    }
    return feats, {r["id"]: r["story"] for r in rows}


def _f1(sample, seed: int) -> tuple[float, float, float]:
    feats, gold = sample
    order = sorted(gold)
    random.Random(seed).shuffle(order)
    clusterer = StreamClusterer()
    for article_id in order:
        clusterer.add(article_id, feats[article_id])
    return bcubed({i: clusterer.story_of(i) for i in gold}, gold)


def test_sample_is_two_events_per_topic(sample):
    _, gold = sample
    assert len(gold) == 145 and len(set(gold.values())) == 12


def test_bcubed_stays_above_the_floor_in_every_order(sample):
    scores = [_f1(sample, seed) for seed in ORDERS]
    f1s = [f for _, _, f in scores]
    assert min(f1s) >= FLOOR_EACH, scores
    assert sum(f1s) / len(f1s) >= FLOOR_MEAN, scores
    # precision is what a reader sees first: two events in one story
    assert min(p for p, _, _ in scores) >= 0.95, scores
