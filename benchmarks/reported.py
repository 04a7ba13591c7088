"""Speakers of reported speech (no quotation marks) on PolNeAR.

    python benchmarks/reported.py --data ../shared/data/polnear [--split train,dev] [--cache DIR]

Gold: PolNeAR attributions whose content holds NO quotation mark (indirect speech and
beliefs, which benchmarks/quotes.py leaves out) and that have a Source. The system's
answer is every quote of kind ``indirect`` without a quotation mark that
``find_quotes`` gives a speaker (what compare/units.py hands to the unit of its sentence).

- accuracy: of the found speakers whose quote overlaps such a gold content, the share
  that match, judged as benchmarks/quotes.py judges quotes (``speaker_matches`` against
  ``_accepted``'s answers, the hand-labelled pronoun referents where there are some);
- given: the share of the gold attributions that some found speaker overlaps.

Rows split the found speakers by the kind of case: where the reporting verb stands
("after": the reports told before or around their verb, "..., X said." or "The road,
X said, will ...", which ``quotes._reported_before`` makes; "before": the rest, "X said
(that) ...") and what its subject is
(a pronoun, a description such as "the official", or a name).

``train`` is tuned on; ``dev`` is scored once, untouched.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quotes import (  # noqa: E402
    PRONOUNS,
    REFERENTS,
    _accepted,
    _parse,
    _source_genders,
    has_marks,
    load_referents,
    read_attributions,
    speaker_matches,
)


def load_reported_gold(root: Path, split: str) -> list[tuple[str, str, list[dict]]]:
    """[(name, text, [gold ...])]: attributions without a quotation mark in their content
    and with a Source, each with ``content`` spans and the ``accept`` answers of quotes.py."""
    referents = load_referents(Path(str(REFERENTS).format(split=split)))
    out = []
    for name, text, spans, golds in read_attributions(root, split):
        # the referent guesses read every attribution's source, as quotes.py does
        all_sources = sorted(
            (spans[r["Source"]][0][0], " ".join(text[a:b] for a, b in spans[r["Source"]]))
            for r in golds if r.get("Source") in spans
        )
        genders = _source_genders(text, [s for _, s in all_sources], given_names=True)
        items = []
        for roles in golds:
            content = spans.get(roles.get("Content", ""), [])
            src = spans.get(roles.get("Source", ""))
            if not content or not src:
                continue
            ctext = " ".join(text[a:b] for a, b in content)
            if has_marks(ctext):
                continue
            g = dict(content=content, text=ctext, source=" ".join(text[a:b] for a, b in src),
                     source_start=src[0][0], source_end=src[-1][1])
            label = referents.get((name, g["source_start"]))
            g["accept"] = ([g["source"], *label] if label is not None
                           else _accepted(g, all_sources, text, genders, persons_only=True, v4=True))
            items.append(g)
        out.append((name, text, items))
    return out


def case_of(q, text: str, told_after: set[int]) -> tuple[str, str]:
    """(where the cue stands, what its subject is) of a found indirect quote;
    ``told_after``: the starts of the reports ``_reported_before`` made."""
    where = "after" if q.start in told_after else "before"
    said = text[q.speaker_start:q.speaker_end] if q.speaker_start is not None else ""
    if said.strip().lower() in PRONOUNS:
        kind = "pronoun"
    elif said[:1].islower() or said.split()[:1] in (["The"], ["A"], ["An"]):
        kind = "description"
    else:
        kind = "name"
    return where, kind


def found_speakers(doc) -> tuple[list, set[int]]:
    """The indirect quotes without quotation marks that carry a speaker, and the starts
    of those told before (or around) their verb (read off ``_reported_before``)."""
    from storyscope.enrich import quotes as quotes_module
    from storyscope.enrich.entities import find_entities

    made: set[int] = set()
    # (absent from the code before reports told after their verb: every report is "before")
    original = getattr(quotes_module, "_reported_before", lambda *args: None)

    def recording(*args):
        unit = original(*args)
        if unit is not None:
            made.add(unit.start)
        return unit

    quotes_module._reported_before = recording
    try:
        found = quotes_module.find_quotes(doc, find_entities(doc))
    finally:
        quotes_module._reported_before = original
    return [q for q in found if q.kind == "indirect" and q.speaker and not has_marks(doc.text[q.start:q.end])], made


def score_split(gold_docs, docs, show: int = 0) -> dict:
    """Counters per case: found (overlapping gold), right; and gold covered."""
    found, right = Counter(), Counter()
    covered = 0
    total = 0
    shown = 0
    for (name, text, golds), doc in zip(gold_docs, docs):
        qs, told_after = found_speakers(doc)
        total += len(golds)
        hit_gold = [False] * len(golds)
        for q in qs:
            hits = [i for i, g in enumerate(golds) if any(a < q.end and q.start < b for a, b in g["content"])]
            if not hits:
                continue
            case = case_of(q, text, told_after)
            ok = any(speaker_matches(q.speaker, golds[i]["accept"]) for i in hits)
            found[case] += 1
            right[case] += ok
            for i in hits:
                hit_gold[i] = True
            if show and not ok and shown < show and case[0] == "after":
                shown += 1
                g = golds[hits[0]]
                print(f"[{name}] {case} found={q.speaker!r} gold={g['source']!r} accept={g['accept'][1:]}")
                print(f"   {' '.join(text[max(0, q.start - 150):q.end + 60].split())!r}")
        covered += sum(hit_gold)
    return dict(found=found, right=right, covered=covered, total=total)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="PolNeAR root (holds train/ dev/)")
    ap.add_argument("--split", default="train,dev", help="train: tuned on; dev: untouched")
    ap.add_argument("--cache", type=Path, help="folder of parsed docs (benchmarks/quotes.py's DocBin files)")
    ap.add_argument("--show-errors", type=int, default=0, help="print N wrong train speakers of the 'after' case")
    args = ap.parse_args(argv)

    from storyscope.enrich.nlp import load_nlp

    nlp = load_nlp()
    for split in args.split.split(","):
        gold_docs = load_reported_gold(args.data, split)
        cache = args.cache / f"polnear-{split}.spacy" if args.cache else None
        docs, _ = _parse(nlp, [text for _, text, _ in gold_docs], cache)
        s = score_split(gold_docs, docs, args.show_errors if split == "train" else 0)
        label = "tuned on" if split == "train" else "untouched"
        print(f"\nPolNeAR {split} ({label}): {len(gold_docs)} articles, {s['total']} attributions "
              f"without quotation marks that have a Source")
        print(f"{'case':<24}{'found':>7}{'right':>7}{'accuracy':>10}")
        for case in sorted(s["found"]):
            n, k = s["found"][case], s["right"][case]
            print(f"{' / '.join(case):<24}{n:>7}{k:>7}{k / n:>10.3f}")
        n, k = sum(s["found"].values()), sum(s["right"].values())
        print(f"{'all':<24}{n:>7}{k:>7}{(k / n if n else 0):>10.3f}")
        print(f"given: {s['covered']} of {s['total']} ({s['covered'] / max(s['total'], 1):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
