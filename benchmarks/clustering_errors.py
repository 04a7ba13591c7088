"""Error analysis of streaming clustering on ECB+: where B-cubed is lost, and at which decision.

    .venv/bin/python benchmarks/clustering_errors.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl

Streams the file as ``benchmarks/clustering.py`` does (same seeds) and prints:

- the B-cubed loss split by kind: precision lost to articles of the *other* event
  of the same topic (sibling events: two earthquakes), to other topics, and
  recall lost to splits of one event;
- every decision the clusterer took, counted right or wrong against the gold
  event that most of the story's articles report at that moment: a join (into a
  story of another event: wrong), a new story (while a story of its own event
  was open: wrong; whether that story was among the scored candidates or not
  retrieved at all), a merge check that merged, a split check that split;
- the same B-cubed F1 with the merge check and with the split check turned off
  (what each step earns);
- the topics that lose most.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from clustering import bcubed, load  # noqa: E402
from storyscope.cluster import StreamClusterer, stream as stream_mod  # noqa: E402
from storyscope.features import compute_many  # noqa: E402


def topic_of(story: str) -> str:
    return "".join(ch for ch in story if ch.isdigit())


def loss_by_kind(pred: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    """B-cubed precision and recall lost, in points of the mean, by kind of error."""
    members: dict[str, list[str]] = defaultdict(list)
    for i, c in pred.items():
        members[c].append(i)
    gsize = Counter(gold.values())
    n = len(gold)
    out = Counter()
    per_topic = Counter()
    for i in gold:
        cl = members[pred[i]]
        same = sum(gold[j] == gold[i] for j in cl)
        sib = sum(gold[j] != gold[i] and topic_of(gold[j]) == topic_of(gold[i]) for j in cl)
        other = len(cl) - same - sib
        out["P lost to the sibling event"] += sib / len(cl) / n
        out["P lost to other topics"] += other / len(cl) / n
        out["R lost (event split)"] += (1 - same / gsize[gold[i]]) / n
        per_topic[topic_of(gold[i])] += (sib + other) / len(cl) / n + (1 - same / gsize[gold[i]]) / n
    return {**out, "_topics": per_topic}


def run(rows, feats, seed: int, decisions: Counter, **kw) -> dict[str, str]:
    gold = {a.id: s for a, s in rows}
    order = [a for a, _ in rows]
    random.Random(seed).shuffle(order)
    c = StreamClusterer(**kw)
    where: dict[str, str] = {}
    counts: dict[str, Counter] = defaultdict(Counter)

    def major(sid: str) -> str | None:
        cnt = counts.get(sid)
        return cnt.most_common(1)[0][0] if cnt and sum(cnt.values()) else None

    for a in order:
        g = gold[a.id]
        open_of_event = {sid for sid, cnt in counts.items() if cnt and major(sid) == g}
        cands = {sid for sid, _, closed in c.evidence_for(feats[a.id], a.published) if not closed}
        before = {sid: major(sid) for sid in counts}
        got = c.add(a.id, feats[a.id], a.published)
        if got.syndicated_of:
            decisions["copy"] += 1
        elif got.is_new:
            if not open_of_event:
                decisions["new story: right"] += 1
            elif open_of_event & cands:
                decisions["new story: wrong, own event's story scored below threshold"] += 1
            else:
                decisions["new story: wrong, own event's story not retrieved"] += 1
        else:
            # the story joined before any merge: the one whose majority we compare
            target = next((sid for sid in cands if sid == got.story_id or sid == got.merged_from), got.story_id)
            m = before.get(target)
            if m == g:
                decisions["join: right"] += 1
            elif topic_of(m or "") == topic_of(g):
                decisions["join: wrong, sibling event's story"] += 1
            else:
                decisions["join: wrong, other topic's story"] += 1
        moves = [(a.id, got.story_id), *got.moved]
        if got.merged_from:
            src_major = major(got.merged_from)
            dst_major = major(got.story_id)
            # the arriving article joined one of the two: compare before its own vote
            decisions["merge: right" if src_major == dst_major else "merge: wrong"] += 1
        elif got.moved:
            kept = major(where[got.moved[0][0]])
            moved_major = Counter(gold[i] for i, _ in got.moved).most_common(1)[0][0]
            decisions["split: right" if kept != moved_major else "split: wrong"] += 1
        for i, sid in moves:
            old = where.get(i)
            if old is not None:
                counts[old][gold[i]] -= 1
            where[i] = sid
            counts[sid][gold[i]] += 1
    return {a.id: c.story_of(a.id) for a in order}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--top", type=int, default=10, help="topics listed")
    args = ap.parse_args(argv)
    rows = load(args.data, False)
    gold = {a.id: s for a, s in rows}
    feats = dict(zip((a.id for a, _ in rows), compute_many([a for a, _ in rows])))
    decisions: Counter = Counter()
    kinds: Counter = Counter()
    topics: Counter = Counter()
    f1 = []
    for r in range(args.runs):
        pred = run(rows, feats, args.seed + r, decisions)
        f1.append(bcubed(pred, gold)[2])
        lost = loss_by_kind(pred, gold)
        topics.update(lost.pop("_topics"))
        kinds.update(lost)
    print(f"B-cubed F1 {statistics.mean(f1):.3f} (mean of {args.runs} orders)")
    print("B-cubed lost (mean over orders, points of P or R):")
    for k, v in kinds.items():
        print(f"  {k:<32} {v / args.runs:.4f}")
    print("decisions (all orders):")
    for k in sorted(decisions):
        print(f"  {k:<62} {decisions[k]:6d}")
    print(f"topics that lose most (P + R lost, mean over orders; {len(topics)} topics):")
    sizes = Counter(gold.values())
    for t, v in topics.most_common(args.top):
        ev = sorted(s for s in sizes if topic_of(s) == t)
        print(f"  topic {t:>3}: {v / args.runs:.4f}  events {', '.join(f'{s} ({sizes[s]})' for s in ev)}")
    # what each later step earns
    for label, patch in (("no merge check", ("_MERGE_AT", ())), ("no split check", ("_SPLIT_AT", (10**9,)))):
        old = getattr(stream_mod, patch[0])
        setattr(stream_mod, patch[0], patch[1])
        try:
            got = [bcubed(run(rows, feats, args.seed + r, Counter()), gold) for r in range(args.runs)]
        finally:
            setattr(stream_mod, patch[0], old)
        p, rr, f = (statistics.mean(c) for c in zip(*got))
        print(f"{label}: P {p:.3f} R {rr:.3f} F1 {f:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
