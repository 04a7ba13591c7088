"""Print PolNeAR's gold pronoun sources for labelling their referents by hand, blind.

    python benchmarks/polnear_referents.py --data ../shared/data/polnear --split train --sample 80
    python benchmarks/polnear_referents.py --data ../shared/data/polnear --split dev

PolNeAR marks who said a quote but not whom a pronoun source ("he", "she", "they") means;
the scorer (benchmarks/quotes.py) guesses it, and the guess is wrong often enough to hide
the system's real accuracy. This prints, for each gold attribution with quotation marks
whose Source is a pronoun, the article's text before the pronoun and the rest of its
sentence -- article text only: no system answer and no scorer guess is shown, so the
label is the reader's. The labeller writes one line per item into
benchmarks/gold/polnear_referents_<split>.tsv:

    article <TAB> source start <TAB> source end <TAB> pronoun <TAB> referent

the referent as the article writes the person's (or group's) name, "-" where the article
does not say whom the pronoun means. The first four fields are printed ready to copy.
``--sample N`` draws N items at random (seeded), for measuring the guess on train;
``--unlabelled`` keeps only items the referent file does not hold yet (a further draw:
``--unlabelled --sample 160 --seed 12`` gave session 12's second train batch);
without it every item of the split is printed (dev: the whole split, so the figure is
not a selected one).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quotes import PRONOUNS, load_gold, speaker_matches  # noqa: E402


def pronoun_sources(root: Path, split: str) -> list[tuple[str, str, dict]]:
    """[(article, text, gold)] for every scored gold attribution whose Source is a pronoun."""
    out = []
    for name, text, golds in load_gold(root, split):
        for g in golds:
            if g["source"] and g["source"].strip().lower() in PRONOUNS:
                out.append((name, text, g))
    return out


def context(text: str, start: int, end: int, before: int) -> tuple[str, str]:
    """The ``before`` characters of article text before the pronoun (whole words, paragraph
    breaks shown as " ¶ ") and the rest of the pronoun's sentence after it."""
    lead = text[max(0, start - before) : start]
    if start - before > 0:
        lead = lead.split(" ", 1)[-1]
    rest = text[end : end + 300]
    stop = min((i for i in (rest.find("\n"), rest.find(". "), rest.find(".”"), rest.find('."')) if i >= 0), default=len(rest))
    show = lambda s: " ¶ ".join(" ".join(p.split()) for p in s.split("\n") if p.strip())  # noqa: E731
    return show(lead), show(rest[: stop + 1])


def check_guess(root: Path, split: str) -> dict[str, int]:
    """How the scorer's v4 guess fares against the hand labels of ``split``: "right" when
    it accepts the labelled person (and no one else), "also wrong" when it accepts the
    person and a wrong name beside them, "wrong" when it accepts only someone else,
    "none" when it guesses no one; "unsaid" counts labels "-" (the article does not say)."""
    out = dict.fromkeys(["labelled", "right", "also wrong", "wrong", "none", "unsaid"], 0)
    for _, _, g in pronoun_sources(root, split):
        if not g["labelled"]:
            continue
        out["labelled"] += 1
        names = g["accept"][1:]
        guesses = g["accept_v4"][1:]
        if not names:
            out["unsaid"] += 1
        elif not guesses:
            out["none"] += 1
        else:
            good = [x for x in guesses if any(speaker_matches(x, [n]) for n in names)]
            out["wrong" if not good else "also wrong" if len(good) < len(guesses) else "right"] += 1
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="PolNeAR root (holds train/ dev/)")
    ap.add_argument("--split", default="train")
    ap.add_argument("--sample", type=int, default=0, help="N items drawn at random (0: all)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--unlabelled", action="store_true", help="only items not yet in the split's referent file (to draw more)")
    ap.add_argument("--chars", type=int, default=700, help="characters of text shown before the pronoun")
    ap.add_argument("--only", help="comma-separated 'article:start' keys to print (a longer look at some)")
    ap.add_argument("--check", action="store_true", help="score the v4 guess against the labels of --split")
    args = ap.parse_args(argv)
    if args.check:
        c = check_guess(args.data, args.split)
        judged = c["labelled"] - c["unsaid"]
        print(f"PolNeAR {args.split}: {c['labelled']} hand-labelled pronoun sources ({c['unsaid']} whose referent the article does not say)")
        for k in ("right", "also wrong", "wrong", "none"):
            print(f"  v4 guess {k:<10} {c[k]:>4}  {c[k] / judged if judged else 0:.2f}")
        return 0

    items = pronoun_sources(args.data, args.split)
    if args.unlabelled:
        items = [it for it in items if not it[2]["labelled"]]
    if args.sample:
        items = sorted(random.Random(args.seed).sample(items, min(args.sample, len(items))), key=lambda x: (x[0], x[2]["source_start"]))
    if args.only:
        keys = set(args.only.split(","))
        items = [it for it in items if f"{it[0]}:{it[2]['source_start']}" in keys]
    print(f"# {len(items)} gold pronoun sources, PolNeAR {args.split}")
    for name, text, g in items:
        start = g["source_start"]
        end = g["source_end"]
        lead, rest = context(text, start, end, args.chars)
        print(f"\n{name}\t{start}\t{end}\t{g['source'].strip()}")
        print(f"  ...{lead} [[{text[start:end]}]] {rest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
