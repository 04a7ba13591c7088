"""Throughput of the enrich stage (deep NLP), step by step, on real news text.

    python benchmarks/enrich.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl [--limit 200]

Prints articles per second for the spaCy parse, for each storyscope step run on the
parsed doc (entities, quotes, dates), and the end-to-end rate of ``enrich_articles``
(what ``storyscope enrich`` runs), so that it is plain what dominates; wall and CPU seconds
(the CPU figure holds on a machine other work shares). In the same run, the parse as spaCy
loads it by default (thinc's BLIS, spaCy's attribute ruler: what storyscope ran before
enrich/nlp.py's ``load_nlp``), with a check that both give the same docs; ``enrich_articles``
with spaCy's own parser loop and with the compiled one (``GreedyParser.COMPILED``), alternating,
with a check that both give the same docs; and the CPU seconds of each pipeline component, both
ways (each component over all the docs in turn, batches of 16 as ``nlp.pipe``).
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
from storyscope.enrich.nlp import MODEL_PACKAGE, GreedyParser, load_nlp  # noqa: E402
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


def _same(a, b) -> bool:
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG

    cols = [TAG, POS, MORPH, LEMMA, HEAD, DEP, SENT_START, ENT_IOB, ENT_TYPE]
    return len(a) == len(b) and (a.to_array(cols) == b.to_array(cols)).all()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="ECB+ ecbplus_docs.jsonl (or any JSONL with id/title/text)")
    ap.add_argument("--limit", type=int, default=200)
    args = ap.parse_args()
    articles = load(args.data, args.limit)
    chars = sum(len(a.text) for a in articles)
    import spacy

    default = spacy.load(MODEL_PACKAGE)  # before load_nlp switches the ops: thinc's BLIS
    nlp = load_nlp()
    for pipeline in (default, nlp):
        list(pipeline.pipe(a.text for a in articles[:5]))  # warm-up

    steps: dict[str, tuple[float, float]] = {}

    def timed(name: str, work):
        t, c = time.perf_counter(), time.process_time()
        out = work()
        steps[name] = (time.perf_counter() - t, time.process_time() - c)
        return out

    before = timed("spaCy parse as loaded by default", lambda: list(default.pipe((a.text for a in articles), batch_size=16)))
    docs = timed("spaCy parse (load_nlp)", lambda: list(nlp.pipe((a.text for a in articles), batch_size=16)))
    ents = timed("entities + canonical names", lambda: [find_entities(d) for d in docs])
    timed("quotes + speakers", lambda: [find_quotes(d, e) for d, e in zip(docs, ents)])
    timed("dates", lambda: [find_dates(a.text, a.published, doc=d) for d, a in zip(docs, articles)])
    end_to_end, old = "enrich_articles, end to end", "enrich_articles, spaCy's parser loop"
    # spaCy's parser loop (session 8), then the compiled one (parse_decode), twice each,
    # alternating: the lower figure of each counts (a loaded machine's CPU seconds wander)
    runs: dict[bool, list] = {False: [], True: []}
    for compiled in (False, True, False, True):
        GreedyParser.COMPILED = compiled
        timed(end_to_end, lambda: list(itertools.islice(enrich_articles(articles), len(articles))))
        runs[compiled].append(steps.pop(end_to_end))
    steps[old] = min(runs[False], key=lambda x: x[1])
    steps[end_to_end] = min(runs[True], key=lambda x: x[1])
    GreedyParser.COMPILED = False
    spacy_loop = list(nlp.pipe((a.text for a in articles), batch_size=16))
    GreedyParser.COMPILED = True
    components = {False: [], True: []}
    for compiled in (False, True, False, True):
        components[compiled].append(component_cpu(nlp, [a.text for a in articles], compiled))

    n = len(articles)
    print(f"{n} articles, {chars / n:,.0f} characters each on average; "
          f"same docs as spaCy as loaded by default: {sum(map(_same, before, docs))}/{n}, "
          f"as spaCy's parser loop: {sum(map(_same, spacy_loop, docs))}/{n}")
    print(f"{'step':38} {'wall s':>8} {'art/s':>8} {'CPU s':>8} {'art/CPU-s':>10} {'share':>6}")
    apart = (end_to_end, old, "spaCy parse as loaded by default")
    parts = sum(c for k, (_, c) in steps.items() if k not in apart)
    for name, (wall, cpu) in steps.items():
        share = "" if name in apart else f"{cpu / parts:6.0%}"
        print(f"{name:38} {wall:8.2f} {n / wall:8.1f} {cpu:8.2f} {n / cpu:10.1f} {share:>6}")
    base, ours = steps["spaCy parse as loaded by default"][1], steps["spaCy parse (load_nlp)"][1]
    print(f"parse CPU, default / load_nlp: {base / ours:.2f}x")
    print(f"end to end CPU, spaCy's parser loop / compiled: {steps[old][1] / steps[end_to_end][1]:.2f}x")
    print(f"\n{'component (CPU s, two rounds)':30} {'spaCy parser loop':>20} {'compiled parser':>20}")
    for name in components[True][0]:
        cells = ["  ".join(f"{r[name]:9.2f}" for r in components[c]) for c in (False, True)]
        print(f"{name:30} {cells[0]:>20} {cells[1]:>20}")
    totals = ["  ".join(f"{sum(r.values()):9.2f}" for r in components[c]) for c in (False, True)]
    print(f"{'all':30} {totals[0]:>20} {totals[1]:>20}")


def component_cpu(nlp, texts: list[str], compiled: bool) -> dict[str, float]:
    """CPU seconds of each pipeline component over all the texts, in the pipeline's order."""
    GreedyParser.COMPILED = compiled
    docs = [nlp.make_doc(t) for t in texts]
    out = {}
    for name, proc in nlp.pipeline:
        c = time.process_time()
        # (the parser and recogniser read the shared tok2vec's output from each doc's tensor)
        docs = list(proc.pipe(docs, batch_size=16))
        out[name] = time.process_time() - c
    GreedyParser.COMPILED = True
    return out


if __name__ == "__main__":
    main()
