"""Summary (corroborated core first) and per-outlet coverage, built from the aligned facts."""

from __future__ import annotations

import re

from ..brief_records import OutletCoverage, SummaryLine
from ..model import Article
from .alone import stands_alone
from .facts import Fact

SUMMARY_MIN, SUMMARY_MAX = 3, 6
# ...and past the minimum, no sentence that takes it over this many words: a summary is
# a paragraph a reader takes in at once, and corroborated facts past the first few add
# length more than news. Chosen on the tuning half of benchmarks/gold (split/halves.json):
# budgets of 60 to 100 words all score above the lead baseline there, none (six lines)
# below it (benchmarks/summary.py); 80 is that range's middle.
SUMMARY_WORDS = 80
# An article's lead tells what happened: the earliest fact of some article's first
# sentences that names who or what (the most widely reported on a tie) opens the summary.
LEAD_SENTENCES = 3
COVERAGE_LIST_MAX = 10  # facts listed per outlet; the brief stays readable for big stories


def _wording(fact: Fact, text: str) -> str | None:
    """The fact as the summary says it: its shown text when that stands alone, else the
    earliest sentence of one of its articles that does (another outlet's "Tara Reid has
    checked into ..., her rep told People." where the shown text is the rep's quotation);
    None when no sentence of the fact stands alone."""
    if stands_alone(text):
        return text
    for u in sorted(fact.units, key=lambda u: (u.position, u.article_id)):
        if stands_alone(u.text):
            return u.text
    return None


# The opener names who or what: a capital inside the sentence, past its first word. Every
# sentence's first word is capitalised, so that one tells nothing ("Ohio driver fined for
# speeding" has no other; session 11: the facts search changed which fact led one ECB+
# brief, to a headline of that shape, and tests/compare/test_readable.py caught it).
_NAME_INSIDE_RE = re.compile(r"\s\W*[A-Z][a-z]")


def _lead_rank(fact: Fact, text: str) -> tuple:
    unit = next((u for u in fact.units if u.text == text), fact.units[0])
    lead = min(u.position for u in fact.units)
    names = bool(unit.entities) and bool(_NAME_INSIDE_RE.search(text))
    return (lead >= LEAD_SENTENCES or not names, lead, -len(fact.roots))


def summarize(facts: list[tuple[Fact, str]], lead_first: bool = True) -> list[SummaryLine]:
    """3-6 fact sentences that each stand alone: what happened first (an article's lead
    that names who or what), then corroborated facts by number
    of sources, then disputed, then the earliest single-source facts to reach the minimum.

    Every item is an exact unit of an article: the summary quotes, it never writes.
    ``facts`` holds (fact, text) pairs in brief order.
    """
    facts = [(f, w) for f, text in facts if (w := _wording(f, text)) is not None]
    lead = min(facts, key=lambda x: _lead_rank(*x)) if lead_first and facts else None
    chosen: list[tuple[Fact, str]] = []
    corroborated = [x for x in facts if x[0].status == "corroborated"]
    disputed = [x for x in facts if x[0].status == "disputed" and len(x[0].roots) >= 2]
    chosen += corroborated[: SUMMARY_MAX - min(len(disputed), 1)]
    chosen += disputed[: SUMMARY_MAX - len(chosen)]
    if len(chosen) < SUMMARY_MIN:
        # the rest from the article that opens the summary first, in its order (a lead's
        # next sentences carry on with the event), then the earliest of the others
        opener = {u.article_id for u in lead[0].units if u.text == lead[1]} if lead else set()
        rest = [x for x in facts if x not in chosen and x is not lead]
        rest.sort(key=lambda x: (min((u.position for u in x[0].units if u.article_id in opener), default=1 << 30),
                                 min(u.position for u in x[0].units)))
        chosen += rest[: SUMMARY_MIN - len(chosen) - (lead is not None and lead not in chosen)]
    if lead is not None:
        if lead in chosen:
            chosen.remove(lead)
        chosen.insert(0, lead)
    out, words = [], 0
    for fact, text in chosen[:SUMMARY_MAX]:
        if len(out) >= SUMMARY_MIN and words + len(text.split()) > SUMMARY_WORDS:
            break
        out.append(SummaryLine(text, tuple(fact.article_ids)))
        words += len(text.split())
    return out


def coverage(
    articles: list[Article],
    facts: list[tuple[Fact, str]],
    voices: dict[str, list[str]],
    independent: int,
    names: dict[str, str] | None = None,
) -> list[OutletCoverage]:
    """Per outlet: the facts only it reports, the facts others agree on that it leaves out
    (with two sources: anything the other reports), and who it quotes. ``names`` maps an
    article id to its outlet's name (outlets.outlet_names)."""
    shared_by = 2 if independent >= 3 else 1
    names = names or {}
    outlets: dict[str, list[Article]] = {}
    for a in articles:
        outlets.setdefault(names.get(a.id) or a.outlet or f"article {a.id}", []).append(a)
    # which facts each article carries, once: a big story has hundreds of outlets
    carried: dict[str, list[int]] = {}
    in_articles: list[frozenset[str]] = []  # each fact's articles, once (not once per outlet)
    for k, (f, _) in enumerate(facts):
        aids = f.article_ids
        in_articles.append(frozenset(aids))
        for aid in aids:
            carried.setdefault(aid, []).append(k)
    widely = [k for k, (f, _) in enumerate(facts) if len(f.roots) >= shared_by]
    out = []
    for name, arts in outlets.items():
        ids = {a.id for a in arts}
        mine = sorted({k for a in arts for k in carried.get(a.id, ())})
        unique = [facts[k][1] for k in mine
                  if facts[k][0].status != "corroborated" and in_articles[k] <= ids]
        present = set(mine)
        omitted = [facts[k][1] for k in widely[: COVERAGE_LIST_MAX + len(present)] if k not in present]
        seen: list[str] = []
        for a in arts:
            for v in voices.get(a.id, []):
                if v not in seen:
                    seen.append(v)
        out.append(OutletCoverage(
            outlet=name if arts[0].id in names else arts[0].outlet,
            article_ids=tuple(sorted(ids)),
            unique_facts=tuple(unique[:COVERAGE_LIST_MAX]),
            omitted_facts=tuple(omitted[:COVERAGE_LIST_MAX]),
            voices=tuple(seen),
        ))
    return out
