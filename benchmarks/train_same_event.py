"""Fit the same-event model (cluster/evidence.py) on labelled streams; cross-validate by event.

    .venv/bin/python benchmarks/train_same_event.py --data ../shared/data            # report only
    .venv/bin/python benchmarks/train_same_event.py --data ../shared/data --write    # and write the model

Training rows come from *oracle streams*: ECB+ (undated; each topic two events of
one kind) and BASIL dev (one event, three outlets; dated and undated) are streamed
in shuffled orders; before each article is put into its gold story
(``StreamClusterer.restore``), ``StreamClusterer.evidence_for`` gives the evidence
against every candidate story the clusterer's index retrieves, labelled 1 for the
article's gold story and 0 for the others. These are exactly the decisions the
clusterer takes on arrival, with the statistics it has at that point.

Cross-validation holds whole groups apart (an ECB+ topic, a BASIL event): each
fold fits a logistic regression on the other folds' rows, then streams the
held-out articles through a fresh clusterer with that model and scores B-cubed
per set. The fit is a logistic regression whose weights keep the signs of
``SIGNS`` (below). The SemEval-2022 pairs are never fitted on (report them with
``benchmarks/pairs.py``). The regularisation C and the join probability are chosen by the folds' mean F1
(the highest join probability within ``--plateau`` of the best).
With ``--write`` the model fitted on all rows with that C is written to
``src/storyscope/cluster/same_event_model.json`` with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from clustering import bcubed  # noqa: E402
from same_event import load, undated  # noqa: E402
from storyscope.cluster import StreamClusterer  # noqa: E402
from storyscope.cluster.evidence import EVIDENCE, SameEventModel, default_model  # noqa: E402
from storyscope.cluster.precise import PRECISE_EVIDENCE, PreciseModel, PreciseStage, article_text  # noqa: E402
from storyscope.features import compute_many  # noqa: E402
from storyscope.model import Article  # noqa: E402

MODEL_PATH = Path(__file__).resolve().parents[1] / "src" / "storyscope" / "cluster" / "same_event_model.json"
PRECISE_PATH = MODEL_PATH.with_name("precise_model.json")


def one_day(rows):
    """ECB+ with every article of a topic dated one day (synthetic: its two events of a kind on one day).

    Dated training rows must hold same-day distractors: in BASIL every dated
    candidate inside the time window is the right one, and a model fitted on
    that alone learns that a date close by is enough.
    """
    out = []
    for a, s in rows:
        topic = int(group_of(s)[4:] or 0)
        day = (dt.date(2015, 1, 1) + dt.timedelta(days=7 * topic)).isoformat()
        out.append((Article(id=a.id, text=a.text, title=a.title, published=day), s))
    return out


def group_of(story: str) -> str:
    """The cross-validation group: an ECB+ topic (both its events), a BASIL event."""
    if story.startswith("ecb:"):
        return "ecb:" + "".join(ch for ch in story[4:] if ch.isdigit())
    return story


def oracle_rows(rows, feats, orders: int, seed: int, policy: SameEventModel | None = None, stage=None):
    """(evidence, label) of every open candidate of every article, in ``orders`` shuffled streams.

    Without a policy each article is put into its gold story (an oracle stream:
    the stories are always right). With one, the clusterer runs with that model
    and a candidate is labelled by the gold event most of its articles report:
    the decisions the clusterer meets when its own stories are fragments or
    mixed (rounds of this kind are how a learned policy is trained on the states
    it produces itself).

    With a precise stage (``--precise``), each row gets one more value: the
    MiniLM cosine of the article with the story's first members (nan when the
    story keeps no members).
    """
    xs, ys = [], []
    gold = {a.id: s for a, s in rows}
    for run in range(orders):
        order = [a for a, _ in rows]
        random.Random(seed + run).shuffle(order)
        clusterer = StreamClusterer(model=policy) if policy else StreamClusterer()
        where: dict[str, str] = {}
        counts: dict[str, Counter] = {}
        for a in order:
            for story_id, x, closed in clusterer.evidence_for(feats[a.id], a.published):
                if closed:
                    continue
                if policy is None:
                    label = story_id == gold[a.id]
                else:
                    label = bool(counts.get(story_id)) and counts[story_id].most_common(1)[0][0] == gold[a.id]
                if stage is not None:
                    cos = stage.cosine(a.id, clusterer.members_of(story_id))
                    x = np.append(x, np.nan if cos is None else cos)
                xs.append(x)
                ys.append(int(label))
            if policy is None:
                clusterer.restore(a.id, gold[a.id], feats[a.id], a.published)
                continue
            got = clusterer.add(a.id, feats[a.id], a.published)
            for article_id, story_id in ((a.id, got.story_id), *got.moved):
                old = where.get(article_id)
                if old is not None:
                    counts[old][gold[article_id]] -= 1
                where[article_id] = story_id
                counts.setdefault(story_id, Counter())[gold[article_id]] += 1
    return xs, ys


def stream_f1(rows, feats, model: SameEventModel, orders: int, seed: int, threshold: float = 0.5,
              precise=None) -> tuple[float, float, float]:
    gold = {a.id: s for a, s in rows}
    got = []
    for run in range(orders):
        order = [a for a, _ in rows]
        random.Random(seed + run).shuffle(order)
        clusterer = StreamClusterer(model=model, threshold=threshold, precise=precise)
        for a in order:
            clusterer.add(a.id, feats[a.id], a.published)
        got.append(bcubed({a.id: clusterer.story_of(a.id) for a in order}, gold))
    return tuple(statistics.mean(c) for c in zip(*got))  # type: ignore[return-value]


# Signs the weights must have: more shared words, meaning, headline wording or
# names, or falling on the story's days, never makes one event less likely, and
# more days apart never makes it more likely (0: either sign). Fitted freely, the time weights
# take the wrong sign on these files (BASIL's few events hardly ever have a
# distractor inside the window, so "days apart" goes with "same event"), so the
# fit is a logistic regression with these bounds (L-BFGS-B) and an L2 penalty.
SIGNS = {
    "terms": 1, "semantic": 1, "title": 1, "names": 1, "lead_names_missing": -1, "numbers": 1, "same_day": 1,
    "log_days": -1, "minilm": 1,
}


def fit(xs, ys, c: float, weights=None, evidence: tuple[str, ...] = EVIDENCE) -> SameEventModel:
    from scipy.optimize import minimize

    x = np.array(xs, dtype=np.float64)
    y = np.array(ys, dtype=np.float64)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    sign = np.array([SIGNS[e] for e in evidence])

    def loss(theta):
        z = x @ theta[:-1] + theta[-1]
        # log(1 + e^z) - y z, stably, and its gradient
        nll = np.sum(w * (np.logaddexp(0.0, z) - y * z))
        g = w * (1.0 / (1.0 + np.exp(-z)) - y)
        reg = 0.5 / c * float(np.dot(theta[:-1], theta[:-1]))
        return nll + reg, np.concatenate([x.T @ g + theta[:-1] / c, [g.sum()]])

    bounds = [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in sign] + [(None, None)]
    res = minimize(loss, np.zeros(len(evidence) + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    theta = res.x
    return SameEventModel(tuple(round(float(v), 4) for v in theta[:-1]), round(float(theta[-1]), 4),
                          evidence=tuple(evidence), expected=tuple(evidence))


def fit_precise(xs, ys, ws, fast: SameEventModel, band: tuple[float, float], c: float) -> PreciseModel:
    """The second stage's model, fitted on the rows it will see: fast probability in ``band``, MiniLM known."""
    x = np.array(xs, dtype=np.float64)
    lo, hi = band
    p = np.array([fast.probability(r[: len(EVIDENCE)]) for r in x])
    sel = (p >= lo) & (p <= hi) & ~np.isnan(x[:, -1])
    m = fit(x[sel], np.array(ys)[sel], c, np.array(ws)[sel], PRECISE_EVIDENCE)
    return PreciseModel(m, band)


def sets_of(ecb, ecb_one_day, basil):
    return {"ecb+": ecb, "ecb+one-day": ecb_one_day, "basil+dates": basil, "basil": undated(basil)}


def precise_main(args, arts, feats, sets, part, training_rows) -> int:
    """Cross-validate the second stage against the fast path alone, fold by fold; fit and write it."""
    from minilm_cache import vectors
    from storyscope.cluster.minilm import MiniLM

    texts = {a.id: article_text(a.title, a.text) for a in arts}
    vecs = vectors(texts, args.precise)
    encoder = MiniLM()

    def stage(pm: PreciseModel) -> PreciseStage:
        st = PreciseStage(texts.get, model=pm, encoder=encoder)
        st.preload(vecs)
        return st

    c = float(args.c.split(",")[0])
    t = float(args.thresholds.split(",")[0])
    bands = [tuple(float(v) for v in b.split("-")) for b in args.bands.split(",")]
    placeholder = PreciseModel(SameEventModel((0.0,) * len(PRECISE_EVIDENCE), 0.0, PRECISE_EVIDENCE,
                                              PRECISE_EVIDENCE), (0.0, 1.0))
    fast_f1: dict[str, list[float]] = {}
    got: dict[tuple, list[float]] = {}
    share: dict[tuple, list[float]] = {}
    for fold in range(args.folds):
        xs, ys, ws = training_rows(fold, c, stage(placeholder))
        fast = fit([r[: len(EVIDENCE)] for r in xs], ys, c, ws)
        for name, rows in sets.items():
            held = part(rows, fold, held=True)
            fast_f1.setdefault(name, []).append(stream_f1(held, feats, fast, args.orders, args.seed + 100, t)[2])
        for band in bands:
            pm = fit_precise(xs, ys, ws, fast, band, c)
            for name, rows in sets.items():
                held = part(rows, fold, held=True)
                st = stage(pm)
                got.setdefault((band, name), []).append(
                    stream_f1(held, feats, fast, args.orders, args.seed + 100, t, precise=st)[2])
                share.setdefault((band, name), []).append(st.articles / max(len(held) * args.orders, 1))
        print(f"  fold {fold + 1}/{args.folds} done", file=sys.stderr, flush=True)
    print(f"precise stage, cross-validated: {args.folds} folds, C = {c:g}, join probability {t}; "
          "held-out B-cubed F1 (share of articles that reached the stage)")
    print(f"{'band':>10} " + " ".join(f"{name:>18}" for name in sets) + f" {'mean':>7}")
    print(f"{'fast only':>10} " + " ".join(f"{statistics.mean(fast_f1[n]):18.3f}" for n in sets)
          + f" {statistics.mean(statistics.mean(v) for v in fast_f1.values()):7.3f}")
    for band in bands:
        cells = [f"{statistics.mean(got[(band, n)]):.3f} ({statistics.mean(share[(band, n)]):.0%})" for n in sets]
        mean = statistics.mean(statistics.mean(got[(band, n)]) for n in sets)
        print(f"{band[0]:.2f}-{band[1]:.2f} " + " ".join(f"{x:>18}" for x in cells) + f" {mean:7.3f}")
    best = max(bands, key=lambda b: statistics.mean(statistics.mean(got[(b, n)]) for n in sets))

    xs, ys, ws = training_rows(None, c, stage(placeholder))
    pm = fit_precise(xs, ys, ws, default_model(), best, c)
    print(f"band {best}: weights of the model fitted on all rows (fast model: the shipped one)")
    for name, w in zip(PRECISE_EVIDENCE, pm.model.weights):
        print(f"  {name:<18} {w:+.3f}")
    print(f"  intercept {pm.model.intercept:+.3f}")
    if args.write_precise:
        data = pm.to_dict()
        data["fitted"] = {
            "command": "benchmarks/train_same_event.py " + " ".join(sys.argv[1:]),
            "date": dt.date.today().isoformat(),
            "C": c,
            "threshold": t,
            "fast_cross_validated_f1": {n: round(statistics.mean(v), 4) for n, v in fast_f1.items()},
            "cross_validated_f1": {n: round(statistics.mean(got[(best, n)]), 4) for n in sets},
            "share_rescored": {n: round(statistics.mean(share[(best, n)]), 4) for n in sets},
            "note": "fitted on the candidate rows whose fast probability is in the band; cross-validated by "
                    "ECB+ topic and BASIL event; SemEval-2022 pairs never fitted on",
        }
        PRECISE_PATH.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {PRECISE_PATH}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="the shared data folder")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--orders", type=int, default=2, help="shuffled streams per set, for rows and for scoring")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--balance", action=argparse.BooleanOptionalAction, default=True,
                    help="weigh each set's rows equally")
    ap.add_argument("--rounds", type=int, default=1, help="rounds of rows from streams run by the fitted model")
    ap.add_argument("--c", default="0.3,1,3", help="regularisation strengths to compare")
    ap.add_argument("--thresholds", default="0.25,0.3,0.35,0.4,0.5", help="join probabilities to compare")
    ap.add_argument("--plateau", type=float, default=0.005, help="take the highest join probability this close to the best")
    ap.add_argument("--write", action="store_true", help="write the model fitted on all rows")
    ap.add_argument("--precise", type=Path, metavar="CACHE.npz",
                    help="fit and cross-validate the precise second stage (cluster/precise.py) instead, with "
                         "the fast model at the first --c and --thresholds; MiniLM vectors cached in this file")
    ap.add_argument("--bands", default="0.1-0.8", help="fast-probability bands the second stage serves, to compare")
    ap.add_argument("--write-precise", action="store_true", help="write the precise model fitted on all rows")
    args = ap.parse_args(argv)

    ecb = undated(load(args.data / "ecbplus" / "ecbplus_docs.jsonl", "ecb:"))
    basil = load(args.data / "basil-dev" / "basil_dev.jsonl", "basil:")
    ecb_one_day = one_day(ecb)
    t0 = time.perf_counter()
    arts = [a for a, _ in ecb + basil]
    feats = dict(zip((a.id for a in arts), compute_many(arts)))
    print(f"features of {len(feats)} articles in {time.perf_counter() - t0:.1f} s")

    groups = sorted({group_of(s) for _, s in ecb + basil})
    random.Random(args.seed).shuffle(groups)
    fold_of = {g: i % args.folds for i, g in enumerate(groups)}

    def part(rows, fold: int, held: bool):
        return [(a, s) for a, s in rows if (fold_of[group_of(s)] == fold) == held]

    def training_rows(fold: int | None, c: float, stage=None):
        """Oracle rows, then rows from streams run by the model fitted on them (args.rounds times)."""
        xs, ys, ws = [], [], []
        policy = None
        for _ in range(1 + args.rounds):
            for rows in (ecb, ecb_one_day, basil, undated(basil)):
                sel = rows if fold is None else part(rows, fold, held=False)
                x, y = oracle_rows(sel, feats, args.orders, args.seed, policy, stage)
                xs += x
                ys += y
                # each set weighs as much as any other, whatever its number of candidates:
                # ECB+'s many same-kind candidates must not drown the cross-outlet sets
                ws += [1000.0 / max(len(y), 1)] * len(y) if args.balance else [1.0] * len(y)
            policy = fit([r[: len(EVIDENCE)] for r in xs], ys, c, ws)
        return xs, ys, ws

    if args.precise:
        return precise_main(args, arts, feats, sets_of(ecb, ecb_one_day, basil), part, training_rows)

    cs = [float(c) for c in args.c.split(",")]
    thresholds = [float(t) for t in args.thresholds.split(",")]
    sets = sets_of(ecb, ecb_one_day, basil)
    print(f"cross-validation: {args.folds} folds over {len(groups)} groups (ECB+ topics, BASIL events)")
    print(f"{'C':>6} {'join p':>6} " + " ".join(f"{name + ' F1':>15}" for name in sets) + f" {'mean':>7}")
    summary: dict[tuple[float, float], dict[str, float]] = {}
    for c in cs:
        per: dict[tuple[float, str], list[float]] = {}
        for fold in range(args.folds):
            xs, ys, ws = training_rows(fold, c)
            model = fit(xs, ys, c, ws)
            for t in thresholds:
                for name, rows in sets.items():
                    held = part(rows, fold, held=True)
                    per.setdefault((t, name), []).append(
                        stream_f1(held, feats, model, args.orders, args.seed + 100, t)[2])
        for t in thresholds:
            summary[(c, t)] = {n: statistics.mean(per[(t, n)]) for n in sets}
            row = summary[(c, t)]
            print(f"{c:6g} {t:6.2f} " + " ".join(f"{row[n]:15.3f}" for n in sets)
                  + f" {statistics.mean(row.values()):7.3f}")
    def mean_f1(key):
        return statistics.mean(summary[key].values())

    top = max(summary, key=mean_f1)
    # The highest join probability whose mean is within args.plateau of the best: the
    # folds' differences that small are noise (a fold holds 8 BASIL events), and the
    # stricter end keeps precision where these long streams do not test it (the
    # first articles of a stream, when the statistics know little).
    best_c, best_t = max((k for k in summary if k[0] == top[0] and mean_f1(k) >= mean_f1(top) - args.plateau),
                         key=lambda k: k[1])
    print(f"chosen C = {best_c:g}, join probability {best_t:.2f} (best mean {mean_f1(top):.3f} at "
          f"{top[1]:.2f}; the highest within {args.plateau} of it: {mean_f1((best_c, best_t)):.3f})")

    xs, ys, ws = training_rows(None, best_c)
    model = fit(xs, ys, best_c, ws)
    x = np.array(xs)
    p = np.array([model.probability(r) for r in x])
    print(f"{len(ys)} candidate rows, {sum(ys)} same-event; weights:")
    for name, w in zip(EVIDENCE, model.weights):
        print(f"  {name:<9} {w:+.3f}")
    print(f"  intercept {model.intercept:+.3f}")
    print("calibration on the training rows, each set weighed equally as in the fit (predicted -> observed):")
    wt, yy = np.array(ws), np.array(ys, dtype=np.float64)
    for lo, hi in ((0.0, 0.1), (0.1, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)):
        sel = (p >= lo) & (p < hi)
        if sel.any():
            print(f"  [{lo:.1f}, {min(hi, 1.0):.1f}): n={int(sel.sum()):6d} mean p {np.average(p[sel], weights=wt[sel]):.3f} "
                  f"observed {np.average(yy[sel], weights=wt[sel]):.3f}")
    if args.write:
        data = model.to_dict()
        data["fitted"] = {
            "command": "benchmarks/train_same_event.py " + " ".join(sys.argv[1:] if argv is None else argv),
            "date": dt.date.today().isoformat(),
            "rows": len(ys),
            "C": best_c,
            "threshold": best_t,
            "cross_validated_f1": {n: round(v, 4) for n, v in summary[(best_c, best_t)].items()},
            "note": "cross-validated by ECB+ topic and BASIL event (held-out groups streamed with a model fitted "
                    "on the other folds); SemEval-2022 pairs never fitted on",
        }
        MODEL_PATH.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
