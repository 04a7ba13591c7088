"""The clusterer's snapshot in the store: runs start from it and end where a clean run does.

Real input: the ECB+ sample in an order in which stories are split and merged
(as in test_concurrency.py). A run's result is its stories and story links, read
from the store.
"""

from __future__ import annotations

import functools
import json
import random
import sqlite3
from pathlib import Path

import pytest

import storyscope.run.ingest as ingest_module
from storyscope.cluster import StreamClusterer
from storyscope.config import Config
from storyscope.errors import SettingError
from storyscope.model import RawDoc
from storyscope.run.ingest import ingest_raw, recluster
from storyscope.run import resume as resume_module
from storyscope.run.resume import resume
from storyscope.store import Store
from storyscope.store import snapshots as store_snapshots

ECB = Path(__file__).parent / "data" / "ecbplus_sample.jsonl"


@pytest.fixture(scope="module")
def docs() -> list[RawDoc]:
    rows = [json.loads(x) for x in ECB.read_text().splitlines() if x.strip()]
    random.Random(1).shuffle(rows)
    return [RawDoc(id=r["id"], source="ecb", text=r["text"], title=r.get("title")) for r in rows]


def ingest(store: Store, docs, every: int, stop_after: int | None = None) -> list[str]:
    """Ingest ``docs``; with ``stop_after``, the run ends (as if killed) after that many items."""
    statuses = ingest_raw(store, docs, Config(db=store.path, snapshot_every=every))
    out = []
    for status in statuses:
        out.append(status.status)
        if stop_after is not None and len(out) == stop_after:
            statuses.close()  # no end-of-run snapshot: a crash after the last commit
            break
    return out


def result(store: Store) -> tuple:
    db = store._db
    stories = sorted(store.story_rows())
    links = sorted(db.execute("SELECT story_id, related_id, score, reason FROM story_links").fetchall())
    merges = sorted(db.execute("SELECT story_id, merged_into FROM story_merges").fetchall())
    return stories, links, merges


def how(store: Store) -> tuple:
    r = resume(store, lambda: StreamClusterer(window_days=Config().story_window_days))
    return r.how, r.replayed, r.why


@pytest.fixture(scope="module")
def clean(tmp_path_factory, docs) -> tuple:
    """One run over the whole sample, no snapshot."""
    with Store(tmp_path_factory.mktemp("clean") / "clean.db") as store:
        ingest(store, docs, every=0)
        assert store.latest_snapshot() is None
        return result(store)


def snapshot_rows(store: Store) -> list:
    return store._db.execute("SELECT covers_seq FROM cluster_snapshots").fetchall()


def test_runs_in_parts_start_from_the_snapshot_and_end_as_one_clean_run(tmp_path, docs, clean):
    assert clean[2] or any("split" in link[3] for link in clean[1])  # stories were merged or split
    with Store(tmp_path / "parts.db") as store:
        # every=1000: no snapshot within these runs; one at the end of each (it stored >= 10)
        ingest(store, docs[:40], every=1000)
        assert snapshot_rows(store) == [(store.last_seq(),)]  # the end of the run
        for start, stop in ((40, 90), (90, len(docs))):
            assert how(store) == ("snapshot", 0, "")  # nothing stored after it: nothing replayed
            ingest(store, docs[start:stop], every=1000)
            # the base and a delta per run after it (cluster/snapshot_delta.py); the newest covers all
            assert snapshot_rows(store)[-1] == (store.last_seq(),)
        assert result(store) == clean


def test_the_end_of_run_snapshot_waits_until_it_is_worth_writing():
    from storyscope.run.resume import SnapshotPolicy

    big = 500_000_000  # a snapshot of about a million articles
    assert SnapshotPolicy(20_000, 100, big).worth_it() is False  # 100 articles replay faster than it is written
    assert SnapshotPolicy(20_000, 2_000, big).worth_it() is True  # but a start never replays more than 2,000
    assert SnapshotPolicy(20_000, 10, 200_000).worth_it() is True  # a small store is saved after a short run
    assert SnapshotPolicy(20_000, 0, 0).worth_it() is False  # nothing new
    assert SnapshotPolicy(0, 5_000, 0).worth_it() is False  # switched off


def test_a_run_killed_after_a_mid_run_snapshot_replays_only_what_came_after(tmp_path, docs, clean):
    with Store(tmp_path / "killed.db") as store:
        statuses = ingest(store, docs, every=25, stop_after=60)
        assert statuses.count("stored") < 60  # short ECB+ texts are rejected: a snapshot counts stored articles only
        stored = store.count_articles()  # a batch commits whole: the killed run may have stored more than it reported
        covers = snapshot_rows(store)
        assert len(covers) == 1 and covers[0][0] < store.last_seq()
        state, replayed, _ = how(store)
        assert state == "snapshot" and replayed == stored % 25
        ingest(store, docs, every=25)
        assert result(store) == clean


def test_a_damaged_snapshot_is_ignored_and_every_article_replayed(tmp_path, docs, clean):
    with Store(tmp_path / "damaged.db") as store:
        ingest(store, docs[:70], every=1000)
        with store.transaction() as db:
            (data,) = db.execute("SELECT data FROM cluster_snapshot_chunks").fetchone()
            bad = bytearray(data)
            bad[len(bad) // 2] ^= 0x01
            db.execute("UPDATE cluster_snapshot_chunks SET data = ?", (bytes(bad),))
        state, replayed, why = how(store)
        assert state == "replay" and replayed == store.count_articles() and "CRC" in why
        ingest(store, docs[70:], every=1000)
        assert result(store) == clean


def test_a_snapshot_missing_a_chunk_is_ignored(tmp_path, docs, monkeypatch):
    monkeypatch.setattr(store_snapshots, "CHUNK", 50_000)
    with Store(tmp_path / "chunks.db") as store:
        ingest(store, docs[:70], every=1000)
        parts = store._db.execute("SELECT count(*) FROM cluster_snapshot_chunks").fetchone()[0]
        assert parts > 3
        assert how(store)[0] == "snapshot"  # read back from its chunks
        with store.transaction() as db:
            db.execute("DELETE FROM cluster_snapshot_chunks WHERE part = 1")
        assert how(store)[0] == "replay"


def test_a_snapshot_of_other_settings_is_ignored(tmp_path, docs, monkeypatch):
    with Store(tmp_path / "settings.db") as store:
        ingest(store, docs[:70], every=1000)
        other = functools.partial(StreamClusterer, threshold=0.35)
        monkeypatch.setattr(ingest_module, "StreamClusterer", other)
        r = resume(store, lambda: other(window_days=Config().story_window_days))
        assert r.how != "snapshot" and "other settings" in r.why
        assert r.clusterer.settings.threshold == 0.35


def test_a_recluster_replaces_the_snapshot_in_its_transaction(tmp_path, docs, clean):
    with Store(tmp_path / "recluster.db") as store:
        ingest(store, docs[:50], every=1000)
        ingest(store, docs[50:], every=1000)
        recluster(store, Config(db=store.path, snapshot_every=1000))
        assert snapshot_rows(store) == [(store.last_seq(),)]
        assert how(store) == ("snapshot", 0, "")
        assert result(store)[0] == clean[0]


def test_no_snapshot_when_switched_off(tmp_path, docs):
    with Store(tmp_path / "off.db") as store:
        ingest(store, docs[:30], every=0)
        assert snapshot_rows(store) == []
        assert how(store)[0] == "replay"


def test_snapshot_every_is_checked():
    with pytest.raises(SettingError, match="snapshot_every"):
        Config(snapshot_every=-1)


def test_the_migration_adds_the_snapshot_tables_to_an_older_store(tmp_path):
    from storyscope.store.migrations import MIGRATIONS, _v6_cluster_snapshots

    path = tmp_path / "v5.db"
    con = sqlite3.connect(path, isolation_level=None)  # a store as version 5 left it
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for version, migration in enumerate(MIGRATIONS[:MIGRATIONS.index(_v6_cluster_snapshots)], start=1):
        migration(con)
        con.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
    con.close()
    with Store(path) as store:
        assert store.latest_snapshot() is None
        assert store._db.execute("SELECT max(version) FROM schema_version").fetchone()[0] == len(MIGRATIONS)


def test_a_snapshot_of_the_older_format_is_replaced_after_one_full_replay(tmp_path, docs, clean):
    # format 3 (story columns and dicts read whole at start) is read by no version after it: the first
    # run of this version replays every stored article once and ends by storing a snapshot of format 4
    from storyscope.cluster import snapshot as cluster_snapshot

    with Store(tmp_path / "format3.db") as store:
        ingest(store, docs[:70], every=1000)
        with store.transaction() as db:
            (data,) = db.execute("SELECT data FROM cluster_snapshot_chunks WHERE part = 0").fetchone()
            # the same arrays under the older magic and format number (the header keeps its length)
            older = bytearray(data)
            n = int.from_bytes(older[8:12], "little")
            header = bytes(older[16 : 16 + n])
            assert header.count(b'"format": 4') == 1
            older[:8] = b"SSSNAP03"
            older[16 : 16 + n] = header.replace(b'"format": 4', b'"format": 3')
            db.execute("UPDATE cluster_snapshot_chunks SET data = ? WHERE part = 0", (bytes(older),))
        state, replayed, why = how(store)
        assert state == "replay" and replayed == store.count_articles() and "format 3" in why
        ingest(store, docs[70:], every=1000)
        (data,) = store._db.execute("SELECT data FROM cluster_snapshot_chunks WHERE part = 0").fetchone()
        assert bytes(data[:8]) == b"SSSNAP04" and cluster_snapshot.read_header(data)["format"] == 4
        assert how(store) == ("snapshot", 0, "")
        assert result(store) == clean


def _blocks_of(header: dict, array: str) -> range:
    """The data blocks of a format-3 snapshot holding ``array`` (the first and last may hold others)."""
    (_, _, _, offset, nbytes), = [e for e in header["arrays"] if e[0] == array]
    return range(offset // header["block"], (offset + nbytes - 1) // header["block"] + 1)


def _damage_member_blocks(store) -> None:
    """Flip the first bytes of every block that holds only members' terms and embeddings (the first
    and last block of an array may hold a bit of the next or last array, read at load), so that
    the first member a run builds meets a damaged block."""
    from storyscope.cluster import snapshot as cluster_snapshot

    with store.transaction() as db:
        sid, head = db.execute("SELECT snapshot_id, data FROM cluster_snapshot_chunks WHERE part = 0").fetchone()
        header = cluster_snapshot.read_header(head)
        inner = {b for name in ("member.ids", "member.tf", "member.emb", "member.temb")
                 for b in list(_blocks_of(header, name))[1:-1]}
        assert inner
        for b in sorted(inner):
            (data,) = db.execute("SELECT data FROM cluster_snapshot_chunks WHERE snapshot_id = ? AND part = ?",
                                 (sid, b + 1)).fetchone()
            db.execute("UPDATE cluster_snapshot_chunks SET data = ? WHERE snapshot_id = ? AND part = ?",
                       (bytes(x ^ 0xFF for x in data[:8]) + data[8:], sid, b + 1))


def test_a_damaged_block_found_mid_run_is_recovered_by_a_replay(tmp_path, docs, clean, monkeypatch):
    calls: list[bool] = []
    real = ingest_module.resume

    def spy(store, make, use_snapshot=True):
        calls.append(use_snapshot)
        return real(store, make, use_snapshot)

    with Store(tmp_path / "block.db") as store:
        ingest(store, docs[:70], every=1000)
        _damage_member_blocks(store)
        assert how(store)[0] == "snapshot"  # the load itself reads no member
        monkeypatch.setattr(ingest_module, "resume", spy)
        ingest(store, docs[70:], every=1000)
        assert calls == [True, False]  # loaded from the snapshot, then rebuilt by a replay
        assert result(store) == clean
        # the run ended with a sound snapshot of everything: the next run starts from it
        assert how(store) == ("snapshot", 0, "")


def test_a_damaged_block_is_not_loaded_again_after_an_item_conflict(tmp_path, docs, clean, monkeypatch):
    # a batch finds a damaged block (replayed); a later batch's item is refused (ItemConflict): the
    # restart from the store that follows replays too, rather than load the damaged snapshot again
    from storyscope.errors import ItemConflict

    with Store(tmp_path / "conflict.db") as store:
        ingest(store, docs[:70], every=1000)
        _damage_member_blocks(store)
        hows: list[str] = []
        real_resume, real_batch = ingest_module.resume, ingest_module._store_batch
        calls = {"batch": 0}

        def spy(store, make, use_snapshot=True):
            got = real_resume(store, make, use_snapshot)
            hows.append(got.how)
            return got

        def refuse_once(store, clusterer, snapshots, prepared, offset=0):
            calls["batch"] += 1
            if calls["batch"] == 3:  # the second batch, once (the first was stored after its replay)
                raise ItemConflict("refused (test)")
            return real_batch(store, clusterer, snapshots, prepared, offset)

        monkeypatch.setattr(ingest_module, "resume", spy)
        monkeypatch.setattr(ingest_module, "_store_batch", refuse_once)
        monkeypatch.setattr(ingest_module, "BATCH", 40)
        ingest(store, docs[70:], every=1000)
        assert calls["batch"] > 3  # the refused batch was stored one item at a time
        assert hows[:3] == ["snapshot", "replay", "replay"]
        assert result(store) == clean
        assert how(store) == ("snapshot", 0, "")


def test_each_run_adds_a_delta_a_full_chain_is_rebased_and_a_big_one_compacted(tmp_path, docs, clean, monkeypatch):
    from storyscope.cluster import snapshot_delta

    monkeypatch.setattr(snapshot_delta, "MAX_DELTAS", 2)
    monkeypatch.setattr(snapshot_delta, "MAX_SHARE", 10.0)  # by count here, not by size
    # (what a delta saves shows at scale: benchmarks/incremental.py; here a run touches most stories)
    with Store(tmp_path / "chain.db") as store:
        sizes = lambda: store._db.execute("SELECT nbytes FROM cluster_snapshots ORDER BY id").fetchall()  # noqa: E731
        ingest(store, docs[:40], every=1000)
        assert len(sizes()) == 1  # a run from an empty store writes a full snapshot
        base = sizes()[0]
        seen = []
        for start in range(40, len(docs) - 12, 12):
            assert how(store) == ("snapshot", 0, "")
            ingest(store, docs[start : start + 12], every=1000)
            rows = sizes()
            seen.append(len(rows))
            assert rows[0] == base  # the base is never rewritten
            assert snapshot_rows(store)[-1] == (store.last_seq(),)
        # base + 1, base + 2, then one delta over the base replaces the two (rebased), base + 2, ...
        assert seen[:5] == [2, 3, 2, 3, 2]
        assert how(store) == ("snapshot", 0, "")
        # once the deltas outgrow their share of the base, the run writes a full snapshot (a compaction)
        monkeypatch.setattr(snapshot_delta, "MAX_SHARE", 0.0)
        # (SnapshotPolicy then writes one when replaying the run's articles would cost more: here always)
        monkeypatch.setattr(resume_module, "_REPLAY_S", 1.0)
        ingest(store, docs[len(docs) - 12 :], every=1000)
        assert len(sizes()) == 1 and sizes()[0] != base
        assert how(store) == ("snapshot", 0, "")
        assert result(store) == clean
        assert how(store) == ("snapshot", 0, "")
        assert result(store) == clean
