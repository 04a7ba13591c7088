"""Benchmark: how fast does `storyscope serve` answer on a big store, and while an ingest writes?

    .venv/bin/python benchmarks/web.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl --n 100000

1. Build a store of N articles by replicating the data's articles (ECB+: ``id, story, title,
   date, text``): replica r of article x is article ``x~r`` in story ``story~r``, dated r days
   after a base date, with an outlet named from the article's id (ECB+ names none). Rows go in
   through the store's write path (``Store.add_article``, which also fills the search index), in
   transactions of 1,000; no clusterer runs (the gold story is the story), so this costs seconds.
2. Enrich the base articles of K stories once (the real NLP stage) and copy each enrichment to
   the same article in every replica of those stories that is timed (same text, same offsets).
3. Start `storyscope serve` on 127.0.0.1 in its own process; build the K briefs through it (cold
   build time reported), so the timed story pages and brief API read kept briefs.
4. Load: for each route, C client threads with keep-alive connections send requests, at most R
   in all and for at most T seconds (bounded; loopback only); requests/s, p50, p99.
5. The same again while a second process writes: it runs the ingest's per-article work (extract,
   fast features, one transaction storing article, story assignment and search index rows) on
   new articles for as long as the load runs, without the clusterer (whose replay of N stored
   articles would dominate, see benchmarks/incremental.py).

Prints a table. ``--keep DIR`` keeps (and reuses) the built store.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storyscope.model import Article  # noqa: E402
from storyscope.store import Store  # noqa: E402

BASE_DAY = date(2020, 1, 1)
OUTLETS = 12


def load(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def article_of(rec: dict, r: int) -> tuple[Article, str]:
    day = (BASE_DAY + timedelta(days=r)).isoformat()
    outlet = f"Outlet {sum(map(ord, rec['id'])) % OUTLETS + 1}"
    a = Article(id=f"{rec['id']}~{r}", text=rec["text"], title=rec.get("title"), published=day, outlet=outlet,
                content_hash=f"{rec['id']}~{r}", language="en")
    return a, f"{rec['story']}~{r}"


def build(db: Path, records: list[dict], n: int) -> None:
    t0 = time.perf_counter()
    with Store(db) as store:
        done = store.count_articles()
        while done < n:
            with store.transaction() as con:
                for i in range(done, min(done + 1000, n)):
                    a, story = article_of(records[i % len(records)], i // len(records))
                    store.add_article(con, a, None)
                    store.assign(con, a.id, story, 1.0, None, "benchmark")
            done = min(done + 1000, n)
            print(f"\rbuilding: {done:,} articles", end="", file=sys.stderr)
    print(f"\rbuilt {n:,} articles in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def enrich_stories(db: Path, records: list[dict], stories: list[str], replicas: list[int]) -> None:
    """The real NLP stage on the base articles of ``stories``, copied to the timed replicas."""
    from storyscope.enrich.pipeline import ENRICH_VERSION, enrich_articles
    from dataclasses import replace

    base = [article_of(rec, 0)[0] for rec in records if rec["story"] in stories]
    t0 = time.perf_counter()
    with Store(db) as store:
        for e in enrich_articles(iter(base), batch_size=16):
            for r in replicas:
                store.put_enrichment(replace(e, article_id=e.article_id.rsplit("~", 1)[0] + f"~{r}"), ENRICH_VERSION)
    print(f"enriched {len(base)} articles in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    r = conn.getresponse()
    return r.status, r.read()


def load_test(port: int, paths: list[str], requests: int, seconds: float, clients: int) -> dict:
    """Bounded load: at most ``requests`` requests and ``seconds`` seconds, ``clients`` threads."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    issued = [0]
    deadline = time.perf_counter() + seconds

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = k
        while time.perf_counter() < deadline:
            with lock:
                if issued[0] >= requests:
                    break
                issued[0] += 1
            t = time.perf_counter()
            status, _ = get(conn, paths[i % len(paths)])
            dt = time.perf_counter() - t
            with lock:
                latencies.append(dt)
                errors[0] += status != 200
            i += clients
        conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    ms = sorted(x * 1000 for x in latencies)
    return {"n": len(ms), "rps": len(ms) / wall, "p50": statistics.median(ms) if ms else 0,
            "p99": ms[min(len(ms) - 1, int(len(ms) * 0.99))] if ms else 0, "errors": errors[0]}


def writer(db: str, data: str, start: int, seconds: float) -> None:
    """(``--write-into``) the ingest's per-article work on new replicas until ``seconds`` pass."""
    from storyscope import features as feats
    from storyscope.errors import StoryscopeError
    from storyscope.extract import extract
    from storyscope.model import RawDoc

    records = load(Path(data))
    deadline = time.monotonic() + seconds
    n = 0
    with Store(db, busy_timeout=60) as store:
        while time.monotonic() < deadline:
            rec = records[n % len(records)]
            a, story = article_of(rec, start + n // len(records))
            # ids of this run only: a kept store may hold an earlier run's written articles
            try:
                article = extract(RawDoc(id=f"{a.id}-w{os.getpid()}", source="bench", text=a.text, title=a.title,
                                         outlet=a.outlet, published=a.published))
            except StoryscopeError:  # as ingest does: a record with no usable text is rejected
                n += 1
                continue
            f = feats.compute(article)
            with store.transaction() as con:
                store.add_article(con, article, f.to_bytes())
                store.assign(con, article.id, story, 1.0, None, "benchmark")
            n += 1
            if n % 100 == 0:
                print(json.dumps({"written": n}), flush=True)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, help="ECB+ style JSONL: id, story, title, date, text")
    p.add_argument("--n", type=int, default=100_000, help="articles in the store")
    p.add_argument("--stories", type=int, default=8, help="stories whose page and brief are timed")
    p.add_argument("--requests", type=int, default=400, help="most requests per route and phase")
    p.add_argument("--seconds", type=float, default=30, help="most seconds per route and phase")
    p.add_argument("--clients", type=int, default=4, help="concurrent client connections")
    p.add_argument("--keep", help="folder to keep (and reuse) the built store in")
    p.add_argument("--write-into", nargs=2, metavar=("DB", "START"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.write_into:
        writer(args.write_into[0], args.data, int(args.write_into[1]), args.seconds)
        return 0

    records = load(Path(args.data))
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="storyscope-web-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"web-{args.n}.db"
    fresh = not db.exists()
    build(db, records, args.n)
    replicas = sorted({(args.n // len(records)) // 2, max(0, args.n // len(records) - 1)})
    rng = random.Random(7)
    big = sorted({r["story"] for r in records}, key=lambda s: -sum(r["story"] == s for r in records))
    base_stories = rng.sample(big[:30], min(args.stories, 30))
    if fresh:
        enrich_stories(db, records, base_stories, replicas)
    timed = [f"{s}~{r}" for s in base_stories for r in replicas]
    titles = [r["title"] for r in records if r.get("title")]
    queries = []
    for t in rng.sample(titles, 50):
        words = [w for w in t.split() if w.isalpha() and len(w) > 3]
        if len(words) >= 2:
            queries.append(" ".join(rng.sample(words, 2)))
    queries += ["earthquake", "police", "killed", "Indonesia"]  # common words: many matches to rank

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "storyscope.cli", "serve", "--db", str(db), "--port", str(port)],
                              stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")})
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        cold = []
        for s in timed:
            t = time.perf_counter()
            while get(conn, f"/api/stories/{quote(s)}/brief")[0] == 202:
                time.sleep(0.2)
            cold.append(time.perf_counter() - t)
        conn.close()
        print(f"built {len(timed)} briefs: median {statistics.median(cold):.2f} s, max {max(cold):.2f} s "
              "(first visit; served kept after)", file=sys.stderr)
        routes = {
            "story page": [f"/stories/{quote(s)}" for s in timed],
            "brief API": [f"/api/stories/{quote(s)}/brief" for s in timed],
            "search API": ["/api/search?" + urlencode({"q": q}) for q in queries],
            "stories page": ["/"] + ["/?" + urlencode({"q": q}) for q in queries[:10]],
        }
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        for paths in routes.values():  # each page drawn once: what is timed is serving a kept brief
            for path in paths:
                get(warm, path)
        warm.close()
        rows = []
        for phase in ("idle", "ingest writing"):
            proc = None
            if phase != "idle":
                total_s = args.seconds * len(routes) + 30
                proc = subprocess.Popen([sys.executable, __file__, "--data", args.data, "--seconds", str(total_s),
                                         "--write-into", str(db), str(args.n // len(records) + 1)],
                                        stdout=subprocess.PIPE, text=True)
                time.sleep(3)  # its imports and model load
            for name, paths in routes.items():
                rows.append((phase, name, load_test(port, paths, args.requests, args.seconds, args.clients)))
            if proc is not None:
                proc.terminate()
                out, _ = proc.communicate(timeout=60)
                lines = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
                written = lines[-1]["written"] if lines else 0
                print(f"the writer stored {written} articles during the load", file=sys.stderr)
                if not written:
                    raise SystemExit("the writer stored nothing: the 'ingest writing' rows would not be what they say")
        print(f"\nstore: {args.n:,} articles ({db.stat().st_size / 1e6:.0f} MB), {len(timed)} timed stories, "
              f"{len(queries)} search queries, {args.clients} clients, <= {args.requests} requests "
              f"and {args.seconds:g} s per row")
        print(f"{'phase':16} {'route':14} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")
        for phase, name, r in rows:
            print(f"{phase:16} {name:14} {r['n']:>8} {r['rps']:>7.1f} {r['p50']:>7.1f} {r['p99']:>7.1f} "
                  f"{r['errors']:>6}")
    finally:
        server.terminate()
        server.wait(30)
        if not args.keep:
            for f in folder.glob("*"):
                f.unlink()
            folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
