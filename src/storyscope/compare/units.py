"""Claim-sized units: the sentences of each article, long ones split at clause boundaries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Article, Enrichment, Sentence
from .text import content_stems, numbers, words

# A sentence longer than this many words is split at a clause boundary when both parts
# keep at least MIN_PART_WORDS words: one unit should carry one claim, and the seed's
# long RFE/RL sentences otherwise carry two facts each.
LONG_SENTENCE_WORDS = 40
MIN_PART_WORDS = 8
MIN_UNIT_WORDS = 4
_CLAUSE_RE = re.compile(r";\s+|,\s+(?=(?:but|while|although|though|whereas)\b)|\.\s+(?=[\u201c\"A-Z])")
_SENT_FALLBACK_RE = re.compile(r"[^.!?\n]+(?:[.!?]+[\u201d\"']?|\n|$)")


@dataclass(frozen=True)
class Unit:
    """One claim of one article, with what alignment needs precomputed."""

    index: int  # position in the story-wide unit list
    article_id: str
    root: str  # the independent article this one counts as (itself unless a copy)
    position: int  # order within its article
    start: int
    end: int
    text: str  # the claim: the whole sentence or one clause of it
    sentence: str  # the full sentence, exactly as in Article.text
    tokens: tuple[str, ...]  # stems + "ent:" + "num:" tokens, the vector's input
    entities: frozenset[str]
    numbers: tuple[tuple[float, str], ...]
    speaker: str | None


def sentences_of(article: Article, enrichment: Enrichment) -> list[Sentence]:
    """The enrichment's sentences, or a punctuation split when the record has none."""
    if enrichment.sentences:
        return list(enrichment.sentences)
    out = []
    for m in _SENT_FALLBACK_RE.finditer(article.text):
        text = m.group(0).strip()
        if text:
            start = article.text.index(text, m.start())
            out.append(Sentence(start, start + len(text), text))
    return out


def _clauses(sent: Sentence) -> list[tuple[int, int]]:
    text = sent.text
    if len(words(text)) <= LONG_SENTENCE_WORDS:
        return [(0, len(text))]
    parts, last = [], 0
    for m in _CLAUSE_RE.finditer(text):
        parts.append((last, m.start() + (1 if text[m.start()] == "." else 0)))
        last = m.end()
    parts.append((last, len(text)))
    merged: list[tuple[int, int]] = []
    for s, e in parts:
        if merged and (len(words(text[merged[-1][0]:merged[-1][1]])) < MIN_PART_WORDS
                       or len(words(text[s:e])) < MIN_PART_WORDS):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def make_units(
    article: Article,
    enrichment: Enrichment,
    root: str,
    alias_of: dict[str, str],
    first_index: int,
) -> list[Unit]:
    """Split one article into units; ``alias_of`` maps canonical names to entity groups."""
    units: list[Unit] = []
    quotes = sorted(enrichment.quotes, key=lambda q: q.start)
    for sent in sentences_of(article, enrichment):
        base = sent.start
        for s, e in _clauses(sent):
            text = sent.text[s:e].strip()
            if len(words(text)) < MIN_UNIT_WORDS:
                continue
            lo = base + sent.text.index(text, s)
            hi = lo + len(text)
            ents = frozenset(
                alias_of.get(m.canonical, m.canonical)
                for m in enrichment.entities
                if m.start < sent.end and m.end > sent.start and lo <= m.start < hi + 1
            )
            speaker = None
            for q in quotes:
                if q.start < sent.end and q.end > sent.start and q.speaker:
                    speaker = alias_of.get(q.speaker, q.speaker)
                    break
            nums = tuple(numbers(text))
            tokens = tuple(content_stems(text)) + tuple("ent:" + x for x in sorted(ents)) + tuple(
                f"num:{v:g}:{k}" for v, k in nums
            )
            units.append(
                Unit(
                    index=first_index + len(units),
                    article_id=article.id,
                    root=root,
                    position=len(units),
                    start=lo,
                    end=hi,
                    text=text,
                    sentence=sent.text.strip(),
                    tokens=tokens,
                    entities=ents,
                    numbers=nums,
                    speaker=speaker,
                )
            )
    return units
