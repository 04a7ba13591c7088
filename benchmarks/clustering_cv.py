"""Cross-validated choice of the split check's purity bound over held-apart ECB+ topics.

    .venv/bin/python benchmarks/clustering_cv.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl

The ECB+ topics are shuffled (``--fold-seed``) and dealt into ``--folds`` folds
(topics[i::folds]: with seed 0, the folds of docs/benchmarks.md, "ecb (session
12 ...)"). For each fold the purity bound (``stream._SPLIT_PURITY``) is chosen
from ``--purity`` by the stream's B-cubed F1 on the other folds' topics (streamed
together, mean of the orders ``--seed`` .. ``--seed`` + ``--runs`` - 1, as
``benchmarks/clustering.py`` streams them; a tie goes to the first candidate),
then the held-out fold's topics are streamed alone at that bound. The table
gives, per fold, the chosen bound and the other folds' F1 with it, the held-out
F1, and the held-out F1 of the split check of the stream before the spectral
cut (``--baseline`` columns: 2-means halves, split when their score is below
0.7; the same stream otherwise). The held-out mean is the figure no choice
looked at.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from clustering import bcubed, load  # noqa: E402
from storyscope.cluster import StreamClusterer  # noqa: E402
from storyscope.cluster import split as split_mod  # noqa: E402
from storyscope.cluster import stream as stream_mod  # noqa: E402
from storyscope.cluster.kernels import two_means_gram  # noqa: E402
from storyscope.features import compute_many  # noqa: E402

# The split check before the spectral cut (until session 12): 2-means halves, split below this score.
OLD_SPLIT_THRESHOLD = 0.7


def two_means_cut(gram):
    """The old check as a Cut: 2-means halves; purity 1 and cross 0 leave the decision to the score.
    Called as the stream calls split.cut_gram, on the members' cosine matrix (split.two_means's)."""
    labels, score = two_means_gram(gram, split_mod.SEEDS, split_mod.ITERATIONS)
    return split_mod.Cut(labels, float(score), 1.0, 0.0)


def topics_of(path: Path) -> dict[str, int]:
    out = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                out[str(rec["id"])] = int("".join(ch for ch in str(rec["topic"]) if ch.isdigit()))
    return out


def stream_f1(rows, feats, seed: int, runs: int, purity: float | None) -> float:
    """Mean B-cubed F1 of the stream over the orders; ``purity`` None: the old check."""
    gold = {a.id: s for a, s in rows}
    saved = stream_mod._SPLIT_PURITY, stream_mod.split_cut, stream_mod.alike_across_every_cut
    if purity is None:
        stream_mod.split_cut = two_means_cut
        stream_mod.alike_across_every_cut = lambda *_: False  # the old check had no such guard
        overrides = {"split_threshold": OLD_SPLIT_THRESHOLD}
    else:
        stream_mod._SPLIT_PURITY = purity
        overrides = {}
    try:
        f1s = []
        for run in range(runs):
            order = [a for a, _ in rows]
            random.Random(seed + run).shuffle(order)
            c = StreamClusterer(**overrides)
            got = {a.id: c.add(a.id, feats[a.id], a.published) for a in order}
            f1s.append(bcubed({i: c.story_of(i) or g.story_id for i, g in got.items()}, gold)[2])
    finally:
        stream_mod._SPLIT_PURITY, stream_mod.split_cut, stream_mod.alike_across_every_cut = saved
    return statistics.mean(f1s)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--fold-seed", type=int, default=0)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--purity", default="0.8,0.85,0.9,0.93", help="candidate bounds, comma-separated")
    args = ap.parse_args(argv)
    candidates = [float(x) for x in args.purity.split(",")]

    rows = load(args.data, False)
    topic = topics_of(args.data)
    feats = dict(zip((a.id for a, _ in rows), compute_many([a for a, _ in rows])))
    topics = sorted(set(topic.values()))
    random.Random(args.fold_seed).shuffle(topics)
    folds = [sorted(topics[i :: args.folds]) for i in range(args.folds)]

    print(f"{len(rows)} articles, {len(topics)} topics in {args.folds} folds; orders {args.seed}-{args.seed + args.runs - 1}")
    print(f"{'fold':>4}  {'topics':<34} {'chosen':>6} {'others':>7} {'held out':>9} {'old check':>10}")
    held, old = [], []
    for k, fold in enumerate(folds):
        inside = [r for r in rows if topic[r[0].id] in fold]
        others = [r for r in rows if topic[r[0].id] not in fold]
        scores = [stream_f1(others, feats, args.seed, args.runs, t) for t in candidates]
        best = max(range(len(candidates)), key=lambda i: (scores[i], -i))
        held.append(stream_f1(inside, feats, args.seed, args.runs, candidates[best]))
        old.append(stream_f1(inside, feats, args.seed, args.runs, None))
        names = ", ".join(map(str, fold))
        print(f"{k:>4}  {names:<34} {candidates[best]:>6} {scores[best]:7.3f} {held[-1]:9.3f} {old[-1]:10.3f}"
              f"   (others at {', '.join(f'{t}: {s:.3f}' for t, s in zip(candidates, scores))})")
    print(f"{'mean':>4}  {'':<34} {'':>6} {'':>7} {statistics.mean(held):9.3f} {statistics.mean(old):10.3f}")
    print(f"held out: the spectral cut gains on {sum(h > o for h, o in zip(held, old))} of {len(folds)} folds")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
