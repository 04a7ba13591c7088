"""Disagreements: a denial against the claim it denies, figures that differ across outlets, and
one quotation credited to different people."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from scipy import sparse

from ..brief_records import Disagreement, Position
from ..disjoint import DisjointSets
from ..enrich.aliases import NAME_SUFFIXES, translit_equal
from .facts import Fact
from .quotes import CONTAINMENT_OTHER_SPEAKER, QuoteRef, containment
from .text import DENIAL_RE, STOPWORDS, WORD_RE, Vectorizer, content_stems, quantities, stem
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
# A rejection that names the claimant's allegations ("the Iranian Foreign Ministry called
# the U.S. allegations ...") targets that party's claims even when it words them differently
# ("fomenting violence" against "threats"): a claim whose speaker the denial names gets
# this much on top of its word overlap, i.e. it passes TOPIC_OVERLAP on one shared word.
PARTY_BONUS = 0.25
# The voices standing against a denial: every asserting speaker whose claims score at
# least this share of the best speaker's (summed over that speaker's claims). On the seed
# the Iraqi official's denial meets Pompeo's two claims (0.62 together) and RFE/RL's
# one-line paraphrase of the U.S. announcement (0.37, a share of 0.60): the paraphrase
# repeats Pompeo's claim rather than adding a voice. Set just above that one measured
# share (the ECB+ stories have one asserting voice each); a thin, seed-only calibration.
SPEAKER_SHARE = 0.65
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
              "reject", "dismiss", "refut", "disput", "true", "untrue", "fals", "baseless", "unfound",
              "basi", "proof", "truth", "rebut", "groundl", "fabrica", "call", "allegat", "accusat",
              "claim", "charg", "unawar", "knowled", "foundat", "repudia", "rejecti", "denial", "contrar"}


def is_denial(text: str) -> bool:
    return bool(DENIAL_RE.search(text))


def _stems(u: Unit) -> set[str]:
    return {t for t in u.tokens if t[:4] not in ("ent:", "num:", "cue:")} - _CUE_STEMS


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


def _context(a: Unit, b: Unit, vec: Vectorizer, cache: dict[int, tuple[set[str], float]]) -> float:
    """IDF-weighted Dice overlap of two units' words, figures left out (they differ);
    ``cache`` keeps each unit's stems and weight for the next pair."""
    wa, wb = _weighted(a, vec, cache), _weighted(b, vec, cache)
    total = wa[1] + wb[1]
    return 2 * sum(vec.weight(t) for t in wa[0] & wb[0]) / total if total else 0.0


def _weighted(u: Unit, vec: Vectorizer, cache: dict[int, tuple[set[str], float]]) -> tuple[set[str], float]:
    hit = cache.get(u.index)
    if hit is None:
        stems = _stems(u)
        hit = cache[u.index] = (stems, sum(vec.weight(t) for t in stems))
    return hit


def _position(u: Unit, fact_of: dict[int, int], facts: list[Fact], value: float | None = None) -> dict:
    """One side: the unit's sentence, carried by every article of its fact (for a figure:
    every article of the fact that gives the same figure)."""
    fact = facts[fact_of[u.index]]
    if value is None:
        ids = set(fact.article_ids)
    else:
        ids = {x.article_id for x in fact.units if any(v == value for v, _ in x.numbers)} | {u.article_id}
    return {"speaker": u.speaker, "text": u.sentence, "article_ids": sorted(ids)}


# A figure in parentheses right after another is a conversion ("10 kilometres (6.2
# miles)", "$US1 million ($1.52 million)"): it restates the figure before it, so it
# never clashes on its own.
_CONVERSION_RE = re.compile(
    r"(?P<keep>\d[\d,.]*\s?(?:[A-Za-z%]+\s?){0,2})\(\s*(?:about|approximately|around|roughly|some|nearly|almost|~)?\s*"
    r"(?:US|A|C|NZ)?[$\u00a3\u20ac]?\s?\d[^()]*\)",
    re.IGNORECASE,
)
# Rounding: a figure agrees with a more precise one that rounds to it ("6 miles" and
# "6.2 miles", "1,200" and "1,234") when they differ by at most this share. Small whole
# counts never round (23 and 20 people are a clash); only a decimal, or a figure with at
# least two trailing zeros, stands for a rounded value. 5% is the usual reporting
# rounding of a conversion; not tuned on the gold set (it has no such pair).
ROUNDING = 0.05


# A hedge before a figure makes it a bound: "at least 50 injured" and "more than 200
# injured" agree, "at least 31 killed" and "23 killed" clash.
_LOWER_RE = re.compile(r"\b(?:at least|more than|over|above|in excess of|upwards of|no fewer than|no less than)\s*$",
                       re.IGNORECASE)
_UPPER_RE = re.compile(r"\b(?:at most|up to|fewer than|less than|under|below|no more than)\s*$", re.IGNORECASE)


# What a counted thing did or suffered ("24 people dead and 249 people injured"): two
# figures of the same noun with different roles count different things. The role is the
# participle right before the figure, hedges skipped ("killing at least four people"),
# else the first within ROLE_AFTER words after its noun ("were killed"); casualty words
# share one role each, so "killed" meets "dead" and "injuring" meets "hurt".
ROLE_AFTER = 4
_ROLE_WORDS = {"dead": "kill", "died": "kill", "killed": "kill", "killing": "kill", "death": "kill",
               "deaths": "kill", "hurt": "injur", "wounded": "injur", "wounding": "injur",
               "injured": "injur", "injuring": "injur", "missing": "missing"}
_NOT_ROLE = frozenset({"reported", "reportedly", "estimated", "confirmed", "believed", "said", "based",
                       "aged", "need", "united", "red", "recorded", "counted", "including", "leaving",
                       "according", "during", "following", "using", "bring", "nothing", "something"})


def _role(word: str) -> str | None:
    w = word.lower()
    if w in _ROLE_WORDS:
        return _ROLE_WORDS[w]
    if w in _NOT_ROLE or len(w) < 5:
        return None
    return stem(w) if w.endswith(("ed", "ing")) else None


_HEDGE_WORDS = frozenset({"at", "least", "more", "than", "about", "over", "nearly", "some", "almost",
                          "around", "roughly", "up", "to", "an", "estimated", "a", "the", "of"})


def _role_of(text: str, at: int) -> str | None:
    """Casualty words first, then the participle governing the figure: the word right
    before it, hedges skipped ("arrested at least 23 pirates"), else one after its noun."""
    before = [w for w in WORD_RE.findall(text[max(0, at - 40):at]) if w.lower() not in _HEDGE_WORDS][-1:]
    after = WORD_RE.findall(text[at:at + 80])[2:2 + ROLE_AFTER]  # past the figure and its noun
    for words_ in (before, after):
        for w in words_:
            if w.lower() in _ROLE_WORDS:
                return _ROLE_WORDS[w.lower()]
    for words_ in (before, after):
        for w in words_:
            if _role(w):
                return _role(w)
    return None


def figures_of(u: Unit) -> list[tuple[float, str, str]]:
    """The unit's figures as (value, key, bound), bound "=", ">=" or "<=" (a hedged
    figure); conversions in parentheses are left out, and the key carries the figure's
    role when it has one ("people/kill")."""
    return list(_figures(u.text))


@lru_cache(maxsize=1 << 14)
def _figures(text: str) -> tuple[tuple[float, str, str], ...]:
    text = _CONVERSION_RE.sub(lambda m: m.group("keep"), text)
    out = []
    for value, key, at in quantities(text):
        if text[at:at + 5].lower() in ("dozen", "hundr"):
            continue  # "a dozen countries", "a hundred homes": a round word, not a count
        before = text[max(0, at - 20):at]
        bound = ">=" if _LOWER_RE.search(before) else "<=" if _UPPER_RE.search(before) else "="
        role = _role_of(text, at) if key[0].isalpha() else None
        out.append((value, f"{key}/{role}" if role else key, bound))
    return tuple(out)


def _agree(a: tuple[float, str], b: tuple[float, str]) -> bool:
    """Can two (value, bound) figures describe one quantity?"""
    (va, ba), (vb, bb) = a, b
    if same_figure(va, vb) or ba == bb != "=":
        return True  # two lower (or two upper) bounds never exclude each other
    lo = max([v for v, bd in (a, b) if bd == ">="], default=float("-inf"))
    hi = min([v for v, bd in (a, b) if bd == "<="], default=float("inf"))
    exact = [v for v, bd in (a, b) if bd == "="]
    if len(exact) == 2:
        return False
    if exact:
        return all(lo <= v <= hi for v in exact)
    return lo <= hi


def _rounded(value: float, digits: int) -> float:
    return round(value, digits) if digits >= 0 else round(value / 10 ** -digits) * 10 ** -digits


def same_figure(a: float, b: float) -> bool:
    """Equal, or the coarser one is the finer one rounded (see ROUNDING)."""
    if a == b:
        return True
    if abs(a - b) > ROUNDING * max(abs(a), abs(b)):
        return False
    for coarse, fine in ((a, b), (b, a)):
        text = f"{coarse:.6f}".rstrip("0").rstrip(".")
        if "." in text:
            digits = len(text.split(".")[1])
        else:
            digits = -(len(text) - len(text.rstrip("0")))
            if digits > -2 and fine == int(fine):
                continue  # a small whole count is exact, not rounded
        if _rounded(fine, digits) == coarse:
            return True
    return False


_ALLEGATION_RE = re.compile(
    r"\bcall(?:ed|s|ing)?\s+(?:the\s+|these\s+|those\s+|such\s+)?"
    r"(?P<what>[^\u201c\"]*?\b(?:allegations?|accusations?|claims?|charges?)\b[^\u201c\",;:.]*)",
    re.IGNORECASE,
)


def _allegation(u: Unit) -> str | None:
    """What a rejection names, as its topic: "U.S. allegations of fomenting violence in Basra"."""
    m = _ALLEGATION_RE.search(u.text)
    return " ".join(m.group("what").split()) if m else None


def _merge(positions: list[dict]) -> dict:
    """One speaker's sentences as one position (in article order, each sentence once)."""
    texts = list(dict.fromkeys(p["text"] for p in positions))
    ids = sorted({a for p in positions for a in p["article_ids"]})
    return {"speaker": positions[0]["speaker"], "text": " \u2026 ".join(texts), "article_ids": ids}


def find_disagreements(
    units: list[Unit],
    vec: Vectorizer,
    facts: list[Fact],
    fact_of: dict[int, int],
) -> list[Disagreement]:
    """Return disagreements and mark the facts they touch as disputed.

    Three rules, each its own function: 1. denials (``denials``); 2. different figures
    for the same counted thing (``figure_clashes``); 3. a whole against another outlet's
    breakdown (``breakdowns``). Only the facts of a clash found here are marked disputed.
    """
    figures = {u.index: figures_of(u) for u in units if u.numbers}
    found = (denials(units, vec, facts, fact_of) + figure_clashes(units, figures, vec, facts, fact_of)
             + breakdowns(units, figures, facts, fact_of))
    return [
        Disagreement(d["topic"], d["kind"], tuple(Position(p["speaker"], p["text"], tuple(p["article_ids"]))
                                                  for p in d["positions"]))
        for d in found
    ]


def _denial_blocks(units: list[Unit]) -> list[list[Unit]]:
    """Consecutive denial units of one article and one speaker."""
    blocks: list[list[Unit]] = []
    for u in units:
        if not u.denial:
            continue
        prev = blocks[-1][-1] if blocks else None
        if prev and prev.article_id == u.article_id and prev.speaker == u.speaker and u.position - prev.position <= 2:
            blocks[-1].append(u)
        else:
            blocks.append([u])
    return blocks


class _Topics:
    """Every unit's topic stems as a sparse units x stems matrix, so that a denial's
    overlap with all claims is one product (a big story has thousands of units)."""

    def __init__(self, units: list[Unit]):
        by_text: dict[str, set[str]] = {}  # a wording's stems are the same in every article
        self.sets = [by_text[u.text] if u.text in by_text else by_text.setdefault(u.text, _stems(u)) for u in units]
        self.col: dict[str, int] = {}
        rows, cols = [], []
        for r, stems in enumerate(self.sets):
            for t in stems:
                rows.append(r)
                cols.append(self.col.setdefault(t, len(self.col)))
        self.matrix = sparse.csr_array(
            (np.ones(len(rows), dtype=np.float32), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
            shape=(len(units), max(len(self.col), 1)),
        )

    def overlap(self, weight: dict[str, float]) -> np.ndarray:
        """Per unit, the summed weight of its stems found in ``weight``."""
        q = np.zeros(self.matrix.shape[1], dtype=np.float32)
        for t, w in weight.items():
            if t in self.col:
                q[self.col[t]] = w
        return self.matrix @ q


def denials(units: list[Unit], vec: Vectorizer, facts: list[Fact], fact_of: dict[int, int]) -> list[dict]:
    """A unit with a denial or rejection cue ("not aware", "denied", "called the U.S.
    allegations ...") opposes the claims of other speakers that repeat enough of its topic
    words (claims of a party the denial names count more; an outlet's unattributed
    narration counts when it comes from another outlet); consecutive denials of one
    speaker form one position, and each asserting voice is one position."""
    out: list[dict] = []
    blocks = _denial_blocks(units)
    if not blocks:
        return out
    topics = _Topics(units)
    position_of = {u.index: i for i, u in enumerate(units)}
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
        block_roots = {u.root for u in block}
        # the party whose allegations the block rejects (not anyone a denial merely names:
        # "she had no idea ..." about Tara Reid does not answer Reid's own words)
        named = set().union(*(u.entities for u in block if _allegation(u))) - {speaker}
        # score every claim of another speaker; a fact's score sums its units, so the
        # claim that several outlets carry outranks a one-off sentence naming the same places
        overlap = topics.overlap(weight) / total
        floor = MIN_UNIT_OVERLAP - PARTY_BONUS if named else MIN_UNIT_OVERLAP
        by_fact: dict[int, list[tuple[float, Unit, set[str]]]] = {}
        for k in np.flatnonzero((overlap > 0) & (overlap >= floor)).tolist():
            a = units[k]
            if a.denial or fact_of.get(a.index) in block_facts:
                continue
            if a.speaker == speaker and speaker is not None:
                continue  # an assertion is somebody's claim, and not the denier's own
            if a.speaker is None and (speaker is None or a.root in block_roots):
                # another outlet's narration can stand against a speaker's denial; the
                # narration around the denial, or against an unattributed one, cannot
                continue
            shared = topic & topics.sets[position_of[a.index]]
            if not shared:
                continue
            score = sum(weight[t] for t in shared) / total
            if a.speaker is not None and a.speaker in named:
                score += PARTY_BONUS  # "X rejected Y's allegations": Y's claims are the target
            if score >= MIN_UNIT_OVERLAP:
                by_fact.setdefault(fact_of[a.index], []).append((score, a, shared))
        ranked = sorted(
            ((sum(x[0] for x in rows), max(rows, key=lambda x: x[0])) for rows in by_fact.values()),
            key=lambda x: -x[0],
        )
        chosen = [(s_, a, shared) for s_, (_, a, shared) in ranked if s_ >= TOPIC_OVERLAP][:MAX_ASSERTIONS]
        if not chosen:
            continue
        # one position per speaker: the claims of one voice are one side, and only the
        # voices whose claims score near the best one's stand against the denial
        by_speaker: dict[str | None, list[tuple[float, Unit]]] = {}
        for s_, a, _ in chosen:
            by_speaker.setdefault(a.speaker, []).append((s_, a))
        best = max(sum(x for x, _ in rows) for rows in by_speaker.values())
        keep = [sp for sp, rows in by_speaker.items() if sum(x for x, _ in rows) >= SPEAKER_SHARE * best]
        chosen = [(s_, a, shared) for s_, a, shared in chosen if a.speaker in keep]
        positions = [
            _merge([_position(a, fact_of, facts)
                    for _, a in sorted(by_speaker[sp], key=lambda x: (x[1].article_id, x[1].position))])
            for sp in keep
        ]
        positions.append(_merge([_position(u, fact_of, facts) for u in block]))
        shared_all = set().union(*(s for _, _, s in chosen))
        top = sorted(shared_all, key=lambda t: (-weight[t], t))[:TOPIC_WORDS]
        label = next((t for t in map(_allegation, block) if t), None) or _surface(top, [u.text for u in block])
        out.append({"topic": label, "kind": "denial", "positions": positions})
        for _, a, _ in chosen:
            facts[fact_of[a.index]].status = "disputed"
        for u in block:
            facts[fact_of[u.index]].status = "disputed"
            done.add(fact_of[u.index])

    return out


# Work bound for figure clashes in a big story: per counted thing, the FIGURE_VALUES
# figures that the most sources give, each through the FIGURE_FACTS facts that carry it
# most widely, each fact through at most FIGURE_UNITS units (of different sources). A
# story's handful of competing tolls stays whole; a 5,000-article story's thousand
# sentences saying "12 people" are not compared pairwise.
FIGURE_VALUES = 40
FIGURE_FACTS = 10
FIGURE_UNITS = 3


def _bounded(rows: list[tuple[float, Unit]], fact_of: dict[int, int], facts: list[Fact]) -> list[tuple[float, Unit]]:
    by_value: dict[float, dict[int, list[Unit]]] = {}
    for value, u in rows:
        per_fact = by_value.setdefault(value, {}).setdefault(fact_of[u.index], [])
        if len(per_fact) < FIGURE_UNITS and all(x.root != u.root for x in per_fact):
            per_fact.append(u)
    support = {v: sum(len(facts[f].roots) for f in fs) for v, fs in by_value.items()}
    kept: set[tuple[float, int]] = set()
    for v in sorted(by_value, key=lambda v: (-support[v], v))[:FIGURE_VALUES]:
        fs = sorted(by_value[v], key=lambda f: (-len(facts[f].roots), f))[:FIGURE_FACTS]
        kept.update((v, id(u)) for f in fs for u in by_value[v][f])
    return [(v, u) for v, u in rows if (v, id(u)) in kept]


def figure_clashes(units: list[Unit], figures: dict[int, list], vec: Vectorizer, facts: list[Fact],
                   fact_of: dict[int, int]) -> list[dict]:
    """Units of different independent sources counting the same thing with figures that
    cannot agree (conversions in parentheses, rounding and "at least" bounds allowed for),
    when the units are otherwise alike. Units linked by a clash form one disagreement
    whose positions are the distinct figures (a toll that five outlets give three ways is
    one disagreement with three positions, not ten pairs)."""
    out: list[dict] = []
    weighted: dict[int, tuple[set[str], float]] = {}
    by_key: dict[str, list[tuple[float, Unit]]] = {}
    for u in units:
        for value, key, _ in figures.get(u.index, ()):
            by_key.setdefault(key, []).append((value, u))
    for key, rows in by_key.items():
        rows = _bounded(rows, fact_of, facts)
        sets = DisjointSets(len(rows))
        linked = set()
        # "at least $160 million and possibly $180 million" does not contradict "$160
        # million": the figures clash only when no two of them can agree (whatever role
        # each figure got: "located 55 km" and "roughly 55 km" agree). A unit's figures of
        # the noun are read once, and a pair of figure lists is judged once (a big story
        # repeats the same few figures across hundreds of units).
        noun = key.partition("/")[0]
        of_noun = [tuple((v, bd) for v, k, bd in figures[u.index] if k.partition("/")[0] == noun) for _, u in rows]
        can_agree: dict[tuple, bool] = {}
        for i, (va, ua) in enumerate(rows):
            for j in range(i + 1, len(rows)):
                vb, ub = rows[j]
                if same_figure(va, vb) or ua.root == ub.root:
                    continue
                pair = (of_noun[i], of_noun[j])
                agree = can_agree.get(pair)
                if agree is None:
                    agree = can_agree[pair] = any(_agree(x, y) for x in pair[0] for y in pair[1])
                if agree:
                    continue
                if fact_of[ua.index] != fact_of[ub.index] and _context(ua, ub, vec, weighted) < NUMBER_CONTEXT:
                    continue
                sets.join(i, j)
                linked |= {i, j}
        groups: dict[int, list[int]] = {}
        for i in sorted(linked):
            groups.setdefault(sets.find(i), []).append(i)
        for members in groups.values():
            by_value: dict[float, list[Unit]] = {}
            for i in members:
                by_value.setdefault(rows[i][0], []).append(rows[i][1])
            positions: list[dict] = []
            placed: dict[int, dict] = {}  # a unit giving two figures of the key is one position
            for value, us in sorted(by_value.items()):
                pos = placed.get(us[0].index) or _position(us[0], fact_of, facts, value)
                pos["article_ids"] = sorted(set(pos["article_ids"]).union(u.article_id for u in us))
                if us[0].index not in placed:
                    placed[us[0].index] = pos
                    positions.append(pos)
            if len(positions) < 2:
                continue
            noun, _, role = key.partition("/")
            if noun[0].isalpha():
                topic = f"how many: {_surface([noun], [rows[members[0]][1].text])}"
            else:
                topic = f"how much ({noun})"
            out.append({"topic": topic, "kind": "number", "positions": positions})
            for i in members:
                facts[fact_of[rows[i][1].index]].status = "disputed"
    return out


def breakdowns(units: list[Unit], figures: dict[int, list], facts: list[Fact], fact_of: dict[int, int]) -> list[dict]:
    """A whole against its breakdown: one outlet's "23 Somali pirates" against another's
    "12 Somali and 11 Yemeni": the two parts add up to the whole, one part is the whole's
    kind and the other is not; every such pair for one whole is one entry."""
    out: list[dict] = []
    wholes: dict[tuple[float, str], tuple[list[Unit], list[Unit]]] = {}
    by_total: dict[float, list[tuple[Unit, tuple[float, str, float, str]]]] = {}
    for u in units:
        for m in _BREAKDOWN_RE.finditer(u.text):
            parsed = _parse_breakdown(m)
            by_total.setdefault(parsed[0] + parsed[2], []).append((u, parsed))
    if by_total:
        for ua in units:
            for total_, ka, bound in figures.get(ua.index, ()):
                base = ka.partition("/")[0]
                if bound != "=" or total_ < 3 or total_ not in by_total or not _exclusive(ua.text, total_):
                    continue
                for ub, (n1, k1, n2, k2) in by_total[total_]:
                    if ub.root == ua.root:
                        continue
                    if _kin(k1, k2) or not (_kin(k1, base) or _kin(k2, base)):
                        continue
                    sides = wholes.setdefault((total_, base[:5]), ([], []))  # see _kin
                    for side, u in ((sides[0], ua), (sides[1], ub)):
                        if all(fact_of[x.index] != fact_of[u.index] for x in side):
                            side.append(u)
    for (total_, _), (whole, parts) in wholes.items():
        base = next(k.partition("/")[0] for v, k, _ in figures[whole[0].index] if v == total_)
        out.append({
            "topic": f"who the {total_:g} were: {_surface([base], [whole[0].text])}",
            "kind": "number",
            "positions": [_position(u, fact_of, facts) for u in whole + parts],
        })
        for u in whole + parts:
            facts[fact_of[u.index]].status = "disputed"
    return out


_BREAKDOWN_RE = re.compile(r"\b(\d+)\s+([A-Za-z][\w\-]*)\s+and\s+(\d+)\s+([A-Za-z][\w\-]*)")


def _parse_breakdown(m: re.Match) -> tuple[float, str, float, str]:
    return float(m.group(1)), stem(m.group(2)), float(m.group(3)), stem(m.group(4))


def _exclusive(text: str, total: float) -> bool:
    """"23 Somali pirates" names one kind; "23 Somali and Yemeni pirates" does not."""
    m = re.search(rf"\b{total:g}\s+[A-Za-z][\w\-]*(\s+(?:and|or)\b|,)", text)
    return m is None


def _kin(a: str, b: str) -> bool:
    """Stems of one word family ("somali", "somalia"): equal, or sharing five letters."""
    return a == b or (len(a) >= 5 and len(b) >= 5 and a[:5] == b[:5])


# -- attribution clashes: one quotation, two named speakers -------------------------------

# The least evidence that two outlets quote one statement (not two people repeating one
# phrase): content words (every person's name left out) that the two outlets' versions
# share, each version being the quotation with the reported speech of its own attribution
# ('A.J. Smith said he was aware of Jackson's "off-the-field issue"' gives "aware" besides
# the quoted words). A stock phrase in quotation marks ("thoughts and prayers", "witch
# hunt", "fake news") has two. Measured off the gold set (docs/benchmarks.md, session 15):
# without it two ECB+ stories' stock phrases ("common-sense", "steps up") became clashes.
MIN_SHARED_WORDS = 3
_NAME_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")


def name_words(names: list[str] | tuple[str, ...]) -> frozenset[str]:
    """The words that name a person in a text: each word of three letters or more of the
    person's names (initials such as "A.J." say too little, and two people share them)."""
    return frozenset(w.lower() for n in names for w in _NAME_WORD_RE.findall(n)
                     if len(w) > 2 and w.lower() not in STOPWORDS)


def _span_words(text: str) -> set[str]:
    return {w.lower() for w in _NAME_WORD_RE.findall(text)}


def _named(ref: QuoteRef, text: str, persons: dict[str, frozenset[str]], units: list[Unit]) -> bool:
    """Does the outlet name the quote's speaker, a person, in the attribution itself
    ("..., general manager A.J. Smith said"), in a sentence that holds the quotation? A
    speaker resolved from "he" or from a description ("the manager said") is the enrich
    stage's guess, not the outlet's word; so is a name from the next sentence ('"...," the
    statement read. | Jackson was driving ..., Baehr said.')."""
    words_ = persons.get(ref.speaker or "")
    q = ref.quote
    if not words_ or q.speaker_start is None or q.speaker_end is None:
        return False
    if units and not any(u.start <= q.speaker_start < u.end for u in _covering(units, q.start, q.end)):
        return False
    return bool(words_ & _span_words(text[q.speaker_start:q.speaker_end]))


def _covering(units: list[Unit], start: int, end: int) -> list[Unit]:
    """The article's units that overlap the character span [start, end)."""
    return [u for u in units if u.start < end and start < u.end]


def _attribution_unit(ref: QuoteRef, units: list[Unit]) -> Unit | None:
    """The unit (sentence) that holds the outlet's attribution of the quote."""
    at = ref.quote.speaker_start if ref.quote.speaker_start is not None else ref.quote.start
    return next(iter(_covering(units, at, at + 1)), None)


def _statement(ref: QuoteRef, reported: dict[tuple[str, int, int], list[str]]) -> frozenset[str]:
    """The content stems of one outlet's version of the statement: the quotation and the
    reported speech of the same attribution."""
    q = ref.quote
    texts = [q.text, *reported.get((ref.article_id, q.speaker_start, q.speaker_end), ())] \
        if q.speaker_start is not None else [q.text]
    return frozenset(s for t in texts for s in content_stems(t))


# Work bound: per quotation and person, the references of at most this many outlets are
# compared with the other person's, and cited (a statement that a big story's outlets
# carry by the thousand is judged on the first outlets in article order, not pairwise).
MAX_ATTRIBUTIONS = 50


class _Attributions:
    """What the clash rule reads of the story: every attribution's reported speech, the
    article texts and units, and each person's name words."""

    def __init__(self, refs: list[QuoteRef], texts: dict[str, str], by_article: dict[str, list[Unit]],
                 persons: dict[str, frozenset[str]]):
        self.reported: dict[tuple[str, int, int], list[str]] = {}
        for r in refs:
            if r.quote.kind == "indirect" and r.quote.speaker_start is not None:
                self.reported.setdefault((r.article_id, r.quote.speaker_start, r.quote.speaker_end),
                                         []).append(r.quote.text)
        self.texts, self.by_article, self.persons = texts, by_article, persons
        self.name_stems = frozenset(stem(w) for ws in persons.values() for w in ws)
        self._stems: dict[int, frozenset[str]] = {}

    def named(self, ref: QuoteRef) -> bool:
        return bool(ref.speaker) and _named(ref, self.texts.get(ref.article_id, ""), self.persons,
                                            self.by_article.get(ref.article_id, []))

    def stems(self, ref: QuoteRef) -> frozenset[str]:
        """The statement's content stems, every person's name left out (the story's people
        are named in any two outlets' sentences; their names are no sign of one statement)."""
        hit = self._stems.get(id(ref))
        if hit is None:
            hit = self._stems[id(ref)] = _statement(ref, self.reported) - self.name_stems
        return hit

    def names_near(self, ref: QuoteRef, words_: frozenset[str]) -> bool:
        """Do the sentences of the quotation and its attribution name any of ``words_``?"""
        q = ref.quote
        lo = min(q.start, q.speaker_start if q.speaker_start is not None else q.start)
        hi = max(q.end, q.speaker_end if q.speaker_end is not None else q.end)
        around = _covering(self.by_article.get(ref.article_id, []), lo, hi)
        said = " ".join(u.sentence for u in around) or self.texts.get(ref.article_id, "")[lo:hi]
        return bool(words_ & _span_words(said))

    def unit(self, ref: QuoteRef) -> Unit | None:
        return _attribution_unit(ref, self.by_article.get(ref.article_id, []))


def attribution_clashes(
    groups: list[list[QuoteRef]],
    refs: list[QuoteRef],
    texts: dict[str, str],
    by_article: dict[str, list[Unit]],
    persons: dict[str, frozenset[str]],
    facts: list[Fact],
    fact_of: dict[int, int],
) -> list[Disagreement]:
    """One quotation (a group of ``quotes.group_quotes``) credited to different named
    persons by different outlets: one disagreement whose positions are the outlets'
    attribution sentences, one per person.

    ``refs`` are all the story's quote references (the indirect ones give each
    attribution's reported speech), ``texts`` the article texts, ``persons`` each person
    group's name words (``name_words``). Steps: 1. keep the references whose attribution
    names the person (``_named``), leaving out an outlet that credits the quotation to two
    people (one quotes the other); 2. two persons of different surnames (``_other_people``)
    clash when an outlet crediting one and another outlet crediting the other share
    MIN_SHARED_WORDS content words of the statement (names left out), neither outlet's
    sentences around the quotation naming the other person ("X said, quoting Y": the text
    joins them); 3. each clashing person is one position, citing the attribution sentence
    of every outlet that credits them, and the facts of those sentences are disputed.
    """
    seen = _Attributions(refs, texts, by_article, persons)
    out: list[Disagreement] = []
    for members in groups:
        named = [r for r in members if seen.named(r)]
        if len({r.speaker for r in named}) < 2:
            continue
        credited: dict[str, set[str]] = {}
        for r in named:
            credited.setdefault(r.root, set()).add(r.speaker or "")
        by_speaker: dict[str, list[QuoteRef]] = {}
        for r in sorted(named, key=lambda r: (r.article_id, r.quote.start)):
            if len(credited[r.root]) == 1:  # an outlet naming both: one quotes the other
                by_speaker.setdefault(r.speaker or "", []).append(r)
        cited: dict[str, set[int]] = {}  # speaker -> ids of the references that clash
        speakers = sorted(by_speaker)
        for x, sa in enumerate(speakers):
            for sb in speakers[x + 1:]:
                if _other_people(sa, sb):
                    _pair(sa, sb, by_speaker, seen, cited)
        if not cited:
            continue
        positions = []
        for speaker in sorted(cited, key=lambda s: (by_speaker[s][0].article_id, s)):
            rs = [r for r in by_speaker[speaker] if id(r) in cited[speaker]]
            units = [seen.unit(r) for r in rs]
            sentences = list(dict.fromkeys(u.sentence if u else r.quote.text for r, u in zip(rs, units)))
            positions.append(Position(speaker, " \u2026 ".join(sentences), tuple(sorted({r.article_id for r in rs}))))
            for u in units:
                if u is not None and u.index in fact_of:
                    facts[fact_of[u.index]].status = "disputed"
        text = max((r.quote.text.strip() for r in members), key=len)
        out.append(Disagreement(f"who said \u201c{_shortened(text)}\u201d", "attribution", tuple(positions)))
    return out


def _pair(sa: str, sb: str, by_speaker: dict[str, list[QuoteRef]], seen: _Attributions,
          cited: dict[str, set[int]]) -> None:
    """Add to ``cited`` the references of two persons that clash with one of the other's."""
    wa, wb = seen.persons[sa], seen.persons[sb]
    ok_a = [r for r in _sampled(by_speaker[sa]) if not seen.names_near(r, wb - wa)]
    ok_b = [r for r in _sampled(by_speaker[sb]) if not seen.names_near(r, wa - wb)]
    for a in ok_a:
        for b in ok_b:
            # the two quotations themselves match (a group also chains fragments through
            # other outlets' fuller wordings), at the matcher's bar for two speakers
            if a.root != b.root and len(seen.stems(a) & seen.stems(b)) >= MIN_SHARED_WORDS \
                    and containment(a.quote.text, b.quote.text) >= CONTAINMENT_OTHER_SPEAKER:
                cited.setdefault(sa, set()).add(id(a))
                cited.setdefault(sb, set()).add(id(b))


def _sampled(rs: list[QuoteRef]) -> list[QuoteRef]:
    """The references of at most MAX_ATTRIBUTIONS outlets (the first of each root)."""
    out: list[QuoteRef] = []
    roots: set[str] = set()
    for r in rs:
        if r.root not in roots and len(roots) < MAX_ATTRIBUTIONS:
            roots.add(r.root)
            out.append(r)
    return out


def _surname(name: str) -> str:
    ws = [w.lower().strip(".") for w in _NAME_WORD_RE.findall(name)]
    ws = [w for w in ws if w not in NAME_SUFFIXES] or ws  # "Donald Trump Jr."
    return ws[-1] if ws else ""


def _other_people(a: str, b: str) -> bool:
    """Two speaker groups that are two people: different surnames (as spellings of one
    name go, aliases.translit_equal, and no one-letter slip apart). The alias grouping
    leaves "Jacob Lew" and "Jacob J. Lew", "Hillary Clinton" and "Hillary Rodham Clinton"
    apart (different word counts), and one outlet's "Mr. Trump" for Donald Trump Jr.
    resolves to his father: a shared surname is never taken for a clash; nor is a typing
    slip ("Andrew Wetzler" / "Andrew Welzler")."""
    sa, sb = _surname(a), _surname(b)
    return a != b and not translit_equal(sa, sb) and not _slip(sa, sb)


SLIP_MIN_LETTERS = 5


def _slip(a: str, b: str) -> bool:
    """One letter changed, added or dropped in a word of SLIP_MIN_LETTERS or more (in a
    shorter one a letter is too much of the name: "Lew" / "Low")."""
    if min(len(a), len(b)) < SLIP_MIN_LETTERS or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


TOPIC_QUOTE_WORDS = 10


def _shortened(text: str) -> str:
    """A quotation cut to its first TOPIC_QUOTE_WORDS words, for the disagreement's topic."""
    ws = text.split()
    return " ".join(ws[:TOPIC_QUOTE_WORDS]) + (" \u2026" if len(ws) > TOPIC_QUOTE_WORDS else "")
