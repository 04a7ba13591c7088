"""How far two labellers of the facts gold agree: the ceiling of the brief's facts F1.

Usage:
    python benchmarks/gold_agreement.py --data ../shared/data

``benchmarks/gold/agreement/`` holds a second, blind labelling (facts and related) of some tuning
stories of ``benchmarks/gold``, made from the article text alone before the first gold's facts
were read. Each labelling is turned into predicted sentence pairs the way the brief's facts are:
every labelled wording becomes the sentence of its article that holds it (the sentences the
compare stage aligns, ``compare.units.sentences_of`` over the enrich stage's records), and a
group gives every pair of its sentences from two articles. Those pairs are scored with
brief.py's own ``score_pairs`` against the other labelling's facts (pairs its ``related``
holds count neither way), both ways round:

* second as predicted, first gold as truth: what a careful second labeller scores on brief.py;
* first as predicted, second as truth (with the second's related).

``--strict`` drops both labellings' related groups (a pair one labelling holds only as related
then counts as wrong): how much of the agreement the related groups make. Next to them the
brief's own facts F1 on the same stories, against the first gold (brief.py's
figure) and against the second. A wording that lies in no single sentence is listed and left
out (none should: it would be a labelling slip).
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import brief as bench  # noqa: E402  (the gold story loading and scoring of the brief benchmark)

from storyscope.compare import build_brief  # noqa: E402
from storyscope.compare.units import sentences_of  # noqa: E402

AGREEMENT = bench.GOLD / "agreement"

Entry = tuple[str, str]  # (article id, text): a labelled wording, or a sentence


def sentence_holding(entry, sentences: dict[str, list[str]]) -> Entry | None:
    """The first sentence of the entry's article that holds its wording (a wording the
    brief's sentences split lies in none: None)."""
    aid, text = entry[0], entry[1]
    return next(((aid, s) for s in sentences.get(aid, ()) if text in s), None)


def label_pairs(groups, sentences: dict[str, list[str]]) -> tuple[list[tuple[Entry, Entry]], list[Entry]]:
    """A labelling's fact groups as the brief's facts would give them: each group's sentences,
    every pair from two articles, each pair once (two groups can share a sentence pair, and a
    pair the labels hold twice should not count twice); and the wordings no sentence holds."""
    pairs: list[tuple[Entry, Entry]] = []
    seen: set[frozenset[Entry]] = set()
    unplaced: list[Entry] = []
    for group in groups:
        sents = []
        for entry in group:
            sent = sentence_holding(entry, sentences)
            if sent is None:
                unplaced.append((entry[0], entry[1]))
            elif sent not in sents:
                sents.append(sent)
        for a, b in combinations(sents, 2):
            if a[0] != b[0] and frozenset((a, b)) not in seen:
                seen.add(frozenset((a, b)))
                pairs.append((a, b))
    return pairs, unplaced


def _holds(pairs, x, y) -> bool:
    """Does a predicted pair join the labelled wordings x and y (score_pairs' "found" test)?"""
    return any((bench._hit(x, *a) and bench._hit(y, *b)) or (bench._hit(x, *b) and bench._hit(y, *a))
               for a, b in pairs)


def consensus_recall(brief_pairs, first_groups, second_pairs) -> tuple[int, int]:
    """Of the first gold's same-fact pairs that the second labelling joins too (both labellers
    agree on them), how many the brief joins: its recall where the labels are not in doubt."""
    agreed = [(x, y) for g in first_groups for x, y in combinations(g, 2)
              if x[0] != y[0] and _holds(second_pairs, x, y)]
    return sum(_holds(brief_pairs, x, y) for x, y in agreed), len(agreed)


def _row(name: str, label: str, counts, neutral: int) -> str:
    p, r, f = bench.prf(*counts)
    return (f"{name:<16}{label:<22}{p:6.2f}{r:6.2f}{f:6.2f}   {counts[0]:>3}/{counts[1]:<4} {counts[2]:>3}/{counts[3]:<5}"
            f"{neutral:>4}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="the shared data folder (holds ecbplus/)")
    ap.add_argument("--misses", action="store_true",
                    help="list where the two labellings differ (brief.py's miss listing, both ways round)")
    ap.add_argument("--strict", action="store_true",
                    help="drop both labellings' related groups: a pair one labelling holds only as related "
                         "counts as wrong (how much of the agreement the related groups make)")
    args = ap.parse_args(argv)

    second_files = sorted(AGREEMENT.glob("*.json"))
    pairs_of = {p.name: (json.loads((bench.GOLD / p.name).read_text(encoding="utf-8")),
                         json.loads(p.read_text(encoding="utf-8"))) for p in second_files}
    half_of = bench.halves()
    for first, second in pairs_of.values():
        # the second labelling is of tuning stories only: their misses may be read
        assert half_of.get(first["story"]) == "tuning", f"{first['story']} is not a tuning story"
        assert first["story"] == second["story"] and first["articles"] == second["articles"]
    wanted = {a["id"] for first, _ in pairs_of.values() for a in first["articles"]}
    ecb = {}
    with open(args.data / "ecbplus" / "ecbplus_docs.jsonl", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if doc["id"] in wanted:
                ecb[doc["id"]] = doc

    rows = ("second vs first", "first vs second", "brief vs first", "brief vs second")
    totals = {r: [0, 0, 0, 0] for r in rows}
    neutral = dict.fromkeys(rows, 0)
    agreed_found = agreed_total = 0  # predicted pairs the truth's related holds: counted neither way
    print(f"{'story':<16}{'predicted vs truth':<22}{'P':>6}{'R':>6}{'F1':>6}   tp/pred  found/gold  related")
    for name, (first, second) in pairs_of.items():
        arts = bench.load_story(first, args.data, ecb)
        items = list(zip(arts, bench.enrich(arts)))
        sentences = {a.id: [s.text for s in sentences_of(a, e)] for a, e in items}
        second_pairs, unplaced2 = label_pairs(second["facts"], sentences)
        first_pairs, unplaced1 = label_pairs(first["facts"], sentences)
        brief_pairs = bench.fact_pairs(build_brief(bench.story_of(first, arts), items).data)
        predicted = {"second vs first": second_pairs, "first vs second": first_pairs,
                     "brief vs first": brief_pairs, "brief vs second": brief_pairs}
        related1 = [] if args.strict else first.get("related", [])
        related2 = [] if args.strict else second.get("related", [])
        counts = {
            "second vs first": bench.score_pairs(second_pairs, first["facts"], related1),
            "first vs second": bench.score_pairs(first_pairs, second["facts"], related2),
            "brief vs first": bench.score_pairs(brief_pairs, first["facts"], related1),
            "brief vs second": bench.score_pairs(brief_pairs, second["facts"], related2),
        }
        for r in rows:
            totals[r] = [t + x for t, x in zip(totals[r], counts[r])]
            neutral[r] += len(predicted[r]) - counts[r][1]
            print(_row(first["story"], r, counts[r], len(predicted[r]) - counts[r][1]))
        found, total = consensus_recall(brief_pairs, first["facts"], second_pairs)
        agreed_found, agreed_total = agreed_found + found, agreed_total + total
        print(f"{'':<16}brief's recall on the first gold's pairs the second labelling joins too: {found}/{total}")
        for who, lost in (("second", unplaced2), ("first", unplaced1)):
            for aid, text in lost:
                print(f"    {who} labelling's wording in no single sentence: {aid}: {text!r}")
        if args.misses:
            print("  second as predicted, first as truth:")
            bench.print_misses(second_pairs, first["facts"], related1)
            print("  first as predicted, second as truth:")
            bench.print_misses(first_pairs, second["facts"], related2)
    print("-" * 72)
    for r in rows:
        print(_row("pooled", r, totals[r], neutral[r]))
    print(f"pooled: brief's recall on the pairs both labellings join: {agreed_found}/{agreed_total} "
          f"= {agreed_found / agreed_total if agreed_total else float('nan'):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
