"""Quote matching: the same words of the same speaker in several outlets become one quote."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from ..disjoint import DisjointSets
from ..brief_records import BriefQuote, Variant
from ..model import Quote
from .text import stem, words

# A quote matches another when this share of the shorter one's bigrams (or, for very
# short partial quotes, of its words) occurs in the longer: "increasing and specific"
# inside "Given the increasing and specific threats ..." scores 1.0; "The fire progressed
# rapidly ..." against "The fire has progressed rapidly ..." 0.91. Measured on the gold
# set's cross-article quote pairs: every true match scores >= 0.91, every other pair
# <= 0.25 except two fragments of one Pompeo statement sharing "our personnel and
# facilities" (0.60); 0.7 sits between.
CONTAINMENT = 0.7
# A quote matched although the two outlets name different speakers must be near-verbatim.
CONTAINMENT_OTHER_SPEAKER = 0.85
MIN_WORDS = 2
# A short title in quotation marks (a headline, a cover line, a book or show title: every
# longer word capitalised) is a name, not a fragment of what someone said: it matches only
# the same title elsewhere (folded as an equal wording), never as a part of a longer quote,
# so a cover's headline is not merged as a variant of a person's words.
TITLE_MAX_WORDS = 6
_TITLE_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")


def is_title(text: str) -> bool:
    """"The Iron Chancellor", "Gone With the Wind": at most TITLE_MAX_WORDS words, two or
    more of four letters or more, each of those capitalised."""
    ws = _TITLE_WORD_RE.findall(text)
    long = [w for w in ws if len(w) >= 4]
    return 0 < len(ws) <= TITLE_MAX_WORDS and len(long) >= 2 and all(w[0].isupper() for w in long)


@dataclass(frozen=True)
class QuoteRef:
    article_id: str
    root: str
    quote: Quote
    speaker: str | None  # the alias-group name


def _grams(q: str) -> tuple[list[str], set[tuple[str, str]]]:
    toks = [stem(w) for w in words(q)]
    return toks, set(zip(toks, toks[1:]))


def containment(a: str, b: str) -> float:
    """Share of the shorter quote found inside the longer one (bigrams; words if short)."""
    return _containment(_grams(a), _grams(b))


def _containment(pa: tuple[list[str], set], pb: tuple[list[str], set]) -> float:
    (ta, ga), (tb, gb) = pa, pb
    if len(ta) > len(tb):
        ta, ga, tb, gb = tb, gb, ta, ga
    if len(ta) < MIN_WORDS:
        return 1.0 if ta and ta == tb else 0.0
    if len(ta) <= 3:
        return len(set(ta) & set(tb)) / len(set(ta)) if ga & gb else 0.0
    return len(ga & gb) / max(len(ga), 1)


class _GramIndex:
    """Which quotes can reach a containment bar with a given one, without trying them all.

    A pair scores above zero only if the two share a bigram (a one-word quote matches only
    itself, and equal wordings are folded before). For the shorter quote to have a share
    ``bar`` of its bigrams in the longer, the two must share one of its rarest
    ``len - ceil(bar * len) + 1`` bigrams (prefix filtering); a pair is a candidate when
    either side's prefix meets the other's bigrams. The candidates are then scored exactly,
    so the result is what comparing every pair gives, at the cost of the rare bigrams'
    postings (a 5,000-article story has thousands of quotes).
    """

    def __init__(self, grams: list[tuple[list[str], set]], bar: float):
        self.df: Counter = Counter(g for _, gs in grams for g in gs)
        self.bar = bar
        self.full: dict[tuple[str, str], list[int]] = {}
        self.prefix: dict[tuple[str, str], list[int]] = {}
        for i, (_, gs) in enumerate(grams):
            for g in gs:
                self.full.setdefault(g, []).append(i)
            for g in self.prefix_of(gs):
                self.prefix.setdefault(g, []).append(i)

    def prefix_of(self, gs: set) -> list:
        ranked = sorted(gs, key=lambda g: (self.df.get(g, 0), g))
        return ranked[: len(ranked) - math.ceil(self.bar * len(ranked) - 1e-9) + 1] if len(ranked) > 2 else ranked

    def candidates(self, gs: set) -> set[int]:
        out: set[int] = set()
        for g in self.prefix_of(gs):
            out.update(self.full.get(g, ()))
        for g in gs:
            out.update(self.prefix.get(g, ()))
        return out


_QUOTED_RE = re.compile(r"[\u201c\"]([^\u201c\u201d\"\n]{3,400})[\u201d\"]")


def recover_quotes(texts: dict[str, tuple[str, str]], refs: list[QuoteRef]) -> list[QuoteRef]:
    """Quoted words the enrich stage left out ("potentially suspicious" in quotation marks
    with no speaker it could attribute) that repeat a quote another outlet carries.

    ``texts`` maps an article id to (root, text). Steps: 1. every span between quotation
    marks that overlaps none of the article's own quotes; 2. kept, as a partial quote of
    unknown speaker, only when it matches a quote of another article at the same bar as
    ``match_quotes`` (so a recovered span never adds a quote nobody else has).
    """
    known = [r for r in refs if r.quote.kind in ("direct", "partial") and r.quote.text.strip()]
    grams = [_grams(r.quote.text) for r in known]
    index = _GramIndex(grams, CONTAINMENT)
    spans: dict[str, list[tuple[int, int]]] = {}
    for r in refs:
        spans.setdefault(r.article_id, []).append((r.quote.start, r.quote.end))
    out = []
    for aid, (root, text) in texts.items():
        for m in _QUOTED_RE.finditer(text):
            lo, hi = m.start(1), m.end(1)
            if any(s < hi and lo < e for s, e in spans.get(aid, ())):
                continue
            g = _grams(m.group(1))
            if len(g[0]) < MIN_WORDS:
                continue
            title = is_title(m.group(1))
            if any(known[k].article_id != aid and _containment(g, grams[k]) >= CONTAINMENT
                   and (not title or g[0] == grams[k][0])
                   for k in index.candidates(g[1])):
                out.append(QuoteRef(aid, root, Quote(None, m.group(1).strip(), "partial", lo, hi), None))
    return out


def match_quotes(refs: list[QuoteRef]) -> list[BriefQuote]:
    """Group quote references and return the brief's quote list
    (``brief_quotes(group_quotes(refs))``)."""
    return brief_quotes(group_quotes(refs))


def group_quotes(refs: list[QuoteRef]) -> list[list[QuoteRef]]:
    """The references that quote one statement, one list per quote (each outlet's
    reference with the speaker that outlet names: disputes.attribution_clashes reads them).

    Steps: 1. compare the pairs that can match (direct and partial quotes only: an
    indirect quote is a paraphrase, matched as a fact instead; see _GramIndex); 2. merge
    pairs whose containment passes the bar for their speakers.
    """
    # a single word in quotation marks ("if Iran continues to “cross” the United States")
    # is a scare quote or a term, not something a person said: the sentence carrying it is
    # a fact, and "John Bolton: “cross”" would read as a statement
    refs = [r for r in refs if r.quote.kind in ("direct", "partial") and len(words(r.quote.text)) >= MIN_WORDS]
    # the same wording in several articles (a copy, or outlets quoting one statement in
    # full) is folded in before the pairwise pass
    carried: dict[str, list[QuoteRef]] = {}
    for r in refs:
        carried.setdefault(" ".join(words(r.quote.text)), []).append(r)
    copies_of = {id(rs[0]): rs[1:] for rs in carried.values()}
    refs = [rs[0] for rs in carried.values()]
    sets = DisjointSets(len(refs))
    grams = [_grams(r.quote.text) for r in refs]
    index = _GramIndex(grams, CONTAINMENT)
    titles = [is_title(r.quote.text) for r in refs]

    # each quote links to its best match in every other article (not to every match), so
    # one shared fragment cannot chain two different statements into one quote
    for i in range(len(refs)):
        best: dict[str, tuple[float, int]] = {}
        for j in sorted(index.candidates(grams[i][1])):
            a, b = refs[i], refs[j]
            if a.article_id == b.article_id or titles[i] or titles[j]:
                continue  # a title matched only its equal wording, folded above
            same = a.speaker is None or b.speaker is None or a.speaker == b.speaker
            bar = CONTAINMENT if same else CONTAINMENT_OTHER_SPEAKER
            score = _containment(grams[i], grams[j])
            if score >= bar and score > best.get(b.article_id, (0.0, -1))[0]:
                best[b.article_id] = (score, j)
        for _, j in best.values():
            sets.join(i, j)

    return [[m for i in group for m in (refs[i], *copies_of[id(refs[i])])] for group in sets.groups().values()]


def brief_quotes(groups: list[list[QuoteRef]]) -> list[BriefQuote]:
    """The brief's quote list: per group, the most named speaker, the fullest wording,
    every article, and each article's own wording as a variant when wordings differ;
    sorted by speaker, then by how many independent sources carry the quote."""
    # when outlets name different speakers, the one quoted most across the story wins ties:
    # an attribution slip ("he said" resolved to the wrong person) rarely picks the main voice
    # (counted once per distinct wording: its first reference, as the matcher folded them)
    firsts = {" ".join(words(r.quote.text)): r for members in groups for r in reversed(members)}
    prominence = Counter(r.speaker for r in firsts.values() if r.speaker)
    out = []
    for members in groups:
        speakers = Counter(r.speaker for r in members if r.speaker)
        speaker = (
            max(speakers, key=lambda s: (speakers[s], prominence[s], len(s))) if speakers else None
        )
        text = max((r.quote.text.strip() for r in members), key=len)
        variants: list[Variant] = []
        if len({" ".join(words(r.quote.text)) for r in members}) > 1:
            for v in dict.fromkeys(Variant(r.article_id, r.quote.text.strip())
                                   for r in sorted(members, key=lambda r: (r.article_id, r.quote.start))):
                variants.append(v)
        item = BriefQuote(speaker, text, tuple(sorted({r.article_id for r in members})), tuple(variants))
        out.append((len({r.root for r in members}), item))
    out.sort(key=lambda x: (x[1].speaker is None, x[1].speaker or "", -x[0], x[1].text))
    return [item for _, item in out]
