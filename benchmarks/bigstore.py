"""Building a big store for benchmarks/incremental.py in minutes rather than an hour (issue 11).

    .venv/bin/python benchmarks/bigstore.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl --n 1000000 --out DIR

What it builds is a real store, the one ``ingest`` then opens and extends: the
same schema, each article stored through the store's own calls (``add_article``
with its features blob, ``assign``, the links of a new story through ingest's
``_store_links``), the assignments of one pass of the clusterer over the
articles in order, and the clusterer's snapshot taken after the last of them,
as the end of an ``ingest`` run leaves it. Two things make it cheaper than
``ingest``:

- transactions of 50,000 articles rather than one batch each, and no extraction
  (the articles are made as extracted ones);
- past ``DISTINCT`` articles the synthetic stream (benchmarks/cluster_scale.py:
  ECB+ articles with names and numbers replaced per event) is *replicated*:
  article ``i`` is the text of article ``i mod DISTINCT`` under a fresh id
  (``...@r1``, ``@r2``...) and dated ``i // per_day`` days on, as a stream
  continuing at the same rate. Its features blob is the original's (features
  depend on the text only), so features are computed for ``DISTINCT`` articles,
  not for all. DISTINCT (125,000) exceeds the copy window (100,000 articles), so
  a replica is never taken for a copy of its original, and it comes 25 days
  after it, past the 14-day story window, so it opens a new story (linked to its
  original's at most). The clusterer still scores and assigns every article.

It also writes ``reference.json``: the story of each of the N articles and of
the next 100 of the stream (those the benchmark ingests), after one clusterer
pass over all N + 100 (the 100 prepared by ingest's own ``prepare``, as the
timed run prepares them). The benchmark's ``same_as_one_run`` at sizes where a
full replay is too long compares the store after its 100-article run with it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_scale import Generator, plan  # noqa: E402

from storyscope import features as feats  # noqa: E402
from storyscope.cluster import StreamClusterer  # noqa: E402
from storyscope.cluster.snapshot import fingerprint, parts  # noqa: E402
from storyscope.config import Config  # noqa: E402
from storyscope.model import RawDoc  # noqa: E402
from storyscope.run.ingest import _store_links, prepare  # noqa: E402
from storyscope.store import Store  # noqa: E402

NEW = 100  # articles of the timed ingest, after the N stored
DISTINCT = 125_000  # distinct articles before the stream is replicated (> the copy window)
TRANSACTION = 50_000


def stream(gen: Generator, n: int, args) -> list:
    """The first n articles of the synthetic stream."""
    events, ks = plan(n, args.per_event, args.spread, args.seed)
    cache: dict = {}
    out = []
    for i, (e, k) in enumerate(zip(events.tolist(), ks.tolist())):
        out.append(gen.article(e, k, i // args.per_day, cache))
        if len(cache) > 4 * args.spread:
            for old in [x for x in cache if x < e - 2 * args.spread]:
                del cache[old]
    return out


def articles_of(gen: Generator, n: int, args) -> tuple[int, list, list]:
    """(distinct, the distinct stored articles, the NEW to ingest) for a store of n.

    Up to DISTINCT stored articles the stream as it is (the NEW are its next
    ones); past it the NEW are the stream's after DISTINCT, dated after the
    last replica (see the module docstring).
    """
    distinct = min(n, args.distinct)
    if n > distinct and distinct % args.per_day:
        raise SystemExit(f"--per-day must divide --distinct ({distinct}) for a replicated stream")
    base = stream(gen, distinct + NEW, args)
    new = base[distinct:]
    if n > distinct:
        shift = (n - 1) // distinct * (distinct // args.per_day)  # the last replica's days on
        new = [dataclasses.replace(a, published=_days_on(a.published, shift)) for a in new]
    return distinct, base[:distinct], new


def _days_on(published: str, days: int) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(published) + dt.timedelta(days=days)).isoformat()


def raw_of(articles: list) -> list[RawDoc]:
    return [RawDoc(id=a.id, source="bench", text=a.text, title=a.title, published=a.published) for a in articles]


def build(path: Path, n: int, gen: Generator, args, config: Config, articles: tuple | None = None) -> dict:
    """The store of n articles at ``path`` and ``reference.json`` beside it; CPU seconds per stage.
    ``articles``: ``articles_of(gen, n, args)`` when the caller has it (the stream is made once)."""
    t0, c0 = time.perf_counter(), time.process_time()
    cpu = {"features": 0.0, "assign": 0.0, "store": 0.0, "snapshot": 0.0}
    distinct, base, new = articles if articles is not None else articles_of(gen, n, args)
    blobs: list[bytes] = []
    for start in range(0, distinct, 1000):
        c = time.process_time()
        blobs.extend(f.to_bytes() for f in feats.compute_many(base[start : start + 1000]))
        cpu["features"] += time.process_time() - c
    clusterer = StreamClusterer(window_days=config.story_window_days)
    era_days = distinct // args.per_day
    with Store(path) as store:
        for start in range(0, n, TRANSACTION):
            with store.transaction() as db:
                for i in range(start, min(n, start + TRANSACTION)):
                    r, j = divmod(i, distinct)
                    a = base[j]
                    if r:
                        a = dataclasses.replace(a, id=f"{a.id}@r{r}", published=_days_on(a.published, r * era_days))
                    c = time.process_time()
                    got = clusterer.add(a.id, feats.Features.from_bytes(blobs[j]), a.published)
                    c2 = time.process_time()
                    store.add_article(db, a, blobs[j])
                    store.assign(db, a.id, got.story_id, got.score, got.syndicated_of, got.reason)
                    _store_links(store, db, clusterer, got)
                    cpu["assign"] += c2 - c
                    cpu["store"] += time.process_time() - c2
                if start + TRANSACTION >= n:  # the snapshot with the last articles, as ingest leaves a store
                    c = time.process_time()
                    store.put_snapshot(db, store.last_seq(), fingerprint(clusterer), parts(clusterer.snapshot()))
                    cpu["snapshot"] += time.process_time() - c
            print(f"  built {min(n, start + TRANSACTION):,} ({time.perf_counter() - t0:,.0f} s, "
                  f"{time.process_time() - c0:,.0f} CPU s: "
                  + ", ".join(f"{k} {v:,.0f}" for k, v in cpu.items()) + ")", flush=True)
    # the reference: one pass over all n + NEW, the NEW prepared as the timed ingest prepares them
    # and, as ingest does, not an article the store or an earlier NEW already holds
    # (the generator can give two of them the same text: a 1M build had one such pair)
    seen: set[str] = set()
    with Store(path) as store:
        for item in prepare(raw_of(new)):
            if isinstance(item, tuple):  # not rejected (too short, say), as the timed ingest rejects it
                article, f = item
                if article.content_hash in seen or store.find_duplicate(article) is not None:
                    continue
                seen.add(article.content_hash)
                clusterer.add(article.id, f, article.published)
    ref = {a: clusterer.story_of(a) for a in clusterer._article_story.keys()}
    reference_path(path).write_text(json.dumps(ref), encoding="utf-8")
    return {"build_s": time.perf_counter() - t0, "build_cpu_s": time.process_time() - c0,
            "build_distinct": distinct, **{f"build_{k}_cpu_s": v for k, v in cpu.items()}}


def reference_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".reference.json")


def add_stream_args(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--per-event", type=int, default=10)
    ap.add_argument("--spread", type=int, default=300)
    ap.add_argument("--per-day", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--distinct", type=int, default=DISTINCT,
                    help="distinct articles before the stream is replicated (keep it above the copy window)")


def store_path(folder: Path, n: int) -> Path:
    return folder / f"incremental-{n}.base.db"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True, help="folder (benchmarks/incremental.py --keep reuses it)")
    add_stream_args(ap)
    args = ap.parse_args(argv)
    base = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    args.out.mkdir(parents=True, exist_ok=True)
    path = store_path(args.out, args.n)
    if path.exists():
        raise SystemExit(f"{path} exists")
    print(json.dumps(build(path, args.n, Generator(base, args.seed), args, Config())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
