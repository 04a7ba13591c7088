"""What every renderer shows, in one place, so Markdown and HTML carry the same content."""

from __future__ import annotations

from collections.abc import Iterator

from ..brief_records import BriefFact, BriefQuote
from ..model import Brief


def source_labels(brief: Brief) -> dict[str, str]:
    """article id -> short label used to cite it: "[1]", "[2]" ... in source order."""
    return {s.article_id: f"[{i}]" for i, s in enumerate(brief.sources, start=1)}


def cite(ids: tuple[str, ...] | list[str], labels: dict[str, str]) -> str:
    return "".join(labels.get(a, f"[{a}]") for a in ids)


def story_line(brief: Brief) -> str:
    """One line under the title: id, date span, counts."""
    story = brief.story
    span = " to ".join(dict.fromkeys(x for x in (story.first_published, story.last_published) if x))
    return (f"Story {story.id}" + (f", {span}" if span else "")
            + f", {len(brief.sources)} articles, {brief.independent_sources} independent sources.")


Line = tuple[str, tuple[str, ...], list[tuple[str, tuple[str, ...]]]]  # text, article ids, sub-lines


def _support(fact: BriefFact) -> list[tuple[str, tuple[str, ...]]]:
    """Each article's own sentence behind a fact, where it is worded otherwise."""
    return [(f"{s.speaker}: {s.sentence}" if s.speaker else s.sentence, (s.article_id,))
            for s in fact.support if s.sentence != fact.text]


def _variants(quote: BriefQuote) -> list[tuple[str, tuple[str, ...]]]:
    """Each outlet's wording of a quote, where it differs (a misquote is news)."""
    return [(f"\u201c{v.text}\u201d", (v.article_id,)) for v in quote.variants if v.text != quote.text]


def sections(brief: Brief) -> Iterator[tuple[str, list[Line]]]:
    """(heading, [(text, article ids, sub-lines)]) for each section, in reading order.

    Markdown and HTML both render exactly this, so they carry the same content; the
    JSON holds it all plus each entity's context sentences.
    """
    yield "Summary", [(s.text, s.article_ids, []) for s in brief.summary]
    for status, heading in (("corroborated", "What the sources agree on"),
                            ("disputed", "Disputed"),
                            ("single-source", "Reported by one source only")):
        yield heading, [(f"{f.speaker}: {f.text}" if f.speaker else f.text, f.article_ids, _support(f))
                        for f in brief.facts if f.status == status]
    yield "Who said what", [
        (f"{q.speaker or 'unattributed'}: \u201c{q.text}\u201d", q.article_ids, _variants(q)) for q in brief.quotes
    ]
    disagreements = []
    for item in brief.disagreements:
        ids = tuple(sorted({a for p in item.positions for a in p.article_ids}))
        positions = [(f"{p.speaker or 'unattributed'}: {p.text}", p.article_ids) for p in item.positions]
        disagreements.append((item.topic, ids, positions))
    yield "Where sources disagree", disagreements
    yield "Timeline", [(f"{t.date}: {t.text}", t.article_ids, []) for t in brief.timeline]
    yield "Who is who", [
        (e.name + (f" (also: {', '.join(e.aliases)})" if e.aliases else "") + f", {e.type}", e.article_ids, [])
        for e in brief.entities
    ]
    coverage = []
    for c in brief.coverage:
        parts = [f"{len(c.unique_facts)} facts only here", f"leaves out {len(c.omitted_facts)}"]
        if c.voices:
            parts.append("quotes " + ", ".join(c.voices))
        coverage.append((f"{c.outlet or 'unknown outlet'}: " + "; ".join(parts), c.article_ids, []))
    yield "Coverage by outlet", coverage
    yield "Notes", [(n, (), []) for n in brief.notes]
