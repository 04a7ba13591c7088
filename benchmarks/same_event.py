"""Benchmark: same-event grouping across outlets and against same-kind distractors.

    .venv/bin/python benchmarks/same_event.py --data ../shared/data

Streams each set through a fresh ``StreamClusterer`` in several shuffled orders and
scores the final stories with B-cubed P / R / F1 against the gold ``story``:

- ``ecb+``: ECB+ (``ecbplus/ecbplus_docs.jsonl``), no dates: each topic holds two
  different events of the same kind (two earthquakes), so precision is at stake;
- ``basil``: ``basil-dev/basil_dev.jsonl``, one event told by three outlets of
  different slant, with publication dates (``basil+dates``) and without;
- ``mixed``: both streamed together (ECB+ undated, BASIL dated or not).

Next to each, in the same run, the baseline of issue 11: plain TF-IDF cosine
(scikit-learn, sublinear tf, English stop words), average link, its distance
threshold chosen on ECB+ (best B-cubed F1 over a sweep, printed), and for dated
sets a 3-day window (pairs further apart never join). It is a batch method that
sees every article at once; storyscope decides each article on arrival.

The same-event model was fitted on these files (``benchmarks/train_same_event.py``,
cross-validated by topic and event): the figures here are "tuned on" figures.
Use ``--holdout`` with a model fitted on the other folds for cross-validated ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storyscope.cluster import StreamClusterer  # noqa: E402
from storyscope.features import compute_many  # noqa: E402
from storyscope.model import Article  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clustering import bcubed, iso_date  # noqa: E402


def load(path: Path, prefix: str) -> list[tuple[Article, str]]:
    """(article, gold story) from a JSON-lines file; ISO dates kept in ``published``."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            date = iso_date(rec.get("published") or rec.get("date"))
            art = Article(
                id=prefix + str(rec["id"]), text=rec.get("text") or "", title=rec.get("title"),
                published=date, outlet=rec.get("outlet"),
            )
            out.append((art, prefix + str(rec["story"])))
    return out


def undated(rows: list[tuple[Article, str]]) -> list[tuple[Article, str]]:
    return [(Article(id=a.id, text=a.text, title=a.title, outlet=a.outlet), s) for a, s in rows]


def stream(rows, feats, runs: int, seed: int, precise_cache: Path | None = None,
           **settings) -> list[tuple[float, float, float]]:
    gold = {a.id: s for a, s in rows}
    out = []
    for run in range(runs):
        order = [a for a, _ in rows]
        random.Random(seed + run).shuffle(order)
        stage = None
        if precise_cache:
            from minilm_cache import stage_for

            stage = stage_for(rows, precise_cache)[0]
        clusterer = StreamClusterer(**settings, precise=stage)
        for a in order:
            clusterer.add(a.id, feats[a.id], a.published)
        pred = {a.id: clusterer.story_of(a.id) for a in order}
        out.append(bcubed(pred, gold))
    return out


# -- the baseline: plain TF-IDF, average link ------------------------------------


def baseline_distances(rows) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_distances

    texts = [f"{a.title or ''}\n{a.text}" for a, _ in rows]
    x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    return cosine_distances(x)


def baseline(rows, dist: np.ndarray, threshold: float, window_days: int | None) -> tuple[float, float, float]:
    from sklearn.cluster import AgglomerativeClustering

    d = dist.copy()
    if window_days is not None:
        days = [dt.date.fromisoformat(a.published[:10]).toordinal() if a.published else None for a, _ in rows]
        for i, di in enumerate(days):
            for j, dj in enumerate(days):
                if di is not None and dj is not None and abs(di - dj) > window_days:
                    d[i, j] = 1.0 + 1e-9  # never joined: above any threshold
    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    ).fit_predict(d)
    pred = {a.id: str(lab) for (a, _), lab in zip(rows, labels)}
    return bcubed(pred, {a.id: s for a, s in rows})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="the shared data folder")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--threshold", type=float, default=None, help="override the join probability")
    ap.add_argument("--sets", default="ecb+,basil+dates,basil,mixed+dates,mixed")
    ap.add_argument("--precise", type=Path, metavar="CACHE.npz",
                    help="also stream with the precise second stage (cluster/precise.py); MiniLM vectors cached here")
    args = ap.parse_args(argv)
    if not args.no_baseline:
        try:
            import sklearn  # noqa: F401  (the baseline's TF-IDF and distances)
        except ImportError:
            ap.error("the TF-IDF baseline needs scikit-learn: pip install -e '.[bench]', or pass --no-baseline")

    ecb = undated(load(args.data / "ecbplus" / "ecbplus_docs.jsonl", "ecb:"))
    basil = load(args.data / "basil-dev" / "basil_dev.jsonl", "basil:")
    t0 = time.perf_counter()
    arts = [a for a, _ in ecb + basil]
    feats = dict(zip((a.id for a in arts), compute_many(arts)))
    print(f"{len(ecb)} ECB+ and {len(basil)} BASIL articles; features {len(feats) / (time.perf_counter() - t0):,.0f} art/s")
    sets = {
        "ecb+": ecb,
        "basil+dates": basil,
        "basil": undated(basil),
        "mixed+dates": ecb + basil,
        "mixed": ecb + undated(basil),
    }
    base_threshold = None
    if not args.no_baseline:
        d_ecb = baseline_distances(ecb)
        sweep = [(baseline(ecb, d_ecb, t / 100, None)[2], t / 100) for t in range(50, 100, 2)]
        base_f, base_threshold = max(sweep)
        print(f"baseline threshold chosen on ECB+: cosine distance {base_threshold:.2f} (F1 {base_f:.3f} there)")
    print(f"{'set':<13} {'n':>5} {'method':<26} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} {'sd':>6}")
    overrides = {} if args.threshold is None else {"threshold": args.threshold}
    for name, rows in sets.items():
        if name not in args.sets.split(","):
            continue
        got = stream(rows, feats, args.runs, args.seed, **overrides)
        p, r, f = (statistics.mean(c) for c in zip(*got))
        sd = statistics.stdev([g[2] for g in got]) if len(got) > 1 else 0.0
        print(f"{name:<13} {len(rows):>5} {'storyscope (stream)':<26} {p:6.3f} {r:6.3f} {f:6.3f} {sd:6.3f}")
        if args.precise:
            got = stream(rows, feats, args.runs, args.seed, args.precise, **overrides)
            p, r, f = (statistics.mean(c) for c in zip(*got))
            sd = statistics.stdev([g[2] for g in got]) if len(got) > 1 else 0.0
            print(f"{'':<13} {'':>5} {'storyscope --precise':<26} {p:6.3f} {r:6.3f} {f:6.3f} {sd:6.3f}")
        if base_threshold is not None:
            dist = baseline_distances(rows)
            windows = (3, 7, None) if "dates" in name else (None,)
            for w in windows:
                bp, br, bf = baseline(rows, dist, base_threshold, w)
                label = "tf-idf avg-link" + (f", {w}-day window" if w else "")
                print(f"{'':<13} {'':>5} {label:<26} {bp:6.3f} {br:6.3f} {bf:6.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
