"""Throughput of the whole pipeline, stage by stage and end to end, on every engine, in one run.

    python benchmarks/pipeline.py --data ../shared/data [--articles 20000] [--e2e-articles 400]
                                  [--work /tmp/storyscope-bench] [--no-ray]

1. builds a corpus from the labeled news of ``--data`` (ECB+ and BASIL: real articles),
   replicated to ``--articles`` articles, as JSONL and as WARC (HTML pages). Each replica is
   its own article: its id, URL and a closing line differ, and its dates move 60 days per
   replica, so the replicas form stories of their own as new news would;
2. per stage, in this process (one core): reading, extraction, features, story assignment,
   ingest end to end (the three and the store) from JSONL, in one process and with
   ``--workers 2``, and from WARC, and the deep NLP (enrich) on ``--e2e-articles``:
   articles/s, CPU seconds per article (all processes, and the driver's alone) and the
   process's peak memory so far;
3. end to end (ingest from JSONL, then enrich) of ``--e2e-articles`` articles with
   ``--engine local`` on 1 and 2 workers and ``--engine ray`` on 2, each into a fresh store,
   and whether they stored the same stories and enrichment.

Figures depend on the machine and on what else runs on it: compare rows of one run (the load
average is printed with the tables). CPU seconds per article hold better than wall rates on a
shared machine; the local engine's rows count its worker processes' CPU too.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import resource
import shutil
import sqlite3
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storyscope import features as feats  # noqa: E402
from storyscope.cluster import StreamClusterer  # noqa: E402
from storyscope.config import build_config  # noqa: E402
from storyscope.enrich.pipeline import enrich_articles  # noqa: E402
from storyscope.extract import extract  # noqa: E402
from storyscope.ingest import Rejected  # noqa: E402
from storyscope.run.engines import Engine  # noqa: E402
from storyscope.run.enrich import enrich_missing  # noqa: E402
from storyscope.run.ingest import BATCH, ingest_paths, read_inputs  # noqa: E402
from storyscope.store import Store  # noqa: E402

SOURCES = ("ecbplus/ecbplus_docs.jsonl", "basil-dev/basil_dev.jsonl")
REPLICA_DAYS = 60


def _records(data: Path) -> list[dict]:
    out = []
    for rel in SOURCES:
        path = data / rel
        if not path.exists():
            continue
        for line in path.open(encoding="utf-8"):
            d = json.loads(line)
            day = d.get("published") or d.get("date") or ""
            out.append({"id": d["id"], "title": d.get("title") or "", "text": d["text"],
                        # ECB+'s dates are free text ("July 13, 2009"): the JSONL reader takes ISO only
                        "published": day[:10] if _iso(day[:10]) else "2013-06-01",
                        "outlet": d.get("outlet"), "url": d.get("url")})
    return out


def _iso(day: str) -> bool:
    try:
        date.fromisoformat(day)
        return True
    except ValueError:
        return False


def _shift(day: str, replica: int) -> str:
    try:
        return (date.fromisoformat(day[:10]) + timedelta(days=REPLICA_DAYS * replica)).isoformat()
    except ValueError:
        return day


def build_corpus(data: Path, n: int, work: Path) -> tuple[Path, Path]:
    """(JSONL, WARC) of ``n`` articles replicated from the records of ``data``."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    base = _records(data)
    if not base:
        raise SystemExit(f"no data under {data} (expected {', '.join(SOURCES)})")
    jsonl, warc = work / "corpus.jsonl", work / "corpus.warc.gz"
    with jsonl.open("w", encoding="utf-8") as out, warc.open("wb") as raw:
        writer = WARCWriter(raw, gzip=True)
        for i in range(n):
            r, k = base[i % len(base)], i // len(base)
            rec = dict(r, id=f"{r['id']}~{k}", published=_shift(r["published"], k),
                       url=f"https://example.org/{k}/{r['id']}",
                       text=r["text"] + f"\n\nThis is copy {k} of the article.")
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            paras = "".join(f"<p>{html.escape(p)}</p>" for p in rec["text"].split("\n") if p.strip())
            page = (f"<html><head><title>{html.escape(rec['title'])}</title>"
                    f'<meta property="article:published_time" content="{rec["published"]}"></head>'
                    f"<body><article><h1>{html.escape(rec['title'])}</h1>{paras}</article></body></html>")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(rec["url"], "response", payload=_bytes(page),
                                                          http_headers=headers))
    return jsonl, warc


def _bytes(text: str):
    import io

    return io.BytesIO(text.encode("utf-8"))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Stage:
    def __init__(self) -> None:
        self.rows: list[tuple[str, int, float, float, float, float, str]] = []

    def run(self, name: str, n_of, work, children: bool = False, note: str = ""):
        c0 = time.process_time()
        ch0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        out = work()
        wall = time.perf_counter() - t0
        cpu = driver = time.process_time() - c0
        if children:
            ch1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu += (ch1.ru_utime - ch0.ru_utime) + (ch1.ru_stime - ch0.ru_stime)
        n = n_of(out)
        self.rows.append((name, n, wall, cpu, driver, _peak_mb(), note))
        print(f"  {name}: {n} in {wall:.1f}s", file=sys.stderr, flush=True)
        return out

    def print(self, title: str) -> None:
        print(title)
        print(f"{'stage':52} {'articles':>8} {'wall s':>8} {'art/s':>8} {'CPU s/art':>10} {'driver':>10} {'peak MB':>8}  note")
        for name, n, wall, cpu, driver, peak, note in self.rows:
            print(f"{name:52} {n:>8} {wall:8.1f} {n / wall:8.1f} {cpu / max(n, 1) * 1000:8.2f}ms "
                  f"{driver / max(n, 1) * 1000:8.2f}ms {peak:8.0f}  {note}")


def _result(db: Path):
    con = sqlite3.connect(db)
    try:
        stories = sorted(con.execute("SELECT story_id, group_concat(article_id) FROM "
                                     "(SELECT * FROM assignments ORDER BY article_id) GROUP BY story_id").fetchall())
        enriched = con.execute("SELECT article_id, data FROM enrichments ORDER BY article_id").fetchall()
        return stories, enriched
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="the shared data folder (holds ecbplus/, basil-dev/)")
    ap.add_argument("--articles", type=int, default=20_000, help="corpus size for the ingest stages")
    ap.add_argument("--e2e-articles", type=int, default=400, help="articles for enrich and the end-to-end runs")
    ap.add_argument("--work", type=Path, default=Path("/tmp/storyscope-pipeline-bench"))
    ap.add_argument("--no-ray", action="store_true", help="leave out the Ray row")
    ap.add_argument("--skip-stages", action="store_true", help="only the worker start-up and the end-to-end runs")
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    config = build_config()
    print(f"building a corpus of {args.articles} articles under {args.work}", file=sys.stderr)
    jsonl, warc = build_corpus(args.data, args.articles, args.work)
    small = args.work / "small.jsonl"
    small.write_text("".join(jsonl.open(encoding="utf-8").readlines()[: args.e2e_articles]), encoding="utf-8")

    print(startup_cpu())
    if not args.skip_stages:
        stages(args, config, jsonl, warc)
    e2e_runs(args, small)


def _warm() -> float:
    """CPU seconds this process has spent once it holds what an ingest and an enrich worker need."""
    from storyscope.enrich.nlp import load_nlp
    from storyscope.features import embed

    load_nlp()
    embed.load()
    return time.process_time()


def startup_cpu() -> str:
    """A worker's start-up CPU: spawned (imports and loads the models itself) and forked from a
    driver that loaded them (what run/engines.py does on Linux)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    out = []
    for method in ("spawn", "fork"):
        if method == "fork":
            _warm()
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context(method)) as pool:
            out.append(f"{method} {pool.submit(_warm).result():.2f}")
    return "worker start-up, CPU s until spaCy and the embedding model are loaded: " + ", ".join(out)


def stages(args, config, jsonl: Path, warc: Path) -> None:
    st = Stage()
    items = st.run("read JSONL", len, lambda: [i for i in read_inputs([jsonl], config) if not isinstance(i, Rejected)])

    def _extract_all():
        out = []
        for i in items:
            try:
                out.append(extract(i))
            except Exception:  # noqa: BLE001 - a rejected item: counted out
                pass
        return out

    articles = st.run("extract", len, _extract_all)
    features = st.run("features (batches of %d)" % BATCH, len,
                      lambda: [f for s in range(0, len(articles), BATCH) for f in feats.compute_many(articles[s:s + BATCH])])

    def _assign():
        c = StreamClusterer(window_days=config.story_window_days)
        return [c.add(a.id, f, a.published) for a, f in zip(articles, features)]

    st.run("story assignment (in memory)", len, _assign)
    del items, features
    for name, path, engine in (("JSONL", jsonl, Engine("local", 1)), ("JSONL", jsonl, Engine("local", 2)),
                               ("WARC", warc, Engine("local", 1))):
        db = args.work / f"ingest_{name}_{engine.workers}.db"
        with Store(db) as store:
            st.run(f"ingest end to end from {name}, --workers {engine.workers}",
                   lambda s: sum(x.status == "stored" for x in s),
                   lambda: list(ingest_paths(store, [path], build_config(db=str(db)), engine)),
                   children=engine.workers > 1, note="CPU: driver and workers" if engine.workers > 1 else "")
    same = _result(args.work / "ingest_JSONL_1.db")[0] == _result(args.work / "ingest_JSONL_2.db")[0]
    st.run("enrich (deep NLP, 1 process)", len, lambda: list(enrich_articles(articles[: args.e2e_articles])))
    st.print(f"Stages, one process unless said; corpus {args.articles} articles replicated from {', '.join(SOURCES)}")
    print(f"ingest from JSONL, the same stories with --workers 2 as with one process: {'yes' if same else 'NO'}")


def e2e_runs(args, small: Path) -> None:

    e2e = Stage()
    engines = [Engine("local", 1), Engine("local", 2)] + ([] if args.no_ray else [Engine("ray", 2)])
    results = {}
    for engine in engines:
        db = args.work / f"e2e_{engine.kind}_{engine.workers}.db"
        cfg = build_config(db=str(db))

        def _both(db=db, cfg=cfg, engine=engine):
            with Store(db) as store:
                stored = sum(s.status == "stored" for s in ingest_paths(store, [small], cfg, engine))
                list(enrich_missing(store, cfg, engine=engine))
            return stored

        label = f"ingest + enrich, --engine {engine.kind} --workers {engine.workers}"
        e2e.run(label, lambda n: n, _both, children=engine.kind == "local",
                note="" if engine.kind == "local" else "CPU: driver only (Ray workers not counted)")
        results[label] = _result(db)
    e2e.print(f"\nEnd to end (ingest from JSONL, then enrich), {args.e2e_articles} articles")
    print("load average at the end (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
          + f" on {os.cpu_count()} CPUs")
    first = next(iter(results.values()))
    print("same stories and enrichment as local 1 worker: "
          + ", ".join(f"{k.split(', ')[1]}: {'yes' if v == first else 'NO'}" for k, v in results.items()))
    walls = {name: wall for name, _, wall, _, _, _, _ in e2e.rows}
    one = walls.get("ingest + enrich, --engine local --workers 1")
    for name, wall in walls.items():
        if one and name != "ingest + enrich, --engine local --workers 1":
            print(f"speed-up over one worker, {name.split(', ')[1]}: {one / wall:.2f}x")


if __name__ == "__main__":
    main()
