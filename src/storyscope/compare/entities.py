"""Entities of the brief: each article's mentions merged across outlets, with aliases."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict

from ..enrich.aliases import group_aliases
from ..brief_records import BriefEntity, Cited
from ..model import Enrichment
from .place_cues import SLIP_LABELS, place_types


def _alias_groups(rows: list[tuple[str, str, str]]) -> list[dict]:
    groups = []
    for g in group_aliases(rows):
        groups.append(
            {
                "name": g.name,
                "type": g.type,
                "aliases": sorted(set(g.aliases) - {g.name}),
                "article_ids": sorted(set(g.article_ids)),
                "mentions": max(g.mentions, 1),
            }
        )
    return groups


def _voted(rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Every mention of a name labelled with the one type the story gives that name.

    The small model labels one name differently from sentence to sentence ("Banda Aceh"
    PERSON here, GPE there); a name's type is decided once per story: each article votes
    for the label it gives the name most often, the most votes win, then the most
    mentions, then the label's name (so that the result does not depend on order). One
    article repeating a slip cannot outvote the other outlets.
    """
    # counted once per distinct row: a big story repeats each (name, label, article) many times
    counts = Counter(rows)
    mentions: Counter[tuple[str, str]] = Counter()
    for (name, label, _), n in counts.items():
        mentions[name, label] += n
    # each article's label for the name: most mentions there, then in the story, then by name
    best: dict[tuple[str, str], tuple[int, int, str]] = {}
    for (name, label, aid), n in counts.items():
        key = (n, mentions[name, label], label)
        if key > best.get((name, aid), (0, 0, "")):
            best[(name, aid)] = key
    votes = Counter((name, key[2]) for (name, _), key in best.items())
    label_of: dict[str, tuple[tuple[int, int, str], str]] = {}
    for (name, label), v in votes.items():
        key = (v, mentions[name, label], label)
        if name not in label_of or key > label_of[name][0]:
            label_of[name] = (key, label)
    return [(name, label_of[name][1], aid) for name, _, aid in rows]


# "0737 GMT": the small model files a clock's time zone as an organisation; it is no one
_TIME_ZONES = frozenset("GMT UTC EST EDT CST CDT MST MDT PST PDT AKST HST BST CET CEST EET EEST "
                        "IST JST KST AEST AEDT WIB".split())
_QUOTE_MARKS = "\"“”"


def _display_name(name: str) -> str:
    """The name without a quotation mark left unpaired by the entity span
    ('Pacific "Ring of Fire' -> 'Pacific Ring of Fire')."""
    if sum(name.count(q) for q in _QUOTE_MARKS) % 2 or name[:1] in _QUOTE_MARKS:
        name = " ".join(name.translate({ord(q): None for q in _QUOTE_MARKS}).split())
    return name


def merge_entities(enrichments: list[Enrichment]) -> tuple[list[BriefEntity], dict[str, str]]:
    """Return the brief's entity list and a map from every canonical name to its group name.

    Steps: 1. one row (canonical, label, article id) per mention, captions included, each
    name's label decided once for the story (``_voted``), a place the context marks
    relabelled (``place_cues``); 2. the enrich stage's
    ``group_aliases`` (a group carries its majority type); 3. the first sentences that mention each
    entity, so a reader can check it; 4. order by how many articles name the entity,
    then mentions.
    """
    # each name as the brief shows it, keyed by the enrich stage's canonical name
    # (captions too: who appears in a photo or video caption is named in the article too)
    names = dict.fromkeys(m.canonical for e in enrichments for m in (*e.entities, *e.caption_entities))
    shown = {c: _display_name(c) for c in names if c and c.strip() and c.strip() not in _TIME_ZONES}
    rows = [
        (shown[m.canonical], m.label, e.article_id)
        for e in enrichments
        for m in (*e.entities, *e.caption_entities)
        if m.canonical in shown
    ]
    if not rows:
        return [], {}
    rows = _voted(rows)
    # a place the model took for a person, group or nationality in every mention
    places = {shown[n]: t for n, t in place_types(enrichments).items() if n in shown}
    rows = [(n, places[n] if n in places and label in SLIP_LABELS else label, aid) for n, label, aid in rows]
    groups = _alias_groups(rows)
    alias_of: dict[str, str] = {}
    for g in groups:
        for n in [g["name"], *g["aliases"]]:
            alias_of.setdefault(n, g["name"])
    # a canonical name the grouping did not return keeps itself
    for name, _, _ in rows:
        alias_of.setdefault(name, name)
    # the other sections look names up as the enrich stage wrote them
    for canonical, name in shown.items():
        alias_of.setdefault(canonical, alias_of[name])
    _add_sentences(groups, enrichments, alias_of)
    groups.sort(key=lambda g: (-len(g["article_ids"]), -g["mentions"], g["name"]))
    return [
        BriefEntity(g["name"], g["type"], tuple(g["aliases"]), tuple(g["article_ids"]), g["mentions"],
                    tuple(Cited(c["article_id"], c["sentence"]) for c in g["sentences"]))
        for g in groups
    ], alias_of


# Sentences quoted per entity: enough to see who or what it is in context; the
# mention count says how many more there are.
MAX_SENTENCES = 3


def _add_sentences(groups: list[dict], enrichments: list[Enrichment], alias_of: dict[str, str]) -> None:
    by_name = {g["name"]: g for g in groups}
    for g in groups:
        g["sentences"] = []
    for e in enrichments:
        starts = [s.start for s in e.sentences]
        for m in e.entities:  # captions are not sentences of the article
            group = by_name.get(alias_of.get(m.canonical, ""))
            i = bisect_right(starts, m.start) - 1
            if group is None or i < 0 or len(group["sentences"]) >= MAX_SENTENCES:
                continue
            line = {"article_id": e.article_id, "sentence": e.sentences[i].text}
            if line not in group["sentences"]:
                group["sentences"].append(line)
