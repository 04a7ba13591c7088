"""The compare stage's orchestrator: one story's articles and enrichments -> one Brief."""

from __future__ import annotations

import re
from dataclasses import replace

from ..model import Article, Brief, Enrichment, Story
from .disputes import find_disagreements
from .entities import merge_entities
from .facts import align, order_facts, representative, similarity
from .outlets import outlet_names
from .quotes import QuoteRef, match_quotes, recover_quotes
from .summary import coverage, summarize
from .text import STOPWORDS, Vectorizer, words
from .timeline import build_timeline, dated_units
from .units import Unit, make_units

# An article whose language is not given is taken as English when at least this share of
# its words are English function words (English news runs 0.35-0.5; German, Spanish or
# French news under 0.1 against this list).
ENGLISH_STOPWORD_SHARE = 0.15
_WS_RE = re.compile(r"\s+")


def _is_english(article: Article) -> bool:
    if article.language:
        return article.language.lower().startswith("en")
    toks = words(article.text[:3000])  # the opening is enough to tell the language
    if len(toks) < 20:
        return True
    return sum(t in STOPWORDS for t in toks) / len(toks) >= ENGLISH_STOPWORD_SHARE


def _roots(articles: list[Article], independent: dict[str, str] | None) -> dict[str, str]:
    """Map every article id to the independent article it counts as (copies count once)."""
    ids = {a.id for a in articles}
    link = {k: v for k, v in (independent or {}).items() if k in ids and v in ids and k != v}
    # identical texts are copies even when the caller did not say so
    first_by_text: dict[str, str] = {}
    for a in articles:
        key = a.content_hash or _WS_RE.sub(" ", a.text).strip().lower()
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


def build_brief(
    story: Story,
    items: list[tuple[Article, Enrichment]],
    independent: dict[str, str] | None = None,
) -> Brief:
    """Build the cross-source brief of one story from stored records (no parsing here).

    Steps:
    1. check the records; keep English articles with text, note the others;
    2. count independent sources (``independent`` maps a copy to its original; identical
       texts are copies too);
    3. merge entities across articles with their aliases;
    4. split articles into sentence units; vectorise them over the story (IDF) and embed
       them (static sentence embedding);
    5. align units into facts (corroborated / single-source);
    6. match quotes across outlets;
    7. find disagreements (denials, differing figures) and mark those facts disputed;
    8. build the timeline from dated mentions;
    9. write facts, summary, coverage (outlets named from their URL where the record
       names none) and notes.
    """
    # 1. records
    for pair in items:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], Article)
                and isinstance(pair[1], Enrichment)):
            raise TypeError("build_brief items must be (Article, Enrichment) tuples")
        if pair[0].id != pair[1].article_id:
            raise ValueError(
                f"enrichment for {pair[1].article_id!r} was paired with article {pair[0].id!r}; "
                "pair each Article with its own Enrichment"
            )
    notes: list[str] = []
    articles = [a for a, _ in items]
    enrich = {a.id: e for a, e in items}
    compared: list[Article] = []
    for a in articles:
        if not a.text.strip():
            notes.append(f"article {a.id} has no text; it is listed but not compared")
        elif not _is_english(a):
            lang = a.language or "not English"
            notes.append(f"article {a.id} is in another language ({lang}); it is listed but not compared")
        else:
            compared.append(a)

    # 2. independence
    roots = _roots(compared, independent)
    n_independent = len(set(roots.values()))
    copies = len(compared) - n_independent
    if copies:
        notes.append(
            f"{copies} of {len(compared)} compared articles copy another article; "
            f"they count once ({n_independent} independent source{'s' if n_independent != 1 else ''})"
        )

    # 3. entities
    entities, alias_of = merge_entities([enrich[a.id] for a in compared])
    #    speakers that are no named entity ("a senior Iraqi security official") meet
    #    across sentence-initial capitals
    by_lower = {name.lower(): group for name, group in alias_of.items()}
    for a in compared:
        for q in enrich[a.id].quotes:
            if q.speaker and q.speaker not in alias_of:
                alias_of[q.speaker] = by_lower.setdefault(q.speaker.lower(), q.speaker)

    # 4. units and vectors
    #    a copy's sentence found verbatim in its original is not aligned again: it joins
    #    the original's fact afterwards (fifty copies of a wire story cost one article)
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
        us = make_units(a, enrich[a.id], root, alias_of, len(units))
        by_article[a.id] = []
        for u in us:
            twin = originals.get((u.root, u.text)) if a.id != u.root else None
            if twin is not None:
                u = replace(u, index=twin.index)
                shadows.append(u)
            else:
                u = replace(u, index=len(units))
                units.append(u)
                if a.id == u.root:
                    originals[(u.root, u.text)] = u
            by_article[a.id].append(u)
    vec = Vectorizer([u.tokens for u in units])
    word_sim = vec.similarity() if units else None
    sim, threshold = similarity(units, word_sim) if units else (None, None)

    # 5. facts
    facts = align(units, sim, threshold) if units else []
    fact_of = {u.index: i for i, f in enumerate(facts) for u in f.units}
    for u in shadows:
        facts[fact_of[u.index]].units.append(u)

    # 6. quotes
    refs = [
        QuoteRef(a.id, roots[a.id], q, alias_of.get(q.speaker, q.speaker) if q.speaker else None)
        for a in compared
        for q in enrich[a.id].quotes
    ]
    #    quoted words the enrich stage did not attribute still meet their twins elsewhere
    recovered = recover_quotes({a.id: (roots[a.id], a.text) for a in compared}, refs)
    quotes = match_quotes(refs + recovered)

    # 7. disagreements
    disagreements = find_disagreements(units, vec, facts, fact_of) if units else []

    # 8. timeline
    dated = dated_units(by_article, {a.id: enrich[a.id].dates for a in compared})
    #    (on the wording alone, as its SAME_EVENT threshold was set)
    timeline = build_timeline(dated, word_sim, fact_of) if units else []

    # 9. output
    ordered = [(f, representative(f, sim).text) for f in order_facts(facts)]
    fact_items = [
        {
            "text": text,
            "article_ids": f.article_ids,
            "status": f.status,
            "support": [{"article_id": u.article_id, "sentence": u.sentence} for u in f.units],
        }
        for f, text in ordered
    ]
    voices: dict[str, list[str]] = {}
    for r in refs:
        if r.speaker and r.speaker not in voices.setdefault(r.article_id, []):
            voices[r.article_id].append(r.speaker)
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

    for q in quotes:
        q.pop("_roots", None)
    data = {
        "story": {
            "id": story.id,
            "title": story.title,
            "first_published": story.first_published,
            "last_published": story.last_published,
        },
        "sources": [
            {"article_id": a.id, "outlet": a.outlet, "title": a.title, "published": a.published, "url": a.url}
            for a in articles
        ],
        "independent_sources": n_independent,
        "summary": summarize(ordered),
        "facts": fact_items,
        "quotes": quotes,
        "entities": entities,
        "timeline": timeline,
        "disagreements": disagreements,
        "coverage": coverage(compared, ordered, voices, n_independent, outlet_names(articles)),
        "notes": notes,
    }
    return Brief(data=data)
