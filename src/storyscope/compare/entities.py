"""Entities of the brief: each article's mentions merged across outlets, with aliases."""

from __future__ import annotations

from ..enrich.aliases import group_aliases
from ..model import Enrichment


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


def merge_entities(enrichments: list[Enrichment]) -> tuple[list[dict], dict[str, str]]:
    """Return the brief's entity list and a map from every canonical name to its group name.

    Steps: 1. one row (canonical, label, article id) per mention, captions included;
    2. the enrich stage's ``group_aliases``; 3. order by
    how many articles name the entity, then mentions.
    """
    rows = [
        (m.canonical, m.label, e.article_id)
        for e in enrichments
        # who appears in a photo or video caption is named in the article too
        for m in (*e.entities, *e.caption_entities)
        if m.canonical and m.canonical.strip()
    ]
    if not rows:
        return [], {}
    groups = _alias_groups(rows)
    alias_of: dict[str, str] = {}
    for g in groups:
        for n in [g["name"], *g["aliases"]]:
            alias_of.setdefault(n, g["name"])
    # a canonical name the grouping did not return keeps itself
    for name, _, _ in rows:
        alias_of.setdefault(name, name)
    groups.sort(key=lambda g: (-len(g["article_ids"]), -g["mentions"], g["name"]))
    return groups, alias_of
