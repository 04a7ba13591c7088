"""Disagreements: a denial against the claim it denies, and figures that differ across outlets."""

from __future__ import annotations

import re

import numpy as np

from .facts import Fact
from .text import Vectorizer, content_stems
from .units import Unit

DENIAL_RE = re.compile(
    r"\b(?:not aware|no evidence|no indication|no sign|no credible|no idea|did not appear|"
    r"does not appear|do not appear|not appear|deni(?:ed|es)|deny(?:ing)?|reject(?:ed|s)?|"
    r"dismiss(?:ed|es)?|refut(?:ed|es)|disput(?:ed|es)|not true|untrue|false|baseless|"
    r"unfounded|not going to be|contrary to)\b",
    re.IGNORECASE,
)
# Weighted share of the denial's topic words (IDF over the story) that an assertion must
# repeat. On the gold set true clashes share 0.25-0.5 of the weight, unrelated attributed
# claims under 0.2. A denial takes at most MAX_ASSERTIONS opposing claims.
TOPIC_OVERLAP = 0.22
MAX_ASSERTIONS = 2
# Two units quoting different figures for the same counted thing clash only if they are
# otherwise about the same thing (cosine over the story vectors).
NUMBER_CONTEXT = 0.3
_CUE_STEMS = {"aware", "evidenc", "indication", "sign", "credibl", "idea", "appear", "deni", "deny",
              "reject", "dismiss", "refut", "disput", "true", "untrue", "fals", "baseless", "unfound"}


def is_denial(text: str) -> bool:
    return bool(DENIAL_RE.search(text))


def _topic(u: Unit) -> set[str]:
    return {s for s in content_stems(u.text) if s not in _CUE_STEMS}


def _position(u: Unit, fact_of: dict[int, int], facts: list[Fact], value: float | None = None) -> dict:
    """One side: the unit's sentence, carried by every article of its fact (for a figure:
    every article of the fact that gives the same figure)."""
    fact = facts[fact_of[u.index]]
    if value is None:
        ids = set(fact.article_ids)
    else:
        ids = {x.article_id for x in fact.units if any(v == value for v, _ in x.numbers)} | {u.article_id}
    return {"speaker": u.speaker, "text": u.sentence, "article_ids": sorted(ids)}


def find_disagreements(
    units: list[Unit],
    vec: Vectorizer,
    sim: np.ndarray,
    facts: list[Fact],
    fact_of: dict[int, int],
) -> list[dict]:
    """Return disagreements and mark the facts they touch as disputed.

    Steps: 1. denials: a unit with a denial cue opposes the attributed claims of other
    speakers that repeat enough of its topic words; consecutive denials of one speaker
    form one position; 2. numbers: units of different independent sources counting the
    same thing with different figures, when the units are otherwise alike.
    """
    out: list[dict] = []
    # 1. denial blocks: consecutive denial units of one article and one speaker
    blocks: list[list[Unit]] = []
    for u in units:
        if not is_denial(u.text):
            continue
        prev = blocks[-1][-1] if blocks else None
        if prev and prev.article_id == u.article_id and prev.speaker == u.speaker and u.position - prev.position <= 2:
            blocks[-1].append(u)
        else:
            blocks.append([u])
    for block in blocks:
        topic: set[str] = set()
        for u in block:
            topic |= _topic(u)
        total = sum(vec.weight(t) for t in topic)
        if total <= 0:
            continue
        speaker = block[0].speaker
        block_facts = {fact_of.get(u.index) for u in block}
        scored = []
        for a in units:
            if is_denial(a.text) or fact_of.get(a.index) in block_facts:
                continue
            if a.speaker is None or a.speaker == speaker:
                continue  # an assertion is somebody's claim, and not the denier's own
            shared = topic & _topic(a)
            score = sum(vec.weight(t) for t in shared) / total
            if score >= TOPIC_OVERLAP:
                scored.append((score, a, shared))
        scored.sort(key=lambda x: -x[0])
        chosen, seen_facts = [], set()
        for score, a, shared in scored:
            f = fact_of.get(a.index)
            if f in seen_facts:
                continue
            seen_facts.add(f)
            chosen.append((a, shared))
            if len(chosen) == MAX_ASSERTIONS:
                break
        if not chosen:
            continue
        positions = [_position(a, fact_of, facts) for a, _ in chosen]
        positions += [_position(u, fact_of, facts) for u in block]
        shared_all = set().union(*(s for _, s in chosen))
        words = sorted(shared_all, key=lambda t: -vec.weight(t))[:4]
        out.append({"topic": ", ".join(words), "kind": "denial", "positions": positions})
        for a, _ in chosen:
            facts[fact_of[a.index]].status = "disputed"
        for u in block:
            facts[fact_of[u.index]].status = "disputed"

    # 2. different figures for the same counted thing
    seen_pairs: set[tuple[int, int]] = set()
    by_key: dict[str, list[tuple[float, Unit]]] = {}
    for u in units:
        for value, key in u.numbers:
            by_key.setdefault(key, []).append((value, u))
    for key, rows in by_key.items():
        for i, (va, ua) in enumerate(rows):
            for vb, ub in rows[i + 1:]:
                if va == vb or ua.root == ub.root:
                    continue
                fa, fb = fact_of.get(ua.index), fact_of.get(ub.index)
                if fa != fb and sim[ua.index, ub.index] < NUMBER_CONTEXT:
                    continue
                pair = (min(fa, fb), max(fa, fb))
                if pair in seen_pairs:
                    continue
                seen_pairs.add(pair)
                out.append(
                    {
                        "topic": f"how many/much: {key}",
                        "kind": "number",
                        "positions": [_position(ua, fact_of, facts, va), _position(ub, fact_of, facts, vb)],
                    }
                )
                facts[fa].status = facts[fb].status = "disputed"
    return out
