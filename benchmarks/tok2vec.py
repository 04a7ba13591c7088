"""The two tok2vec networks of the spaCy model, thinc's layers against enrich/tok2vec_fast.py.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/tok2vec.py \\
        --data ../shared/data/ecbplus/ecbplus_docs.jsonl [--limit 120] [--rounds 2]

In one process, switching ``tok2vec_fast.ENABLED`` off and on in alternating rounds (the lowest
CPU figure of each side counts: a shared machine's CPU seconds wander): CPU seconds of each
network alone (the shared one feeding tagger and parser, the recogniser's own) over the
articles in spaCy's batches of 16, with how many docs' arrays are bit for bit the same and the
largest difference; the whole parse (``load_nlp``'s pipe), with how many docs are the same
(tags, lemmas, parse, sentences, entities); and ``enrich_articles`` end to end, with how many
enrichments are equal. ``STORYSCOPE_FAST_TOK2VEC=exact`` in the environment: the fast pass's
first layer as thinc's product (bit for bit) instead of the precomputed tables.
The articles are benchmarks/enrich.py's (its loader).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy  # noqa: E402
from enrich import _same, load  # noqa: E402  (benchmarks/enrich.py: the same articles and check)

from storyscope.enrich import tok2vec_fast  # noqa: E402
from storyscope.enrich.nlp import load_nlp  # noqa: E402
from storyscope.enrich.pipeline import enrich_articles  # noqa: E402


def _cpu(work) -> tuple[float, object]:
    c = time.process_time()
    out = work()
    return time.process_time() - c, out


def ab(work, rounds: int) -> tuple[dict[bool, float], dict[bool, object]]:
    """Lowest CPU seconds of ``work()`` with the fast pass off and on, alternating; the outputs."""
    cpu: dict[bool, float] = {}
    outs: dict[bool, object] = {}
    try:
        for _, enabled in itertools.product(range(rounds), (False, True)):
            tok2vec_fast.ENABLED = enabled
            took, outs[enabled] = _cpu(work)
            cpu[enabled] = min(cpu.get(enabled, took), took)
    finally:
        tok2vec_fast.ENABLED = True
    return cpu, outs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="ECB+ ecbplus_docs.jsonl (or any JSONL with id/title/text)")
    ap.add_argument("--limit", type=int, default=120)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    articles = load(args.data, args.limit)
    n = len(articles)
    nlp = load_nlp()
    texts = [a.text for a in articles]
    docs = [nlp.make_doc(t) for t in texts]
    batches = [docs[i : i + 16] for i in range(0, n, 16)]
    networks = {
        "shared tok2vec (tagger, parser)": nlp.get_pipe("tok2vec").model,
        "recogniser's own tok2vec": nlp.get_pipe("ner").ner.model.layers[0].layers[0],
    }
    list(nlp.pipe(texts[:8]))  # warm-up: compiled kernels, caches
    rows = []
    for name, model in networks.items():
        cpu, outs = ab(lambda m=model: [a for b in batches for a in m.predict(b)], args.rounds)
        same = sum(numpy.array_equal(x, y) for x, y in zip(outs[False], outs[True]))
        worst = max(float(numpy.abs(x - y).max(initial=0)) for x, y in zip(outs[False], outs[True]))
        rows.append((name, cpu, f"{same}/{n} docs' arrays bit for bit, largest difference {worst:.1e}"))
    cpu, outs = ab(lambda: list(nlp.pipe(texts, batch_size=16)), args.rounds)
    rows.append(("whole parse (load_nlp pipe)", cpu, f"{sum(map(_same, outs[False], outs[True]))}/{n} same docs"))
    cpu, outs = ab(lambda: list(itertools.islice(enrich_articles(articles), n)), args.rounds)
    rows.append(("enrich_articles, end to end", cpu, f"{sum(a == b for a, b in zip(outs[False], outs[True]))}/{n} same enrichments"))

    tokens = sum(len(d) for d in docs)
    first = "precomputed tables" if tok2vec_fast.TABLES else "thinc's product (STORYSCOPE_FAST_TOK2VEC=exact)"
    print(f"{n} articles, {tokens:,} tokens; CPU seconds, lowest of {args.rounds} alternating rounds each; "
          f"fast pass's first layer: {first}")
    print(f"{'step':34} {'thinc CPU s':>11} {'fast CPU s':>10} {'saved':>6} {'art/CPU-s thinc':>15} {'fast':>6}  outputs")
    for name, cpu, same in rows:
        old, new = cpu[False], cpu[True]
        print(f"{name:34} {old:11.2f} {new:10.2f} {1 - new / old:6.0%} {n / old:15.1f} {n / new:6.1f}  {same}")


if __name__ == "__main__":
    main()
