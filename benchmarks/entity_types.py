"""Names whose type the brief changes from the small model's, for reading by hand.

Usage:
    python benchmarks/entity_types.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl [--half odd|even]

ECB+ has no entity-type gold, so this prints every change ``compare/place_cues.py`` makes
to the per-story vote of the model's labels (one gold ECB+ story at a time), with one
sentence of context each, for a person to mark right or wrong; and a table of the changes
by label. The marks were chosen on the odd topics; the even topics were read after.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from storyscope.compare.entities import _voted
from storyscope.compare.place_cues import SLIP_LABELS, place_types
from storyscope.enrich.pipeline import enrich_articles
from storyscope.model import Article

sys.path.insert(0, str(Path(__file__).parent))
from brief import detokenize  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="ecbplus_docs.jsonl")
    ap.add_argument("--half", choices=("odd", "even"), default="even",
                    help="ECB+ topics to read (the marks were chosen on the odd ones)")
    args = ap.parse_args()

    by_story: dict[str, list[Article]] = defaultdict(list)
    with args.data.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if (int(d["topic"]) % 2 == 1) != (args.half == "odd"):
                continue
            title = detokenize(d["title"])
            by_story[d["story"]].append(Article(id=d["id"], text=title + "\n\n" + detokenize(d["text"]),
                                                title=title, language="en"))
    changes: Counter[tuple[str, str]] = Counter()
    names = 0
    print("story\tname\tmodel (voted) -> brief\t| context")
    for sid in sorted(by_story):
        ens = list(enrich_articles(by_story[sid]))
        voted = {n: lab for n, lab, _ in _voted([(m.canonical, m.label, e.article_id)
                                                 for e in ens for m in e.entities if m.canonical])}
        names += len(voted)
        for name, new in sorted(place_types(ens).items()):
            old = voted.get(name)
            if old not in SLIP_LABELS:
                continue
            changes[(old, new)] += 1
            e, m = next((e, m) for e in ens for m in e.entities if m.canonical == name)
            s = next(s for s in e.sentences if s.start <= m.start < s.end)
            at = m.start - s.start
            print(f"{sid}\t{name}\t{old} -> {new}\t| {s.text[max(0, at - 40): at + len(m.text) + 40]}"
                  .replace("\n", " "))
    print(f"\n{len(by_story)} stories, {names} distinct names per story, "
          f"{sum(changes.values())} types changed ({args.half} topics)")
    print("| model label | brief | names |\n|---|---|---|")
    for (old, new), n in sorted(changes.items(), key=lambda kv: -kv[1]):
        print(f"| {old} | {new} | {n} |")


if __name__ == "__main__":
    main()
