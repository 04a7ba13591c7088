"""Fact alignment: units from different articles that report the same claim become one fact."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .text import Vectorizer
from .units import Unit

# Cosine similarity of the IDF-weighted stem/entity/number vectors above which two units
# of different articles are taken to report the same fact. Calibrated on benchmarks/gold
# (the seed pair + four ECB+ stories, 14 articles, 58 labelled sentence pairs) by sweeping
# 0.20-0.60 in steps of 0.05 with `python benchmarks/brief.py --data ... --sweep`:
# F1 of the pair alignment peaks on a plateau around 0.30-0.40; 0.35 sits in its middle.
ALIGN_THRESHOLD = 0.35


@dataclass
class Fact:
    units: list[Unit]
    status: str = "single-source"
    roots: set[str] = field(default_factory=set)

    @property
    def article_ids(self) -> list[str]:
        return sorted({u.article_id for u in self.units})


def align(units: list[Unit], vec: Vectorizer, threshold: float = ALIGN_THRESHOLD) -> list[Fact]:
    """Group units into facts.

    Steps: 1. cosine similarity of every pair of units; 2. keep pairs from different
    articles above ``threshold``; 3. merge best pairs first (single link) while a fact
    holds at most one unit per article, so a fact never swallows a whole article;
    4. every unit not merged is a fact of its own.
    """
    n = len(units)
    if n == 0:
        return []
    sim = vec.similarity()
    art = np.array([hash(u.article_id) for u in units])
    mask = np.triu(np.ones((n, n), dtype=bool), k=1) & (art[:, None] != art[None, :])
    cand = np.argwhere(mask & (sim >= threshold))
    order = np.argsort(-sim[cand[:, 0], cand[:, 1]], kind="stable") if len(cand) else []

    parent = list(range(n))
    members: dict[int, set[str]] = {i: {units[i].article_id} for i in range(n)}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for k in order:
        a, b = (int(x) for x in cand[k])
        ra, rb = find(a), find(b)
        if ra == rb or members[ra] & members[rb]:
            continue
        parent[rb] = ra
        members[ra] |= members.pop(rb)

    groups: dict[int, list[Unit]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(units[i])
    facts = []
    for us in groups.values():
        us.sort(key=lambda u: (u.article_id, u.position))
        fact = Fact(units=us, roots={u.root for u in us})
        fact.status = "corroborated" if len(fact.roots) >= 2 else "single-source"
        facts.append(fact)
    return facts


def representative(fact: Fact, sim: np.ndarray) -> Unit:
    """The unit closest to the others (the most typical wording); shorter wins ties."""
    if len(fact.units) <= 2:
        return min(fact.units, key=lambda u: (len(u.text) > 300, u.position, len(u.text)))
    idx = [u.index for u in fact.units]
    scores = sim[np.ix_(idx, idx)].sum(axis=1)
    best = max(range(len(idx)), key=lambda i: (round(float(scores[i]), 3), -len(fact.units[i].text)))
    return fact.units[best]


def order_facts(facts: list[Fact]) -> list[Fact]:
    """Corroborated core first (most independent sources), then disputed, then the rest."""
    rank = {"corroborated": 0, "disputed": 1, "single-source": 2}
    return sorted(
        facts,
        key=lambda f: (rank[f.status], -len(f.roots), min(u.position for u in f.units)),
    )
