"""Entities of the brief: each article's mentions merged across outlets, with aliases."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..model import Enrichment

_VOWELS_RE = re.compile(r"[aeiouy\s'\u2019.\-]+")


def _skeleton(name: str) -> str:
    # "Rohani" and "Rouhani" share the consonant skeleton "rhn": the fallback's way of
    # meeting transliteration variants when the enrich stage's alias grouping is absent
    return _VOWELS_RE.sub("", name.lower())


def _fallback_groups(rows: list[tuple[str, str, str]]) -> list[dict]:
    """Exact-name grouping, plus consonant-skeleton merging of long same-type names."""
    by_key: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for name, label, aid in rows:
        skel = _skeleton(name)
        key = (label, skel if len(skel) >= 4 else name.lower())
        by_key[key].append((name, label, aid))
    # a lone surname ("Pompeo") joins the one full name it ends ("Mike Pompeo") across articles
    full: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for label, key in by_key:
        if label == "PERSON":
            for name, _, _ in by_key[(label, key)]:
                if " " in name:
                    full[name.split()[-1].lower()].add((label, key))
    for label, key in list(by_key):
        names = {n for n, _, _ in by_key[(label, key)]}
        if label == "PERSON" and all(" " not in n for n in names):
            targets = full.get(next(iter(names)).lower(), set())
            if len(targets) == 1 and (target := next(iter(targets))) != (label, key):
                by_key[target].extend(by_key.pop((label, key)))
    groups = []
    for (label, _), members in by_key.items():
        counts = Counter(n for n, _, _ in members)
        name = max(counts, key=lambda n: (counts[n], len(n)))
        groups.append(
            {
                "name": name,
                "type": label,
                "aliases": sorted(n for n in counts if n != name),
                "article_ids": sorted({a for _, _, a in members}),
                "mentions": len(members),
            }
        )
    return groups


def _from_alias_groups(rows: list[tuple[str, str, str]]) -> list[dict] | None:
    try:
        from ..enrich.aliases import group_aliases  # lazily: owned by the enrich stage
    except ImportError:
        return None
    groups = []
    for g in group_aliases(rows):
        name = str(g.name)
        groups.append(
            {
                "name": name,
                "type": str(g.type),
                "aliases": sorted({str(a) for a in g.aliases} - {name}),
                "article_ids": sorted({str(a) for a in g.article_ids}),
                "mentions": max(int(g.mentions), 1),
            }
        )
    return groups


def merge_entities(enrichments: list[Enrichment]) -> tuple[list[dict], dict[str, str]]:
    """Return the brief's entity list and a map from every canonical name to its group name.

    Steps: 1. one row (canonical, label, article id) per mention; 2. the enrich stage's
    ``group_aliases`` when it exists, else exact names plus skeleton merging; 3. order by
    how many articles name the entity, then mentions.
    """
    rows = [
        (m.canonical, m.label, e.article_id)
        for e in enrichments
        for m in e.entities
        if m.canonical and m.canonical.strip()
    ]
    if not rows:
        return [], {}
    groups = _from_alias_groups(rows)
    if groups is None:
        groups = _fallback_groups(rows)
    alias_of: dict[str, str] = {}
    for g in groups:
        for n in [g["name"], *g["aliases"]]:
            alias_of.setdefault(n, g["name"])
    # a canonical name the grouping did not return keeps itself
    for name, _, _ in rows:
        alias_of.setdefault(name, name)
    groups.sort(key=lambda g: (-len(g["article_ids"]), -g["mentions"], g["name"]))
    return groups, alias_of
