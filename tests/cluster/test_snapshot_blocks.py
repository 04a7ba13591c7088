"""Snapshot format 3: a start reads only the blocks a run touches, each checked by its own CRC-32 (issue 11).

Real input: the synthetic stream of test_snapshot.py. A damaged block is found
when first read and named (tests/test_snapshot_store.py: a run recovers from it
by replaying the store, and ends as one clean run does).
"""

from __future__ import annotations

import numpy as np
import pytest
from test_snapshot import SETTINGS, all_but_last_20, articles, assert_ends_as_one_run  # noqa: F401  (fixtures)

from storyscope.cluster import StreamClusterer
from storyscope.cluster import snapshot as snap
from storyscope.cluster.snapshot import SnapshotBlockError, load_chain, loads


def blocks_of(header: dict, array: str) -> range:
    """The data blocks holding ``array``."""
    (_, _, _, offset, nbytes), = [e for e in header["arrays"] if e[0] == array]
    return range(offset // header["block"], (offset + nbytes - 1) // header["block"] + 1)


def test_a_start_reads_the_head_and_the_blocks_the_run_touches(articles, all_but_last_20):  # noqa: F811
    original, buf = all_but_last_20
    parts = snap.parts(buf)
    header = snap.read_header(parts[0])
    assert len(parts) == 1 + header["blocks"] and all(len(p) == header["block"] for p in parts[1:-1])
    fetched: list[int] = []

    def part(sid: int, i: int):
        assert sid == 7
        fetched.append(i)
        return parts[i] if i < len(parts) else None

    c = load_chain(7, part, StreamClusterer(**SETTINGS))
    at_start = len(fetched)
    # no member is built at load (the first and last block of an array may hold a bit of its neighbours)
    member_blocks = {b + 1 for name in ("member.emb", "member.temb", "member.ids", "member.tf")
                     for b in list(blocks_of(header, name))[1:-1]}
    assert member_blocks and not member_blocks & set(fetched)
    for a in articles[-20:-17]:
        c.add(*a)
    assert len(fetched) > at_start
    # three articles: the members of the stories they touch (built), no other (the small arrays, such
    # as the copy index of this small stream, are read whole at load: most of this snapshot's other blocks)
    built = [i for i, s in enumerate(c._by_idx._items) if s is not None]
    assert 0 < len(built) < len(c._by_idx) / 2
    r = snap._Reader(header, snap._blocks_in(buf, header))
    starts, counts = r.get("story.member_start"), r.get("story.n_members")
    theirs = set()
    for name in ("member.emb", "member.temb", "member.ids", "member.tf"):
        (_, dtype, _, offset, _), = [e for e in header["arrays"] if e[0] == name]
        ends, item = r.get(name + ".end"), np.dtype(dtype).itemsize
        for i in built:
            a, n = int(starts[i]), max(int(counts[i]), 0)
            if n:
                lo, hi = (int(ends[a - 1]) if a else 0), int(ends[a + n - 1])
                theirs |= {b + 1 for b in range((offset + lo * item) // header["block"],
                                                  (offset + hi * item - 1) // header["block"] + 1)}
    assert 0 < len(member_blocks & set(fetched)) and member_blocks & set(fetched) <= theirs
    # and the run went as an uninterrupted one
    for a in articles[-17:]:
        c.add(*a)
    assert_ends_as_one_run(c, articles)


def test_a_damaged_block_is_named_when_first_read(all_but_last_20):
    original, buf = all_but_last_20
    header = snap.read_header(buf)
    bad = bytearray(buf)
    block = blocks_of(header, "member.emb")[1]  # one holding only members' embeddings
    bad[header["_data_at"] + block * header["block"] + 5] ^= 0x10
    c = loads(bad, StreamClusterer(**SETTINGS))  # the damaged block is not read at load
    with pytest.raises(SnapshotBlockError, match=f"block {block} corrupt: CRC-32"):
        for _ in c._by_idx:  # builds every story, and its members
            pass
    with pytest.raises(SnapshotBlockError, match=f"block {block}"):  # the whole state, for a new snapshot
        loads(bad, StreamClusterer(**SETTINGS)).snapshot()


@pytest.mark.parametrize("rebase_at", [None, 2, 3])
def test_a_chain_of_deltas_loads_as_the_state_it_covers(articles, monkeypatch, rebase_at):  # noqa: F811
    # a base, then three runs each loading the chain, adding articles and storing a delta over it:
    # the last load continues as an uninterrupted run, to the byte of a full snapshot; ``rebase_at``:
    # that run's delta is rebased (one delta over the base holding what the chain before it held)
    from storyscope.cluster import snapshot_delta

    monkeypatch.setattr(snapshot_delta, "MAX_SHARE", 10.0)  # a small stream: each delta is most of its base
    stored: dict[int, list] = {}

    def part(sid: int, i: int):
        got = stored.get(sid, [])
        return got[i] if i < len(got) else None

    first = StreamClusterer(**SETTINGS)
    cut = len(articles) // 2
    for a in articles[:cut]:
        first.add(*a)
    stored[1] = snap.parts(bytes(first.snapshot()))
    latest, step, chain = 1, (len(articles) - cut) // 4, [1]
    for k in range(3):
        c = load_chain(latest, part, StreamClusterer(**SETTINGS))
        assert snapshot_delta.chain_of(c).ids == chain
        for a in articles[cut + k * step : cut + (k + 1) * step]:
            c.add(*a)
        assert snapshot_delta.worth_delta(c)
        rebase = len(chain) == rebase_at
        data = snapshot_delta.dumps_delta(c, rebase)
        assert len(data) < len(c.snapshot())  # (a fraction at scale: benchmarks/incremental.py)
        latest += 1
        stored[latest] = snap.parts(bytes(data))
        chain = [1, latest] if rebase else chain + [latest]
    c = load_chain(latest, part, StreamClusterer(**SETTINGS))
    for a in articles[cut + 3 * step :]:
        c.add(*a)
    assert_ends_as_one_run(c, articles)
