"""Claim-sized units: the sentences of each article, long ones split at clause boundaries."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from ..model import Article, Enrichment, Sentence
from .text import DENIAL_RE, content_stems, numbers, words

# A sentence longer than this many words is split at a clause boundary when both parts
# keep at least MIN_PART_WORDS words: one unit should carry one claim, and the seed's
# long RFE/RL sentences otherwise carry two facts each.
LONG_SENTENCE_WORDS = 40
MIN_PART_WORDS = 8
MIN_UNIT_WORDS = 4
# a sentence end the sentencizer missed (a lowercase word before the stop, so that
# "U.S. Secretary" stays whole) always splits; a long sentence also splits at a
# semicolon or at a comma before a contrast
_SENT_END_RE = re.compile(r"(?<=[a-z]{2}[.!?])\s+(?=[\u201c\"A-Z])|(?<=[a-z][.!?][\u201d\"])\s+(?=[\u201c\"A-Z])")
_CLAUSE_RE = re.compile(r";\s+|,\s+(?=(?:but|while|although|though|whereas)\b)")
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
    denial: bool = False  # carries a denial cue ("not aware", "denied", "no evidence")


_PARA_RE = re.compile(r"[^\n]+")


def sentences_of(article: Article, enrichment: Enrichment) -> list[Sentence]:
    """The enrichment's sentences as exact slices of the article text, cut at line breaks
    (a parser's sentence may run across a paragraph break); a punctuation split when the
    record has none."""
    if enrichment.sentences:
        out = []
        for sent in enrichment.sentences:
            raw = article.text[sent.start:sent.end]
            if not raw.strip() or " ".join(raw.split())[:20] != " ".join(sent.text.split())[:20]:
                out.append(sent)  # offsets that do not fit the text: keep the record's own text
                continue
            for m in _PARA_RE.finditer(raw):
                if m.group(0).strip():
                    lead = len(m.group(0)) - len(m.group(0).lstrip())
                    text = m.group(0).strip()
                    out.append(Sentence(sent.start + m.start() + lead, sent.start + m.start() + lead + len(text), text))
        return out
    out = []
    for m in _SENT_FALLBACK_RE.finditer(article.text):
        text = m.group(0).strip()
        if text:
            start = article.text.index(text, m.start())
            out.append(Sentence(start, start + len(text), text))
    return out


def _split(text: str, lo: int, hi: int, pattern: re.Pattern) -> list[tuple[int, int]]:
    parts, last = [], lo
    for m in pattern.finditer(text, lo, hi):
        parts.append((last, m.start()))
        last = m.end()
    parts.append((last, hi))
    merged: list[tuple[int, int]] = []
    for s, e in parts:
        if merged and (len(words(text[merged[-1][0]:merged[-1][1]])) < MIN_PART_WORDS
                       or len(words(text[s:e])) < MIN_PART_WORDS):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _clauses(sent: Sentence) -> list[tuple[int, int]]:
    text = sent.text
    out = []
    for s, e in _split(text, 0, len(text), _SENT_END_RE):
        if len(words(text[s:e])) > LONG_SENTENCE_WORDS:
            out.extend(_split(text, s, e, _CLAUSE_RE))
        else:
            out.append((s, e))
    return out


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
    mentions = sorted(enrichment.entities, key=lambda m: m.start)
    starts = [m.start for m in mentions]
    for sent in sentences_of(article, enrichment):
        base = sent.start
        for s, e in _clauses(sent):
            text = sent.text[s:e].strip().lstrip("\u2014\u2013-:;,. ")
            if len(words(text)) < MIN_UNIT_WORDS:
                continue
            lo = base + sent.text.index(text, s)
            hi = lo + len(text)
            ents = frozenset(
                alias_of.get(m.canonical, m.canonical)
                for m in mentions[bisect_left(starts, lo): bisect_left(starts, hi)]
            )
            speaker = None
            for q in quotes:
                if q.start < sent.end and q.end > sent.start and q.speaker:
                    speaker = alias_of.get(q.speaker, q.speaker)
                    break
            nums = tuple(numbers(text))
            tokens = tuple(content_stems(text)) + tuple("ent:" + x for x in sorted(ents)) + tuple(
                f"num:{v:g}" for v, _ in nums
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
                    denial=bool(DENIAL_RE.search(text)),
                )
            )
    return units
