"""Summary (corroborated core first) and per-outlet coverage, built from the aligned facts."""

from __future__ import annotations

from ..model import Article
from .facts import Fact

SUMMARY_MIN, SUMMARY_MAX = 3, 6
COVERAGE_LIST_MAX = 10  # facts listed per outlet; the brief stays readable for big stories


def summarize(facts: list[tuple[Fact, str]], lead_first: bool = True) -> list[dict]:
    """3-6 fact sentences: corroborated facts by number of sources, then disputed, then
    the earliest single-source facts (an article's lead) to reach the minimum.

    Every item is an exact unit of an article: the summary quotes, it never writes.
    ``facts`` holds (fact, text) pairs in brief order.
    """
    chosen: list[tuple[Fact, str]] = []
    corroborated = [x for x in facts if x[0].status == "corroborated"]
    disputed = [x for x in facts if x[0].status == "disputed" and len(x[0].roots) >= 2]
    chosen += corroborated[: SUMMARY_MAX - min(len(disputed), 1)]
    chosen += disputed[: SUMMARY_MAX - len(chosen)]
    if len(chosen) < SUMMARY_MIN:
        rest = [x for x in facts if x not in chosen]
        rest.sort(key=lambda x: min(u.position for u in x[0].units))
        chosen += rest[: SUMMARY_MIN - len(chosen)]
    return [{"text": text, "article_ids": fact.article_ids} for fact, text in chosen[:SUMMARY_MAX]]


def coverage(
    articles: list[Article], facts: list[tuple[Fact, str]], voices: dict[str, list[str]], independent: int
) -> list[dict]:
    """Per outlet: the facts only it reports, the facts others agree on that it leaves out
    (with two sources: anything the other reports), and who it quotes."""
    shared_by = 2 if independent >= 3 else 1
    outlets: dict[str, list[Article]] = {}
    for a in articles:
        outlets.setdefault(a.outlet or f"article {a.id}", []).append(a)
    out = []
    for name, arts in outlets.items():
        ids = {a.id for a in arts}
        unique = [t for f, t in facts if set(f.article_ids) <= ids and f.status != "corroborated"]
        omitted = [t for f, t in facts if len(f.roots) >= shared_by and not ids & set(f.article_ids)]
        seen: list[str] = []
        for a in arts:
            for v in voices.get(a.id, []):
                if v not in seen:
                    seen.append(v)
        out.append(
            {
                "outlet": arts[0].outlet,
                "article_ids": sorted(ids),
                "unique_facts": unique[:COVERAGE_LIST_MAX],
                "omitted_facts": omitted[:COVERAGE_LIST_MAX],
                "voices": seen,
            }
        )
    return out
