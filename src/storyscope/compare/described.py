"""A quote's speaker given as a description ("the doctor") named where the article named
the person: '"A child died ...," Ema Suryani, a doctor at a health clinic in Lampahan
city, told AFP. "We have received around 50 people ...," added the doctor.' gives the
second quote to Ema Suryani in the brief.

Precision first: the description must be lower-case "the" + words, and the article must,
before it, describe exactly one person with that head noun, either in apposition to the
name ("Name, a/an/the ... doctor ...," or "Name, 43," for "the 43-year-old") or as a
title just before the name ("agency spokesman Name", "President Name"), neither one of
another office of the same noun ("Vice President Name", "a former doctor"). Two such people, or
none, leave the description as it is. The enrich stage's own speakers are not changed
(its PolNeAR benchmark scores them literally): only the brief's copy is.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model import EntityMention, Enrichment, Quote

# "the doctor", "the senior official", "the 43-year-old": the whole speaker lower-case
_DESCRIPTION_RE = re.compile(r"the(?: [a-z0-9][a-z0-9-]*){1,4}")
_AGE_RE = re.compile(r"(\d{1,3})-year-old")
# the words after "Name, a/an/the" up to the end of the appositive's clause
_APPOSITIVE_RE = re.compile(r",\s+(?:a|an|the)\s+([^,.;:()\"\u201c\u201d]{1,80})")
_AGE_APPOSITIVE_RE = re.compile(r",\s+(\d{1,3})\s*,")
# the noun phrase of an appositive ends where a preposition or a clause begins:
# "a doctor at a health clinic" -> "doctor"; "a spokesman for the ministry" -> "spokesman"
_NP_END = frozenset(
    "at of in for with from on who whom whose which that to and or by as since until "
    "after before under over near".split()
)
# (a verb is not in that list: "Sestak, the report said that ..." is no apposition, and
# its phrase "report said" ends in no noun the description could match)
# a title just before the name: "national disaster agency spokesman Sutopo", "Athens
# Mayor Nikitas Kaklamanis", "Superior Court Judge James Bodiford"; group 1 the word
# before the title, group 2 the title
_TITLE_BEFORE_RE = re.compile(r"(?:^|[^\w'\u2019-])(?:([A-Za-z]+)[\s-]+)?([A-Za-z][a-z]+)\s+$")
# words that make another office of the same noun: "Vice President Joe Biden" is not who
# "the president" is, nor "former President Bill Clinton", "Lieutenant Governor ..."
_OTHER_OFFICE = frozenset(
    "vice former ex deputy assistant acting late interim co associate lieutenant attorney surgeon".split()
)
_WORD_RE = re.compile(r"[a-z0-9][a-z0-9-]*")


def is_description(speaker: str | None) -> bool:
    """A definite description standing for a person: "the doctor", "the 43-year-old"."""
    return bool(speaker) and _DESCRIPTION_RE.fullmatch(speaker) is not None


def _appositive_words(text: str, end: int) -> list[str]:
    """The noun phrase in apposition after a name ending at ``end``: ", a doctor at a
    health clinic," -> ["doctor"]; ", a senior government official," -> ["senior",
    "government", "official"]; "" when no appositive follows."""
    m = _APPOSITIVE_RE.match(text, end)
    if not m:
        return []
    out = []
    for w in _WORD_RE.findall(m.group(1)):
        if w in _NP_END:
            break
        out.append(w)
    # a capitalised or otherwise non-lower-case word ends a common noun phrase too
    phrase = m.group(1).split()
    if phrase and not phrase[0][:1].islower() and not phrase[0][:1].isdigit():
        return []
    return out


def describes(text: str, mention: EntityMention, description: str) -> bool:
    """Whether ``text`` describes the person of ``mention`` as ``description`` right at the
    mention: in apposition after the name, or as a lower-case title just before it."""
    words = description.split()[1:]
    head = words[-1]
    age = _AGE_RE.fullmatch(head)
    if age:
        m = _AGE_APPOSITIVE_RE.match(text, mention.end)
        if m and m.group(1) == age.group(1):
            return True
    np = _appositive_words(text, mention.end)
    if (np and np[-1] == head and all(w in np for w in words)
            and not any(w in _OTHER_OFFICE and w not in words for w in np)):
        return True
    before = _TITLE_BEFORE_RE.search(text, max(0, mention.start - 40), mention.start)
    # a single-word title only ("spokesman Name"), and only with a one-word description:
    # the words before it are not checked, so "the senior official" needs the apposition
    return (bool(before) and len(words) == 1 and before.group(2).lower() == head
            and (before.group(1) or "").lower() not in _OTHER_OFFICE)


def described_person(text: str, persons: list[EntityMention], description: str, before: int) -> str | None:
    """The one person (canonical name) the article describes as ``description`` before
    offset ``before``; None when none or more than one fit."""
    names = {m.canonical or m.text for m in persons if m.end <= before and describes(text, m, description)}
    return names.pop() if len(names) == 1 else None


def name_described_speakers(text: str, enrichment: Enrichment) -> Enrichment:
    """``enrichment`` with each quote whose speaker is a description named by the person
    the article described so (``described_person``); the same object when none is."""
    persons = [m for m in enrichment.entities if m.label == "PERSON"]
    if not persons:
        return enrichment
    quotes: list[Quote] = []
    changed = False
    for q in enrichment.quotes:
        if is_description(q.speaker):
            at = q.speaker_start if q.speaker_start is not None else q.start
            name = described_person(text, persons, q.speaker, at)
            if name:
                q = replace(q, speaker=name)
                changed = True
        quotes.append(q)
    return replace(enrichment, quotes=tuple(quotes)) if changed else enrichment
