"""Benchmark of build_brief on big stories: time and memory at 50 to 5,000 articles.

Usage:
    python benchmarks/big_story.py --data ../shared/data [--sizes 50 150 600 1000 5000]

A major event draws thousands of articles, most of them rewrites of a few reports. The
benchmark builds such a story from real text: the ECB+ articles of one topic (the event)
plus a share of other topics' articles (the background every outlet adds), each enriched
once by the project's enrich stage. Article i of the big story is composed of the
sentences of two or three base articles (about a third dropped, in their order), and
every other sentence is edited (one lower-case word left out), so that outlets' wordings
differ as rewrites do and no exact-text shortcut applies; every fifth article is a
verbatim copy of an earlier one (syndication). The base enrichment's sentences, entities,
quotes and dates are carried over to the composed text with their offsets shifted.

Each size runs in its own process (so one size's memory does not count for the next):
the records are loaded, the embedding model is warmed up, the peak RSS is reset, then
build_brief runs once; the table gives its wall time and the process's peak RSS growth
during the call.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from storyscope.model import Article, DateMention, Enrichment, EntityMention, Quote, Sentence, Story

sys.path.insert(0, str(Path(__file__).parent))
from brief import detokenize  # noqa: E402  (the same ECB+ de-tokenising as the brief benchmark)

TOPIC = "13"  # the church fire (ECB+ topic 13: 33 articles, two events)
BACKGROUND = 60  # other topics' articles mixed in


def _base(data: Path) -> list[tuple[Article, Enrichment]]:
    from storyscope.enrich.pipeline import enrich_articles

    docs = [json.loads(line) for line in (data / "ecbplus" / "ecbplus_docs.jsonl").open(encoding="utf-8")]
    event = [d for d in docs if d["topic"] == TOPIC]
    other = [d for d in docs if d["topic"] != TOPIC]
    random.Random(7).shuffle(other)
    arts = []
    for d in event + other[:BACKGROUND]:
        title = detokenize(d["title"])
        arts.append(Article(id=d["id"], text=title + "\n\n" + detokenize(d["text"]), title=title,
                            outlet=f"ecb:{d['id']}", language="en"))
    return list(zip(arts, enrich_articles(arts)))


def _spans(e: Enrichment, lo: int, hi: int):
    """The enrichment's records inside [lo, hi), relative to lo."""
    def inside(x):
        return lo <= x.start and x.end <= hi
    return ([x for x in e.entities if inside(x)], [q for q in e.quotes if inside(q)],
            [d for d in e.dates if inside(d)])


def _shift(x, by: int, cut: tuple[int, int] | None):
    """Move a record by ``by``; None when it overlaps the cut span (relative offsets)."""
    start, end = x.start + by, x.end + by
    if cut:
        c0, c1 = cut
        if start < c1 and c0 < end:
            return None
        if start >= c1:
            start, end = start - (c1 - c0), end - (c1 - c0)
    kw = {"start": start, "end": end}
    if isinstance(x, Quote):
        kw["speaker_start"] = kw["speaker_end"] = None
    return type(x)(**{**x.__dict__, **kw})


def compose(i: int, pool: list[tuple[Article, Enrichment]], event: int) -> tuple[Article, Enrichment]:
    """Article i of the big story: sentences of two or three base articles, edited."""
    rnd = random.Random(i)
    picks = rnd.sample(range(event), 2) + ([rnd.randrange(len(pool))] if rnd.random() < 0.5 else [])
    text, sents, ents, quotes, dates = "", [], [], [], []
    for p in picks:
        art, enr = pool[p]
        for s in enr.sentences:
            if rnd.random() < 0.35:
                continue
            raw = art.text[s.start:s.end]
            cut = None
            if rnd.random() < 0.5:  # an outlet's edit: one lower-case word left out
                words = [(m0, m0 + len(w)) for m0, w in _word_spans(raw) if w.islower() and len(w) >= 4]
                if words:
                    c0, c1 = rnd.choice(words)
                    cut = (c0, min(c1 + 1, len(raw)))
            new = raw if cut is None else raw[:cut[0]] + raw[cut[1]:]
            if text:
                text += " " if rnd.random() < 0.7 else "\n\n"
            at = len(text)
            text += new
            sents.append(Sentence(at, at + len(new), new))
            e_, q_, d_ = _spans(enr, s.start, s.end)
            for src, dst in ((e_, ents), (q_, quotes), (d_, dates)):
                for x in src:
                    y = _shift(x, -s.start, cut)
                    if y is not None:
                        dst.append(type(y)(**{**y.__dict__, "start": y.start + at, "end": y.end + at}))
    aid = f"big{i:05d}"
    art = Article(id=aid, text=text, title=f"{pool[picks[0]][0].title} ({i})", outlet=f"outlet {i % 400}",
                  language="en")
    return art, Enrichment(aid, tuple(sents), tuple(ents), tuple(quotes), tuple(dates))


def _word_spans(text: str):
    import re

    return [(m.start(), m.group(0)) for m in re.finditer(r"[A-Za-z]+", text)]


def big_story(n: int, pool, event: int) -> list[tuple[Article, Enrichment]]:
    items: list[tuple[Article, Enrichment]] = []
    for i in range(n):
        if i % 5 == 4 and items:  # a verbatim copy of an earlier article (syndication)
            src, enr = items[random.Random(i).randrange(len(items))]
            aid = f"big{i:05d}"
            items.append((Article(id=aid, text=src.text, title=src.title, outlet=f"outlet {i % 400}",
                                  language="en"), Enrichment(aid, enr.sentences, enr.entities, enr.quotes,
                                                             enr.dates)))
        else:
            items.append(compose(i, pool, event))
    return items


def _peak_reset() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux)
        return True
    except OSError:
        return False


def _rss(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(path: Path) -> None:
    from storyscope.compare import build_brief
    from storyscope.features.embed import embed

    items = pickle.loads(path.read_bytes())
    story = Story("big", "big", tuple(a.id for a, _ in items), (), None, None)
    try:
        embed(["warm up the model"])
    except Exception:  # the words alone align without the model
        pass
    build_brief(Story("w", "w", (items[0][0].id,), (), None, None), items[:1])  # imports, caches
    base = _rss("VmRSS")
    _peak_reset()
    t, c = time.perf_counter(), time.process_time()
    out = build_brief(story, items)
    dt, cpu = time.perf_counter() - t, time.process_time() - c
    brief = out.to_dict() if hasattr(out, "to_dict") else out.data
    peak = _rss("VmHWM")
    sampled = [n for n in brief["notes"] if "sampled" in n or "compared" in n and "of" in n]
    print(json.dumps({"seconds": dt, "cpu": cpu, "peak_mb": peak - base, "facts": len(brief["facts"]),
                      "quotes": len(brief["quotes"]), "disagreements": len(brief["disagreements"]),
                      "timeline": len(brief["timeline"]), "notes": sampled}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, help="the shared data folder (holds ecbplus/)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 150, 600, 1000, 5000])
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    if not args.data:
        ap.error("--data is required")
    t = time.perf_counter()
    pool = _base(args.data)
    event = sum(1 for a, _ in pool if a.id.split("_")[0] == TOPIC)
    print(f"base: {len(pool)} ECB+ articles ({event} of topic {TOPIC}) enriched in {time.perf_counter() - t:.1f}s")
    print("seconds: wall time of build_brief; cpu: its process CPU time (all threads; a busy machine\n"
          "inflates wall time, not CPU time); peak MB: peak RSS growth during the call")
    print(f"{'articles':>8} {'units':>6} {'wordings':>8} {'seconds':>8} {'cpu s':>6} {'peak MB':>8} {'facts':>6} "
          f"{'quotes':>6} {'disagr':>6}  notes")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            items = big_story(n, pool, event)
            units = sum(len(e.sentences) for _, e in items)
            wordings = len({s.text for _, e in items for s in e.sentences})
            path = Path(tmp) / f"story{n}.pkl"
            path.write_bytes(pickle.dumps(items))
            proc = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"{n:>8} {units:>6} {wordings:>8}  FAILED: {proc.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"{n:>8} {units:>6} {wordings:>8} {r['seconds']:>8.2f} {r.get('cpu', float('nan')):>6.1f} "
                  f"{r['peak_mb']:>8.0f} {r['facts']:>6} {r['quotes']:>6} "
                  f"{r['disagreements']:>6}  {'; '.join(r['notes'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
