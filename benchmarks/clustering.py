"""Benchmark: streaming story clustering against gold same-event stories.

    .venv/bin/python benchmarks/clustering.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl

Input: JSON lines with ``id``, ``story`` (gold), ``title``, ``text`` and optional
``date``. Articles are streamed in shuffled order (one fixed seed per run) into a
fresh ``StreamClusterer``; each run is scored against ``story`` with B-cubed
precision / recall / F1 and the adjusted Rand index. Prints one row per order,
then mean and standard deviation, and the speed of features and clustering.

ECB+ ``date`` fields are raw page strings (and absent for the ECB half), so dates
are not passed unless ``--dates`` is given (then only ISO-looking ones are used).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from math import comb
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storyscope.cluster import StreamClusterer  # noqa: E402
from storyscope.features import compute  # noqa: E402
from storyscope.model import Article  # noqa: E402


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    pred_members: dict[str, set[str]] = {}
    gold_members: dict[str, set[str]] = {}
    for item, c in pred.items():
        pred_members.setdefault(c, set()).add(item)
    for item, c in gold.items():
        gold_members.setdefault(c, set()).add(item)
    p = r = 0.0
    for item in gold:
        pc = pred_members[pred[item]]
        gc = gold_members[gold[item]]
        both = len(pc & gc)
        p += both / len(pc)
        r += both / len(gc)
    n = len(gold)
    p, r = p / n, r / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def adjusted_rand(pred: dict[str, str], gold: dict[str, str]) -> float:
    items = list(gold)
    cont = Counter((pred[i], gold[i]) for i in items)
    a = Counter(pred[i] for i in items)
    b = Counter(gold[i] for i in items)
    index = sum(comb(v, 2) for v in cont.values())
    sa = sum(comb(v, 2) for v in a.values())
    sb = sum(comb(v, 2) for v in b.values())
    total = comb(len(items), 2)
    expected = sa * sb / total if total else 0.0
    top = (sa + sb) / 2
    return (index - expected) / (top - expected) if top != expected else 1.0


def load(path: Path, use_dates: bool) -> list[tuple[Article, str]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            date = rec.get("date") if use_dates else None
            if date and not (len(date) >= 10 and date[4] == "-" and date[:4].isdigit()):
                date = None
            art = Article(id=str(rec["id"]), text=rec.get("text") or "", title=rec.get("title"), published=date)
            out.append((art, str(rec["story"])))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threshold", type=float, default=None, help="override the clusterer threshold")
    ap.add_argument("--dates", action="store_true", help="pass ISO dates found in the data")
    args = ap.parse_args(argv)

    rows = load(args.data, args.dates)
    gold = {a.id: s for a, s in rows}
    t0 = time.perf_counter()
    feats = {a.id: compute(a) for a, _ in rows}
    t_feat = time.perf_counter() - t0
    overrides = {} if args.threshold is None else {"threshold": args.threshold}

    print(f"{len(rows)} articles, {len(set(gold.values()))} gold stories; features {len(rows) / t_feat:,.0f} art/s")
    print(f"{'order':>6} {'stories':>8} {'B3 P':>7} {'B3 R':>7} {'B3 F1':>7} {'ARI':>7} {'art/s':>8}")
    results = []
    for run in range(args.runs):
        order = [a for a, _ in rows]
        random.Random(args.seed + run).shuffle(order)
        clusterer = StreamClusterer(**overrides)
        t0 = time.perf_counter()
        pred = {a.id: clusterer.add(a.id, feats[a.id], a.published).story_id for a in order}
        speed = len(order) / (time.perf_counter() - t0)
        p, r, f = bcubed(pred, gold)
        ari = adjusted_rand(pred, gold)
        results.append((len(clusterer), p, r, f, ari, speed))
        print(f"{args.seed + run:>6} {len(clusterer):>8} {p:7.3f} {r:7.3f} {f:7.3f} {ari:7.3f} {speed:8,.0f}")
    cols = list(zip(*results))
    mean = [statistics.mean(c) for c in cols]
    sd = [statistics.stdev(c) if len(c) > 1 else 0.0 for c in cols]
    print(f"{'mean':>6} {mean[0]:8.1f} {mean[1]:7.3f} {mean[2]:7.3f} {mean[3]:7.3f} {mean[4]:7.3f} {mean[5]:8,.0f}")
    print(f"{'sd':>6} {sd[0]:8.1f} {sd[1]:7.3f} {sd[2]:7.3f} {sd[3]:7.3f} {sd[4]:7.3f} {sd[5]:8,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
