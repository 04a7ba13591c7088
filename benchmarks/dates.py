"""Benchmark ``find_dates`` on TempEval-3 TimeBank (TimeML) and print a table.

    python benchmarks/dates.py --data ../shared/data/tempeval3/TimeBank [--spacy] [--errors N]
        [--split tune|untouched|both]

The split is fixed, by document: the ``.tml`` files sorted by name, every third one
(positions 2, 5, 8, ... counting from 0) is the **untouched** third, the rest the
**tuning** two thirds (``split_of``). Rules are tuned on the tuning part only; the
untouched part is reported, never read while tuning (``--errors`` prints only tuning
errors). Both are printed by default.

Each ``.tml`` document gives the publication date (``<DCT><TIMEX3 value=...>``) and its
time expressions (``<TIMEX3 type=... value=...>`` inside ``<TEXT>``). Tags are stripped
to get the plain text with offsets; ``find_dates`` runs on it with the DCT.

Scores, DATE-type gold only (TIME, DURATION and SET gold are not scored):
- extent P/R/F1, relaxed: a prediction and a gold expression match when their spans
  overlap. Predictions that overlap only a TIME/DURATION/SET gold expression are left out
  of precision ("P excl."), since find_dates does not type its output; "P all" counts them
  as false positives;
- value accuracy: share of extent-matched gold expressions whose overlapping prediction
  has the gold value;
- value P/R/F1 (TempEval-3 style): a prediction is correct when it overlaps a gold DATE
  and has its value; "strict" also needs identical offsets (precision as "P excl.").
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from storyscope.enrich.dates import find_dates

_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    type: str
    value: str
    text: str


def parse_tml(raw: str) -> tuple[str, str | None, list[Gold]]:
    """Return (body text, DCT value, gold TIMEX3 in the body) of one TimeML document."""
    dct_match = re.search(r"<DCT>\s*<TIMEX3([^>]*)>", raw)
    dct = dict(_ATTR.findall(dct_match.group(1))).get("value") if dct_match else None
    body_start = raw.find("<TEXT>")
    body_end = raw.find("</TEXT>")
    body = raw[body_start + len("<TEXT>"):body_end]
    out: list[str] = []
    n = 0
    open_timex: list[tuple[int, dict]] = []
    gold: list[Gold] = []
    pos = 0
    for m in _TAG.finditer(body):
        piece = html.unescape(body[pos:m.start()])
        out.append(piece)
        n += len(piece)
        pos = m.end()
        closing, name, attrs = m.groups()
        if name != "TIMEX3":
            continue
        if not closing:
            open_timex.append((n, dict(_ATTR.findall(attrs))))
        elif open_timex:
            start, a = open_timex.pop()
            gold.append(Gold(start, n, a.get("type", ""), a.get("value", ""), ""))
    out.append(html.unescape(body[pos:]))
    text = "".join(out)
    gold = [Gold(g.start, g.end, g.type, g.value, text[g.start:g.end]) for g in gold]
    return text, (dct[:10] if dct else None), gold


SPLITS = ("tune", "untouched")


def split_of(files: list[Path]) -> dict[str, list[Path]]:
    """The fixed split by document: sorted names, every third one untouched."""
    ordered = sorted(files, key=lambda f: f.name)
    return {
        "tune": [f for i, f in enumerate(ordered) if i % 3 != 2],
        "untouched": [f for i, f in enumerate(ordered) if i % 3 == 2],
    }


def _overlap(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def _prf(tp_p: int, n_p: int, tp_g: int, n_g: int) -> tuple[float, float, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_g / n_g if n_g else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(docs, nlp=None, want_errors: bool = False) -> dict:
    """Counts and scores of ``find_dates`` over parsed TimeML ``docs``."""
    n_pred = n_pred_scored = n_gold = 0
    ext_tp_p = ext_tp_g = val_tp_p = val_tp_g = strict_tp = 0
    errors: list[str] = []
    elapsed = 0.0
    nlp_elapsed = 0.0
    for text, dct, gold in docs:
        doc = None
        if nlp is not None:
            t0 = time.perf_counter()
            doc = nlp(text)
            nlp_elapsed += time.perf_counter() - t0
        t0 = time.perf_counter()
        preds = find_dates(text, dct, doc=doc)
        elapsed += time.perf_counter() - t0
        dates = [g for g in gold if g.type == "DATE"]
        others = [g for g in gold if g.type != "DATE"]
        n_gold += len(dates)
        n_pred += len(preds)
        for p in preds:
            hits = [g for g in dates if _overlap(p.start, p.end, g.start, g.end)]
            if not hits and any(_overlap(p.start, p.end, g.start, g.end) for g in others):
                continue  # a TIME/DURATION/SET expression: not scored
            n_pred_scored += 1
            if hits:
                ext_tp_p += 1
                if any(g.value == p.value for g in hits):
                    val_tp_p += 1
                    if any(g.start == p.start and g.end == p.end for g in hits):
                        strict_tp += 1
            elif want_errors:
                errors.append(f"FP  {dct}  {p.text!r} -> {p.value}  ...{_context(text, p.start, p.end)}")
        for g in dates:
            hits = [p for p in preds if _overlap(p.start, p.end, g.start, g.end)]
            if hits:
                ext_tp_g += 1
                if any(p.value == g.value for p in hits):
                    val_tp_g += 1
                elif want_errors:
                    errors.append(f"VAL {dct}  {g.text!r} gold {g.value} got "
                                  + ", ".join(f"{p.text!r}={p.value}" for p in hits)
                                  + f"  ...{_context(text, g.start, g.end)}")
            elif want_errors:
                errors.append(f"FN  {dct}  {g.text!r} gold {g.value}  ...{_context(text, g.start, g.end)}")
    return {
        "docs": len(docs), "gold": n_gold, "pred": n_pred, "unscored": n_pred - n_pred_scored,
        "extent": _prf(ext_tp_p, n_pred_scored, ext_tp_g, n_gold),
        "extent_all": _prf(ext_tp_p, n_pred, ext_tp_g, n_gold),
        "value": _prf(val_tp_p, n_pred_scored, val_tp_g, n_gold),
        "value_all": _prf(val_tp_p, n_pred, val_tp_g, n_gold),
        "strict": _prf(strict_tp, n_pred_scored, strict_tp, n_gold),
        "accuracy": val_tp_g / ext_tp_g if ext_tp_g else 0.0,
        "seconds": elapsed, "nlp_seconds": nlp_elapsed,
        "chars": sum(len(t) for t, _, _ in docs), "errors": errors,
    }


def _context(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 60):end + 40].split())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="folder of .tml files")
    ap.add_argument("--spacy", action="store_true", help="also pass a spaCy Doc (DATE ents)")
    ap.add_argument("--split", choices=(*SPLITS, "both"), default="both",
                    help="which part of the fixed split to score (default both)")
    ap.add_argument("--errors", type=int, default=0,
                    help="print this many value errors of the tuning part")
    args = ap.parse_args(argv)

    files = sorted(args.data.glob("*.tml"))
    if not files:
        print(f"no .tml files under {args.data}", file=sys.stderr)
        return 2
    parts = split_of(files)
    nlp = None
    if args.spacy:
        from storyscope.enrich.nlp import load_nlp

        nlp = load_nlp()
    names = SPLITS if args.split == "both" else (args.split,)
    results = {}
    for name in names:
        docs = [parse_tml(f.read_text(encoding="utf-8")) for f in parts[name]]
        results[name] = evaluate(docs, nlp, want_errors=bool(args.errors) and name == "tune")
    label = {"tune": "tuning 2/3 (tuned on)", "untouched": "untouched 1/3"}
    print(f"TimeBank, fixed split by document (sorted names, every third untouched)"
          + ("; with spaCy doc" if nlp else ""))
    for name, r in results.items():
        print(f"{label[name]}: {r['docs']} docs, {r['gold']} DATE gold, {r['pred']} predictions "
              f"({r['unscored']} on TIME/DURATION/SET gold, not scored)")
    print("| measure | " + " | ".join(f"{label[n]} P / R / F1" for n in results) + " |")
    print("|---|" + "---|" * len(results))
    rows = [("extent, relaxed (P excl.)", "extent"), ("extent, relaxed (P all)", "extent_all"),
            ("value, relaxed extent (P excl.)", "value"), ("value, relaxed extent (P all)", "value_all"),
            ("value, strict extent", "strict")]
    for title, key in rows:
        cells = [" / ".join(f"{v:.3f}" for v in r[key]) for r in results.values()]
        print(f"| {title} | " + " | ".join(cells) + " |")
    print("value accuracy on extent-matched gold: "
          + ", ".join(f"{label[n]} {r['accuracy']:.3f}" for n, r in results.items()))
    docs_n = sum(r["docs"] for r in results.values())
    secs = sum(r["seconds"] for r in results.values())
    nlp_secs = sum(r["nlp_seconds"] for r in results.values())
    print(f"find_dates speed: {docs_n / secs:.0f} docs/s "
          f"({sum(r['chars'] for r in results.values()) / secs / 1e6:.2f} MB/s)"
          + (f"; spaCy parse {docs_n / nlp_secs:.1f} docs/s" if nlp else ""))
    if "tune" in results:
        for line in results["tune"]["errors"][: args.errors]:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
