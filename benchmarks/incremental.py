"""Benchmark: how long does a small ingest take as the store grows (issue 11)?

    .venv/bin/python benchmarks/incremental.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl --n 10000,100000,1000000 --keep DIR

Per N it builds a store of N articles with benchmarks/bigstore.py (see there:
the synthetic stream of benchmarks/cluster_scale.py, ECB+ articles with their
names and numbers replaced per event, dated, about N/10 events; each article
stored through the store's own calls in transactions of 50,000 with the
assignments of one clusterer pass and the snapshot after the last, as
``ingest`` leaves a store; **past 125,000 articles the stream is replicated**:
the same texts and feature blobs under fresh ids, 25 days on). Then it times
what a user waits for: ``ingest_raw`` of the next 100 articles of the same
stream (taking the lock, loading the snapshot, the 100 articles each extracted,
featurised, assigned and committed); the same run under a profile on the CPU
clock, summed by stage (``STAGES``); and separately each part: loading the
snapshot from the store (startup, the memory it adds and the blocks it reads),
the 100 articles (how many stories they made the loaded clusterer build, and
the snapshot blocks read by then), taking and storing a new snapshot (what the
end of a run costs when it writes one; the 100-article run itself does not, see
run/resume.py). ``same_as_one_run``: the store after the 100-article run holds
the stories of one clusterer pass over all N + 100 articles (bigstore's
reference file). With ``--replay`` the store is also replayed whole, as a run
did before snapshots, and timed. Times are CPU seconds (``time.process_time``)
and wall seconds; ``--keep`` keeps the built stores in a folder and reuses
them.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bigstore import _days_on, add_stream_args, articles_of, build, raw_of, reference_path, store_path  # noqa: E402
from cluster_scale import Generator  # noqa: E402

from storyscope import features as feats  # noqa: E402
from storyscope.cluster import StreamClusterer, snapshot, snapshot_delta  # noqa: E402
from storyscope.cluster.snapshot import SnapshotError, fingerprint, parts, read_header  # noqa: E402
from storyscope.config import Config  # noqa: E402
from storyscope.model import RawDoc  # noqa: E402
from storyscope.run.ingest import ingest_raw  # noqa: E402
from storyscope.run.resume import _replayed, resume  # noqa: E402
from storyscope.store import Store  # noqa: E402


def _rss_mb() -> float:
    """This process's resident memory now (Linux), in MB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


# What the parts of a run are, by the functions that do them (their cumulative CPU time in a profile).
STAGES = {
    "lock": "lock.py:.*acquire",
    "features check": "ingest.py:.*upgrade_features|resume.py:.*checked_seq",
    # the head and the small arrays at startup, then each block when first needed (also inside assign)
    "snapshot read": "snapshots.py:.*\\((read|part)\\)",
    "snapshot decode": "snapshot.py:.*\\((loads|load_chain)\\)",
    "tail replay": "resume.py:.*_replay_tail",
    "extract": "pipeline.py:.*\\(extract\\)",
    "features": "features/__init__.py:.*compute_many",
    "already stored": "ingest.py:.*_stored_already|sqlite.py:.*find_duplicate",
    "assign": "stream.py:.*\\(add\\)",
    "store": "sqlite.py:.*transaction|sqlite.py:.*add_article|sqlite.py:.*assign|ingest.py:.*_store_links",
    "end-of-run snapshot": "resume.py:.*finish",
}


def breakdown(ingest) -> dict:
    """CPU seconds of each stage of ``ingest()`` (a profile on the CPU clock; profiling slows Python code)."""
    import cProfile
    import pstats
    import re

    prof = cProfile.Profile(time.process_time)
    c = time.process_time()
    prof.runcall(ingest)
    total = time.process_time() - c
    stats = pstats.Stats(prof).stats  # (file, line, name) -> (cc, nc, tt, ct, callers)
    out = {"profiled total": total}
    for stage, pattern in STAGES.items():
        rx = re.compile(pattern)
        hits = [(k, v[3]) for k, v in stats.items() if rx.search(f"{k[0]}:{k[1]}({k[2]})")]
        # a function that calls another of the same stage is not counted twice: the outermost ones
        names = {k for k, _ in hits}
        out[stage] = sum(ct for k, ct in hits if not any(caller in names for caller in stats[k][4]))
    return out


def _blocks_read(cl) -> tuple[int, float]:
    """(blocks, MB) of the loaded snapshot read so far (format 3; 0 when it was read whole)."""
    got = snapshot.loaded(cl)
    blocks = got.blocks if got is not None else None
    return (blocks.reads, blocks.reads * blocks.block / 1e6) if blocks is not None else (0, 0.0)


def _current(store: Store, make) -> bool:
    """Is the store's snapshot one this code loads (its settings, code and format)?"""
    snap = store.latest_snapshot()
    if snap is None or snap.fingerprint != fingerprint(make()):
        return False
    try:
        read_header(store.snapshot_part(snap.id, 0))
    except SnapshotError:
        return False
    return True


def measure(n: int, gen: Generator, args) -> dict:
    folder = Path(args.keep or tempfile.mkdtemp(prefix="storyscope-incr-"))
    folder.mkdir(parents=True, exist_ok=True)
    base = store_path(folder, n)
    config = Config(db=str(base), snapshot_every=args.snapshot_every)
    r: dict = {"n": n}
    stream = articles_of(gen, n, args)  # made once: the build's articles and the 100 after them
    if not base.exists():
        r.update(build(base, n, gen, args, config, stream))
    new = stream[2]
    del stream
    make = lambda: StreamClusterer(window_days=config.story_window_days)  # noqa: E731
    with Store(base) as store:  # a kept store's snapshot from older code: replay once, store a new one
        if not _current(store, make):
            print("  refreshing the kept store's snapshot", flush=True)
            c = resume(store, make).clusterer
            with store.transaction() as db:
                store.put_snapshot(db, store.last_seq(), fingerprint(c), parts(c.snapshot()))
            del c
    # each timing on a fresh copy of the built store
    work = folder / f"incremental-{n}.work.db"

    def fresh() -> Store:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(base, work)
        return Store(work)

    raws = raw_of(new)
    run_config = Config(db=str(work), snapshot_every=args.snapshot_every)
    # 1. the whole 100-article ingest, as a user runs it (the clusterer freed inside it)
    with fresh() as store:
        r["snapshot_mb"] = store.latest_snapshot().nbytes / 1e6
        t, c = time.perf_counter(), time.process_time()
        statuses = [s.status for s in ingest_raw(store, raws, run_config)]
        r["ingest_s"], r["ingest_cpu_s"] = time.perf_counter() - t, time.process_time() - c
        r["stored"] = statuses.count("stored")
        r["wrote_snapshot"] = store.latest_snapshot().covers_seq == store.last_seq()
        # 1b. the run loaded from the snapshot stored what one clusterer pass over all N + 100 gives
        ref = reference_path(base)
        if ref.exists():
            one_run = json.loads(ref.read_text(encoding="utf-8"))
            stored = {a: s for a, _, _, s, _ in store.iter_features()}
            r["same_as_one_run"] = stored == one_run
        # 1c. before snapshots, a run replayed every stored article (and the replay is a check too)
        if args.replay:
            t, c = time.perf_counter(), time.process_time()
            replayed, _ = _replayed(store, make)
            r["replay_s"], r["replay_cpu_s"] = time.perf_counter() - t, time.process_time() - c
            r["replay_agrees"] = replayed is not None
    # 2. the same run, profiled: where its CPU time goes
    with fresh() as store:
        r["stages_cpu_s"] = breakdown(lambda: list(ingest_raw(store, raws, run_config)))
    # 3. its parts: startup (load the snapshot), the 100 articles, a new snapshot
    with fresh() as store:
        rss = _rss_mb()
        t, c = time.perf_counter(), time.process_time()
        resumed = resume(store, make)
        r["startup_s"], r["startup_cpu_s"] = time.perf_counter() - t, time.process_time() - c
        r["startup_rss_mb"] = _rss_mb() - rss
        assert resumed.how == "snapshot", resumed.why
        cl = resumed.clusterer
        r["startup_blocks"], r["startup_read_mb"] = _blocks_read(cl)
        t, c = time.perf_counter(), time.process_time()
        for a in new:
            cl.add(a.id, feats.compute(a), a.published)
        r["articles_s"], r["articles_cpu_s"] = time.perf_counter() - t, time.process_time() - c
        r["run_blocks"], r["run_read_mb"] = _blocks_read(cl)
        built = getattr(cl._by_idx, "built", None)
        r["stories_built"] = built() if built else len(cl._by_idx)
        r["stories"] = len(cl._by_idx)
        # what the end of the run writes: a delta over the stored snapshot (cluster/snapshot_delta.py)
        t, c = time.perf_counter(), time.process_time()
        delta = snapshot_delta.dumps_delta(cl)
        r["delta_take_s"], r["delta_take_cpu_s"] = time.perf_counter() - t, time.process_time() - c
        r["delta_mb"] = len(delta) / 1e6
        t, c = time.perf_counter(), time.process_time()
        with store.transaction() as db:
            store.put_snapshot(db, store.last_seq(), fingerprint(cl), parts(delta), keep=snapshot_delta.chain_of(cl).ids)
        r["delta_store_s"], r["delta_store_cpu_s"] = time.perf_counter() - t, time.process_time() - c
        del delta
        # a full snapshot (a compaction, after MAX_DELTAS deltas)
        t, c = time.perf_counter(), time.process_time()
        data = cl.snapshot()
        r["take_s"], r["take_cpu_s"] = time.perf_counter() - t, time.process_time() - c
        r["after_rss_mb"] = _rss_mb() - rss
        t, c = time.perf_counter(), time.process_time()
        with store.transaction() as db:
            store.put_snapshot(db, store.last_seq(), fingerprint(cl), parts(data))
        r["store_s"], r["store_cpu_s"] = time.perf_counter() - t, time.process_time() - c
        del data, cl, resumed
    # 4. runs one after another: when the chain of deltas is full, a run writes a full snapshot
    if args.runs > 1:
        r["runs"] = _runs(fresh, gen, new, args, run_config)
    r["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    if not args.keep:
        base.unlink()
    return r


def later_run(gen: Generator, first: list, k: int) -> list:
    """The articles of the ``k``-th run after the first (k >= 1): 100 the clusterer has not seen.

    Twenty events of the synthetic stream's kind numbered past every planned one
    (so their names and numbers are their own: no copy of a stored article), five
    articles each, dated ``k`` days after the first run's last article.
    """
    cache: dict = {}
    out = []
    for i in range(len(first)):
        a = gen.article(10_000_000 + 20 * k + i // 5, i % 5, 0, cache)
        out.append(dataclasses.replace(a, id=f"{a.id}@run{k}", published=_days_on(first[-1].published, k)))
    return out


def _runs(fresh, gen: Generator, new: list, args, config: Config) -> list[dict]:
    """``args.runs`` 100-article ingests one after another into one copy of the store."""
    out = []
    with fresh() as store:
        for k in range(args.runs):
            batch = new if k == 0 else later_run(gen, new, k)
            t, c = time.perf_counter(), time.process_time()
            statuses = [s.status for s in ingest_raw(store, raw_of(batch), config)]
            wall, cpu = time.perf_counter() - t, time.process_time() - c
            snap = store.latest_snapshot()
            scalars = read_header(store.snapshot_part(snap.id, 0))["scalars"]
            # a delta over the base alone after a longer chain is a rebased one (cluster/snapshot_delta.py)
            kind = ("none" if snap.covers_seq != store.last_seq() else scalars.get("kind", "base")
                    + (f" (chain {len(scalars['chain'])})" if "chain" in scalars else ""))
            out.append({"run": k + 1, "s": wall, "cpu_s": cpu, "stored": statuses.count("stored"), "snapshot": kind,
                        "snapshot_mb": snap.nbytes / 1e6})
            print(f"  run {k + 1}: {wall:.2f} s wall, {cpu:.2f} CPU s, wrote {kind}, {snap.nbytes / 1e6:.1f} MB",
                  flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--n", default="10000,100000", help="comma-separated store sizes, one store each")
    add_stream_args(ap)
    ap.add_argument("--snapshot-every", type=int, default=Config().snapshot_every)
    ap.add_argument("--keep", type=Path, help="keep the built stores in this folder and reuse them")
    ap.add_argument("--runs", type=int, default=1,
                    help="also time this many 100-article ingests one after another into one copy of the store "
                         "(shows the runs that write a full snapshot when the chain of deltas is full)")
    ap.add_argument("--replay", action="store_true", help="also time a full replay of the store (long at 1M)")
    args = ap.parse_args(argv)

    base = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    gen = Generator(base, args.seed)
    # What the first ingest of a process pays whatever the store's size (the
    # language and embedding models, the compiled kernels), paid here once
    # so that the rows compare stores.
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "warm.db") as store:
        a = articles_of(gen, 1, args)[1][0]
        list(ingest_raw(store, [RawDoc(id=a.id, source="warm", text=a.text, title=a.title)], Config()))
    print(f"process warm-up (models, compiled kernels): {time.perf_counter() - t:.1f} s")
    rows = []
    for n in (int(x) for x in args.n.split(",")):
        print(f"N = {n:,}", flush=True)
        rows.append(measure(n, gen, args))
        print(json.dumps(rows[-1]), flush=True)
    print("\nCPU seconds (wall seconds in the JSON lines above); snapshot MB read at start and by the 100:")
    print(f"{'N':>10} {'ingest 100':>11} {'startup':>8} {'100 art.':>9} {'built':>15} {'snap. MB':>9} "
          f"{'read MB':>12} {'delta MB':>9} {'d. write':>9} {'full write':>11} {'RSS start':>10} {'peak RSS':>9} "
          f"{'one run':>8} {'replay all':>11} {'build':>7}")
    for r in rows:
        replay = f"{r['replay_cpu_s']:>10.1f}s" if "replay_cpu_s" in r else f"{'-':>11}"
        build = f"{r['build_cpu_s']:>6.0f}s" if "build_cpu_s" in r else f"{'kept':>7}"
        same = {True: "yes", False: "NO"}.get(r.get("same_as_one_run"), "-")
        print(f"{r['n']:>10,} {r['ingest_cpu_s']:>10.2f}s {r['startup_cpu_s']:>7.2f}s {r['articles_cpu_s']:>8.2f}s "
              f"{r['stories_built']:>7,}/{r['stories']:<7,} {r['snapshot_mb']:>9.0f} "
              f"{r['startup_read_mb']:>5.1f}/{r['run_read_mb']:<6.1f} {r['delta_mb']:>9.1f} "
              f"{r['delta_take_cpu_s'] + r['delta_store_cpu_s']:>8.2f}s {r['take_cpu_s'] + r['store_cpu_s']:>10.2f}s "
              f"{r['startup_rss_mb']:>8.0f}MB {r['peak_rss_mb']:>7.0f}MB {same:>8} "
              f"{replay} {build}")
    print("\nthe 100-article ingest, CPU seconds by stage (profiled):")
    stages = list(rows[0]["stages_cpu_s"]) if rows else []
    print(f"{'N':>10} " + " ".join(f"{k[:14]:>14}" for k in stages))
    for r in rows:
        print(f"{r['n']:>10,} " + " ".join(f"{r['stages_cpu_s'][k]:>13.2f}s" for k in stages))
    for r in rows:
        if "runs" in r:
            runs = r["runs"]
            walls = sorted(x["s"] for x in runs)
            print(f"\n{len(runs)} runs of 100 articles one after another, N = {r['n']:,}: wall median "
                  f"{walls[len(walls) // 2]:.2f} s, max {walls[-1]:.2f} s, mean {sum(walls) / len(walls):.2f} s; "
                  f"snapshots written: " + ", ".join(f"{x['run']}:{x['snapshot']}" for x in runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
