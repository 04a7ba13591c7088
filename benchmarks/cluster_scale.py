"""Benchmark: does clustering speed hold as the stream and the number of stories grow?

    .venv/bin/python benchmarks/cluster_scale.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl --n 10000,100000

Makes a synthetic stream of N articles from real text (a JSONL set with ``title``
and ``text``). About N / ``--per-event`` distinct events: each event takes one
real article as its template and substitutes its own names, places and numbers
(every capitalised non-stop word maps to one drawn from the whole set's
capitalised vocabulary, every number to a random one), so two events made from
the same template share the topic words but not who, where or how many: the
situation of two earthquakes or two signings. Each article of an event is a
random 60% of the event's sentences in random order (mostly not near-identical
copies, so they go through the full candidate search); which ones is drawn for
every article before the clock starts (``Picks``: a random generator per article
costs about a third of the features' time and stands for reading the input). Events start one after
the other along the stream and their articles arrive over the next few hundred
articles; each article carries a date (``--per-day`` articles a day), so the
time window closes old stories as in a real feed.

Per N it prints, for each tenth of the stream, the stories so far, the features
speed and the assignment speed (timed separately, in CPU seconds of the process,
so that other processes on a shared machine count less) and the assignment time per
article, and the peak memory so far: flat across the tenths means candidate search does not grow with the
number of stories. Then a summary row per N with both stages together (``both/s``:
one core doing features then assignment), the peak resident memory of the
process (``ru_maxrss``; it includes the generator and the features of one block)
and the B-cubed F1 of the final stories against the synthetic events.
With ``--workers 2`` (the default) the features are computed by a second process
while this one assigns, as ``storyscope ingest --workers 2`` runs them (a process
pool computes features, the driver assigns in order): the worker generates a
block of articles, computes their features and sends them back pickled, up to
``--ahead`` blocks ahead; the driver unpickles and assigns. The features travel in
their stored form (``features.compute_blobs``), which ``StreamClusterer.add`` reads
without building the record, as ``ingest`` hands them over. Then the per-tenth
rows give the worker's CPU for features (per core, generation not counted),
the driver's CPU for assignment (unpickling counted) and the wall-clock rate of
the two together; the summary adds ``wall/s``, the fast path's articles per
second of wall time on two cores (generation included, since the worker also
generates). ``--workers 1`` is the one-process form: features then assignment
of each block in turn, ``both/s`` from the sum of the two CPU times.
``--hash`` prints, per N, a hash of every field of every ``Assignment`` (outside the
clock): two versions of the clusterer meant to cluster alike must print the same.
Synthetic on purpose: it measures speed and memory. The B-cubed figure is a
check that the speed settings lose no candidates, not a quality figure: events
made from one template share every topic word, and at large N their random names
repeat, so they are harder to tell apart than real events.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import multiprocessing
import pickle
import json
import re
import resource
import sys
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from clustering import bcubed  # noqa: E402

from storyscope.cluster import StreamClusterer  # noqa: E402
from storyscope.features import compute_blobs  # noqa: E402
from storyscope.features.text import STOP_WORDS  # noqa: E402
from storyscope.model import Article  # noqa: E402

_SUBST = re.compile(r"\b[A-Z][a-z]+\b|\b\d+(?:[.,]\d+)?\b")
_CAP = re.compile(r"\b[A-Z][a-z]{2,}\b")


class Generator:
    """Articles of synthetic events built from real text (see the module docstring)."""

    def __init__(self, base: list[dict], seed: int) -> None:
        self.base = [(r.get("title") or "", r["text"]) for r in base if r.get("text")]
        caps = set()
        for title, text in self.base:
            caps.update(w for w in _CAP.findall(title + " " + text) if w.lower() not in STOP_WORDS)
        self.caps = sorted(caps)
        self.seed = seed

    def event_text(self, event: int) -> tuple[str, list[str]]:
        rng = np.random.default_rng([self.seed, event])
        title, text = self.base[event % len(self.base)]
        mapping: dict[str, str] = {}

        def sub(m: re.Match) -> str:
            w = m.group(0)
            if w[0].isdigit():
                if w not in mapping:
                    mapping[w] = str(int(rng.integers(2, 5000)))
                return mapping[w]
            if w.lower() in STOP_WORDS:
                return w
            if w not in mapping:
                mapping[w] = self.caps[int(rng.integers(len(self.caps)))]
            return mapping[w]

        title = _SUBST.sub(sub, title)
        sentences = _SUBST.sub(sub, text).split(". ")
        return title, sentences

    def sentences(self, event: int) -> int:
        """How many sentences the event's text has: its template's (a substitution never
        touches a ". ", which no match of _SUBST contains)."""
        return len(self.base[event % len(self.base)][1].split(". "))

    def pick(self, event: int, k: int) -> np.ndarray:
        """Which of its event's sentences article k keeps, in its order."""
        n_sents = self.sentences(event)
        rng = np.random.default_rng([self.seed, event, k + 1])
        return rng.permutation(n_sents)[: max(1, int(n_sents * 0.6))]

    def article(self, event: int, k: int, day: int, cache: dict, pick: np.ndarray | None = None) -> Article:
        """Article k of an event; ``pick``: ``self.pick(event, k)`` computed beforehand."""
        got = cache.get(event)
        if got is None:
            got = cache[event] = self.event_text(event)
        title, sents = got
        if pick is None:
            pick = self.pick(event, k)
        keep = [sents[i] for i in pick.tolist()]
        published = (dt.date(2020, 1, 1) + dt.timedelta(days=int(day))).isoformat()
        return Article(id=f"e{event}#{k}", title=title, text=". ".join(keep), published=published)


def plan(n: int, per_event: int, spread: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(event, index within event) of each of the n articles, in stream order."""
    rng = np.random.default_rng(seed)
    sizes = rng.geometric(1.0 / per_event, size=n // per_event + n // 10 + 10)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n)) + 1]
    events = np.repeat(np.arange(len(sizes)), sizes)[:n]
    ks = np.concatenate([np.arange(s) for s in sizes])[:n]
    # event i starts at position i * per_event; its articles arrive over ~spread articles
    pos = events * float(per_event) + rng.exponential(spread, size=n) * (ks > 0)
    order = np.argsort(pos, kind="stable")
    return events[order], ks[order]


def _peak_mb() -> float:
    """Peak resident memory of the process so far (``ru_maxrss``, KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# what the feature worker needs (set before it is forked)
_WORK: dict = {}


class Picks:
    """``Generator.pick`` of every article of the stream, computed before the clock starts.

    A fresh random generator per article costs about 60 us, an eighth of the
    features' time, and it stands for reading an article from a file, which the fast
    path does not include; with features in a second process it would slow the
    worker. Kept flat (int16 and offsets): 1M articles take about 30 MB.
    """

    def __init__(self, gen: Generator, events: np.ndarray, ks: np.ndarray) -> None:
        parts = [gen.pick(int(e), int(k)) for e, k in zip(events.tolist(), ks.tolist())]
        self.ends = np.cumsum([len(p) for p in parts], dtype=np.int64)
        self.flat = np.concatenate(parts).astype(np.int16) if parts else np.zeros(0, np.int16)

    def __getitem__(self, i: int) -> np.ndarray:
        return self.flat[(self.ends[i - 1] if i else 0) : self.ends[i]]


def _block(gen: Generator, events: np.ndarray, ks: np.ndarray, picks: Picks, b0: int, b1: int, per_day: int,
           spread: int, cache: dict) -> list[Article]:
    """The articles b0..b1 of the stream; drops the cached events that will get no more articles."""
    arts = [gen.article(int(e), int(k), i // per_day, cache, picks[i])
            for i, e, k in zip(range(b0, b1), events[b0:b1], ks[b0:b1])]
    if len(cache) > 4 * spread:  # events older than the spread get no more articles
        for old in [e for e in cache if e < int(events[b0]) - 2 * spread]:
            del cache[old]
    return arts


def _features_block(b0: int, b1: int) -> tuple[list[tuple[str, str | None]], bytes, float, float]:
    """In the worker: the block's (id, date), its features pickled, the CPU seconds of the features
    (pickling them included) and of generating the articles."""
    w = _WORK
    t0 = time.process_time()
    arts = _block(w["gen"], w["events"], w["ks"], w["picks"], b0, b1, w["per_day"], w["spread"], w["cache"])
    t1 = time.process_time()
    blob = pickle.dumps(compute_blobs(arts), protocol=pickle.HIGHEST_PROTOCOL)
    return [(a.id, a.published) for a in arts], blob, time.process_time() - t1, t1 - t0


def _blocks(gen: Generator, events: np.ndarray, ks: np.ndarray, picks: Picks, n: int, args):
    """Per block of the stream: (start, stop, [(id, date)], features, the CPU s of the features, the
    driver's CPU s to receive them, the CPU s of generating the articles)."""
    tenth = max(1, n // 10)
    spans = [(b0, min(stop, b0 + args.block)) for start in range(0, n, tenth)
             for stop in [min(n, start + tenth)] for b0 in range(start, stop, args.block)]
    if args.workers == 1:
        cache: dict = {}
        for b0, b1 in spans:
            t0 = time.process_time()
            arts = _block(gen, events, ks, picks, b0, b1, args.per_day, args.spread, cache)
            t1 = time.process_time()
            feats = compute_blobs(arts)  # embeddings in one batch per block
            yield b0, b1, [(a.id, a.published) for a in arts], feats, time.process_time() - t1, 0.0, t1 - t0
        return
    _WORK.update(gen=gen, events=events, ks=ks, picks=picks, per_day=args.per_day, spread=args.spread, cache={})
    # fork: the worker starts with the generator and the compiled code already loaded
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        pending: deque = deque()
        todo = iter(spans)
        for b0, b1 in todo:
            pending.append((b0, b1, pool.submit(_features_block, b0, b1)))
            if len(pending) > args.ahead:
                break
        while pending:
            b0, b1, fut = pending.popleft()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append((*nxt, pool.submit(_features_block, *nxt)))
            meta, blob, cpu, gen_cpu = fut.result()
            t0 = time.process_time()
            feats = pickle.loads(blob)
            yield b0, b1, meta, feats, cpu, time.process_time() - t0, gen_cpu


def run(gen: Generator, n: int, args) -> dict:
    events, ks = plan(n, args.per_event, args.spread, args.seed)
    picks = Picks(gen, events, ks)
    # load the embedding model and the compiled code once, untimed (the forked worker inherits them)
    compute_blobs([gen.article(int(e), int(k), 0, {}) for e, k in zip(events[:50], ks[:50])])
    clusterer = StreamClusterer()
    tenth = max(1, n // 10)
    t_feat = t_assign = 0.0
    per_tenth = []
    print(f"\nN = {n:,}: {len(set(events.tolist())):,} events, "
          + ("features and assignment in one process" if args.workers == 1 else
             "features in a second process while this one assigns (wall/s: both on two cores)"))
    print(f"{'articles':>10} {'stories':>8} {'features/s':>11} {'assign/s':>9} {'us/article':>11} {'copies':>7} "
          f"{'peak MB':>8}" + ("" if args.workers == 1 else f" {'wall/s':>7}"))
    f_time = a_time = 0.0
    copies = 0
    wall0 = tenth_wall = time.perf_counter()
    add = clusterer.add
    t_gen = 0.0
    digest = hashlib.sha256() if args.hash else None
    got: list = []
    for b0, b1, meta, feats, cpu, unpickle, gen_cpu in _blocks(gen, events, ks, picks, n, args):
        t_gen += gen_cpu
        t1 = time.process_time()
        for (aid, published), f in zip(meta, feats):
            a = add(aid, f, published)
            if a.syndicated_of:
                copies += 1
            if digest is not None:
                got.append(a)
        t2 = time.process_time()
        if digest is not None:  # (outside the clock)
            for a in got:
                digest.update(repr(dataclasses.astuple(a)).encode())
            got.clear()
        f_time += cpu
        a_time += t2 - t1 + unpickle  # the driver's cost of a feature worker counts as assignment's
        if b1 % tenth == 0 or b1 == n:
            m = b1 - (b1 - 1) // tenth * tenth
            now = time.perf_counter()
            t_feat += f_time
            t_assign += a_time
            per_tenth.append(a_time / m * 1e6)
            print(f"{b1:>10,} {len(clusterer):>8,} {m / f_time:>11,.0f} {m / a_time:>9,.0f} "
                  f"{a_time / m * 1e6:>11,.0f} {copies:>7} {_peak_mb():>8,.0f}"
                  + ("" if args.workers == 1 else f" {m / (now - tenth_wall):>7,.0f}"))
            f_time = a_time = 0.0
            copies = 0
            tenth_wall = now
    wall = time.perf_counter() - wall0
    peak_mb = _peak_mb()
    # the largest of the worker processes ended so far (ru_maxrss of the children, KiB)
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 if args.workers > 1 else 0.0
    pred = {f"e{e}#{k}": clusterer.story_of(f"e{e}#{k}") for e, k in zip(events.tolist(), ks.tolist())}
    _, _, f1 = bcubed(pred, {i: i.split("#")[0] for i in pred})
    return {
        "n": n, "stories": len(clusterer), "features": n / t_feat, "assign": n / t_assign,
        "together": n / (t_feat + t_assign), "wall": n / wall, "gen_us": t_gen / n * 1e6,
        "bound": round(n / max(t_feat + t_gen, t_assign)),
        "peak_mb": peak_mb, "worker_mb": worker_mb, "tenths": per_tenth, "b3": f1,
        "hash": digest.hexdigest()[:16] if digest is not None else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--n", default="10000,100000", help="comma-separated stream lengths, one run each")
    ap.add_argument("--per-event", type=int, default=10, help="mean articles per event (geometric)")
    ap.add_argument("--spread", type=int, default=300, help="an event's articles arrive over about this many articles")
    ap.add_argument("--per-day", type=int, default=5000, help="articles per day of the synthetic dates")
    ap.add_argument("--block", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, choices=(1, 2), default=2,
                    help="2: features in a second process while this one assigns (as ingest --workers 2); "
                         "1: both in this process, one after the other")
    ap.add_argument("--ahead", type=int, default=2, help="with --workers 2: blocks the worker may compute ahead")
    ap.add_argument("--hash", action="store_true",
                    help="print a hash of every field of every Assignment per N (two versions of the clusterer that "
                         "should cluster alike must print the same)")
    args = ap.parse_args(argv)

    base = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    gen = Generator(base, args.seed)
    print(f"{len(gen.base)} template articles, {len(gen.caps):,} capitalised words to draw names from")
    results = [run(gen, int(n), args) for n in args.n.split(",")]
    print(f"\n{'N':>10} {'stories':>8} {'features/s':>11} {'assign/s':>9} {'both/s':>7} {'wall/s':>7} {'2-core/s':>8} "
          f"{'gen us':>6} {'peak MB':>8} {'worker MB':>9} {'B3 F1':>6}  us/article per tenth")
    print("features/s, assign/s: per CPU second of one core (with --workers 2, features/s includes pickling them "
          "and assign/s unpickling them); both/s: one core doing both;\nwall/s: articles per second of wall time"
          + (", features in a second process" if args.workers == 2 else ", one process")
          + "; 2-core/s: N / the larger CPU time of the two processes (the worker's generating and features, the "
          "driver's assignment),\nwhat two free cores give; gen us: CPU us an article spent generating the "
          "synthetic text (not part of the fast path)")
    for r in results:
        tenths = " ".join(f"{t:,.0f}" for t in r["tenths"])
        bound = f"{r['bound']:,}" if args.workers == 2 else "-"
        print(
            f"{r['n']:>10,} {r['stories']:>8,} {r['features']:>11,.0f} {r['assign']:>9,.0f} {r['together']:>7,.0f} "
            f"{r['wall']:>7,.0f} {bound:>8} {r['gen_us']:>6,.0f} "
            f"{r['peak_mb']:>8,.0f} {r['worker_mb']:>9,.0f} "
            f"{r['b3']:>6.3f}  {tenths}"
        )
    for r in results:
        if r["hash"]:
            print(f"N = {r['n']:,}: sha256 of the assignments' fields {r['hash']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
