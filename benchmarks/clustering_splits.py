"""What tells a right split check from a wrong one on ECB+, and does a rule built on it hold out?

    .venv/bin/python benchmarks/clustering_splits.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl \\
        --topics odd --cut spectral --rule knn:0.85

Streams the articles (``--topics``: all, or the odd / even half of the ECB+
topics) in the 5 orders of ``benchmarks/clustering.py`` (seeds ``--seed`` ..
``--seed`` + 4) and records every split check whose 2-means cut has two parts
of ``stream._SPLIT_MIN_PART`` or more articles (the only checks the decision
can act on). Per check, evidence that the cut separates two events:

- ``centroid``: the halves' centroid cosine, what the stream decides on today
  (split below ``split_threshold``);
- ``cross``: the mean cosine of the article pairs across the halves (from the
  same Gram matrix: no more work than the 2-means);
- ``knn``: the share of members whose 3 nearest members (cosine) are in their own half;
- ``silhouette``: the members' mean silhouette under the cut;
- ``join_p``: the mean same-event probability of the smaller half's members
  against the larger half as a story (the fitted model read as one pair; one
  evidence call a member).

A cut is "right" when it separates more article pairs of two gold events than
it cuts pairs of one event (the B-cubed side of the decision). Printed: the
B-cubed P / R / F1 of the stream (mean of the orders) under ``--rule``, the
checks split right / wrong and declined where a split was right / wrong, and
each evidence's AUC (right cuts against wrong ones) among all checks, the
declined ones and the split ones.

``--cut``: how the story is cut in two: ``2means`` (shipped: split.two_means),
``spectral`` (the sign of the Fiedler vector of the normalised Laplacian of the
members' cosine graph), or ``2means10`` (10 seeds, 20 rounds). ``--rule``:
``centroid`` (the shipped decision), ``cross:T`` (split when the
cross-half mean cosine is below T), ``knn:T`` (split when kNN purity is above
T), ``centroid+knn:T`` (the shipped decision or kNN purity above T),
``oracle`` (split exactly when the cut is right: the ceiling of any decision on
that cut); ``--cut oracle`` cuts off every article not of the story's main gold
event (the ceiling of any cut at these checks). Choose T
on one half, report on the other and on orders never used (see docs/benchmarks.md,
"ecb (session 12 ...)"). A benchmark of the decision, not a change to it: the
``centroid`` rule is the stream until session 12; since ecb2 the stream
cuts as ``--cut spectral`` and decides as ``--rule knn:0.9`` with two
neighbours under 12 members and no split of near-identical members (split.cut).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from clustering import bcubed, load  # noqa: E402
from storyscope.cluster import StreamClusterer  # noqa: E402
from storyscope.cluster import split as split_mod  # noqa: E402
from storyscope.cluster import stream as stream_mod  # noqa: E402
from storyscope.cluster.kernels import two_means_gram  # noqa: E402
from storyscope.cluster.story import Story  # noqa: E402
from storyscope.features import compute_many  # noqa: E402

EVIDENCES = ("centroid", "cross", "knn", "silhouette", "join_p")
# the direction in which each evidence says "two events": higher (+1) or lower (-1)
DIRECTION = {"centroid": -1, "cross": -1, "knn": 1, "silhouette": 1, "join_p": -1}
_KNN = 3
# The decision shipped until session 12 (ecb2), the ``centroid`` rule: split below this score.
# (The stream now decides on split.cut's purity; split_threshold is 0.99, no longer this.)
OLD_SPLIT_THRESHOLD = 0.7


def centroid_score(gram: np.ndarray, labels: np.ndarray) -> float:
    """The halves' score as two_means_gram gives it: the square root of their sums' cosine."""
    lab = labels.astype(bool)
    cos = gram[np.ix_(~lab, lab)].sum() / np.sqrt(max(gram[np.ix_(~lab, ~lab)].sum() * gram[np.ix_(lab, lab)].sum(), 1e-12))
    return float(np.sqrt(cos)) if cos > 0.0 else 0.0


def cut_evidence(gram: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """cross, knn and silhouette of a 2-means cut, from the Gram matrix alone."""
    lab = labels.astype(bool)
    n = len(lab)
    others = gram.copy()
    np.fill_diagonal(others, -np.inf)
    nearest = np.argsort(-others, axis=1)[:, :_KNN]
    knn = float((lab[nearest] == lab[:, None]).mean())
    sil = []
    for i in range(n):
        own = lab == lab[i]
        own[i] = False
        a = float(gram[i, own].mean()) if own.any() else 0.0
        b = float(gram[i, lab != lab[i]].mean())
        sil.append((a - b) / max(a, b, 1e-9))
    return {"cross": float(gram[np.ix_(~lab, lab)].mean()), "knn": knn, "silhouette": float(np.mean(sil))}


class SplitProbe(StreamClusterer):
    """The stream with its split decision replaced by ``rule`` and every actionable check recorded."""

    def __init__(self, rule: str, cut: str, gold: dict[str, str], log: list[dict], **kw) -> None:
        super().__init__(**kw)
        self._rule, self._cut, self._gold, self._log = rule, cut, gold, log

    def _decide(self, ev: dict[str, float], right: bool) -> bool:
        name, _, t = self._rule.partition(":")
        if name == "oracle":
            return right
        shipped = ev["centroid"] < OLD_SPLIT_THRESHOLD
        if name == "centroid":
            return shipped
        if name == "cross":
            return ev["cross"] < float(t)
        if name == "knn":
            return ev["knn"] > float(t)
        if name == "centroid+knn":
            return shipped or ev["knn"] > float(t)
        raise SystemExit(f"unknown --rule {self._rule!r}")

    def _join_p(self, part, rest) -> float:
        story = Story("probe", -1)
        for m, v in rest:
            story.take(m, v)
        return float(np.mean([self._scored(self._member_probe(m, v), story)[2] for m, v in part]))

    def _maybe_split(self, story):  # the shipped _maybe_split with the decision swapped (see stream.py)
        members = story.members
        at = stream_mod._SPLIT_AT
        if members is None or story.checks_done >= len(at) or story.size < at[story.checks_done] or len(members) != story.size:
            return None
        stream_mod._pass_checks(story)
        vecs = [self._member_vector(m) for m in members]
        gram = split_mod._gram(vecs)  # the members' cosine matrix, as the stream builds it
        if self._cut == "2means":
            labels, score = two_means_gram(gram, split_mod.SEEDS, split_mod.ITERATIONS)
            labels = np.asarray(labels)
        elif self._cut == "2means10":
            labels = np.asarray(two_means_gram(gram, 10, 20)[0])
        elif self._cut == "spectral":
            labels = split_mod.spectral_labels(gram)
        elif self._cut == "oracle":
            main_event = Counter(self._gold[m.article_id] for m in members).most_common(1)[0][0]
            labels = np.array([int(self._gold[m.article_id] != main_event) for m in members])
        else:
            raise SystemExit(f"unknown --cut {self._cut!r}")
        if self._cut != "2means":
            score = centroid_score(gram, labels)
        n1 = int(labels.sum())
        n0 = len(labels) - n1
        if min(n0, n1) < stream_mod._SPLIT_MIN_PART:
            return self._release(story)
        small = 0 if n0 <= n1 else 1
        keep = [(m, v) for m, v, lab in zip(members, vecs, labels.tolist()) if lab != small]
        moved = [(m, v) for m, v, lab in zip(members, vecs, labels.tolist()) if lab == small]
        ev = {"centroid": float(score), **cut_evidence(gram, labels), "join_p": self._join_p(moved, keep)}
        a = [self._gold[m.article_id] for m, _ in moved]
        b = [self._gold[m.article_id] for m, _ in keep]
        same = sum(x == y for x in a for y in b)
        right = len(a) * len(b) - same > same
        split = self._decide(ev, right)
        self._log.append({**ev, "right": right, "split": split})
        if not split:
            return self._release(story)
        self._rebuild(story, keep)
        new = self._new_story()
        for m, v in moved:
            self._attach(new, m, v)
        self._links[new.id] = (stream_mod.StoryLink(new.id, story.id, round(float(score), 4), "split"),)
        self._release(story)
        self._release(new)
        return new


def auc(pos: list[float], neg: list[float]) -> float:
    if not pos or not neg:
        return float("nan")
    p, n = np.asarray(pos)[:, None], np.asarray(neg)[None, :]
    return float(((p > n).sum() + 0.5 * (p == n).sum()) / (p.size * n.size))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--topics", choices=("all", "odd", "even"), default="all")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rule", default="centroid", help="centroid | cross:T | knn:T | centroid+knn:T | oracle")
    ap.add_argument("--cut", default="2means", choices=("2means", "2means10", "spectral", "oracle"))
    args = ap.parse_args(argv)

    rows = load(args.data, False, args.topics)
    gold = {a.id: s for a, s in rows}
    feats = dict(zip((a.id for a, _ in rows), compute_many([a for a, _ in rows])))
    log: list[dict] = []
    scores = []
    for run in range(args.runs):
        order = [a for a, _ in rows]
        random.Random(args.seed + run).shuffle(order)
        c = SplitProbe(args.rule, args.cut, gold, log)
        got = {a.id: c.add(a.id, feats[a.id], a.published) for a in order}
        scores.append(bcubed({i: c.story_of(i) or g.story_id for i, g in got.items()}, gold))
    p, r, f = (statistics.mean(x) for x in zip(*scores))
    print(f"{len(rows)} articles, topics {args.topics}, orders {args.seed}-{args.seed + args.runs - 1}, cut {args.cut}, rule {args.rule}")
    print(f"B-cubed P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    right = [d for d in log if d["right"]]
    print(f"checks with two parts of {stream_mod._SPLIT_MIN_PART}+: {len(log)}; split: "
          f"{sum(d['split'] for d in right)} right, {sum(d['split'] for d in log if not d['right'])} wrong; declined: "
          f"{sum(not d['split'] for d in right)} where a split was right, "
          f"{sum(not d['split'] and not d['right'] for d in log)} where it was not")
    print(f"AUC of each evidence, right cuts against wrong ones ({', '.join(EVIDENCES)}):")
    for region, keep in (("all checks", lambda d: True), ("declined", lambda d: not d["split"]),
                         ("split", lambda d: d["split"])):
        sub = [d for d in log if keep(d)]
        aucs = [auc([DIRECTION[e] * d[e] for d in sub if d["right"]], [DIRECTION[e] * d[e] for d in sub if not d["right"]])
                for e in EVIDENCES]
        n_right = sum(d["right"] for d in sub)
        print(f"  {region:10} ({n_right:3} right, {len(sub) - n_right:3} wrong): "
              + "  ".join(f"{e} {a:.2f}" for e, a in zip(EVIDENCES, aucs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
