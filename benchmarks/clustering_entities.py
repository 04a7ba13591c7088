"""Upper bound: would the deep NLP's entities tell two same-kind ECB+ events apart?

    .venv/bin/python benchmarks/clustering_entities.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl

Streams each half of the ECB+ topics (odd, even numbers) in the 5 orders of
``benchmarks/clustering.py`` and then tries, on the final stories, a split
refinement: each story of 2k or more articles is cut in two by spherical 2-means
and the smaller half moved off when the halves' cosine is below t and it has k
or more articles. The vectors 2-means sees are the articles' terms (TF-IDF of
the fast path's hashed terms, IDF over the half) mixed with a second kind of
evidence at weight alpha (cosine = (1 - alpha) terms + alpha other):

- ``names``: the fast path's names and numbers (what the stream has);
- ``ents``: spaCy's entities with their labels (``GPE|turkey``, ``CARDINAL|7.8``,
  ``DATE|sunday``), what ``enrich`` finds, title and text;
- ``ents_lead``: the same, only those in the title and first 600 characters (the
  lead: who, where, when);
- ``terms``: terms alone (alpha 0), the refinement without new evidence.

Per kind, (alpha, t, k) is chosen on the ``--choose`` half (the best of the grid:
the "tuned on" figure) and reported on the other half ("untouched"), against
the stream alone on each. Also printed: the oracle split (every final story cut
by gold event), the ceiling of any split step. Takes a few minutes (the spaCy
parse of 982 articles, the 2-means of every story for every kind and alpha).
"""

from __future__ import annotations

import argparse
import math
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
from storyscope.enrich.nlp import load_nlp  # noqa: E402
from storyscope.features import compute_many  # noqa: E402

# entity labels that name a specific (people, places, times, quantities); not
# WORK_OF_ART, LAW, LANGUAGE, PRODUCT
LABELS = {"GPE", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "QUANTITY", "MONEY", "PERSON", "ORG", "NORP",
          "ORDINAL", "EVENT", "PERCENT"}  # fmt: skip
LEAD_CHARS = 600
ALPHAS = (0.3, 0.5, 0.7, 1.0)
CUTS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
PARTS = (3, 4, 5)

Sparse = dict[object, float]


def tfidf(bags: dict[str, Counter]) -> dict[str, Sparse]:
    """Unit sublinear TF-IDF vectors, IDF over the bags given."""
    df = Counter(k for b in bags.values() for k in b)
    n = len(bags)
    out = {}
    for i, b in bags.items():
        v = {k: (1 + math.log(c)) * math.log((n + 1) / (df[k] + 0.5)) for k, c in b.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out[i] = {k: x / norm for k, x in v.items()}
    return out


def mixed(ids: list[str], terms: dict[str, Sparse], other: dict[str, Sparse], alpha: float) -> np.ndarray:
    """Rows of unit vectors whose dot products are (1 - alpha) * terms + alpha * other (before norming)."""
    keys: dict[tuple, int] = {}
    rows = []
    for i in ids:
        row = {("t", k): math.sqrt(1 - alpha) * x for k, x in terms[i].items()}
        if alpha:
            row.update({("o", k): math.sqrt(alpha) * x for k, x in other[i].items()})
        rows.append(row)
        for k in row:
            keys.setdefault(k, len(keys))
    m = np.zeros((len(ids), len(keys)))
    for j, row in enumerate(rows):
        for k, x in row.items():
            m[j, keys[k]] = x
    norm = np.linalg.norm(m, axis=1, keepdims=True)
    norm[norm == 0] = 1.0
    return m / norm


def two_means(m: np.ndarray, rounds: int = 8) -> tuple[np.ndarray | None, float]:
    """(labels, cosine of the halves' sums) of the tightest spherical 2-means from 3 seeds, as split.py seeds it."""
    g = m @ m.T
    best = None
    for s in np.argsort(m @ m.sum(0))[:3]:  # the members least like the whole story
        t = int(np.argmin(g[s]))  # paired with the member least like it
        lab = (g[:, t] > g[:, s]).astype(int)
        for _ in range(rounds):
            if lab.sum() in (0, len(lab)):
                break
            c0, c1 = m[lab == 0].sum(0), m[lab == 1].sum(0)
            new = ((m @ c1) / (np.linalg.norm(c1) or 1) > (m @ c0) / (np.linalg.norm(c0) or 1)).astype(int)
            if (new == lab).all():
                break
            lab = new
        if lab.sum() in (0, len(lab)):
            continue
        c0, c1 = m[lab == 0].sum(0), m[lab == 1].sum(0)
        n0, n1 = np.linalg.norm(c0), np.linalg.norm(c1)
        if not n0 * n1:
            continue  # a half of empty vectors (no evidence of this kind): no cosine
        if best is None or n0 + n1 > best[0]:
            best = (n0 + n1, lab, float(c0 @ c1 / (n0 * n1)))
    return (None, 1.0) if best is None else (best[1], best[2])


class Half:
    """One half of the topics: its streams' final stories and every kind of evidence."""

    def __init__(self, rows, ents: dict[str, list[tuple[str, str, int]]], runs: int, seed: int) -> None:
        self.gold = {a.id: s for a, s in rows}
        feats = dict(zip(self.gold, compute_many([a for a, _ in rows])))
        self.terms = tfidf({i: Counter(dict(zip(f.term_ids, f.term_weights))) for i, f in feats.items()})
        self.other = {
            "terms": self.terms,
            "names": tfidf({i: Counter(f.names) for i, f in feats.items()}),
            "ents": tfidf({i: Counter(f"{lab}|{t.lower()}" for t, lab, _ in ents[i] if lab in LABELS) for i in feats}),
            "ents_lead": tfidf({
                i: Counter(f"{lab}|{t.lower()}" for t, lab, at in ents[i] if lab in LABELS and at < LEAD_CHARS)
                for i in feats
            }),
        }  # fmt: skip
        self.preds = []
        for r in range(runs):
            order = [a for a, _ in rows]
            random.Random(seed + r).shuffle(order)
            c = StreamClusterer()
            got = {a.id: c.add(a.id, feats[a.id], a.published) for a in order}
            self.preds.append({i: c.story_of(i) or g.story_id for i, g in got.items()})

    def score(self, preds) -> tuple[float, float, float]:
        return tuple(statistics.mean(x) for x in zip(*(bcubed(p, self.gold) for p in preds)))  # type: ignore[return-value]

    def cuts(self, kind: str, alpha: float) -> list[dict[str, tuple[list[str], np.ndarray | None, float]]]:
        out = []
        for pred in self.preds:
            stories: dict[str, list[str]] = {}
            for i, s in pred.items():
                stories.setdefault(s, []).append(i)
            out.append({
                s: (ids, *two_means(mixed(ids, self.terms, self.other[kind], alpha)))
                for s, ids in stories.items() if len(ids) >= 2 * min(PARTS)
            })  # fmt: skip
        return out

    def refined(self, cuts, t: float, k: int) -> tuple[float, float, float]:
        preds = []
        for pred, per_story in zip(self.preds, cuts):
            out = dict(pred)
            for s, (ids, lab, cos) in per_story.items():
                if lab is None or cos >= t or min(int(lab.sum()), len(lab) - int(lab.sum())) < k:
                    continue
                out.update({i: s + "/b" for i, side in zip(ids, lab) if side})
            preds.append(out)
        return self.score(preds)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--choose", choices=("odd", "even"), default="odd", help="the half the settings are chosen on")
    args = ap.parse_args(argv)
    report = "even" if args.choose == "odd" else "odd"

    rows = {h: load(args.data, False, h) for h in (args.choose, report)}
    articles = [a for h in rows for a, _ in rows[h]]
    print(f"parsing {len(articles)} articles with spaCy (enrich's pipeline) ...", file=sys.stderr)
    ents = {}
    texts = ((a.title or "") + "\n\n" + a.text for a in articles)
    for a, doc in zip(articles, load_nlp().pipe(texts, batch_size=16)):
        ents[a.id] = [(e.text, e.label_, e.start_char) for e in doc.ents]
    halves = {h: Half(rows[h], ents, args.runs, args.seed) for h in rows}

    print(f"{'':<30} {'chosen on ' + args.choose + ' (tuned on)':>26}   {report + ' (untouched)':>24}")
    print(f"{'':<30} {'P':>7} {'R':>7} {'F1':>8}   {'P':>7} {'R':>7} {'F1':>8}")

    def line(label: str, a: tuple, b: tuple) -> None:
        print(f"{label:<30} {a[0]:7.3f} {a[1]:7.3f} {a[2]:8.3f}   {b[0]:7.3f} {b[1]:7.3f} {b[2]:8.3f}", flush=True)

    line("stream alone", *(halves[h].score(halves[h].preds) for h in rows))
    oracle = {h: [{i: s + "|" + halves[h].gold[i] for i, s in p.items()} for p in halves[h].preds] for h in rows}
    line("oracle split (ceiling)", *(halves[h].score(oracle[h]) for h in rows))
    for kind in ("terms", "names", "ents", "ents_lead"):
        best = None
        for alpha in (0.0,) if kind == "terms" else ALPHAS:
            cuts = halves[args.choose].cuts(kind, alpha)
            for t in CUTS:
                for k in PARTS:
                    got = halves[args.choose].refined(cuts, t, k)
                    if best is None or got[2] > best[0][2]:
                        best = (got, alpha, t, k)
        got, alpha, t, k = best  # type: ignore[misc]
        other = halves[report].refined(halves[report].cuts(kind, alpha), t, k)
        line(f"+ split by {kind} a={alpha} t={t} k={k}", got, other)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
