"""The inverted index as arrays (cluster/postings.py) holds and votes what the dict of lists it replaces did."""

from __future__ import annotations

import json
from array import array
from pathlib import Path

import numpy as np
import pytest

from storyscope.cluster import StreamClusterer
from storyscope.cluster.postings import PostingTable, dict_add, dict_vote
from storyscope.cluster.snapshot_lazy import postings_columns
from storyscope.features import compute_blobs
from storyscope.model import Article

ECB = Path(__file__).resolve().parents[1] / "data" / "ecbplus_sample.jsonl"


def _dict_add(postings: dict[int, array], tids: np.ndarray, idx: int, keep: int) -> None:
    """The Python form PostingTable.add replaces (what StreamClusterer._attach does on a dict)."""
    dict_add(postings, tids, idx, keep)


def _dict_vote(postings: dict[int, array], tids: np.ndarray, weights: np.ndarray, cut: int, k: int, n: int):
    """The Python form of the vote (what StreamClusterer._best_story does on a dict)."""
    return dict_vote(postings, tids, weights, np.zeros(n), cut, k)


@pytest.mark.parametrize("keep", [1, 3, 200])
def test_table_holds_and_votes_what_a_dict_does(keep):
    rng = np.random.default_rng(keep)
    # 5,000 distinct term ids (some near 2**32): the table rehashes, the lists
    # outgrow their room and the pool is compacted several times on the way
    vocab = np.unique(np.concatenate([rng.integers(0, 2**32, 4990, dtype=np.uint64),
                                      np.arange(2**32 - 10, 2**32, dtype=np.uint64)])).astype(np.uint32)
    common = vocab[:40]  # in most stories: long lists, cut again and again
    table, plain = PostingTable(keep), {}
    n_stories = 1500
    for idx in range(n_stories):
        tids = np.unique(np.concatenate([rng.choice(vocab, rng.integers(1, 120), replace=False),
                                         rng.choice(common, 10, replace=False)]))
        table.add(tids, idx)
        _dict_add(plain, tids, idx, keep)
        if idx % 250 == 0 or idx == n_stories - 1:
            assert len(table) == len(plain)
            for tid, posting in plain.items():
                assert table.get(tid) == posting
    got_cols, want_cols = postings_columns(table), postings_columns(plain)
    for g, w in zip(got_cols, want_cols):
        assert np.array_equal(g, w) and g.dtype == w.dtype
    assert table.values() == [plain[t] for t in table.keys()]
    # the vote: the same stories in the same order, and the scratch left all zero
    sums = np.zeros(n_stories + 1)
    for _ in range(300):
        tids = np.concatenate([rng.choice(vocab, 12), rng.integers(0, 2**32, 4, dtype=np.uint64).astype(np.uint32)])
        weights = rng.random(len(tids)) + 0.01
        cut = int(rng.integers(1, 2 * keep + 2))
        voted, found = table.vote(tids, weights, sums, cut, 6)
        assert (voted.tolist(), int(found)) == _dict_vote(plain, tids, weights, cut, 6, n_stories + 1)
        assert not sums.any()


def _articles() -> list[Article]:
    rows = [json.loads(line) for line in ECB.open(encoding="utf-8")]
    return [Article(id=r["id"], title=r.get("title"), text=r.get("text") or "", published=f"2020-01-{1 + i % 9:02d}")
            for i, r in enumerate(rows)]


def _fields(a) -> tuple:
    return (a.story_id, a.score, a.is_new, a.syndicated_of, a.reason, a.related_story_ids, a.moved, a.move_reason,
            a.merged_from)


@pytest.mark.parametrize("settings", [{}, {"max_postings": 2, "probe_terms": 8}])
def test_stream_assigns_the_same_with_either_index(settings):
    arts = _articles()
    blobs = compute_blobs(arts)
    fast, plain = StreamClusterer(**settings), StreamClusterer(**settings)
    plain._postings = {}  # the Python form (what a loaded snapshot's lazy index takes)
    got = [_fields(fast.add(a.id, b, a.published)) for a, b in zip(arts, blobs)]
    want = [_fields(plain.add(a.id, b, a.published)) for a, b in zip(arts, blobs)]
    assert got == want
    assert sum(1 for g in got if not g[2]) > 20  # articles joined stories: the vote took part
    assert fast.snapshot() == plain.snapshot()  # the index stored as the same columns


def test_merge_search_leaves_out_only_its_own_story(monkeypatch):
    from storyscope.cluster import stream

    arts = _articles()
    c = StreamClusterer()
    checked = 0
    real = StreamClusterer._best_story

    def both(self, probe, skip=None):
        got = real(self, probe, skip)
        if skip is not None:
            nonlocal checked
            whole = real(self, probe)
            assert [(p, s.id, cl, x) for p, s, cl, x in got[2]] == [
                (p, s.id, cl, x) for p, s, cl, x in whole[2] if s is not skip]
            checked += 1
        return got

    monkeypatch.setattr(stream.StreamClusterer, "_best_story", both)
    for a, b in zip(arts, compute_blobs(arts)):
        c.add(a.id, b, a.published)
    assert checked > 10
