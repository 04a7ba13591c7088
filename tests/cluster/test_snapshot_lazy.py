"""A loaded clusterer builds its stories, postings lists and article entries on first use (issue 11).

snapshot_lazy.py stands in for the clusterer's dicts and list; these tests hold it
to a dict's and a list's behaviour on the state of a real stream (the news
fixtures, the ECB+ sample, synthetic events), and check that a run after a load
builds only what it touches, which is what keeps a start cheap in a large store.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from test_snapshot import SETTINGS, all_but_last_20, articles, small_hot  # noqa: F401  (fixtures)

from storyscope.cluster import StreamClusterer, snapshot_lazy
from storyscope.cluster.snapshot import SnapshotError, loads


@pytest.fixture(scope="module")
def loaded(all_but_last_20):  # noqa: F811
    return all_but_last_20


def test_a_loaded_clusterer_builds_only_the_stories_it_touches(articles, loaded):  # noqa: F811
    original, buf = loaded
    c = StreamClusterer.from_snapshot(buf, **SETTINGS)
    assert isinstance(c._by_idx, snapshot_lazy.LazyList)
    assert c._by_idx.built() == 0 and len(c) == len(original)
    for a in articles[-20:-17]:
        c.add(*a)
    assert 0 < c._by_idx.built() < len(c._by_idx) / 2  # three articles: their candidates, not every story
    assert len(c._postings._got) < len(c._postings) / 4


def test_the_loaded_tables_answer_as_the_dicts_they_stand_for(loaded):
    original, buf = loaded
    c = StreamClusterer.from_snapshot(buf, **SETTINGS)
    want = dict(original._article_story)
    got = c._article_story
    assert len(got) == len(want) and list(got.items()) == list(want.items())
    some = list(want)[::7]
    assert all(got[a] == want[a] and a in got for a in some)
    assert "no such article" not in got and got.get("no such article") is None
    with pytest.raises(KeyError):
        got["no such article"]
    # a dict's order: a changed value keeps its place, a new key goes last
    for key, value in ((some[1], "s999998"), ("new article", "s999999"), (some[0], "s999997")):
        got[key] = want[key] = value
    assert len(got) == len(want) and list(got.items()) == list(want.items())
    # postings: the same lists, appended to in place
    terms = list(original._postings)
    assert len(c._postings) == len(terms)
    for t in terms[::11]:
        assert c._postings.get(t) == original._postings[t] and t in c._postings
    p = c._postings.get(terms[0])
    p.append(123456)
    assert c._postings[terms[0]][-1] == 123456
    c._postings[2**32 - 1] = snapshot_lazy.array("i", (7,))
    assert len(c._postings) == len(terms) + 1 and c._postings.get(2**32 - 1).tolist() == [7]
    cols = c._postings.columns()
    assert (np.diff(cols[0].astype(np.int64)) > 0).all() and cols[0][-1] == 2**32 - 1
    # live stories: dict order, deletion, lookup
    assert list(c._stories) == list(original._stories)
    first = next(iter(original._stories))
    assert c._stories[first].ids.tolist() == original._stories[first].ids.tolist()
    del c._stories[first]
    assert first not in c._stories and len(c._stories) == len(original._stories) - 1


def test_an_article_is_found_among_ids_of_equal_crc():
    # two ids with one CRC-32 (a well-known pair): the index compares the text
    pair = ("plumless", "buckeroo")
    assert zlib.crc32(pair[0].encode()) == zlib.crc32(pair[1].encode())
    ids = ["x", pair[0], "y", pair[1], "z"]
    blob = np.frombuffer("".join(ids).encode(), np.uint8)
    texts = snapshot_lazy.Texts(blob, np.cumsum([len(x) for x in ids]))
    crc = np.array([zlib.crc32(x.encode()) for x in ids], np.uint32)
    order = np.argsort(crc, kind="stable")
    index = snapshot_lazy.TextIndex(texts, crc[order], order)
    assert [index.find(x) for x in ids] == [0, 1, 2, 3, 4]
    assert index.find("w") == -1


def test_inconsistent_lazy_columns_are_refused(loaded):
    original, buf = loaded
    from storyscope.cluster import snapshot as snap

    header = snap.read_header(buf)
    # the article index claims one id fewer than there are: caught at load, not at the first lookup
    cols = snap._Columns()
    r = snap._Reader(header, snap._blocks_in(buf, header))
    for name, *_ in header["arrays"]:
        arr = r.get(name)
        cols.arrays[name] = arr[:-1] if name == "article.id.crc" else arr
    cols.scalars.update(header["scalars"])
    bad = snap._pack(header["fingerprint"], cols)
    with pytest.raises(SnapshotError):
        loads(bad, StreamClusterer(**SETTINGS))


def test_a_stored_dict_answers_as_the_dict_it_stands_for():
    # random sets, deletions and re-insertions over stored entries, against a dict; then the state
    # rebuilt from its overlay (what a delta holds) over the same stored entries
    import random

    rng = random.Random(3)
    stored = {f"k{i}": i * 10 for i in range(200)}
    keys = list(stored)

    def fresh() -> snapshot_lazy.StoredDict:
        return snapshot_lazy.StoredDict(len(keys), lambda k: keys.index(k) if k in stored else -1,
                                        lambda j: stored[keys[j]], lambda: list(stored.items()))

    got, want = fresh(), dict(stored)
    for step in range(600):
        key = f"k{rng.randrange(260)}"
        op = rng.random()
        if op < 0.4:
            got[key] = want[key] = step
        elif op < 0.7:
            assert got.pop(key, None) == want.pop(key, None)
        else:
            assert (key in got) == (key in want) and got.get(key) == want.get(key)
        assert len(got) == len(want)
    assert got.items() == list(want.items())
    again = fresh()
    again.seed(*got.overlay())
    assert again.items() == list(want.items()) and len(again) == len(want)
    with pytest.raises(KeyError):
        del again["no such key"]


def test_a_run_that_only_reads_stories_writes_none_of_them(loaded):
    # a delta holds what a run changed: stories it only read (built to be scored) are not in it,
    # nor are the live stories, links or copies it did not change
    from storyscope.cluster import snapshot as snap
    from storyscope.cluster import snapshot_delta

    original, buf = loaded
    c = StreamClusterer.from_snapshot(buf, **SETTINGS)
    snapshot_delta.start(c, [1], len(buf))
    for sid in list(original._stories)[::5]:
        assert c._stories[sid].size == original._stories[sid].size  # built
        assert c.links(sid) == original.links(sid)
    assert c._by_idx.built() > 0
    delta = snapshot_delta.dumps_delta(c)
    header = snap.read_header(delta)
    r = snap._Reader(header, snap._blocks_in(delta, header))
    assert len(r.get("story.idx")) == 0
    for name in snapshot_delta._OVERLAYS:
        assert len(r.texts(name + ".set.key")) == 0 and len(r.texts(name + ".gone")) == 0
    assert len(r.get("df.slot")) == 0 and len(r.get("dups.slot")) == 0


def test_the_block_cache_is_bounded():
    from storyscope.cluster.snapshot_blocks import Blocks

    data = bytes(range(256)) * 64  # 16 KB: 16 blocks of 1 KB
    fetched: list[int] = []

    def fetch(b: int) -> bytes:
        fetched.append(b)
        return data[b * 1024 : (b + 1) * 1024]

    crcs = np.array([zlib.crc32(data[b * 1024 : (b + 1) * 1024]) for b in range(16)], np.uint32)
    blocks = Blocks(fetch, crcs, len(data), 1024)
    blocks.limit = 4
    for b in range(16):
        assert blocks.read(b * 1024, 10) == data[b * 1024 : b * 1024 + 10]
    assert len(blocks._got) == 4 and fetched == list(range(16))
    assert blocks.read(0, 1024) == data[:1024] and fetched[-1] == 0  # evicted: read (and checked) again
    blocks.load_all()  # before the rows are replaced: every block kept
    assert len(blocks._got) == 16 and blocks.read(5 * 1024, 3) == data[5 * 1024 : 5 * 1024 + 3]
