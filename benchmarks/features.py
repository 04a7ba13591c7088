"""Benchmark: articles per second of the fast feature stage, against the plain-Python version.

    .venv/bin/python benchmarks/features.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl

Times ``storyscope.features.compute`` on every article of a JSONL set (``title``,
``text``) and, alternating with it pass by pass in the same process, the frozen
plain-Python ``compute`` it replaced (``tests/cluster/features_v1.py``), in CPU
time of the process, so that load from other processes on a shared machine hits
both alike: compare the ratio, not the absolute figures. First it checks that
both return equal ``Features`` for every article (which also warms both up);
after the table of passes it times the parts of ``compute`` on their own, the
embedding step both through model2vec's ``encode`` (before session 5) and through
the cache of word pieces that gives the same rows, and ``compute_many`` of the
whole set in one call (how the pipeline and ``cluster_scale`` call it).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "cluster"))

import features_v1  # noqa: E402

import storyscope.features as features  # noqa: E402
from storyscope.features import compute, compute_many, embed, kernels, minhash, text  # noqa: E402
from storyscope.model import Article  # noqa: E402


def _rate(fn, articles: list[Article]) -> float:
    start = time.process_time()
    for art in articles:
        fn(art)
    return len(articles) / (time.process_time() - start)


def _parts(articles: list[Article]) -> list[tuple[str, float]]:
    """Microseconds per article of each part of ``compute``, timed on its own."""
    table = features._TABLE
    bodies = [a.text for a in articles]
    ids = [table.article(b, "", 2)[0] for b in bodies]
    z = np.zeros(0, np.int32)
    w = np.array([2.0, 1.0, 3.0, 2.0])  # TITLE_EXTRA, LEAD_EXTRA, NAME_WEIGHT, SPECIFIC_EXTRA
    names = [kernels.distinct_names(i, z, table.flags, table.lower_key, table.name_word_of, 3.0, table.seen) for i in ids]
    model = embed.load()
    texts = [t for a in articles for t in (embed.article_text(a.title, a.text), a.title or "")]
    parts = {
        "tokenise into ids (body, lead)": lambda: [table.article(b, "", 2) for b in bodies],
        "distinct names": lambda: [
            kernels.distinct_names(i, z, table.flags, table.lower_key, table.name_word_of, 3.0, table.seen) for i in ids
        ],
        "name texts": lambda: [table.names(t, e, k) for t, e, _, _, k in names],
        "term vector": lambda: [
            kernels.term_vector(
                i, z, z, z, 0.0, table.term_of, table.name_term_of, table.flags, table.term_crc,
                np.full(len(n), -1, np.int64), n, t, e, w, 0, 400, features._LOG, table.slot,
            )  # fmt: skip
            for i, (t, e, n, _, _) in zip(ids, names)
        ],
        "minhash": lambda: [minhash.signature_of_tokens(z, i, table.word_hash) for i in ids],
        # step 6 for the whole set in one call: two texts an article
        "embedding, model2vec encode": lambda: model.encode(texts, normalize=False, use_multiprocessing=False),
        "embedding, cached pieces": lambda: embed.embed(texts),
        "compute_many, whole set": lambda: compute_many(articles),
    }
    out = []
    for name, fn in parts.items():
        best = float("inf")
        for _ in range(5):
            start = time.process_time()
            fn()
            best = min(best, time.process_time() - start)
        out.append((name, best / len(articles) * 1e6))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--passes", type=int, default=5, help="timed passes of each version, alternating")
    args = ap.parse_args()
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8")]
    articles = [Article(id=r["id"], title=r.get("title"), text=r.get("text") or "") for r in rows]
    n_tokens = statistics.mean(len(text.tokens(a.text)) for a in articles)
    print(f"{len(articles)} articles, {n_tokens:.0f} tokens each on average")

    start = time.process_time()
    compute(articles[0])
    print(f"first call (compiling, or loading the cached kernels): {time.process_time() - start:.1f} s")
    # the frozen copy predates the embeddings (step 6): compare the lexical fields
    unequal = [a.id for a in articles
               if dataclasses.replace(compute(a), embedding=b"", title_embedding=b"") != features_v1.compute(a)]
    print(f"articles whose features differ from the plain-Python version: {len(unequal)} {unequal[:5]}")

    print(f"\n{'pass':>4} {'python/s':>9} {'compiled/s':>11} {'ratio':>6}")
    ratios, olds, news = [], [], []
    for i in range(args.passes):
        old = _rate(features_v1.compute, articles)
        new = _rate(compute, articles)
        olds.append(old)
        news.append(new)
        ratios.append(new / old)
        print(f"{i + 1:>4} {old:>9,.0f} {new:>11,.0f} {new / old:>6.2f}")
    print(
        f"{'med':>4} {statistics.median(olds):>9,.0f} {statistics.median(news):>11,.0f} "
        f"{statistics.median(ratios):>6.2f}"
    )

    print(f"\n{'part of compute':<28} {'us/article':>10}")
    for name, us in _parts(articles):
        print(f"{name:<28} {us:>10.1f}")
    print(f"{'whole compute':<28} {1e6 / max(_rate(compute, articles) for _ in range(3)):>10.1f}")


if __name__ == "__main__":
    main()
