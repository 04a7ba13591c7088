"""Benchmark the extract stage on trafilatura's evaluation set, next to trafilatura itself.

    python benchmarks/extraction.py --data ../shared/data/extraction-trafilatura-eval [--limit N]
        [--ablate-date-rules]

Pages are split by host (``www.`` aside), by a hash of the host name, so that all
pages of a site fall on one side: "tune" hosts are the ones to look at while
changing the extractor, "held-out" hosts are only reported. Every figure is printed
for both and for all pages. Until issue 12 the extractor was tuned on all pages
(its date rules name pages of both sides), so the held-out rows measure changes made
from then on; ``--ablate-date-rules`` adds a row without ``refine_published`` to
show what those rules do on each side.

Scoring is trafilatura's own (tests/eval_common.py): each ``with`` snippet found
in the whitespace-normalised extracted text is a true positive, missing a false
negative; each ``without`` snippet found is a false positive, absent a true
negative; a crash or an empty result counts as a full miss. Metadata accuracy is
the share of pages with a gold value whose extracted value matches it (date:
same ``YYYY-MM-DD``; title and author: equal after case and whitespace folding).
Throughput is documents per second over the same bytes, decoding included.

A page an extractor refuses (storyscope: under 200 characters of main text, an
error page or stub) yields no text and no metadata, so it is a miss for the text
and for every gold field it has: the score is what a user of the extractor gets.
Scoring metadata only on the pages returned would reward refusing hard pages.

Gold dates are read as written, ``YYYY-MM-DD``, except where the gold itself is
written ``YYYY-DD-MM`` (a middle field over 12: two pages) or with a one-digit
field or a stray separator; both extractors are scored against the same reading.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from hashlib import sha1
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from storyscope.errors import StoryscopeError
from storyscope.extract import decode_bytes, extract
from storyscope.extract.metadata import iso_date
from storyscope.model import RawDoc


@dataclass(frozen=True)
class Output:
    text: str | None
    date: str | None = None
    title: str | None = None
    author: str | None = None


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    seconds: float = 0.0
    docs: int = 0
    errors: int = 0
    meta: dict = field(default_factory=lambda: {k: [0, 0] for k in ("date", "title", "author")})

    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0

    def row(self, name: str) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = self.f1()
        dps = self.docs / self.seconds if self.seconds else 0.0
        acc = {k: (f"{hit / n:.3f}" if n else "n/a") for k, (hit, n) in self.meta.items()}
        return (
            f"| {name:<38} | {p:.4f} | {r:.4f} | {f1:.4f} | {dps:6.1f} | "
            f"{acc['date']} | {acc['title']} | {acc['author']} | {self.errors} |"
        )


WARMUP_PAGES = 20

HEADER = (
    "| extractor (hosts)                      | precision | recall | F1 | docs/s | date acc | title acc | author acc | refused |\n"
    "|---|---|---|---|---|---|---|---|---|"
)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def fold(value: str | list[str] | None) -> str:
    """Case- and space-folded value; several gold authors are joined as trafilatura joins them."""
    if isinstance(value, list):
        value = "; ".join(value)
    return norm(value or "").casefold()


_GOLD_DATE = re.compile(r"(\d{4})\D(\d{1,2})\D(\d{1,2})")


def gold_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` of a gold date; ``2022-29-11`` (day before month, as two gold entries write it) too."""
    match = _GOLD_DATE.match((value or "").strip())
    if match is None:
        return iso_date(value)
    year, month, day = match.groups()
    if int(month) > 12 >= int(day):
        month, day = day, month
    return iso_date(f"{year}-{int(month):02d}-{int(day):02d}")


def run_storyscope(data: bytes, url: str) -> Output:
    html = decode_bytes(data)
    article = extract(RawDoc(id=url, source=url, html=html, url=url))
    return Output(article.text, article.published, article.title, article.author)


def run_storyscope_without_date_rules(data: bytes, url: str) -> Output:
    """storyscope with htmldate's pick as it is (``refine_published`` off)."""
    from storyscope.extract import html as html_mod

    rules = html_mod.meta.refine_published
    html_mod.meta.refine_published = lambda found, _structured: found
    try:
        return run_storyscope(data, url)
    finally:
        html_mod.meta.refine_published = rules


def host_split(url: str) -> str:
    """"tune" or "held-out": a fixed hash of the host, so each site falls on one side."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return "tune" if int(sha1(host.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "held-out"


def run_trafilatura(data: bytes, url: str) -> Output:
    from trafilatura import bare_extraction

    doc = bare_extraction(data, url=url, with_metadata=True)  # default settings
    if doc is None:
        return Output(None)
    return Output(doc.text, doc.date, doc.title, doc.author)


def score(runners: dict[str, Callable[[bytes, str], Output]], pages) -> dict[str, Score]:
    """Score every runner on every page.

    Runners take turns page by page, and which goes first alternates, so that
    lazily built caches (htmldate and dateparser compile per-language patterns
    on first meeting a language: seconds each) and load from other processes
    hit them alike.
    """
    results = {(name, split): Score() for name in runners for split in SPLITS}
    order = list(runners.items())
    for n, (url, item, data) in enumerate(pages):
        for name, runner in order if n % 2 == 0 else order[::-1]:
            out, seconds = _run(runner, data, url)
            for split in ("all", host_split(url)):
                _add(results[name, split], item, out, seconds)
    return results


SPLITS = ("tune", "held-out", "all")


def _run(runner: Callable[[bytes, str], Output], data: bytes, url: str) -> tuple[Output, float]:
    start = time.perf_counter()
    try:
        out = runner(data, url)
    except StoryscopeError:
        out = Output(None)
    return out, time.perf_counter() - start


def _add(result: Score, item: dict, out: Output, seconds: float) -> None:
    result.seconds += seconds
    result.docs += 1
    text = norm(out.text) if out.text else None
    if text is None:
        result.errors += 1
    found_with = sum(1 for w in item["with"] if text is not None and norm(w) in text)
    found_without = sum(1 for w in item["without"] if text is not None and norm(w) in text)
    result.tp += found_with
    result.fn += len(item["with"]) - found_with
    result.fp += found_without
    result.tn += len(item["without"]) - found_without
    gold = {"date": item.get("date"), "title": item.get("title"), "author": item.get("author")}
    got = {"date": iso_date(out.date), "title": out.title, "author": out.author}
    for key, value in gold.items():
        if value:
            result.meta[key][1] += 1
            if key == "date":
                result.meta[key][0] += gold_date(value) == got[key]
            else:
                result.meta[key][0] += fold(value) == fold(got[key])


def load_pages(root: Path, limit: int | None):
    evaldata = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in evaldata.items():
        for sub in ("cache", "eval"):
            path = root / sub / item["file"]
            if path.is_file():
                pages.append((url, item, path.read_bytes()))
                break
        if limit and len(pages) >= limit:
            break
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="folder holding evaldata.json and eval/, cache/")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    parser.add_argument(
        "--min-f1", type=float, default=None,
        help="quality gate: exit with status 1 when storyscope's F1 falls below this floor (0.94 on the full set)",
    )
    parser.add_argument("--ablate-date-rules", action="store_true",
                        help="add a storyscope row without refine_published (the stated-date rules)")
    args = parser.parse_args(argv)
    if not (args.data / "evaldata.json").is_file():
        parser.error(f"{args.data} holds no evaldata.json: pass the trafilatura evaluation folder")
    pages = load_pages(args.data, args.limit)
    # Warm both up (imports, lazily loaded models and caches) before timing.
    for url, _item, data in pages[:WARMUP_PAGES]:
        for runner in (run_storyscope, run_trafilatura):
            try:
                runner(data, url)
            except StoryscopeError:
                pass
    counts = {split: sum(1 for url, _, _ in pages if host_split(url) == split) for split in SPLITS[:2]}
    print(f"{len(pages)} pages from {args.data}: {counts['tune']} on tune hosts, {counts['held-out']} on held-out hosts\n")
    print(HEADER)
    runners = {"storyscope": run_storyscope, "trafilatura 2.3.1 default": run_trafilatura}
    if args.ablate_date_rules:
        runners["storyscope without date rules"] = run_storyscope_without_date_rules
    results = score(runners, pages)
    for split in SPLITS:
        for name in runners:
            print(results[name, split].row(f"{name} ({split})"))
    f1 = results["storyscope", "all"].f1()
    if args.min_f1 is not None and f1 < args.min_f1:
        print(f"\nFAIL: storyscope F1 {f1:.4f} is below the floor {args.min_f1}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
