"""Benchmark: streaming story clustering against gold same-event stories.

    .venv/bin/python benchmarks/clustering.py --data ../shared/data/ecbplus/ecbplus_docs.jsonl

Input: JSON lines with ``id``, ``story`` (gold), ``title``, ``text`` and optional
``date``. Articles are streamed in shuffled order (one fixed seed per run) into a
fresh ``StreamClusterer``; each run's stories at the end of the stream (after any
split checks moved articles) are scored against ``story`` with B-cubed
precision / recall / F1 and the adjusted Rand index. Prints one row per order,
then mean and standard deviation, and the speed of features and clustering.

ECB+ ``date`` fields are raw page strings (and absent for the ECB half), so dates
are not passed unless ``--dates`` is given (then only ISO-looking ones are used).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from math import comb
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storyscope.cluster import StreamClusterer  # noqa: E402
from storyscope.features import compute, compute_many  # noqa: E402
from storyscope.model import Article  # noqa: E402


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    pred_members: dict[str, set[str]] = {}
    gold_members: dict[str, set[str]] = {}
    for item, c in pred.items():
        pred_members.setdefault(c, set()).add(item)
    for item, c in gold.items():
        gold_members.setdefault(c, set()).add(item)
    p = r = 0.0
    for item in gold:
        pc = pred_members[pred[item]]
        gc = gold_members[gold[item]]
        both = len(pc & gc)
        p += both / len(pc)
        r += both / len(gc)
    n = len(gold)
    p, r = p / n, r / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def adjusted_rand(pred: dict[str, str], gold: dict[str, str]) -> float:
    items = list(gold)
    cont = Counter((pred[i], gold[i]) for i in items)
    a = Counter(pred[i] for i in items)
    b = Counter(gold[i] for i in items)
    index = sum(comb(v, 2) for v in cont.values())
    sa = sum(comb(v, 2) for v in a.values())
    sb = sum(comb(v, 2) for v in b.values())
    total = comb(len(items), 2)
    expected = sa * sb / total if total else 0.0
    top = (sa + sb) / 2
    return (index - expected) / (top - expected) if top != expected else 1.0


def iso_date(value: object) -> str | None:
    """``value`` when it looks like an ISO date (YYYY-MM-DD...), else None: raw page strings are dropped."""
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[:4].isdigit():
        return value
    return None


def load(path: Path, use_dates: bool, topics: str = "all") -> list[tuple[Article, str]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            if topics != "all" and _topic_half(rec) != topics:
                continue
            date = iso_date(rec.get("date")) if use_dates else None
            art = Article(id=str(rec["id"]), text=rec.get("text") or "", title=rec.get("title"), published=date)
            out.append((art, str(rec["story"])))
    return out


def _topic_half(rec: dict) -> str:
    """"odd" or "even" by the record's topic number (digits of ``topic``), for held-out halves."""
    digits = "".join(ch for ch in str(rec.get("topic", "")) if ch.isdigit())
    return "odd" if digits and int(digits) % 2 else "even"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threshold", type=float, default=None, help="override the clusterer threshold")
    ap.add_argument("--dates", action="store_true", help="pass ISO dates found in the data")
    ap.add_argument(
        "--topics", choices=("all", "odd", "even"), default="all",
        help="only the topics with odd or even numbers: choose a constant on one half, report on the other",
    )
    ap.add_argument("--copies", type=int, default=100, help="edited wire copies for the syndication check (0: skip)")
    ap.add_argument("--precise", type=Path, metavar="CACHE.npz",
                    help="with the precise second stage (cluster/precise.py); MiniLM vectors cached in this file. "
                         "Prints the share of articles it rescored and the assignment cost with the encoding counted")
    args = ap.parse_args(argv)

    rows = load(args.data, args.dates, args.topics)
    gold = {a.id: s for a, s in rows}
    t0 = time.perf_counter()
    feats = dict(zip((a.id for a, _ in rows), compute_many([a for a, _ in rows])))
    t_feat = time.perf_counter() - t0
    overrides = {} if args.threshold is None else {"threshold": args.threshold}

    print(f"{len(rows)} articles, {len(set(gold.values()))} gold stories; features {len(rows) / t_feat:,.0f} art/s")
    print(f"{'order':>6} {'stories':>8} {'B3 P':>7} {'B3 R':>7} {'B3 F1':>7} {'ARI':>7} {'art/s':>8}")
    results = []
    synd_total = synd_same = 0
    costs = []
    per_text = 0.0
    encoder = None
    if args.precise:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from minilm_cache import encode_cost, stage_for

        first, texts = stage_for(rows, args.precise)
        encoder = first.encoder  # loaded once for every run below
        per_text = encode_cost(list(texts.values()), encoder=encoder)
    for run in range(args.runs):
        order = [a for a, _ in rows]
        random.Random(args.seed + run).shuffle(order)
        stage = stage_for(rows, args.precise, encoder=encoder)[0] if args.precise else None
        clusterer = StreamClusterer(**overrides, precise=stage)
        t0 = time.perf_counter()
        c0 = time.process_time()
        got = {a.id: clusterer.add(a.id, feats[a.id], a.published) for a in order}
        speed = len(order) / (time.perf_counter() - t0)
        if stage is not None:
            cpu = time.process_time() - c0
            fast = StreamClusterer(**overrides)  # the same order without the stage, for the ratio
            c1 = time.process_time()
            for a in order:
                fast.add(a.id, feats[a.id], a.published)
            costs.append((stage.articles / len(order), len(stage.wanted) / len(order),
                          len(order) / (time.process_time() - c1), len(order) / cpu,
                          len(order) / (cpu + per_text * len(stage.wanted))))
        # the stories at the end of the stream: a split check may have moved articles
        pred = {i: clusterer.story_of(i) or g.story_id for i, g in got.items()}
        copies = [(i, g.syndicated_of) for i, g in got.items() if g.syndicated_of]
        synd_total += len(copies)
        synd_same += sum(gold[i] == gold[o] for i, o in copies)
        p, r, f = bcubed(pred, gold)
        ari = adjusted_rand(pred, gold)
        results.append((len(clusterer), p, r, f, ari, speed))
        print(f"{args.seed + run:>6} {len(clusterer):>8} {p:7.3f} {r:7.3f} {f:7.3f} {ari:7.3f} {speed:8,.0f}")
    cols = list(zip(*results))
    mean = [statistics.mean(c) for c in cols]
    sd = [statistics.stdev(c) if len(c) > 1 else 0.0 for c in cols]
    print(f"{'mean':>6} {mean[0]:8.1f} {mean[1]:7.3f} {mean[2]:7.3f} {mean[3]:7.3f} {mean[4]:7.3f} {mean[5]:8,.0f}")
    print(f"{'sd':>6} {sd[0]:8.1f} {sd[1]:7.3f} {sd[2]:7.3f} {sd[3]:7.3f} {sd[4]:7.3f} {sd[5]:8,.0f}")
    if costs:
        share, enc, off_s, cached_s, full_s = (statistics.mean(c) for c in zip(*costs))
        print(f"precise stage: {share:.1%} of articles had a candidate rescored; {enc:.1%} of articles encoded "
              f"by MiniLM ({per_text:.3f} CPU s a text, numpy encoder, measured here); assignment "
              f"{off_s:,.0f} art/CPU-s without the stage, {cached_s:,.0f} with it and the vectors cached, "
              f"{full_s:,.1f} with the encoding counted")
    print(f"marked syndicated: {synd_total / args.runs:.1f} articles per run, {synd_same} of {synd_total} in the gold story of their original")
    if args.copies:
        syndication_check(rows, feats, args.copies, args.seed)
    return 0


def edited_copy(art: Article, rng: random.Random) -> Article:
    """A wire copy as a second outlet runs it: new headline, dateline, last sentence cut."""
    sentences = art.text.split(". ")
    body = ". ".join(sentences[:-1]) if len(sentences) > 3 else art.text
    dateline = rng.choice(["(AP) — ", "(Reuters) - ", "WASHINGTON (AFP) — ", ""])
    return Article(id=art.id + "#copy", text=dateline + body, title="Update: " + " ".join((art.title or "").split()[:6]))


def syndication_check(rows, feats, n_copies: int, seed: int) -> None:
    """Stream the articles plus edited copies of n of them; count copies found and false alarms."""
    rng = random.Random(seed)
    originals = [a for a, _ in rows if len(a.text.split(". ")) > 3]
    picked = {a.id for a in rng.sample(originals, min(n_copies, len(originals)))}
    stream = [a for a, _ in rows]
    copies = [edited_copy(a, rng) for a in stream if a.id in picked]
    stream += copies
    rng.shuffle(stream)
    # the copy must come after its original to be a copy of it
    pos = {a.id: i for i, a in enumerate(stream)}
    for c in copies:
        o = c.id[: -len("#copy")]
        if pos[c.id] < pos[o]:
            i, j = pos[c.id], pos[o]
            stream[i], stream[j] = stream[j], stream[i]
            pos[c.id], pos[o] = j, i
    extra = {c.id: compute(c) for c in copies}
    clusterer = StreamClusterer()
    got = {a.id: clusterer.add(a.id, feats.get(a.id) or extra[a.id], None) for a in stream}
    found = sum(1 for c in copies if got[c.id].syndicated_of is not None)
    right_story = sum(1 for c in copies if clusterer.story_of(c.id) == clusterer.story_of(c.id[: -len("#copy")]))
    false = sum(1 for i, g in got.items() if g.syndicated_of and not i.endswith("#copy"))
    print(
        f"edited copies: {found} of {len(copies)} marked syndicated, {right_story} in their original's story; "
        f"{false} originals marked as copies (ECB+ does hold a few near-duplicates)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
