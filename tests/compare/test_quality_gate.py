"""Quality gate: the seed brief scored against its hand labels (benchmarks/gold/seed_basra.json).

Floors sit a little under today's scores (facts P 1.00 R 0.75, quotes 1.00/1.00,
disagreements 1.00/1.00 since the Iranian Foreign Ministry's rejection of the U.S.
allegations is found); the whole gold set runs in benchmarks/brief.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyscope.compare import build_brief

from compare_helpers import brief_bench, seed_items

ROOT = Path(__file__).resolve().parents[2]
FLOORS = {"facts": (0.8, 0.5), "quotes": (0.9, 0.9), "disagreements": (0.9, 0.9)}


@pytest.fixture(scope="module")
def scores():
    bench = brief_bench()
    gold = json.loads((ROOT / "benchmarks" / "gold" / "seed_basra.json").read_text(encoding="utf-8"))
    story, items = seed_items()
    brief = build_brief(story, list(items)).data
    return {
        "facts": bench.prf(*bench.score_pairs(bench.fact_pairs(brief), gold["facts"], gold["related"])),
        "quotes": bench.prf(*bench.score_pairs(bench.quote_pairs(brief), gold["quotes"])),
        "disagreements": bench.prf(*bench.score_disagreements(brief, gold)),
    }


@pytest.mark.parametrize("part", sorted(FLOORS))
def test_seed_scores_stay_above_floor(scores, part):
    precision, recall, _ = scores[part]
    floor_p, floor_r = FLOORS[part]
    assert precision >= floor_p, (part, scores[part])
    assert recall >= floor_r, (part, scores[part])
