"""benchmarks/gold_agreement.py: a labelling turned into the pairs the brief's facts would give."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import brief as bench  # noqa: E402
from gold_agreement import AGREEMENT, consensus_recall, label_pairs  # noqa: E402

SENTENCES = {
    "a": ["The mayor resigned on Monday.", "She had served ten years."],
    "b": ["On Monday the mayor quit.", "Her term began in 2010 and she served ten years in all."],
    "c": ["Mayor steps down.", "A deputy will take over."],
}


def test_each_wording_becomes_its_sentence_and_a_group_its_cross_article_pairs():
    groups = [[["a", "mayor resigned"], ["b", "the mayor quit"], ["c", "Mayor steps down"]],
              [["a", "served ten years"], ["b", "served ten years in all"]]]
    pairs, unplaced = label_pairs(groups, SENTENCES)
    assert unplaced == []
    assert len(pairs) == 4  # three from the first group, one from the second
    assert (("a", "She had served ten years."),
            ("b", "Her term began in 2010 and she served ten years in all.")) in pairs


def test_a_pair_two_groups_share_counts_once_and_a_split_wording_is_reported():
    groups = [[["a", "resigned"], ["b", "quit"]], [["a", "on Monday"], ["b", "On Monday"]],
              [["a", "Monday. She had"], ["c", "deputy"]]]
    pairs, unplaced = label_pairs(groups, SENTENCES)
    assert len(pairs) == 1  # both groups join the same two sentences; the third has one placed
    assert unplaced == [("a", "Monday. She had")]


def test_scored_against_itself_a_labelling_agrees_fully_and_a_missed_group_costs_recall():
    gold = [[["a", "mayor resigned"], ["b", "the mayor quit"]], [["a", "served ten years"], ["b", "served ten"]]]
    pairs, _ = label_pairs(gold, SENTENCES)
    assert bench.score_pairs(pairs, gold) == (2, 2, 2, 2)
    half, _ = label_pairs(gold[:1], SENTENCES)
    assert bench.score_pairs(half, gold) == (1, 1, 1, 2)
    assert consensus_recall(half, gold, pairs) == (1, 2)  # both labellings agree on two; one is joined


def test_the_second_labelling_covers_tuning_stories_and_their_articles_only():
    half_of = bench.halves()
    files = sorted(AGREEMENT.glob("*.json"))
    assert files
    for path in files:
        second = json.loads(path.read_text(encoding="utf-8"))
        first = json.loads((bench.GOLD / path.name).read_text(encoding="utf-8"))
        assert half_of[second["story"]] == "tuning"
        assert second["story"] == first["story"] and second["articles"] == first["articles"]
        ids = {a["id"] for a in second["articles"]}
        assert all(e[0] in ids for part in ("facts", "related") for g in second[part] for e in g)
        assert all(len({e[0] for e in g}) >= 2 for g in second["facts"])  # a fact spans two articles
