"""Benchmark: the same-event score of article pairs against human judgements.

    .venv/bin/python benchmarks/pairs.py --data ../shared/data/semeval2022-task8/training_set.csv

SemEval-2022 Task 8 pairs, English only (lang1 == lang2 == "en"). ``Overall`` is
1 (very similar: same event) ... 4 (very dissimilar). The score is the clusterer's
same-event model (cluster/evidence.py) on the evidence that the second article
reports the event of a story made of the first (``StreamClusterer.pair_evidence``),
with document frequencies taken from all the English texts of the file (no labels
are used for that). The model was fitted on ECB+ and BASIL only: this file is
untouched by it. Because similar means a low ``Overall``, a good score has a
strongly negative Pearson r. Each kind of evidence alone is printed too.

Also prints how well the score separates "same event" (Overall <= 2) from the
rest at the clusterer's threshold, and the threshold that separates best.
"""

from __future__ import annotations

import argparse
import csv
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from storyscope.cluster import ClusterSettings, StreamClusterer  # noqa: E402
from storyscope.cluster.evidence import EVIDENCE  # noqa: E402
from storyscope.features import compute  # noqa: E402
from storyscope.model import Article  # noqa: E402


def split_title(text: str) -> tuple[str | None, str]:
    """The SemEval texts start with the title, separated by a newline or a double space."""
    text = text.strip()
    for sep in ("\n", "  "):
        head, _, rest = text.partition(sep)
        if rest and len(head) < 250:
            return head.strip(), rest.strip()
    return None, text


def pearson(xs: list[float], ys: list[float]) -> float:
    mx, my = statistics.mean(xs), statistics.mean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / (sxx * syy) ** 0.5


def precise_rows(cache: Path, pairs, evidence, model, overall: list[float]) -> list[float]:
    """The pairs with the second stage: its model on every pair, and as the clusterer uses it (band only)."""
    from minilm_cache import vectors
    from storyscope.cluster.precise import article_text, default_precise_model

    texts = {}
    for r in pairs:
        for key in ("text1", "text2"):
            title, body = split_title(r[key])
            texts[r["pair_id"] + key] = article_text(title, body)
    vecs = vectors(texts, cache)
    cos = [float(vecs[r["pair_id"] + "text1"] @ vecs[r["pair_id"] + "text2"]) for r in pairs]
    pm = default_precise_model()
    lo, hi = pm.band
    both = [pm.model.logit((*x, c)) for x, c in zip(evidence, cos)]
    staged = [pm.model.logit((*x, c)) if lo <= model.probability(x) <= hi else model.logit(x)
              for x, c in zip(evidence, cos)]
    in_band = sum(lo <= model.probability(x) <= hi for x in evidence)
    print(f"precise stage (band {lo}-{hi} of the fast probability; {in_band} of {len(pairs)} pairs in it):")
    for name, col in (("MiniLM cosine alone", cos), ("precise model, logit, every pair", both),
                      ("as clustered: precise in band, logit", staged)):
        print(f"  {name:<38} r = {pearson(col, overall):+.3f}")
    return [1.0 / (1.0 + math.exp(-z)) for z in staged]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--lang", default="en")
    ap.add_argument("--precise", type=Path, metavar="CACHE.npz",
                    help="also score with the precise second stage (cluster/precise.py); MiniLM vectors cached here")
    args = ap.parse_args(argv)

    csv.field_size_limit(10**8)
    with args.data.open(encoding="utf-8", newline="") as fh:
        pairs = [r for r in csv.DictReader(fh) if r["lang1"] == args.lang and r["lang2"] == args.lang]
    t0 = time.perf_counter()
    feats = []
    for r in pairs:
        two = []
        for key in ("text1", "text2"):
            title, body = split_title(r[key])
            two.append(compute(Article(id=r["pair_id"] + key, text=body, title=title)))
        feats.append(two)
    elapsed = time.perf_counter() - t0
    clusterer = StreamClusterer()
    for fa, fb in feats:
        clusterer.stats.add(fa)
        clusterer.stats.add(fb)
    evidence = [clusterer.pair_evidence(fa, fb) for fa, fb in feats]
    model = clusterer.model
    overall = [float(r["Overall"]) for r in pairs]
    print(f"{len(pairs)} {args.lang} pairs; features {2 * len(pairs) / elapsed:,.0f} art/s")
    print("Pearson r with Overall (negative is right: 1 = same event); the model was never fitted on this file")
    for name, col in (
        ("same-event model, logit", [model.logit(x) for x in evidence]),
        ("same-event model, probability", [model.probability(x) for x in evidence]),
        *((f"evidence '{e}' alone", [float(x[i]) for x in evidence]) for i, e in enumerate(EVIDENCE[:6])),
    ):
        r = pearson(col, overall) if statistics.pstdev(col) > 0 else float("nan")
        print(f"  {name:<32} r = {r:+.3f}")
    scores = [model.probability(x) for x in evidence]
    if args.precise:
        scores = precise_rows(args.precise, pairs, evidence, model, overall)

    same = [o <= 2.0 for o in overall]
    th = ClusterSettings().threshold

    def accuracy(t: float) -> float:
        return sum((s >= t) == y for s, y in zip(scores, same)) / len(scores)

    best_t = max((i / 100 for i in range(5, 95)), key=accuracy)
    print(f"same event = Overall <= 2: {sum(same)} of {len(same)} pairs")
    print(f"accuracy at clusterer threshold {th}: {accuracy(th):.3f}; best threshold {best_t:.2f}: {accuracy(best_t):.3f}")
    for lo, hi in ((1, 1.5), (1.5, 2.5), (2.5, 3.5), (3.5, 4.01)):
        sel = [s for s, o in zip(scores, overall) if lo <= o < hi]
        if sel:
            print(f"  Overall in [{lo}, {hi}): n={len(sel):3d} mean score {statistics.mean(sel):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
