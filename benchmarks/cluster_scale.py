"""Benchmark: does clustering speed hold as the stream grows?

    .venv/bin/python benchmarks/cluster_scale.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl --copies 10

Makes a longer stream from a JSONL set (``id``, ``title``, ``text``): each article
``--copies`` times, each time a random 60% of its sentences in random order (so
most are not near-identical copies and go through the full candidate search).
Prints features and clustering speed per block of the stream; a flat clustering
speed means candidate search does not grow with the number of stories seen.
Synthetic on purpose: it measures speed, not quality.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storyscope.cluster import StreamClusterer  # noqa: E402
from storyscope.features import compute  # noqa: E402
from storyscope.model import Article  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--block", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    base = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    stream = []
    for k in range(args.copies):
        for rec in base:
            sents = rec["text"].split(". ")
            keep = rng.sample(sents, max(1, int(len(sents) * 0.6)))
            stream.append(Article(id=f"{rec['id']}#{k}", title=rec.get("title"), text=". ".join(keep)))
    rng.shuffle(stream)
    clusterer = StreamClusterer()
    print(f"{len(stream)} articles from {len(base)} originals")
    print(f"{'articles':>9} {'stories':>8} {'features/s':>11} {'cluster/s':>10} {'copies':>7}")
    for start in range(0, len(stream), args.block):
        block = stream[start : start + args.block]
        t0 = time.perf_counter()
        feats = [compute(a) for a in block]
        t1 = time.perf_counter()
        copies = sum(1 for a, f in zip(block, feats) if clusterer.add(a.id, f, None).syndicated_of)
        t2 = time.perf_counter()
        print(
            f"{start + len(block):>9} {len(clusterer):>8} {len(block) / (t1 - t0):>11,.0f} "
            f"{len(block) / (t2 - t1):>10,.0f} {copies:>7}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
