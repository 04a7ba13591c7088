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
copies, so they go through the full candidate search). Events start one after
the other along the stream and their articles arrive over the next few hundred
articles; each article carries a date (``--per-day`` articles a day), so the
time window closes old stories as in a real feed.

Per N it prints, for each tenth of the stream, the stories so far, the features
speed and the assignment speed (timed separately, in CPU seconds of the process,
so that other processes on a shared machine count less) and the assignment time per
article, and the peak memory so far: flat across the tenths means candidate search does not grow with the
number of stories. Then a summary row per N with both stages together (one
process: features then assignment of each block), the peak resident memory of the
process (``ru_maxrss``; it includes the generator and the features of one block)
and the B-cubed F1 of the final stories against the synthetic events.
Synthetic on purpose: it measures speed and memory. The B-cubed figure is a
check that the speed settings lose no candidates, not a quality figure: events
made from one template share every topic word, and at large N their random names
repeat, so they are harder to tell apart than real events.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from clustering import bcubed  # noqa: E402

from storyscope.cluster import StreamClusterer  # noqa: E402
from storyscope.features import compute_many  # noqa: E402
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

    def article(self, event: int, k: int, day: int, cache: dict) -> Article:
        got = cache.get(event)
        if got is None:
            got = cache[event] = self.event_text(event)
        title, sents = got
        rng = np.random.default_rng([self.seed, event, k + 1])
        n = max(1, int(len(sents) * 0.6))
        keep = [sents[i] for i in rng.permutation(len(sents))[:n]]
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


def run(gen: Generator, n: int, args) -> dict:
    events, ks = plan(n, args.per_event, args.spread, args.seed)
    clusterer = StreamClusterer()
    tenth = max(1, n // 10)
    cache: dict[int, tuple[str, list[str]]] = {}
    t_feat = t_assign = 0.0
    per_tenth = []
    print(f"\nN = {n:,}: {len(set(events.tolist())):,} events")
    print(f"{'articles':>10} {'stories':>8} {'features/s':>11} {'assign/s':>9} {'us/article':>11} {'copies':>7} "
          f"{'peak MB':>8}")
    for start in range(0, n, tenth):
        stop = min(n, start + tenth)
        f_time = a_time = 0.0
        copies = 0
        for b0 in range(start, stop, args.block):
            b1 = min(stop, b0 + args.block)
            arts = [gen.article(int(e), int(k), i // args.per_day, cache)
                    for i, e, k in zip(range(b0, b1), events[b0:b1], ks[b0:b1])]
            if len(cache) > 4 * args.spread:  # events older than the spread get no more articles
                for old in [e for e in cache if e < int(events[b0]) - 2 * args.spread]:
                    del cache[old]
            t0 = time.process_time()
            feats = compute_many(arts)  # embeddings in one batch per block
            t1 = time.process_time()
            add = clusterer.add
            for a, f in zip(arts, feats):
                if add(a.id, f, a.published).syndicated_of:
                    copies += 1
            t2 = time.process_time()
            f_time += t1 - t0
            a_time += t2 - t1
        m = stop - start
        t_feat += f_time
        t_assign += a_time
        per_tenth.append(a_time / m * 1e6)
        print(f"{stop:>10,} {len(clusterer):>8,} {m / f_time:>11,.0f} {m / a_time:>9,.0f} {a_time / m * 1e6:>11,.0f} "
              f"{copies:>7} {_peak_mb():>8,.0f}")
    peak_mb = _peak_mb()
    pred = {f"e{e}#{k}": clusterer.story_of(f"e{e}#{k}") for e, k in zip(events.tolist(), ks.tolist())}
    _, _, f1 = bcubed(pred, {i: i.split("#")[0] for i in pred})
    return {
        "n": n, "stories": len(clusterer), "features": n / t_feat, "assign": n / t_assign,
        "together": n / (t_feat + t_assign),
        "peak_mb": peak_mb, "tenths": per_tenth, "b3": f1,
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
    args = ap.parse_args(argv)

    base = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    gen = Generator(base, args.seed)
    print(f"{len(gen.base)} template articles, {len(gen.caps):,} capitalised words to draw names from")
    results = [run(gen, int(n), args) for n in args.n.split(",")]
    print(f"\n{'N':>10} {'stories':>8} {'features/s':>11} {'assign/s':>9} {'both/s':>7} {'peak MB':>8} {'B3 F1':>6}"
          "  us/article per tenth")
    for r in results:
        tenths = " ".join(f"{t:,.0f}" for t in r["tenths"])
        print(
            f"{r['n']:>10,} {r['stories']:>8,} {r['features']:>11,.0f} {r['assign']:>9,.0f} {r['together']:>7,.0f} "
            f"{r['peak_mb']:>8,.0f} "
            f"{r['b3']:>6.3f}  {tenths}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
