"""Places the small model labels as people, groups or nationalities, told by their context.

The small English model labels some place names it has rarely seen as a person
("Banda Aceh"), a group ("Takengon") or a nationality ("Sumatra"), and does so in every
mention, so a vote over the story's mentions keeps the slip. English marks a place
around its name: "people ran outside in Banda Aceh", "Sumatra island", "the town of
Bireun", "Takengon, the capital of Central Aceh". ``place_type`` reads those marks in
each mention's sentence and decides a name's type for a story only when its place marks
outnumber its person marks ("Smith said", "Mr Smith", "Smith, 34,"); a name without
either keeps the model's label.

The marks are general English, chosen on the odd ECB+ topics and checked by reading
every change on the even ones (docs/benchmarks.md, "Entity types from context"). An
organisation after "in" is left alone: "in Congress", "in Albany County Court" and "in
Huntsville" look alike.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict

from ..model import Enrichment

# Nouns that name a kind of place. A natural feature is a LOC, a settlement or an
# administrative area a GPE (spaCy's OntoNotes labels).
_NATURAL = ("island", "islands", "peninsula", "coast", "valley", "river", "mountain", "mountains",
            "region", "lake", "bay", "gulf", "desert", "strait")
_SETTLED = ("province", "city", "village", "district", "county", "regency", "town", "prefecture",
            "municipality", "suburb", "neighbourhood", "neighborhood", "township", "borough")
# lower case, or capitalised as in a name ("Sumatra Island"), never shouted: a capital
# inside the phrase ("a Fulton County sheriff's deputy") is another name
_PLACE_NOUN = "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in _NATURAL + _SETTLED)
# the place noun ends its phrase: "Sumatra island." but not "a Perth mountain climber"
# or "the deputy district chief"
_FOLLOWERS = ("in|on|at|near|and|or|where|which|that|was|is|has|had|were|are|to|from|with|after|"
              "before|when|while|a|an|the")
_PHRASE_END = r"(?=\s*(?:[,.;:)!?]|$)|\s+(?:" + _FOLLOWERS + r")\b)"
# in an apposition "of" may follow ("Takengon, the capital of Central Aceh")
_APPOSITION_END = r"(?=\s*(?:[,.;:)!?]|$)|\s+(?:of|" + _FOLLOWERS + r")\b)"

# "... in Banda Aceh as", "... off Banda Aceh," -- a locative preposition right before the
# name; "from", "to" and "at" are left out ("said to Smith", "a letter from Smith", "at Google").
_BEFORE_PREP = re.compile(r"(?:^|[^\w-])(?:in|near|outside|off)\s+$", re.I)
# "the town of Bireun", "Aceh province's capital" is not this: the noun must come right before "of"
_BEFORE_KIND_OF = re.compile(r"\b(?:" + _PLACE_NOUN + r"|capital)\s+of\s+$")
# "Sumatra island", "Suka Makmur village" -- but not "the Indonesian province of Aceh",
# where the name is an adjective of the noun and the place comes after "of"
_AFTER_KIND = re.compile(r"^\s+(" + _PLACE_NOUN + r")\b(?!\s+of\b)" + _PHRASE_END)
# "Takengon, the capital of ...", "Bireun, a town in ..."
_AFTER_APPOSITION = re.compile(
    r"^\s*,\s+(?:the|a|an)\s+(?:[a-z]+\s+)?(" + _PLACE_NOUN + r"|capital)\b" + _APPOSITION_END)
# a lower-case word after the name makes it a modifier ("in NFL history", "in British
# television"), which says nothing about what the name itself is
_AFTER_MODIFIED = re.compile(
    r"^\s+(?!(?:" + _FOLLOWERS + r"|as|for|by|of|since|during|until|but|so|if|because|last|this|"
    r"next|alone|itself)\b)[a-z]")
# "Bush's", "Collins' trilogy", "in Rodgers and Hammerstein's musical"
_POSSESSIVE = re.compile(r"^(?:\s+and\s+[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*)?['’](?:s\b|(?!\w))")
# a nationality is an adjective before a place noun ("the Somali coast", "this Iranian
# island"): only a NORP that does not end like a demonym can be a misread place name
_DEMONYM = re.compile(r"(?:an|ese|ish|i|ic|ch)$")

_PERSON_AFTER = re.compile(
    r"^\s*(?:,\s*(?:\d{1,3}|aged\s+\d{1,3})\s*,|(?:has\s+|had\s+)?(?:said|says|told|added|asked|"
    r"explained|insisted|argued|stated|wrote|tweeted)\b)", re.I)
_PERSON_BEFORE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|President|Senator|Sen|Rep|Gov|Governor|Judge|"
    r"Minister|Secretary|General|Gen|Captain|Capt|Sgt|Sergeant|Deputy|Officer|Lt|Col|Rev|Coach|"
    r"Prince|Princess|King|Queen)\.?\s+$")

# the labels a place slip arrives under; an ORG is judged only by the stronger marks
SLIP_LABELS = frozenset({"PERSON", "NORP", "ORG"})


def _mark(before: str, after: str, label: str) -> str | None:
    """'GPE' or 'LOC' when the context marks a place, 'PERSON' when it marks a person."""
    if _PERSON_BEFORE.search(before) or _PERSON_AFTER.match(after):
        return "PERSON"
    kind = _AFTER_KIND.match(after) or _AFTER_APPOSITION.match(after)
    if kind:
        return "LOC" if kind.group(1).lower() in _NATURAL else "GPE"
    if _BEFORE_KIND_OF.search(before):
        return "GPE"
    if (label != "ORG" and _BEFORE_PREP.search(before) and not _POSSESSIVE.match(after)
            and not _AFTER_MODIFIED.match(after)):
        return "GPE"
    return None


def place_types(enrichments: list[Enrichment]) -> dict[str, str]:
    """Canonical name -> 'GPE' or 'LOC' for the names the story's context marks as places.

    Only names the model labelled PERSON, NORP or ORG are judged; a name is a place when
    its mentions carry more place marks than person marks.
    """
    marks: dict[str, Counter[str]] = defaultdict(Counter)
    seen: dict[tuple[str, int, int, str], str | None] = {}
    for e in enrichments:
        starts = [s.start for s in e.sentences]
        for m in e.entities:
            # a name opens with a capital; "post-Soviet" is a word with a name in it
            if m.label not in SLIP_LABELS or not m.canonical or not m.text[:1].isupper():
                continue
            if m.label == "NORP" and _DEMONYM.search(m.text):
                continue
            i = bisect_right(starts, m.start) - 1
            if i < 0 or m.end > e.sentences[i].end:
                continue
            s = e.sentences[i]
            # a syndicated copy repeats its original's sentences: each context is read once
            key = (s.text, m.start - s.start, m.end - s.start, m.label)
            if key not in seen:
                seen[key] = _mark(s.text[: m.start - s.start], s.text[m.end - s.start:], m.label)
            mark = seen[key]
            if mark:
                marks[m.canonical][mark] += 1
    out = {}
    for name, c in marks.items():
        place = c["GPE"] + c["LOC"]
        if place > c["PERSON"]:
            out[name] = "LOC" if c["LOC"] > c["GPE"] else "GPE"
    return out
