"""Fit the he/she antecedent ranker of ``storyscope.enrich.speakers`` on PolNeAR train.

    python benchmarks/speaker_ranker.py --data ../shared/data/polnear --cache DIR [--l2 1,3,10]

Where the rules resolve a "he"/"she" speaker across sentences (``SpeakerResolver._ranked``)
each person of the pronoun's gender in view is a candidate with the features
``RANKER_FEATURES``; a conditional logit (softmax over one pronoun's candidates, L2 on the
weights) is fitted on the train pronouns whose gold Source is that pronoun and whose
accepted referent (the hand label, else the scorer's guess: ``benchmarks/quotes.py``) is
among the candidates. Features are read with the rules alone deciding (weights: the
"rule" feature only).

Cross-validation over train articles (5 folds, grouped by article, seeded): each fold's
articles are run with weights fitted on the other four, and the named-speaker accuracy of
all train quotes so resolved (``quotes.score``) is set against the rules alone. The
weights fitted on the whole of train with the chosen L2 are printed to be written into
``RANKER_WEIGHTS``. ``--fit-referents OLD.tsv`` fits on an older label set's pronouns only
while scoring with every label (a new label set against the old on the same folds);
``--current`` also scores the committed weights. ``--bands`` prints how well the ranker's
margin (the top candidate's score minus the second's, weights of the held-out fold) tells
right from wrong: the named-speaker accuracy of the train quotes whose speaker a ranked
he/she gave, per decile of the margin (a calibration check: a band below 0.5 would be
better given no name). Train only: dev is never read here.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quotes import _parse, has_marks, load_gold, load_referents, run_storyscope, score, speaker_matches  # noqa: E402

from storyscope.enrich import speakers  # noqa: E402

_PERSONAL = frozenset("he she him her".split())


def collect(docs, gold_docs, fit_keys=None) -> list[tuple[int, np.ndarray, np.ndarray, bool]]:
    """(article index, candidate features, 0/1 labels, labelled by hand) per decision
    whose pronoun is a gold Source, with the rules alone deciding. ``fit_keys``, when
    given, narrows "labelled by hand" to those (article, source start) keys (an older
    label set), while the 0/1 labels still read every hand label."""
    rows = []
    rule_only = (1.0,) + (0.0,) * (len(speakers.RANKER_FEATURES) - 1)
    with _weights(rule_only):
        for i, (doc, (_, _, golds)) in enumerate(zip(docs, gold_docs)):
            speakers.RANKER_LOG = []
            try:
                run_storyscope(doc)
                log = speakers.RANKER_LOG
            finally:
                speakers.RANKER_LOG = None
            by_start = {g["source_start"]: g for g in golds if g["source"] and g["source"].strip().lower() in _PERSONAL}
            for offset, cands in log:
                g = by_start.get(offset)
                if g is None:
                    continue
                names = g["accept"][1:]
                y = np.array([any(speaker_matches(n, [a]) for a in names) for n, _ in cands], dtype=float)
                x = np.array([f for _, f in cands], dtype=float)
                labelled = g["labelled"] and (fit_keys is None or (gold_docs[i][0], offset) in fit_keys)
                rows.append((i, x, y, labelled))
    return rows


class _weights:
    """Set ``speakers.RANKER_WEIGHTS`` for a ``with`` block."""

    def __init__(self, w):
        self.w = tuple(float(v) for v in w)

    def __enter__(self):
        self.old = speakers.RANKER_WEIGHTS
        speakers.RANKER_WEIGHTS = self.w

    def __exit__(self, *exc):
        speakers.RANKER_WEIGHTS = self.old


def fit(rows, l2: float) -> np.ndarray:
    """Conditional-logit weights: maximise the log-probability of the right candidates
    (softmax over each decision's candidates), minus ``l2``/2 times the squared weights."""
    data = [(x, y / y.sum()) for _, x, y, _ in rows if 0 < y.sum() < len(y)]
    dim = data[0][0].shape[1]

    def loss(w):
        total, grad = 0.5 * l2 * w @ w, l2 * w
        for x, y in data:
            s = x @ w
            s -= s.max()
            p = np.exp(s)
            p /= p.sum()
            total -= y @ np.log(p + 1e-12)
            grad = grad - x.T @ (y - p)
        return total, grad

    return minimize(loss, np.zeros(dim), jac=True, method="L-BFGS-B").x


def top1(rows, w) -> tuple[int, int]:
    """(right, decisions) of the highest-scored candidate, over decisions with a right one."""
    right = n = 0
    for _, x, y, _ in rows:
        if y.sum() == 0:
            continue
        n += 1
        right += bool(y[int(np.argmax(x @ w))])
    return right, n


def margin_rows(doc, golds, w) -> list[tuple[float, bool, bool]]:
    """(margin, right, labelled) per scored quote of ``doc`` whose speaker a ranked he/she
    decision with two candidates or more gave, under weights ``w``: the quotes
    ``quotes.score`` judges (overlapping a gold attribution with a Source, named), the
    margin being the top score minus the second of the decision at the quote's speaker
    mention (a quote that continues a speaker shares its decision)."""
    from storyscope.enrich.entities import find_entities
    from storyscope.enrich.quotes import find_quotes

    speakers.RANKER_LOG = []
    try:
        with _weights(w):
            quotes = find_quotes(doc, find_entities(doc))
        log = speakers.RANKER_LOG
    finally:
        speakers.RANKER_LOG = None
    margins = {}
    for offset, cands in log:
        top = sorted((float(np.dot(w, f)) for _, f in cands), reverse=True)
        margins[offset] = top[0] - top[1]
    out = []
    for q in quotes:
        if q.kind == "indirect" and not has_marks(doc.text[q.start : q.end]):
            continue
        if not q.speaker or q.speaker_start not in margins:
            continue
        sources = [g for g in golds if g["source"] and any(a < q.end and q.start < b for a, b in g["content"])]
        if sources:
            right = any(speaker_matches(q.speaker, g["accept"]) for g in sources)
            out.append((margins[q.speaker_start], right, any(g["labelled"] for g in sources)))
    return out


def print_bands(rows: list[tuple[float, bool, bool]], bands: int = 10) -> None:
    """Accuracy per quantile band of the margin, the hand-labelled quotes beside."""
    rows = sorted(rows)
    print(f"ranked quotes: {len(rows)}, accuracy {np.mean([r for _, r, _ in rows]):.3f}; per margin band "
          "(low to high): margin range, quotes, accuracy, hand-labelled quotes, their accuracy")
    for k in range(bands):
        part = rows[k * len(rows) // bands : (k + 1) * len(rows) // bands]
        lab = [r for _, r, lab_ in part if lab_]
        print(f"  {k}: {part[0][0]:6.3f}..{part[-1][0]:6.3f} {len(part):5d} {np.mean([r for _, r, _ in part]):.3f}"
              f"  {len(lab):4d} {np.mean(lab) if lab else float('nan'):.3f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--cache", type=Path, required=True, help="folder of quotes.py's parsed docs (polnear-train.spacy)")
    ap.add_argument("--l2", default="1,3,10", help="comma-separated L2 strengths, chosen by CV")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--labelled-only", action="store_true", help="fit on hand-labelled pronouns only")
    ap.add_argument("--drop", help="comma-separated features to leave out (weight 0)")
    ap.add_argument("--fit-referents", type=Path,
                    help="a referents TSV (an older label set): fit only on its labelled pronouns, scoring with all labels")
    ap.add_argument("--current", action="store_true",
                    help="also score the committed RANKER_WEIGHTS on all of train (not CV: they were fitted on it)")
    ap.add_argument("--bands", action="store_true",
                    help="print the accuracy per decile of the ranker's margin, weights of the held-out fold (chosen L2)")
    args = ap.parse_args(argv)

    from storyscope.enrich.nlp import load_nlp

    gold_docs = load_gold(args.data, "train")
    docs, _ = _parse(load_nlp(), [t for _, t, _ in gold_docs], args.cache / "polnear-train.spacy")
    fit_keys = set(load_referents(args.fit_referents)) if args.fit_referents else None
    rows = collect(docs, gold_docs, fit_keys)
    if args.drop:
        # features left out: their column zeroed, so L2 keeps their weight at 0
        cols = [speakers.RANKER_FEATURES.index(f) for f in args.drop.split(",")]
        for _, x, _, _ in rows:
            x[:, cols] = 0.0
    fit_rows = [r for r in rows if r[3]] if args.labelled_only else rows
    print(f"decisions on gold pronoun sources: {len(rows)} ({sum(r[3] for r in rows)} hand-labelled); "
          f"with a right candidate {sum(r[2].sum() > 0 for r in rows)}; "
          f"with a choice to learn from {sum(0 < r[2].sum() < len(r[2]) for r in rows)}")
    rule = np.zeros(len(speakers.RANKER_FEATURES))
    rule[0] = 1.0
    print(f"rules alone, top-1: {top1(rows, rule)}")

    order = list(range(len(docs)))
    random.Random(args.seed).shuffle(order)
    fold_of = {d: k % args.folds for k, d in enumerate(order)}
    with _weights(rule):
        base = [run_storyscope(d)[0] for d in docs]
    s0 = score(base, gold_docs)
    print(f"rules alone, train named-speaker accuracy {s0['named'][0]:.4f} (labelled pronouns "
          f"{s0['named_lab'][0]:.4f} of {s0['named_lab'][1]}; given {s0['named'][1]:.4f})")
    if args.current:
        w = np.array(speakers.RANKER_WEIGHTS)
        with _weights(w):
            s = score([run_storyscope(d)[0] for d in docs], gold_docs)
        print(f"committed weights, top-1 {top1(rows, w)}; train named-speaker accuracy {s['named'][0]:.4f} "
              f"(labelled pronouns {s['named_lab'][0]:.4f}; given {s['named'][1]:.4f})")
    best = None
    for l2 in (float(v) for v in args.l2.split(",")):
        out = list(base)
        right = n = 0
        for k in range(args.folds):
            w = fit([r for r in fit_rows if fold_of[r[0]] != k], l2)
            held = [r for r in rows if fold_of[r[0]] == k]
            r_, n_ = top1(held, w)
            right, n = right + r_, n + n_
            with _weights(w):
                for i in (d for d in range(len(docs)) if fold_of[d] == k):
                    out[i] = run_storyscope(docs[i])[0]
        s = score(out, gold_docs)
        # each fold's held-out articles: named-speaker accuracy, rules alone -> ranker
        per_fold = []
        for k in range(args.folds):
            idx = [d for d in range(len(docs)) if fold_of[d] == k]
            a = score([base[d] for d in idx], [gold_docs[d] for d in idx])["named"][0]
            b = score([out[d] for d in idx], [gold_docs[d] for d in idx])["named"][0]
            per_fold.append(f"{a:.4f}->{b:.4f}")
        print(f"L2 {l2:g}: CV top-1 {right}/{n}; CV train named-speaker accuracy {s['named'][0]:.4f} "
              f"(labelled pronouns {s['named_lab'][0]:.4f}; given {s['named'][1]:.4f}; overlap F1 {s['overlap'][2]:.4f})")
        print(f"  per fold: {', '.join(per_fold)}")
        if best is None or s["named"][0] > best[0]:
            best = (s["named"][0], l2)
    if args.bands:
        bands = []
        for k in range(args.folds):
            wk = fit([r for r in fit_rows if fold_of[r[0]] != k], best[1])
            for i in (d for d in range(len(docs)) if fold_of[d] == k):
                bands.extend(margin_rows(docs[i], gold_docs[i][2], wk))
        print(f"margin bands, L2 {best[1]:g}, weights of each held-out fold:")
        print_bands(bands)
    w = fit(fit_rows, best[1])
    print(f"chosen L2 {best[1]:g}; weights fitted on all train:")
    for name, v in zip(speakers.RANKER_FEATURES, w):
        print(f"  {name:<18}{v:+.3f}")
    print("RANKER_WEIGHTS = (" + ", ".join(f"{v:.3f}" for v in w) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
