"""Claim-sized units: the sentences of each article, long ones split at clause boundaries."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from ..model import Article, Enrichment, Sentence
from .text import DENIAL_RE, asserts_denial, content_stems, numbers, words

# A unit is a whole sentence. Clause splits (at a semicolon, or a comma before "but" or
# "although") were tried for long sentences: they left pieces such as "although some
# personnel could remain in the diplomatic compound." as facts of their own and the
# sentence before them cut off, and on benchmarks/gold they aligned no more same-fact
# pairs than whole sentences (facts F1 0.82 with them).
MIN_UNIT_WORDS = 4
# a sentence end the sentencizer missed (a lowercase word before the stop, so that
# "U.S. Secretary" stays whole) always splits
# a stop (perhaps closing a quote) before whitespace: every cut _SENT_END_RE makes has one
_STOP_SPACE_RE = re.compile(r"[.!?][\u201d\"]?\s")
_SENT_END_RE = re.compile(r"(?<=[a-z]{2}[.!?])\s+(?=[\u201c\"A-Z])|(?<=[a-z][.!?][\u201d\"])\s+(?=[\u201c\"A-Z])")
# ...and a cut that leaves a piece unable to stand alone is mended: a "sentence" that
# starts in lower case continues the one before ("at 7:48 a.m. | local time, 75
# kilometers west"), a title before a name ends no sentence ("the home church of Alaska
# Gov. | Sarah Palin and her family"), and a sentence that opens with a coordinating
# conjunction ("But neither country has been able to...") answers the one before, so
# the two are one claim (across a paragraph break too: one-sentence paragraphs are
# common in wire copy)
_CONJUNCTION_RE = re.compile(r"(?:And|But|Or|Nor)\b(?![-'\u2019])")
_TITLE_END_RE = re.compile(
    r"\b(?:Gov|Sen|Rep|Gen|Lt|Col|Capt|Sgt|Adm|Cmdr|Maj|Supt|Insp|Det|Prof|Dr|Mr|Mrs|Ms|St|Rev|Hon|"
    r"Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec|No)\.$"
)
# Where a sentence joins two statements ("The fire devastated the church, and officials are
# considering arson"; "X didn't reveal the amount, but the paper says it is $160 million";
# "the offer, which is believed to be worth ..."): each piece is compared on its own as
# well, so a sentence that states two facts can match each of them (facts.py). Pieces are
# never shown; the fact shows whole sentences. "not only X, but also Y" is one statement
# (cut there, its list of names matched any sentence naming one of them: session 13).
_PIECE_RE = re.compile(
    r"\s*;\s+|,\s+(?=(?:and|but|although|though|while|whereas|which|who|after|because|yet)\s)(?!but\s+also\b)"
)
# Withholding: a source that would not say, declined to disclose, refused to confirm. The
# reporting verb is a stop word ("say"), so "would not say what ..." and "would not reveal
# what ..." met on their object alone; the refusal itself is a claim the outlets share,
# and it becomes one token of the unit's bag. (On the tuning half it joins one more
# same-fact pair at a threshold of 0.22; at the 0.27 kept, that pair still scores under.)
_WITHHELD_RE = re.compile(
    r"\b(?:(?:would|will|did|does|do|could|can)(?:\s+not|n[\u2019']t)|(?:declin|refus)(?:e|es|ed|ing)\s+to)"
    r"\s+(?:say|reveal|disclose|comment|confirm|specify|elaborate|discuss|identify|name)\b",
    re.IGNORECASE,
)
WITHHELD_TOKEN = "cue:withheld"
# Tried on the tuning half and left out: pieces cut at a dash between spaces ("... in the
# sixth round -- a round in which ...") or before "when"/"as"/"since": each joined more
# wrong pairs than right ones (facts F1 0.865 -> 0.851 and 0.827, at threshold 0.22).
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
    text: str  # the claim: the sentence without a leading dash or stray punctuation
    sentence: str  # the sentence, exactly as in Article.text
    tokens: tuple[str, ...]  # stems + "ent:" + "num:" tokens, the vector's input
    entities: frozenset[str]
    numbers: tuple[tuple[float, str], ...]
    speaker: str | None
    denial: bool = False  # carries a denial cue ("not aware", "denied", "no evidence")
    # its main clause denies (text.asserts_denial): alignment's polarity; ``denial`` above,
    # a cue anywhere, is what disputes.py reads
    main_denial: bool = False
    # the statements a compound sentence joins, each as (text, tokens); () when it is one
    pieces: tuple[tuple[str, tuple[str, ...]], ...] = ()


_PARA_RE = re.compile(r"[^\n]+")


def sentences_of(article: Article, enrichment: Enrichment) -> list[Sentence]:
    """The enrichment's sentences as exact slices of the article text, cut at line breaks
    (a parser's sentence may run across a paragraph break); a punctuation split when the
    record has none."""
    if enrichment.sentences:
        out = []
        for sent in enrichment.sentences:
            raw = article.text[sent.start:sent.end]
            if not raw.strip() or _head(raw) != _head(sent.text):
                out.append(sent)  # offsets that do not fit the text: keep the record's own text
                continue
            lines = [(m.start(), m.group(0)) for m in _PARA_RE.finditer(raw)] if "\n" in raw else [(0, raw)]
            for at, line in lines:
                text = line.strip()
                if text:
                    at += sent.start + len(line) - len(line.lstrip())
                    out.append(Sentence(at, at + len(text), text))
        return _mend(article.text, _cut(out))
    out = []
    for m in _SENT_FALLBACK_RE.finditer(article.text):
        text = m.group(0).strip()
        if text:
            start = article.text.index(text, m.start())
            out.append(Sentence(start, start + len(text), text))
    return _mend(article.text, _cut(out))


def _head(text: str) -> str:
    """The first 20 characters of ``text`` with its whitespace runs as single spaces.

    Normalising a 64-character prefix gives the same 20 characters whenever it yields at
    least 20 (a prefix of the normalised text): the whole sentence is split only when not."""
    head = " ".join(text[:64].split())
    return head[:20] if len(head) >= 20 else " ".join(text.split())[:20]


def _cut(sents: list[Sentence]) -> list[Sentence]:
    """Each sentence cut at the sentence ends the sentencizer missed."""
    out = []
    for sent in sents:
        if not _STOP_SPACE_RE.search(sent.text):
            out.append(sent)  # no stop before a space: nothing to cut (most sentences)
            continue
        last = 0
        for m in _SENT_END_RE.finditer(sent.text):
            out.append(Sentence(sent.start + last, sent.start + m.start(), sent.text[last:m.start()]))
            last = m.end()
        out.append(Sentence(sent.start + last, sent.end, sent.text[last:]))
    return out


def _mend(text: str, sents: list[Sentence]) -> list[Sentence]:
    """Join a sentence to the one before when the cut between them is no sentence end."""
    out: list[Sentence] = []
    for sent in sents:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.end <= sent.start
            and not text[prev.end:sent.start].strip()
            and text[prev.start:prev.end] == prev.text
            and text[sent.start:sent.end] == sent.text
            and (sent.text[:1].islower() or _CONJUNCTION_RE.match(sent.text) or _TITLE_END_RE.search(prev.text))
        ):
            out[-1] = Sentence(prev.start, sent.end, text[prev.start:sent.end])
        else:
            out.append(sent)
    return out


@lru_cache(maxsize=1 << 16)
def _wording(text: str) -> tuple[tuple[str, ...], tuple[tuple[float, str], ...], bool, bool, bool]:
    """What a unit's wording gives, once per wording (a big story repeats its sentences
    across hundreds of articles): stems, figures, a denial cue, too short to be a claim,
    a denial in its main clause."""
    stems = tuple(content_stems(text))
    if _WITHHELD_RE.search(text):
        stems += (WITHHELD_TOKEN,)
    denial = bool(DENIAL_RE.search(text))
    return (stems, tuple(numbers(text)), denial, len(words(text)) < MIN_UNIT_WORDS,
            denial and asserts_denial(text))


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
        text = sent.text.strip().lstrip("\u2014\u2013-:;,. ")
        stems, nums, denial, short, main_denial = _wording(text)
        if short:
            continue
        lo = base + sent.text.index(text)
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
        tokens = _tokens(stems, ents, nums)
        pieces = []
        for piece_lo, piece in _pieces(text):
            p_stems, p_nums, _, p_short, _ = _wording(piece)
            if not p_short:
                at = lo + piece_lo
                p_ents = frozenset(
                    alias_of.get(m.canonical, m.canonical)
                    for m in mentions[bisect_left(starts, at): bisect_left(starts, at + len(piece))]
                )
                pieces.append((piece, _tokens(p_stems, p_ents, p_nums)))
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
                denial=denial,
                main_denial=main_denial,
                pieces=tuple(pieces) if len(pieces) >= 2 else (),
            )
        )
    return units


def _tokens(stems: tuple[str, ...], ents: frozenset[str], nums: tuple[tuple[float, str], ...]) -> tuple[str, ...]:
    return stems + tuple("ent:" + x for x in sorted(ents)) + tuple(f"num:{v:g}" for v, _ in nums)


def _pieces(text: str) -> list[tuple[int, str]]:
    """The statements a compound sentence joins, with their offsets in ``text``."""
    out, last = [], 0
    for m in _PIECE_RE.finditer(text):
        out.append((last, text[last:m.start()]))
        last = m.end()
    if not out:
        return []
    out.append((last, text[last:]))
    return [(at, piece) for at, piece in out if piece.strip()]
