"""The compare stage's orchestrator: one story's articles and enrichments -> one Brief."""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, replace

from ..extract.language import detect_language
from ..headline import headline
from ..brief_records import BriefFact, Cited, Source, StoryHeader, TimelineEntry
from ..model import Article, Brief, Enrichment, Story
from .described import name_described_speakers
from .disputes import attribution_clashes, find_disagreements, name_words
from .entities import merge_entities
from .facts import Fact, align, order_facts, representatives
from .outlets import outlet_names
from .quotes import QuoteRef, brief_quotes, group_quotes, recover_quotes
from .similar import Similarity
from .summary import coverage, summarize
from .timeline import build_timeline, dated_units
from .units import Unit, make_units

# The bound on one brief's work: at most this many sentence units of distinct articles
# are compared (a 1,000-article story of real length has about 20,000, verbatim copies
# not counted). Past it, articles are sampled evenly across the story's publication
# order and the brief says so; every article is still listed as a source. Chosen so that
# the biggest story compared stays under 10 s and 500 MB (benchmarks/big_story.py).
MAX_UNITS = 20000


def _languages(articles: list[Article]) -> dict[str, str | None]:
    """article id -> language: the record's own (the extract stage sets it), else that of
    an identical text whose record has one (a copy of a tagged original), else py3langid's
    (as the extract stage detects it), once per distinct text. None: too short to tell."""
    known = {a.text: a.language for a in articles if a.language}
    out = {}
    for a in articles:
        if a.text not in known:
            known[a.text] = detect_language(a.text)
        out[a.id] = a.language or known[a.text]
    return out


def _roots(articles: list[Article], independent: dict[str, str] | None) -> dict[str, str]:
    """Map every article id to the independent article it counts as (copies count once)."""
    ids = {a.id for a in articles}
    link = {k: v for k, v in (independent or {}).items() if k in ids and v in ids and k != v}
    # identical texts are copies even when the caller did not say so
    first_by_text: dict[str, str] = {}
    for a in articles:
        # str.split() splits at the same characters as \s (Unicode whitespace), faster
        key = a.content_hash or " ".join(a.text.split()).lower()
        if key in first_by_text and a.id not in link:
            link[a.id] = first_by_text[key]
        first_by_text.setdefault(key, a.id)
    roots = {}
    for a in articles:
        cur, seen = a.id, set()
        while cur in link and cur not in seen:  # follow copy-of-a-copy chains, cycles stop
            seen.add(cur)
            cur = link[cur]
        roots[a.id] = cur
    return roots


def _check(items: list[tuple[Article, Enrichment]]) -> None:
    for pair in items:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], Article)
                and isinstance(pair[1], Enrichment)):
            raise TypeError("build_brief items must be (Article, Enrichment) tuples")
        if pair[0].id != pair[1].article_id:
            raise ValueError(
                f"enrichment for {pair[1].article_id!r} was paired with article {pair[0].id!r}; "
                "pair each Article with its own Enrichment"
            )


def _comparable(articles: list[Article], notes: list[str]) -> list[Article]:
    """English articles with text (a text too short to tell is taken as English); a note
    for each other one."""
    out = []
    langs = _languages([a for a in articles if a.text.strip()])
    for a in articles:
        lang = langs.get(a.id)
        if not a.text.strip():
            notes.append(f"article {a.id} has no text; it is listed but not compared")
        elif lang and not lang.lower().startswith("en"):
            notes.append(f"article {a.id} is in another language ({lang}); it is listed but not compared")
        else:
            out.append(a)
    return out


def _sample(compared: list[Article], roots: dict[str, str], enrich: dict[str, Enrichment],
            notes: list[str]) -> list[Article]:
    """The articles compared within MAX_UNITS: all of them when they fit, else an even
    sample of the independent articles across publication order (with their copies)."""
    originals = [a for a in compared if roots[a.id] == a.id]
    cost = {a.id: max(len(enrich[a.id].sentences), len(a.text) // 150, 1) for a in originals}
    total = sum(cost.values())
    if total <= MAX_UNITS:
        return compared
    ordered = sorted(originals, key=lambda a: (a.published or "", a.id))
    share = MAX_UNITS / total
    kept, budget = set(), 0.0
    for a in ordered:  # every article adds its share; one is taken each time a whole one is due
        budget += share * cost[a.id]
        if budget >= cost[a.id]:
            budget -= cost[a.id]
            kept.add(a.id)
    out = [a for a in compared if roots[a.id] in kept]
    notes.append(
        f"this story is too big to compare in full: {len(out)} of {len(compared)} articles "
        f"({len(kept)} of {len(originals)} independent ones, sampled evenly across publication order) "
        "were compared; every article is listed as a source"
    )
    return out


@dataclass(frozen=True)
class _Units:
    units: list[Unit]  # the units compared (one per wording within an independent article)
    shadows: list[Unit]  # copies' units, placed with their originals' facts afterwards
    by_article: dict[str, list[Unit]]


def _make_units(compared: list[Article], enrich: dict[str, Enrichment], roots: dict[str, str],
                alias_of: dict[str, str]) -> _Units:
    """Split every article into units. A copy's sentence found verbatim in its original is
    not aligned again: it joins the original's fact afterwards (fifty copies of a wire
    story cost one article)."""
    units: list[Unit] = []
    shadows: list[Unit] = []
    by_article: dict[str, list[Unit]] = {}
    originals: dict[tuple[str, str], Unit] = {}
    text_of = {a.id: a.text for a in compared}
    for a in sorted(compared, key=lambda a: a.id != roots[a.id]):
        root = roots[a.id]
        if a.id != root and a.text == text_of[root]:
            # a verbatim copy: its units are its original's
            by_article[a.id] = [replace(u, article_id=a.id) for u in by_article[root]]
            shadows.extend(by_article[a.id])
            continue
        by_article[a.id] = []
        for u in make_units(a, enrich[a.id], root, alias_of, len(units)):
            twin = originals.get((u.root, u.text)) if a.id != u.root else None
            if twin is not None:
                u = replace(u, index=twin.index)
                shadows.append(u)
            else:
                if u.index != len(units):  # after a twin: renumbered
                    u = replace(u, index=len(units))
                units.append(u)
                if a.id == u.root:
                    originals[(u.root, u.text)] = u
            by_article[a.id].append(u)
    return _Units(units, shadows, by_article)


def _notes(compared: list[Article], n_independent: int, refs: list, timeline: list,
           disagreements: list) -> list[str]:
    notes = []
    if len(compared) == 1:
        notes.append("only one article reports this story: nothing is corroborated or compared")
    elif compared and n_independent == 1:
        notes.append("every article is a copy of one source: nothing is independently corroborated")
    if compared and not refs:
        notes.append("no quotes were found in the articles")
    if compared and not timeline:
        notes.append("no dated mentions were found in the articles")
    if compared and not disagreements:
        notes.append("no disagreements between sources were found")
    if not compared:
        notes.append("no article could be compared: the brief lists the sources only")
    return notes


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused while one brief is built, as it was before
    afterwards. A big story's brief makes hundreds of thousands of small records and almost
    no cycles (7 on the 1,000-article benchmark story), yet each full collection walks the
    whole process's heap: 0.2-0.4 of its 5 CPU s went to three of them."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build_brief(
    story: Story,
    items: list[tuple[Article, Enrichment]],
    independent: dict[str, str] | None = None,
) -> Brief:
    """Build the cross-source brief of one story from stored records (no parsing here).

    Steps:
    1. check the records; keep English articles with text, note the others;
    2. count independent sources (``independent`` maps a copy to its original; identical
       texts are copies too); past MAX_UNITS, sample the articles compared;
    3. merge entities across articles with their aliases;
    4. split articles into sentence units; vectorise each distinct wording over the story
       (IDF) and embed it (static sentence embedding);
    5. align units into facts (corroborated / single-source);
    6. match quotes across outlets;
    7. find disagreements (denials, differing figures, a quotation credited to different
       people) and mark those facts disputed;
    8. build the timeline from dated mentions;
    9. write facts, summary, coverage (outlets named from their URL where the record
       names none) and notes.
    """
    with _collector_paused():
        return _build_brief(story, items, independent)


def _build_brief(story: Story, items: list[tuple[Article, Enrichment]],
                 independent: dict[str, str] | None) -> Brief:
    # 1. records
    _check(items)
    notes: list[str] = []
    articles = [a for a, _ in items]
    enrich = {a.id: e for a, e in items}
    compared = _comparable(articles, notes)

    # 2. independence, and the bound on work
    roots = _roots(compared, independent)
    n_independent = len(set(roots.values()))
    copies = len(compared) - n_independent
    if copies:
        notes.append(
            f"{copies} of {len(compared)} compared articles copy another article; "
            f"they count once ({n_independent} independent source{'s' if n_independent != 1 else ''})"
        )
    compared = _sample(compared, roots, enrich, notes)

    # 3. entities; a quote credited to "the doctor" goes to the one person the article
    #    introduced as a doctor (described.py), in every part of the brief
    for a in compared:
        enrich[a.id] = name_described_speakers(a.text, enrich[a.id])
    entities, alias_of = merge_entities([enrich[a.id] for a in compared])
    #    speakers that are no named entity ("a senior Iraqi security official") meet
    #    across sentence-initial capitals
    by_lower = {name.lower(): group for name, group in alias_of.items()}
    for a in compared:
        for q in enrich[a.id].quotes:
            if q.speaker and q.speaker not in alias_of:
                alias_of[q.speaker] = by_lower.setdefault(q.speaker.lower(), q.speaker)

    # 4. units and their similarity
    made = _make_units(compared, enrich, roots, alias_of)
    units = made.units
    sim = Similarity(units)

    # 5. facts
    facts = align(units, sim) if units else []
    fact_of = {u.index: i for i, f in enumerate(facts) for u in f.units}
    also_of: dict[int, list[int]] = {}
    for i, f in enumerate(facts):
        for u in f.also:
            also_of.setdefault(u.index, []).append(i)
    for u in made.shadows:
        facts[fact_of[u.index]].units.append(u)
        for i in also_of.get(u.index, ()):
            facts[i].also.append(u)

    # 6. quotes
    refs = [
        QuoteRef(a.id, roots[a.id], q, alias_of.get(q.speaker, q.speaker) if q.speaker else None)
        for a in compared
        for q in enrich[a.id].quotes
    ]
    #    quoted words the enrich stage did not attribute still meet their twins elsewhere
    recovered = recover_quotes({a.id: (roots[a.id], a.text) for a in compared}, refs)
    quote_groups = group_quotes(refs + recovered)
    quotes = brief_quotes(quote_groups)

    # 7. disagreements: denials, figures, and a quotation credited to different people
    disagreements = find_disagreements(units, sim.vec, facts, fact_of) if units else []
    persons = {e.name: name_words((e.name, *e.aliases)) for e in entities if e.type == "PERSON"}
    disagreements += attribution_clashes(quote_groups, refs, {a.id: a.text for a in compared}, made.by_article,
                                         persons, facts, fact_of)

    # 8. timeline (on the wording alone, as its SAME_EVENT threshold was set)
    dated = dated_units(made.by_article, {a.id: enrich[a.id].dates for a in compared})
    timeline = build_timeline(dated, _WordSim(sim), fact_of) if units else []

    # 9. output
    in_order = order_facts(facts)
    ordered = [(f, u.text) for f, u in zip(in_order, representatives(in_order, sim))]
    return Brief(
        story=StoryHeader(story.id, story.title, story.first_published, story.last_published),
        # an article without a title (plain text, JSONL) is listed by its opening, cut where a
        # reader would (headline.py, as the story list names it), not by its id
        sources=tuple(Source(a.id, a.outlet, headline(a.title, a.text), a.published, a.url) for a in articles),
        independent_sources=n_independent,
        summary=tuple(summarize(ordered)),
        facts=tuple(_fact_items(ordered)),
        quotes=tuple(quotes),
        entities=tuple(entities),
        # the timeline's own items, as records
        timeline=tuple(TimelineEntry(t["date"], t["text"], tuple(t["article_ids"])) for t in timeline),
        disagreements=tuple(disagreements),
        coverage=tuple(coverage(compared, ordered, _voices(refs), n_independent, outlet_names(articles))),
        notes=tuple(notes + _notes(compared, n_independent, refs, timeline, disagreements)),
    )


class _WordSim:
    """``sim[i, j]``: the word cosine of two units, computed when asked (no n x n matrix)."""

    def __init__(self, sim: Similarity):
        self._sim = sim

    def __getitem__(self, ij: tuple[int, int]) -> float:
        return self._sim.word(*ij)


def _fact_items(ordered: list[tuple[Fact, str]]) -> list[BriefFact]:
    return [
        BriefFact(text, tuple(f.article_ids), f.status,
                  tuple(Cited(u.article_id, u.sentence, _bare_speaker(u.sentence, u.speaker)) for u in f.support),
                  _bare_quote_speaker(f, text))
        for f, text in ordered
    ]


_OPENING_QUOTE_RE = re.compile(r"[\u201c\"'\u2018]")
_PERSONAL_PRONOUN_RE = re.compile(r"\b(?:he|she)\b", re.IGNORECASE)
_NAME_WORD_RE = re.compile(r"[A-Za-z][\w'\u2019-]*")


def _bare_quote_speaker(fact: Fact, text: str) -> str | None:
    """The speaker of a fact whose shown sentence ``text`` says who speaks only by a
    pronoun or not at all (``_bare_speaker``), from the unit that holds it."""
    return _bare_speaker(text, next((u.speaker for u in fact.units if u.text == text and u.speaker), None))


def _bare_speaker(text: str, speaker: str | None) -> str | None:
    """``speaker`` where ``text`` says who speaks only by a pronoun or not at all: a
    quotation ("“I have made clear ...”", "“We already told people ...,” he said.") or a
    report whose speaker is "he" or "she" ("She said many people ran out ..."), where the
    article's earlier paragraphs said who. None when a word of the speaker's name is in
    the sentence: one naming its speaker ("..., the official said") keeps its wording alone."""
    if speaker is None or not (_OPENING_QUOTE_RE.match(text) or _PERSONAL_PRONOUN_RE.search(text)):
        return None
    said = {w.lower() for w in _NAME_WORD_RE.findall(text)}
    named = [w.lower() for w in _NAME_WORD_RE.findall(speaker) if len(w) > 2]
    return None if any(w in said for w in named) else speaker


def _voices(refs: list[QuoteRef]) -> dict[str, list[str]]:
    voices: dict[str, list[str]] = {}
    for r in refs:
        if r.speaker and r.speaker not in voices.setdefault(r.article_id, []):
            voices[r.article_id].append(r.speaker)
    return voices
