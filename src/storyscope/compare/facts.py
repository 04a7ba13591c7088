"""Fact alignment: units from different articles that report the same claim become one fact."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .units import Unit

# Two units of different articles are taken to report the same fact when the similarity
# of their wording passes ALIGN_THRESHOLD. The similarity blends the cosine of the
# IDF-weighted stem/entity/number bags (the same words) with, at EMBED_WEIGHT, the cosine
# of static sentence embeddings (features/embed.py: "blaze"/"fire", "hurt"/"injured",
# which a bag of stems never meets), centred on the story's mean so that the topic every
# sentence shares adds nothing. Calibrated on benchmarks/gold (the seed pair + five ECB+
# stories, 20 articles, 69 labelled same-fact pairs) with
# `python benchmarks/brief.py --data ../shared/data --sweep`, units whole sentences:
# words alone F1 0.78-0.80 (best 0.80 at 0.30); blended, F1 0.82-0.84 on a plateau of
# weight 0.2-0.4 x threshold 0.20-0.28 (P 0.84-0.92, R 0.74-0.81); weight 0.5 falls to
# 0.77-0.78, and the embedding uncentred needs 0.35 for 0.835 at lower precision.
# 0.3 x 0.25 is the plateau's middle (P 0.90, R 0.78). Without the model (files
# missing) the words alone align, at their own best threshold.
EMBED_WEIGHT = 0.3
ALIGN_THRESHOLD = 0.25
WORDS_ONLY_THRESHOLD = 0.30


def similarity(units: list[Unit], word_sim: np.ndarray) -> tuple[np.ndarray, float | None]:
    """The units' pairwise similarity for alignment and the threshold to use with it
    (None: ALIGN_THRESHOLD); ``word_sim`` is the bag-of-words cosine matrix."""
    from ..errors import EmbeddingUnavailableError
    from ..features.embed import embed

    texts = list(dict.fromkeys(u.text for u in units))  # copies share sentences: embed each once
    try:
        emb = embed(texts)
    except EmbeddingUnavailableError:
        return word_sim, WORDS_ONLY_THRESHOLD
    row = {t: i for i, t in enumerate(texts)}
    emb = emb[[row[u.text] for u in units]]
    emb = emb - emb.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(emb, axis=1, keepdims=True)
    np.divide(emb, norms, out=emb, where=norms > 0)
    return ((1.0 - EMBED_WEIGHT) * word_sim + EMBED_WEIGHT * (emb @ emb.T)).astype(np.float32), None


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
