"""Throughput of the enrich stage (deep NLP), step by step, on real news text.

    python benchmarks/enrich.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl [--limit 200]

Prints articles per second for the spaCy parse and for each storyscope step run on the
parsed doc (entities, quotes, dates), and the end-to-end rate of ``enrich_articles``
(what ``storyscope enrich`` runs), so that it is plain what dominates.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storyscope.enrich.dates import find_dates  # noqa: E402
from storyscope.enrich.entities import find_entities  # noqa: E402
from storyscope.enrich.nlp import load_nlp  # noqa: E402
from storyscope.enrich.pipeline import enrich_articles  # noqa: E402
from storyscope.enrich.quotes import find_quotes  # noqa: E402
from storyscope.model import Article  # noqa: E402


def load(path: Path, limit: int) -> list[Article]:
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if len(d["text"]) >= 200:
                out.append(Article(id=d["id"], text=d["title"] + "\n\n" + d["text"], published="2013-07-02"))
            if len(out) >= limit:
                break
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="ECB+ ecbplus_docs.jsonl (or any JSONL with id/title/text)")
    ap.add_argument("--limit", type=int, default=200)
    args = ap.parse_args()
    articles = load(args.data, args.limit)
    chars = sum(len(a.text) for a in articles)
    nlp = load_nlp()
    list(nlp.pipe(a.text for a in articles[:5]))  # warm-up

    t = time.perf_counter()
    docs = list(nlp.pipe((a.text for a in articles), batch_size=16))
    steps = {"spaCy parse (tagger, parser, NER)": time.perf_counter() - t}
    t = time.perf_counter()
    ents = [find_entities(d) for d in docs]
    steps["entities + canonical names"] = time.perf_counter() - t
    t = time.perf_counter()
    for d, e in zip(docs, ents):
        find_quotes(d, e)
    steps["quotes + speakers"] = time.perf_counter() - t
    t = time.perf_counter()
    for d, a in zip(docs, articles):
        find_dates(a.text, a.published, doc=d)
    steps["dates"] = time.perf_counter() - t
    t = time.perf_counter()
    for _ in itertools.islice(enrich_articles(articles), len(articles)):
        pass
    steps["enrich_articles, end to end"] = time.perf_counter() - t

    n = len(articles)
    print(f"{n} articles, {chars / n:,.0f} characters each on average")
    print(f"{'step':38} {'seconds':>8} {'art/s':>8} {'share':>6}")
    parts = sum(v for k, v in steps.items() if "end to end" not in k)
    for name, secs in steps.items():
        share = "" if "end to end" in name else f"{secs / parts:6.0%}"
        print(f"{name:38} {secs:8.2f} {n / secs:8.1f} {share:>6}")


if __name__ == "__main__":
    main()
