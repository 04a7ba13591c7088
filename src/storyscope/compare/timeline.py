"""Timeline: dated mentions with their sentence, merged across outlets, ordered by date."""

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


def dated_units(units_by_article: dict[str, list[Unit]], dates: dict[str, tuple[DateMention, ...]]) -> list[DatedUnit]:
    """Attach each full or partial calendar date to the unit that contains it."""
    out = []
    for aid, mentions in dates.items():
        units = units_by_article.get(aid, [])
        for m in mentions:
            if not DATE_VALUE_RE.match(m.value or ""):
                continue  # PAST_REF, durations, weeks: not a point on a timeline
            for u in units:
                if u.start <= m.start < u.end:
                    out.append(DatedUnit(m.value, u, m))
                    break
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
