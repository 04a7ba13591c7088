"""Benchmark of the brief's summary: ROUGE-1/2 against hand-written reference summaries,
next to a lead baseline.

Usage:
    python benchmarks/summary.py --data ../shared/data

The references (benchmarks/gold/summary/summaries.json) were written by hand from the
articles, each before its writer had seen any brief's summary of the story: one for every
gold story (27 since session 14: the first six, then the four tuning stories of session 14
with their gold files, then the other seventeen, also in session 14). The stories are split as in benchmarks/brief.py
(gold/split/halves.json): the summary rules were tuned looking at the tuning half only; the
means are printed per half and over all. Each story's brief is built as
benchmarks/brief.py builds it. Baseline: the first sentences of the story's first article
(lead), as many as the brief's summary has. ROUGE here is the plain definition: clipped
n-gram overlap of lower-cased word tokens (no stemming, no stop-word removal), precision,
recall and F1 per story, averaged over stories (macro).

That each summary line stands alone (no pronoun subject, no bare quotation, the first
line naming who or what) is a test over every ECB+ story (tests/compare/test_readable.py).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import brief as bench  # noqa: E402  (the gold story loading of the brief benchmark)

from storyscope.compare import build_brief  # noqa: E402
from storyscope.compare.units import sentences_of  # noqa: E402

REFERENCES = Path(__file__).parent / "gold" / "summary" / "summaries.json"
_TOKEN_RE = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text.lower().replace("\u2019", "'"))


def rouge_n(candidate: str, reference: str, n: int) -> tuple[float, float, float]:
    """ROUGE-N precision, recall, F1: clipped n-gram overlap."""
    def grams(text: str) -> Counter:
        t = tokens(text)
        return Counter(tuple(t[i:i + n]) for i in range(len(t) - n + 1))

    c, r = grams(candidate), grams(reference)
    overlap = sum((c & r).values())
    p = overlap / sum(c.values()) if c else 0.0
    rec = overlap / sum(r.values()) if r else 0.0
    return p, rec, (2 * p * rec / (p + rec) if p + rec else 0.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="the shared data folder (holds seed/ and ecbplus/)")
    args = ap.parse_args(argv)
    refs = {k: v for k, v in json.loads(REFERENCES.read_text(encoding="utf-8")).items() if not k.startswith("_")}
    ecb = {}
    with open(args.data / "ecbplus" / "ecbplus_docs.jsonl", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            ecb[doc["id"]] = doc
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(bench.GOLD.glob("*.json"))]
    # every gold story has a reference; one added later without one yet is left out, not scored as empty
    golds = [g for g in golds if g["story"] in refs]
    half_of = bench.halves()
    rows = {"brief summary": [], "lead baseline": []}
    halves: dict[tuple[str, str], list] = {}
    words = {"brief summary": 0, "lead baseline": 0, "reference": 0}
    print(f"{'story':<16}{'system':<15}{'R1 P':>6}{'R1 R':>6}{'R1 F':>6}{'R2 P':>6}{'R2 R':>6}{'R2 F':>6}")
    for g in golds:
        reference = " ".join(refs[g["story"]])
        arts = bench.load_story(g, args.data, ecb)
        items = list(zip(arts, bench.enrich(arts)))
        summary = [s.text for s in build_brief(bench.story_of(g, arts), items).summary]
        first_art, first_enr = items[0]
        lead = [s.text for s in sentences_of(first_art, first_enr)][: max(len(summary), 1)]
        words["reference"] += len(tokens(reference))
        for name, lines in (("brief summary", summary), ("lead baseline", lead)):
            text = " ".join(lines)
            words[name] += len(tokens(text))
            r1, r2 = rouge_n(text, reference, 1), rouge_n(text, reference, 2)
            rows[name].append(r1 + r2)
            halves.setdefault((half_of.get(g["story"], "untouched"), name), []).append(r1 + r2)
            print(f"{g['story']:<16}{name:<15}" + "".join(f"{x:6.2f}" for x in r1 + r2))
    print("-" * 67)
    for (half, name), vals in sorted(halves.items(), key=lambda kv: (kv[0][0] != "tuning", kv[0][1])):
        mean = [sum(v[i] for v in vals) / len(vals) for i in range(6)]
        print(f"{'MEAN ' + half:<16}{name:<15}" + "".join(f"{x:6.2f}" for x in mean))
    for name, vals in rows.items():
        mean = [sum(v[i] for v in vals) / len(vals) for i in range(6)]
        print(f"{'MEAN all':<16}{name:<15}" + "".join(f"{x:6.2f}" for x in mean))
    print(f"\nwords per story: brief summary {words['brief summary'] / len(golds):.0f}, "
          f"lead {words['lead baseline'] / len(golds):.0f}, reference {words['reference'] / len(golds):.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
