"""The blob hand-over: ``compute_blobs`` and ``vectors.Incoming`` give what the records give."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from storyscope.cluster import StreamClusterer
from storyscope.cluster.vectors import Incoming, terms
from storyscope.features import Features, FeaturesFormatError, compute_blobs, compute_many
from storyscope.model import Article

ROOT = Path(__file__).resolve().parents[2]
ECB = ROOT / "tests" / "data" / "ecbplus_sample.jsonl"


def _articles() -> list[Article]:
    rows = [json.loads(line) for line in ECB.open(encoding="utf-8")]
    # dates a few days apart, so that the time evidence takes part
    arts = [Article(id=r["id"], title=r.get("title"), text=r.get("text") or "", published=f"2020-01-{1 + i % 9:02d}")
            for i, r in enumerate(rows)]
    # the edge cases of the stored form: no words, no title, a title only
    arts += [Article(id="empty", title="", text=""), Article(id="notitle", title=None, text="Quake hits Jakarta."),
             Article(id="titleonly", title="Quake hits Jakarta", text="  ")]
    return arts


def test_blobs_are_the_records_stored_form():
    arts = _articles()
    records = compute_many(arts)
    assert compute_blobs(arts) == [f.to_bytes() for f in records]
    assert [Features.from_bytes(b) for b in compute_blobs(arts)] == records


def test_incoming_reads_what_the_record_gives():
    for f in compute_many(_articles()):
        got = Incoming(f.to_bytes())
        ids, tf = terms(f)
        assert got.ids.dtype == ids.dtype and got.tf.dtype == tf.dtype
        assert np.array_equal(got.ids, ids) and np.array_equal(got.tf, tf)
        assert tuple(got.minhash.tolist()) == f.minhash and got.minhash.dtype == np.uint32
        assert got.names == f.names and got.n_tokens == f.n_tokens
        for a, b in ((got.vector(), f.vector()), (got.title_vector(), f.title_vector())):
            assert a.dtype == b.dtype == np.float32 and np.array_equal(a, b)
        assert got.ids.flags.writeable and got.minhash.flags.writeable


def test_incoming_of_a_hand_made_record_with_repeated_ids_sums_them_as_terms_does():
    f = Features(term_ids=(9, 3, 9), term_weights=(1.0, 2.0, 0.5), minhash=(1,) * 64, names=("kabul",), n_tokens=3)
    got = Incoming(f.to_bytes())
    ids, tf = terms(f)
    assert got.ids.tolist() == ids.tolist() == [3, 9] and got.tf.tolist() == tf.tolist() == [2.0, 1.5]


def test_a_damaged_blob_raises_as_from_bytes_does():
    blob = compute_blobs([Article(id="a", title="Quake", text="A quake hit Jakarta on Monday.")])[0]
    for bad in (blob[:10], blob[:-1], b"XXXX" + blob[4:]):
        with pytest.raises(FeaturesFormatError):
            Features.from_bytes(bad)
        with pytest.raises(FeaturesFormatError):
            Incoming(bad)
        with pytest.raises(FeaturesFormatError):
            StreamClusterer().add("a", bad)


def test_the_stream_assigns_blobs_as_it_assigns_records():
    arts = _articles()
    records = compute_many(arts)
    slow, fast = StreamClusterer(), StreamClusterer()
    for a, f in zip(arts, records):
        one, two = slow.add(a.id, f, a.published), fast.add(a.id, f.to_bytes(), a.published)
        assert one == two
    assert slow.snapshot() == fast.snapshot()
    # a replay from stored blobs rebuilds the same state
    again = StreamClusterer()
    for a, f in zip(arts, records):
        again.restore(a.id, slow.story_of(a.id), f.to_bytes(), a.published)
    kept = StreamClusterer()
    for a, f in zip(arts, records):
        kept.restore(a.id, slow.story_of(a.id), f, a.published)
    assert again.snapshot() == kept.snapshot()


def _plain_candidates(clusterer: StreamClusterer, probe, skip=None) -> list[str]:
    """The candidate search as it was before the posting lists were gathered in bulk: a
    loop over the probe's heaviest terms appending each list (cut to the newest
    ``max_postings``) and its weight, then the same compiled vote."""
    from array import array

    from storyscope.cluster.kernels import top_voted

    s = clusterer.settings
    ids, vals = probe.vec
    k = s.probe_terms
    top = np.argpartition(vals, -k)[-k:] if len(vals) > k else np.arange(len(vals))
    top = top[np.argsort(-vals[top], kind="stable")]
    stories, lens, weights = array("i"), array("i"), array("d")
    for tid, w in zip(ids[top].tolist(), vals[top].tolist()):
        posting = clusterer._postings.get(tid)
        if posting:
            recent = posting[-s.max_postings :] if len(posting) > s.max_postings else posting
            stories.extend(recent)
            lens.append(len(recent))
            weights.append(w)
    if not stories:
        return []
    sums = np.zeros(len(clusterer._by_idx) + 1)
    ranked = top_voted(np.frombuffer(stories, dtype=np.int32), np.frombuffer(lens, dtype=np.int32),
                       np.frombuffer(weights, dtype=np.float64), sums, s.max_candidates).tolist()
    return [clusterer._by_idx[i].id for i in ranked if clusterer._by_idx[i].size and clusterer._by_idx[i] is not skip]


def test_candidate_search_is_the_loop_it_replaced(monkeypatch):
    from storyscope.cluster import stream

    c = StreamClusterer(max_postings=3, probe_terms=8)  # short lists: the cut takes part
    seen: list[tuple[list[str], list[str]]] = []
    real = StreamClusterer._best_story

    def checked(self, probe, skip=None):
        got = real(self, probe, skip)
        seen.append(([st.id for _, st, _, _ in got[2]], _plain_candidates(self, probe, skip)))
        return got

    monkeypatch.setattr(stream.StreamClusterer, "_best_story", checked)
    arts = _articles()
    for a, blob in zip(arts, compute_blobs(arts)):
        c.add(a.id, blob, a.published)
    assert len([fast for fast, _ in seen if fast]) > 50  # most articles had candidates
    for fast, slow in seen:
        assert fast == slow
