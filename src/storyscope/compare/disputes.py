"""Disagreements: a denial against the claim it denies, and figures that differ across outlets."""

from __future__ import annotations

import re

from .facts import Fact
from .text import DENIAL_RE, WORD_RE, Vectorizer, content_stems, stem
from .units import Unit

# Weighted share of a denial's topic words (IDF over the story, focus words boosted) that
# a claim must repeat to be the claim denied, summed over the units of the claim's fact
# (MIN_UNIT_OVERLAP for one unit to count at all). On the seed the denied threat claims
# score 0.26-0.37 and the nearest unrelated one (al-Mohandes blaming saboteurs) 0.23; the
# ECB+ church fire's "no idea what caused it" meets "someone intentionally did it" at
# 0.30. The margin is thin: this is the least certain constant of the stage.
# A denial takes at most MAX_ASSERTIONS opposing claims (the seed's official denies a
# threat that Pompeo's order, the closure announcement and his quote all assert).
TOPIC_OVERLAP = 0.25
MIN_UNIT_OVERLAP = 0.12
MAX_ASSERTIONS = 3
# Two units quoting different figures for the same counted thing clash only if they are
# otherwise about the same thing: IDF-weighted Dice overlap of their words, figures left
# out. "23 / 31 people were killed in the market blast" scores about 0.6; the gold set's
# unrelated same-noun figures ("two fire tenders" / "10 fire engines") stay under 0.35.
NUMBER_CONTEXT = 0.4
# What a denial denies sits in the few words after its cue; those words count
# FOCUS_BOOST times in the topic overlap, so "no credible threat" seeks claims of threats
# rather than any sentence naming the same places.
FOCUS_WORDS = 6
TOPIC_WORDS = 4
FOCUS_BOOST = 3.0
_CUE_STEMS = {"aware", "evidenc", "indication", "sign", "credibl", "idea", "appear", "deni", "deny",
              "reject", "dismiss", "refut", "disput", "true", "untrue", "fals", "baseless", "unfound"}


def is_denial(text: str) -> bool:
    return bool(DENIAL_RE.search(text))


def _stems(u: Unit) -> set[str]:
    return {t for t in u.tokens if t[:4] not in ("ent:", "num:")} - _CUE_STEMS


_REPORT_RE = re.compile(r"\b(?:said|says|told|stated|added|insisted|according to)\b[,:]?\s*(?:that\b)?", re.IGNORECASE)
_CLOSE_QUOTE_RE = re.compile(r"[\u201d\"]")


def _scope(text: str) -> str:
    """What a denial is about: from the reporting verb before the cue (or the sentence
    start) to the end of the quote or sentence, so "A senior official, who spoke on the
    condition of anonymity, said" does not count as topic."""
    m = DENIAL_RE.search(text)
    if not m:
        return text
    start = 0
    for r in _REPORT_RE.finditer(text, 0, m.start()):
        start = r.end()
    close = _CLOSE_QUOTE_RE.search(text, m.end())
    return text[start: close.start() if close else len(text)]


def _topic(u: Unit, denial: bool = False) -> set[str]:
    return {s for s in content_stems(_scope(u.text) if denial else u.text) if s not in _CUE_STEMS}


def _focus(text: str) -> set[str]:
    """The words right after the cue: what is denied ("no credible *threat*")."""
    m = DENIAL_RE.search(text)
    if not m:
        return set()
    return {s for s in content_stems(" ".join(text[m.end():].split()[:FOCUS_WORDS])) if s not in _CUE_STEMS}


def _surface(stems: list[str], texts: list[str]) -> str:
    """Name a topic by the words the articles use ("threats", not the stem "threat")."""
    seen: dict[str, str] = {}
    for text in texts:
        for w in WORD_RE.findall(text):
            w = re.sub(r"['\u2019]s?$", "", w)
            seen.setdefault(stem(w), w.lower() if not w[0].isupper() or w.isupper() else w)
    return ", ".join(seen.get(t, t) for t in stems)


def _context(a: Unit, b: Unit, vec: Vectorizer) -> float:
    """IDF-weighted Dice overlap of two units' words, figures left out (they differ)."""
    sa, sb = _stems(a), _stems(b)
    total = sum(vec.weight(t) for t in sa) + sum(vec.weight(t) for t in sb)
    return 2 * sum(vec.weight(t) for t in sa & sb) / total if total else 0.0


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
        if not u.denial:
            continue
        prev = blocks[-1][-1] if blocks else None
        if prev and prev.article_id == u.article_id and prev.speaker == u.speaker and u.position - prev.position <= 2:
            blocks[-1].append(u)
        else:
            blocks.append([u])
    topics = {u.index: _stems(u) for u in units} if blocks else {}
    done: set[int] = set()  # facts already denied: outlets repeating one denial give one entry
    for block in blocks:
        if {fact_of[u.index] for u in block} <= done:
            continue
        topic: set[str] = set()
        focus: set[str] = set()
        for u in block:
            topic |= _topic(u, denial=True)
            focus |= _focus(u.text)
        weight = {t: vec.weight(t) * (FOCUS_BOOST if t in focus else 1.0) for t in topic}
        total = sum(weight.values())
        if total <= 0:
            continue
        speaker = block[0].speaker
        block_facts = {fact_of.get(u.index) for u in block}
        # score every claim of another speaker; a fact's score sums its units, so the
        # claim that several outlets carry outranks a one-off sentence naming the same places
        by_fact: dict[int, list[tuple[float, Unit, set[str]]]] = {}
        for a in units:
            if a.denial or fact_of.get(a.index) in block_facts:
                continue
            if a.speaker is None or a.speaker == speaker:
                continue  # an assertion is somebody's claim, and not the denier's own
            shared = topic & topics[a.index]
            score = sum(weight[t] for t in shared) / total
            if score >= MIN_UNIT_OVERLAP:
                by_fact.setdefault(fact_of[a.index], []).append((score, a, shared))
        ranked = sorted(
            ((sum(x[0] for x in rows), max(rows, key=lambda x: x[0])) for rows in by_fact.values()),
            key=lambda x: -x[0],
        )
        chosen = [(a, shared) for total_score, (_, a, shared) in ranked if total_score >= TOPIC_OVERLAP]
        chosen = chosen[:MAX_ASSERTIONS]
        if not chosen:
            continue
        positions = [_position(a, fact_of, facts) for a, _ in chosen]
        positions += [_position(u, fact_of, facts) for u in block]
        shared_all = set().union(*(s for _, s in chosen))
        top = sorted(shared_all, key=lambda t: (-weight[t], t))[:TOPIC_WORDS]
        out.append({"topic": _surface(top, [u.text for u in block]), "kind": "denial", "positions": positions})
        for a, _ in chosen:
            facts[fact_of[a.index]].status = "disputed"
        for u in block:
            facts[fact_of[u.index]].status = "disputed"
            done.add(fact_of[u.index])

    # 2. different figures for the same counted thing: units linked by a clash form one
    #    disagreement whose positions are the distinct figures (a toll that five outlets
    #    give three ways is one disagreement with three positions, not ten pairs)
    by_key: dict[str, list[tuple[float, Unit]]] = {}
    for u in units:
        for value, key in u.numbers:
            by_key.setdefault(key, []).append((value, u))
    for key, rows in by_key.items():
        parent = list(range(len(rows)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        linked = set()
        for i, (va, ua) in enumerate(rows):
            for j in range(i + 1, len(rows)):
                vb, ub = rows[j]
                if va == vb or ua.root == ub.root:
                    continue
                # "at least $160 million and possibly $180 million" does not contradict
                # "$160 million": the figures clash only when the two sets do not meet
                if {v for v, k in ua.numbers if k == key} & {v for v, k in ub.numbers if k == key}:
                    continue
                if fact_of[ua.index] != fact_of[ub.index] and _context(ua, ub, vec) < NUMBER_CONTEXT:
                    continue
                parent[find(j)] = find(i)
                linked |= {i, j}
        groups: dict[int, list[int]] = {}
        for i in sorted(linked):
            groups.setdefault(find(i), []).append(i)
        for members in groups.values():
            by_value: dict[float, list[Unit]] = {}
            for i in members:
                by_value.setdefault(rows[i][0], []).append(rows[i][1])
            positions = []
            for value, us in sorted(by_value.items()):
                pos = _position(us[0], fact_of, facts, value)
                pos["article_ids"] = sorted(set(pos["article_ids"]).union(u.article_id for u in us))
                positions.append(pos)
            topic = f"how many: {_surface([key], [rows[members[0]][1].text])}" if key[0].isalpha() else f"how much ({key})"
            out.append({"topic": topic, "kind": "number", "positions": positions})
            for i in members:
                facts[fact_of[rows[i][1].index]].status = "disputed"
    return out
