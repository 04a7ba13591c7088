"""A clusterer saved (cluster/snapshot.py) and loaded goes on exactly as the original would.

The stream is real text: the news fixtures (dated: copies, a follow-up a month
later), the ECB+ sample in an order in which stories are split and merged, and
synthetic events made from the sample's articles by benchmarks/cluster_scale.py's
generator (dated, many stories). A small copy window and a small hot set make the
ring of the copy index wrap and old stories compact within a few hundred articles.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT / "benchmarks"))

import news_fixtures  # noqa: E402
from cluster_scale import Generator, plan  # noqa: E402

from storyscope.cluster import StreamClusterer, snapshot, stream  # noqa: E402
from storyscope.cluster.snapshot import SnapshotError  # noqa: E402
from storyscope.cluster.story import Member, Story  # noqa: E402
from storyscope.features import compute  # noqa: E402
from storyscope.model import Article  # noqa: E402

ECB = ROOT / "tests" / "data" / "ecbplus_sample.jsonl"
SETTINGS = {"copy_window": 40}  # the ring wraps after 40 articles
HOT = 15  # stories that keep their members (stream._MAX_HOT is 10,000)


@pytest.fixture(scope="module")
def articles() -> list[tuple[str, object, str | None]]:
    """(id, features, published) of the whole stream, computed once."""
    fixtures = [a for a in vars(news_fixtures).values() if isinstance(a, Article)]
    rows = [json.loads(x) for x in ECB.read_text().splitlines() if x.strip()]
    random.Random(1).shuffle(rows)
    ecb = [Article(id=r["id"], title=r.get("title"), text=r["text"]) for r in rows]
    gen = Generator(rows, seed=3)
    events, ks = plan(300, 6, 40, seed=3)
    cache: dict = {}
    synthetic = [gen.article(e, k, i // 60, cache) for i, (e, k) in enumerate(zip(events.tolist(), ks.tolist()))]
    stream_ = fixtures + ecb + synthetic
    return [(a.id, compute(a), a.published) for a in stream_]


@pytest.fixture(scope="module")
def all_but_last_20(articles) -> tuple[StreamClusterer, bytes]:
    """(the clusterer after all but the last 20 articles, its snapshot's bytes)."""
    c = StreamClusterer(**SETTINGS)
    for a in articles[:-20]:
        c.add(*a)
    return c, bytes(c.snapshot())


def assert_ends_as_one_run(c: StreamClusterer, articles) -> None:
    """``c``, fed the stream's last articles, holds the stories and snapshot of one uninterrupted run."""
    whole = StreamClusterer(**SETTINGS)
    for a in articles:
        whole.add(*a)
    assert all(c.story_of(a[0]) == whole.story_of(a[0]) for a in articles)
    assert bytes(c.snapshot()) == bytes(whole.snapshot())


@pytest.fixture
def small_hot(monkeypatch):
    monkeypatch.setattr(stream, "_MAX_HOT", HOT)


def _final(c: StreamClusterer) -> tuple:
    ids = sorted(c._stories)
    return (c.story_sizes(), {s: c.links(s) for s in ids}, dict(c._article_story), c._next, c.stats.n_docs)


def test_a_restored_clusterer_gives_every_assignment_of_an_uninterrupted_run(articles, small_hot):
    whole = StreamClusterer(**SETTINGS)
    want = [whole.add(*a) for a in articles]
    # the stream exercises what a snapshot must carry, or the test proves little
    assert any(x.syndicated_of for x in want), "no copy"
    assert any(x.related_story_ids for x in want), "no link"
    assert any(x.merged_from for x in want), "no merge"
    assert any("split" in x.move_reason for x in want), "no split"
    assert whole._dups._serial > 2 * SETTINGS["copy_window"], "copy ring never wrapped"
    assert any(s.members is None and 0 < s.size < 64 for s in whole._by_idx), "no story compacted"
    for cut in (1, 9, 60, 161, 300, len(articles) - 1):
        first = StreamClusterer(**SETTINGS)
        for a in articles[:cut]:
            first.add(*a)
        buf = first.snapshot()
        again = StreamClusterer.from_snapshot(bytes(buf), **SETTINGS)
        assert again.snapshot() == buf, cut  # nothing lost or reordered on the way in
        got = [again.add(*a) for a in articles[cut:]]
        assert got == want[cut:], cut  # every field: story, score, reason, links, moves
        assert _final(again) == _final(whole), cut


def test_snapshot_of_a_snapshot_is_the_same_after_more_articles(articles, small_hot):
    # two restarts in a row (snapshot, load, add, snapshot, load, add) end where one run ends
    whole = StreamClusterer(**SETTINGS)
    for a in articles:
        whole.add(*a)
    c = StreamClusterer(**SETTINGS)
    for start, stop in ((0, 50), (50, 200), (200, len(articles))):
        for a in articles[start:stop]:
            c.add(*a)
        c = StreamClusterer.from_snapshot(c.snapshot(), **SETTINGS)
    assert c.snapshot() == whole.snapshot()


def test_every_field_of_the_clusterer_is_in_the_snapshot():
    # a field added to the clusterer, a story or a member must be added to snapshot.py
    assert set(vars(StreamClusterer())) == snapshot.CLUSTERER_FIELDS
    assert set(Story.__slots__) == snapshot.STORY_FIELDS
    assert set(Member.__slots__) == snapshot.MEMBER_FIELDS


@pytest.fixture(scope="module")
def buf(articles) -> bytes:
    c = StreamClusterer()
    for a in articles[:120]:
        c.add(*a)
    return bytes(c.snapshot())


def test_a_snapshot_with_other_settings_is_refused(buf):
    with pytest.raises(SnapshotError, match="other settings"):
        StreamClusterer.from_snapshot(buf, threshold=0.35)
    StreamClusterer.from_snapshot(buf)  # the same settings load


def test_a_snapshot_of_other_code_is_refused(buf, monkeypatch):
    monkeypatch.setattr(snapshot, "_CODE_HASH", "another version")
    with pytest.raises(SnapshotError, match="other settings, model or code"):
        StreamClusterer.from_snapshot(buf)


def test_a_snapshot_of_another_model_is_refused(buf):
    model = stream.default_model()
    other = replace(model, intercept=model.intercept + 0.01)
    with pytest.raises(SnapshotError):
        StreamClusterer.from_snapshot(buf, model=other)


@pytest.mark.parametrize("damage", ["flip", "truncate", "magic", "header", "empty"])
def test_a_damaged_snapshot_is_refused(buf, damage):
    b = bytearray(buf)
    if damage == "flip":
        b[len(b) // 2] ^= 0x10
    elif damage == "truncate":
        b = b[: len(b) - 100]
    elif damage == "magic":
        b[:4] = b"XXXX"
    elif damage == "header":
        b[20] ^= 0xFF
    else:
        b = bytearray()
    with pytest.raises(SnapshotError):
        # a flipped bit in a block read lazily (format 4) is found when the block is
        # first read, not at load: .snapshot() reads the whole state (see
        # test_snapshot_blocks.py); which block the middle byte falls in depends on
        # the stories the stream made
        StreamClusterer.from_snapshot(bytes(b)).snapshot()


def test_loading_needs_a_fresh_clusterer(buf, articles):
    used = StreamClusterer()
    used.add(*articles[0])
    with pytest.raises(SnapshotError, match="fresh"):
        snapshot.loads(buf, used)


def test_the_sparse_tables_hold_only_what_is_used(articles):
    # the 64 MB document-frequency table and the copy-slot table are mostly zeros
    c = StreamClusterer()
    for a in articles[:50]:
        c.add(*a)
    assert len(c.snapshot()) < 8_000_000
    header = snapshot.read_header(c.snapshot())
    slots = next(e for e in header["arrays"] if e[0] == "df.slot")
    assert slots[2][0] == np.count_nonzero(c.stats._df)
