"""Timeline: dated mentions with their sentence, merged across outlets, ordered by date.

One entry at most per article sentence: a sentence that names several dates ("In May,
Trump withdrew from the 2015 deal ...") is placed once, at the date of what it reports,
chosen by ``sentence_date``: a date that only qualifies a noun ("the 2015 deal",
"Thursday's debate") gives way to one that dates the sentence's own event ("on
Monday"), and of those the most precise (a day before a month before a year), then the
first. Whether a weekday lies ahead or behind is the enrich stage's decision
(``enrich.dates``: "ahead of Thursday's debate" looks forward).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..model import DateMention
from .units import Unit

DATE_VALUE_RE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
# Two mentions of the same date are one event when their sentences are this similar.
# Lower than the fact threshold on purpose: the shared date is already strong evidence
# (the seed's "late on September 28" / "on Friday" sentences score about 0.2).
SAME_EVENT = 0.15


@dataclass(frozen=True)
class DatedUnit:
    value: str
    unit: Unit
    mention: DateMention


# what comes before a date that qualifies a noun: "the 2015 deal", "Iran's 2015 deal"
_DETERMINER_RE = re.compile(r"(?:\b(?:the|a|an|its|his|her|their|our|this|that|last|next)|['\u2019]s)\s+$", re.I)
# ...and after it: a word of the noun phrase, not a preposition, verb or punctuation
_NOUN_AFTER_RE = re.compile(r"\s+[A-Za-z][\w-]*")
_FUNCTION_WORDS = frozenset(
    """a an the and or but to of in on at by for from with as when while after before
    since until than that which who is was are were be been has have had will would""".split()
)
_POSSESSIVE_RE = re.compile(r"['\u2019]s\b")


def _qualifies_noun(sentence: str, start: int, end: int) -> bool:
    """True when the date at ``sentence[start:end]`` only qualifies a noun that names
    another event: "Thursday's debate", "the 2015 nuclear deal"."""
    after = sentence[end:end + 40]
    if _POSSESSIVE_RE.match(after):
        return True
    m = _NOUN_AFTER_RE.match(after)
    if m is None or m.group().strip().lower() in _FUNCTION_WORDS:
        return False
    return bool(_DETERMINER_RE.search(sentence[max(0, start - 20):start]))


def _precision(value: str) -> int:
    return len(value)  # 2018-09-28 > 2018-09 > 2018: a day is more precise than a month


def sentence_date(unit: Unit, mentions: list[DateMention]) -> DateMention:
    """The one date of a sentence with several: what the sentence reports happened then."""
    base = unit.start - unit.sentence.find(unit.text) if unit.text in unit.sentence else unit.start

    def rank(m: DateMention):
        s, e = m.start - base, m.end - base
        qualifier = 0 <= s and e <= len(unit.sentence) and _qualifies_noun(unit.sentence, s, e)
        return (qualifier, -_precision(m.value), m.start)

    return min(mentions, key=rank)


def dated_units(units_by_article: dict[str, list[Unit]], dates: dict[str, tuple[DateMention, ...]]) -> list[DatedUnit]:
    """Attach each article sentence's date (one, see ``sentence_date``) to its unit."""
    out = []
    for aid, mentions in dates.items():
        units = units_by_article.get(aid, [])
        found: dict[int, tuple[Unit, list[DateMention]]] = {}
        for m in mentions:
            if not DATE_VALUE_RE.match(m.value or ""):
                continue  # PAST_REF, durations, weeks: not a point on a timeline
            for k, u in enumerate(units):
                if u.start <= m.start < u.end:
                    found.setdefault(k, (u, []))[1].append(m)
                    break
        for k in sorted(found):
            u, ms = found[k]
            m = sentence_date(u, ms)
            out.append(DatedUnit(m.value, u, m))
    return out


def build_timeline(dated: list[DatedUnit], sim: np.ndarray, fact_of: dict[int, int]) -> list[dict]:
    """Merge same-date mentions whose sentences are alike (or belong to one fact); sort by date."""
    by_value: dict[str, list[DatedUnit]] = {}
    for d in dated:
        by_value.setdefault(d.value, []).append(d)
    items = []
    for value in sorted(by_value):
        clusters: list[list[DatedUnit]] = []
        for d in by_value[value]:
            home = None
            for c in clusters:
                if d.unit.article_id in {x.unit.article_id for x in c}:
                    continue
                if any(
                    fact_of.get(x.unit.index) == fact_of.get(d.unit.index)
                    or sim[x.unit.index, d.unit.index] >= SAME_EVENT
                    for x in c
                ):
                    home = c
                    break
            if home is None:
                clusters.append([d])
            else:
                home.append(d)
        for c in clusters:
            first = min(c, key=lambda x: (x.unit.article_id, x.unit.position))
            items.append(
                {
                    "date": value,
                    "text": first.unit.sentence,
                    "article_ids": sorted({x.unit.article_id for x in c}),
                }
            )
    return items
