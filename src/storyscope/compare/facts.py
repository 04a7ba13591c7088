"""Fact alignment: units from different articles that report the same claim become one fact."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .units import Unit

# Cosine similarity of the IDF-weighted stem/entity/number vectors above which two units
# of different articles are taken to report the same fact. Calibrated on benchmarks/gold
# (the seed pair + five ECB+ stories, 20 articles, 69 labelled same-fact pairs) with
# `python benchmarks/brief.py --data ../shared/data --sweep`: F1 0.79-0.80 on a plateau
# from 0.20 to 0.30 (precision 0.83 -> 0.89, recall 0.75 -> 0.72), 0.75 at 0.35, 0.63 at
# 0.45. 0.30 is the plateau's high-precision end: a wrong merge misleads a reader more
# than a missed one.
ALIGN_THRESHOLD = 0.30


@dataclass
class Fact:
    units: list[Unit]
    status: str = "single-source"
    roots: set[str] = field(default_factory=set)

    @property
    def article_ids(self) -> list[str]:
        return sorted({u.article_id for u in self.units})


def align(units: list[Unit], sim: np.ndarray, threshold: float | None = None) -> list[Fact]:
    """Group units into facts.

    Steps: 1. cosine similarity of every pair of units; 2. keep pairs from different
    articles above ``threshold``; 3. merge best pairs first (single link) while a fact
    holds at most one unit per article, so a fact never swallows a whole article;
    4. every unit not merged is a fact of its own.
    """
    threshold = ALIGN_THRESHOLD if threshold is None else threshold
    n = len(units)
    if n == 0:
        return []
    ids = {aid: i for i, aid in enumerate(dict.fromkeys(u.article_id for u in units))}
    art = np.array([ids[u.article_id] for u in units])
    # a denial and the claim it denies share their words; they must stay apart (they are
    # a disagreement, found later), so units only align with units of the same polarity
    pol = np.array([u.denial for u in units])
    mask = np.triu(np.ones((n, n), dtype=bool), k=1) & (art[:, None] != art[None, :])
    mask &= pol[:, None] == pol[None, :]
    cand = np.argwhere(mask & (sim >= threshold))
    order = np.argsort(-sim[cand[:, 0], cand[:, 1]], kind="stable") if len(cand) else []
    pairs = cand[order].tolist() if len(cand) else []

    parent = list(range(n))
    members: dict[int, set[str]] = {i: {units[i].article_id} for i in range(n)}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
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
