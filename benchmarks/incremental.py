"""Benchmark: how long does a small ingest take as the store grows (issue 11)?

    .venv/bin/python benchmarks/incremental.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl --n 10000,100000

Per N it builds a store of N articles from benchmarks/cluster_scale.py's
synthetic stream (ECB+ articles with their names and numbers replaced per
event; dated, about N/10 events): features, assignment, and the articles with
their assignments and links stored in transactions of 1,000, with the
clusterer's snapshot stored with the last of them, as ``ingest`` leaves a store.
Then it times what a user waits for: ``ingest_raw`` of the next 100 articles of
the same stream (taking the lock, loading the snapshot, the 100 articles each
extracted, featurised, assigned and committed), and separately each part:
loading the snapshot from the store (startup), the 100 articles, taking and
storing a new snapshot (what the end of a run costs when it writes one; the
100-article run itself does not, see run/resume.py), and, for comparison, the
replay of every stored article that a run did before snapshots. ``--keep``
keeps the built stores in a folder and reuses them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_scale import Generator, plan  # noqa: E402

from storyscope import features as feats  # noqa: E402
from storyscope.cluster import StreamClusterer  # noqa: E402
from storyscope.cluster.snapshot import fingerprint  # noqa: E402
from storyscope.config import Config  # noqa: E402
from storyscope.model import RawDoc  # noqa: E402
from storyscope.run.ingest import _store_links, ingest_raw  # noqa: E402
from storyscope.run.resume import _replayed, resume  # noqa: E402
from storyscope.store import Store  # noqa: E402

NEW = 100  # articles in the timed ingest


def stream(gen: Generator, n: int, args) -> list:
    """The first n + NEW articles of the synthetic stream (the last NEW are the timed ingest)."""
    events, ks = plan(n + NEW, args.per_event, args.spread, args.seed)
    cache: dict = {}
    out = []
    for i, (e, k) in enumerate(zip(events.tolist(), ks.tolist())):
        out.append(gen.article(e, k, i // args.per_day, cache))
        if len(cache) > 4 * args.spread:
            for old in [x for x in cache if x < e - 2 * args.spread]:
                del cache[old]
    return out


def build(path: Path, articles: list, config: Config) -> float:
    """A store of ``articles`` as ingest leaves it, snapshot included; returns seconds."""
    t0 = time.perf_counter()
    clusterer = StreamClusterer(window_days=config.story_window_days)
    with Store(path) as store:
        for start in range(0, len(articles), 1000):
            with store.transaction() as db:
                for a in articles[start : start + 1000]:
                    f = feats.compute(a)
                    got = clusterer.add(a.id, f, a.published)
                    store.add_article(db, a, f.to_bytes())
                    store.assign(db, a.id, got.story_id, got.score, got.syndicated_of, got.reason)
                    _store_links(store, db, clusterer, got)
                if start + 1000 >= len(articles):
                    store.put_snapshot(db, store.last_seq(), fingerprint(clusterer), clusterer.snapshot())
            if start // 1000 % 50 == 49:
                print(f"  built {start + 1000:,} ({time.perf_counter() - t0:,.0f} s)", flush=True)
    return time.perf_counter() - t0


def measure(n: int, gen: Generator, args) -> dict:
    articles = stream(gen, n, args)
    old, new = articles[:n], articles[n:]
    folder = Path(args.keep or tempfile.mkdtemp(prefix="storyscope-incr-"))
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / f"incremental-{n}.base.db"
    config = Config(db=str(base), snapshot_every=args.snapshot_every)
    built = None if base.exists() else build(base, old, config)
    make = lambda: StreamClusterer(window_days=config.story_window_days)  # noqa: E731
    with Store(base) as store:  # a kept store's snapshot from older code: replay once, store a new one
        if store.latest_snapshot().fingerprint != fingerprint(make()):
            print("  refreshing the kept store's snapshot", flush=True)
            c = resume(store, make).clusterer
            with store.transaction() as db:
                store.put_snapshot(db, store.last_seq(), fingerprint(c), c.snapshot())
            del c
    # each timing on a fresh copy of the built store
    work = folder / f"incremental-{n}.work.db"
    r: dict = {"n": n, "build_s": built}

    def fresh() -> Store:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        os.system(f"cp '{base}' '{work}'")
        return Store(work)

    # 1. the whole 100-article ingest, as a user runs it
    with fresh() as store:
        snap = store.latest_snapshot()
        r["snapshot_mb"] = snap.nbytes / 1e6
        raws = [RawDoc(id=a.id, source="bench", text=a.text, title=a.title, published=a.published) for a in new]
        t = time.perf_counter()
        statuses = [s.status for s in ingest_raw(store, raws, Config(db=str(work), snapshot_every=args.snapshot_every))]
        r["ingest_s"] = time.perf_counter() - t
        r["stored"] = statuses.count("stored")
        r["wrote_snapshot"] = store.latest_snapshot().covers_seq == store.last_seq()
    # 2. its parts: startup (load the snapshot), the 100 articles, a new snapshot
    with fresh() as store:
        t = time.perf_counter()
        resumed = resume(store, make)
        r["startup_s"] = time.perf_counter() - t
        assert resumed.how == "snapshot", resumed.why
        c = resumed.clusterer
        t = time.perf_counter()
        for a in new:
            c.add(a.id, feats.compute(a), a.published)
        r["articles_s"] = time.perf_counter() - t
        t = time.perf_counter()
        data = c.snapshot()
        r["take_s"] = time.perf_counter() - t
        t = time.perf_counter()
        with store.transaction() as db:
            store.put_snapshot(db, store.last_seq(), fingerprint(c), data)
        r["store_s"] = time.perf_counter() - t
        del data, c, resumed
        # 3. before snapshots: every stored article replayed
        if not args.no_replay:
            t = time.perf_counter()
            _replayed(store, make)
            r["replay_s"] = time.perf_counter() - t
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    if not args.keep:
        base.unlink()
    return r


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--n", default="10000,100000", help="comma-separated store sizes, one store each")
    ap.add_argument("--per-event", type=int, default=10)
    ap.add_argument("--spread", type=int, default=300)
    ap.add_argument("--per-day", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--snapshot-every", type=int, default=Config().snapshot_every)
    ap.add_argument("--keep", type=Path, help="keep the built stores in this folder and reuse them")
    ap.add_argument("--no-replay", action="store_true", help="skip timing the full replay")
    args = ap.parse_args(argv)

    base = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    gen = Generator(base, args.seed)
    # What the first ingest of a process pays whatever the store's size (the
    # language and embedding models, the compiled kernels), paid here once
    # so that the rows compare stores.
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "warm.db") as store:
        a = stream(gen, 0, args)[0]
        list(ingest_raw(store, [RawDoc(id=a.id, source="warm", text=a.text, title=a.title)], Config()))
    print(f"process warm-up (models, compiled kernels): {time.perf_counter() - t:.1f} s")
    rows = []
    for n in (int(x) for x in args.n.split(",")):
        print(f"N = {n:,}", flush=True)
        rows.append(measure(n, gen, args))
        print(json.dumps(rows[-1]), flush=True)
    print(f"\n{'N':>10} {'ingest 100':>11} {'startup':>8} {'100 art.':>9} {'snapshot MB':>12} {'take':>6} "
          f"{'store':>6} {'replay all':>11} {'build':>7}")
    for r in rows:
        replay = f"{r['replay_s']:>10.1f}s" if "replay_s" in r else f"{'-':>11}"
        build = f"{r['build_s']:>6.0f}s" if r["build_s"] else f"{'kept':>7}"
        print(f"{r['n']:>10,} {r['ingest_s']:>10.2f}s {r['startup_s']:>7.2f}s {r['articles_s']:>8.2f}s "
              f"{r['snapshot_mb']:>12.0f} {r['take_s']:>5.2f}s {r['store_s']:>5.2f}s {replay} {build}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
