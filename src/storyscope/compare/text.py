"""Lexical tools of the compare stage: words, Snowball stems, numbers, IDF-weighted vectors.

No spaCy here: the brief is built from stored records only, so these work on plain
strings and must stay cheap (a 50-article story in well under a second).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

from ..textnorm import STOP_WORDS
from ..textnorm import stem as _snowball

# A figure keeps its thousands commas ("1,000") but not a comma after it ("Reid, 33, is"
# gave the token "33,", which met no "33"); a score or a record ("52-3", "9-14") is one token.
WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\u2019]*|\d+(?:,\d{3})*(?:\.\d+)?(?:-\d+(?:\.\d+)?)*")

# spaCy's English stop words (textnorm.py, shared) plus the reporting verbs and titles every
# news sentence carries: IDF would down-weight them anyway, but dropping them keeps short
# units from matching on "said"
STOPWORDS = STOP_WORDS | frozenset(
    """said say says saying told tell tells according mr mrs ms dr u.s us""".split()
)

SMALL_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100,
}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "m": 1e6, "bn": 1e9}
_NUM_RE = re.compile(
    r"(?P<cur>[$\u00a3\u20ac]|\be)?\s?(?P<num>\d[\d,]*(?:\.\d+)?)"
    r"(?:\s?(?P<scale>thousand|million|billion|bn|m\b))?"
    r"(?:\s+(?P<noun>[A-Za-z][A-Za-z\-]+))?(?:\s+(?P<noun2>[A-Za-z][A-Za-z\-]+))?",
)
_SPELLED_RE = re.compile(
    r"\b(?P<num>" + "|".join(SMALL_NUMBERS) + r")\s+(?P<noun>[A-Za-z][A-Za-z\-]+)"
    r"(?:\s+(?P<noun2>[A-Za-z][A-Za-z\-]+))?",
    re.IGNORECASE,
)
# a designation right before a figure makes it part of a name ("AK-47", "AK 47", "F-16")
_MODEL_RE = re.compile(r"\b(?:[A-Z]{2,3}(?:\s?-\s?|\s)|[A-Z]-)$")
_DIGIT_RE = re.compile(r"\d")
_NOT_QUANTITY = frozenset({"gmt", "am", "pm", "percent", "p.m", "a.m", "years", "year", "days"})
_FILLERS = frozenset({"more", "than", "about", "some", "nearly", "almost", "of", "the"})


# Cues of a denial or a rejection of a claim, by kind; general English, each kind with
# tests of its own sentences (tests/compare/test_denial_cues.py), none taken from the
# gold stories: a denial verb in any form; a claim judged false; evidence said to be
# absent; professed ignorance ("we are not aware of", "had no idea"); a hedged denial
# ("did not appear to be"); a contradiction ("contrary to"); and a party's claims named
# in order to be rejected ("called the U.S. allegations ... irresponsible").
_DENIAL_CUES = (
    r"deni(?:ed|es|al|als)|deny(?:ing)?|reject(?:ed|s|ing|ion)?|dismiss(?:ed|es|ing)?|"
    r"refut(?:e|ed|es|ing)|rebut(?:s|ted|ting)?|disput(?:e|ed|es|ing)|repudiat(?:e|ed|es|ing)",
    r"not true|untrue|false|baseless|groundless|unfounded|fabricated|without foundation",
    r"no (?:evidence|indication|sign|credible|basis|proof|truth)",
    r"not aware|unaware|no idea|no knowledge",
    r"(?:did|does|do) not appear|not appear",
    r"contrary to",
    r"call(?:ed|s|ing)?\s+(?:the\s+|these\s+|those\s+|such\s+)?(?:(?!(?:for|on|to|upon)\b)[\w.\-\u2019']+\s+){0,3}?"
    r"(?:allegations?|accusations?|claims?|charges?)",
)
DENIAL_RE = re.compile(r"\b(?:" + "|".join(_DENIAL_CUES) + r")\b", re.IGNORECASE)

# Which clause a denial cue governs. A sentence can assert a claim and report its rejection
# in a clause of its own: a contrast after the main clause ("heralded by authorities as a
# step toward democracy but dismissed by critics as a sham"; "..., although officials
# denied it"), or a concession before it ("Although the company denied it, ..."). Its main
# clause still asserts: other outlets' tellings of the claim are its partners, not the
# rejection's. ("but also" continues; "yet" needs its comma, "has yet to" contrasts nothing.)
_CONTRAST_RE = re.compile(
    r",\s+(?:but|yet|although|though|whereas|while)\b|\s+but\s+(?!also\b)", re.IGNORECASE)
_CONCESSION_RE = re.compile(r"(?:although|though|even though|while|whereas|despite)\b[^,]*,\s*", re.IGNORECASE)
# A rejection of a demand or an offer ("dismissed calls to quit", "rejected the bid",
# "denied the request") refuses an action; it does not say a claim is false.
_REFUSAL_RE = re.compile(
    r"(?:deni|deny|reject|dismiss|rebuff|refus)\w*\s+(?:[\w'\u2019-]+\s+){0,2}?"
    r"(?:calls?|demands?|requests?|appeals?|pleas?|offers?|bids?|proposals?|motions?|applications?|"
    r"petitions?|invitations?|bail|entry|access|permission)\b",
    re.IGNORECASE,
)


def main_clause(text: str) -> str:
    """``text`` without a leading concessive clause and a trailing contrastive one."""
    lead = _CONCESSION_RE.match(text)
    start = lead.end() if lead else 0
    cut = _CONTRAST_RE.search(text, start)
    main = text[start: cut.start() if cut else len(text)]
    return main if main.strip() else text


def asserts_denial(text: str) -> bool:
    """Does the main clause of ``text`` deny or reject a claim (a denial cue in it that is
    not the refusal of a demand)? Alignment keeps such sentences apart from the claims they
    deny; a cue only in a contrast or concession leaves the sentence a claim."""
    main = main_clause(text)
    return any(not _REFUSAL_RE.match(main, m.start()) for m in DENIAL_RE.finditer(main))


# Acronyms (session 13): one outlet writes "IE", another "Internet Explorer", and the bags
# never meet. An all-capital word of two to five letters ("IE", "I.R.", "WBC") takes the
# stems of the capitalised name the story spells out with those initials ("World Boxing
# Council"; "of", "for", "and", "the" inside a name skip), the name found most often when
# several fit, none when two tie. Only capitalised names: lower-case phrases with the
# right initials are mostly chance ("running back" for "RB", but also any two words).
_ACRONYM_RE = re.compile(r"(?<![\w.])([A-Z](?:\.?[A-Z]){1,4})\.?(?![\w])")
_NAME_RUN_RE = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:(?:of|for|and|the)\s+)?[A-Z][a-z]+)+")
_NAME_GLUE = frozenset({"of", "for", "and", "the"})


def acronyms_in(text: str) -> list[str]:
    """The acronyms of ``text``, as their letters ("I.R." -> "IR")."""
    return [m.group(1).replace(".", "") for m in _ACRONYM_RE.finditer(text)] if text.upper() != text else []


def acronym_table(texts: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Each acronym of ``texts`` -> the stems of the name the texts spell out with its
    initials (the most frequent such name; none when two tie)."""
    wanted = {a for t in texts for a in acronyms_in(t)}
    if not wanted:
        return {}
    sizes = {len(a) for a in wanted}
    found: dict[str, Counter[str]] = {}
    for text in texts:
        for m in _NAME_RUN_RE.finditer(text):
            names = [w for w in m.group(0).split() if w not in _NAME_GLUE]
            for k in sizes:
                for at in range(len(names) - k + 1):
                    key = "".join(w[0] for w in names[at: at + k])
                    if key in wanted:
                        found.setdefault(key, Counter())[" ".join(names[at: at + k])] += 1
    out = {}
    for key, names in found.items():
        (best, n), *rest = names.most_common(2)
        if not rest or rest[0][1] < n:
            out[key] = tuple(content_stems(best))
    return out


def with_acronyms(text: str, tokens: tuple[str, ...], table: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """``tokens`` plus the stems of the names ``text``'s acronyms stand for (those it does
    not already carry)."""
    if not table:
        return tokens
    extra: list[str] = []
    for a in acronyms_in(text):
        extra += [s for s in table.get(a, ()) if s not in tokens and s not in extra]
    return tokens + tuple(extra) if extra else tokens


def words(text: str) -> list[str]:
    """Lowercased word and number tokens."""
    return [w.lower().replace("\u2019", "'") for w in WORD_RE.findall(text)]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball stem of a word, its possessive dropped: "attacks"/"attacked" meet."""
    w = word.lower().replace("\u2019", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.strip("'-")
    if len(w) <= 3 or w[0].isdigit():
        return w
    return _snowball(w)


def content_stems(text: str) -> list[str]:
    """Stems of the content words of ``text`` (stopwords and one-letter tokens dropped)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


def numbers(text: str) -> list[tuple[float, str]]:
    """Quantities as (value, key): "23 pirates" -> (23, "pirat"), "$ 100 million" -> (1e8, "$").

    The key is the counted noun's stem, or the currency for money. Bare years and
    clock times are dropped: they are dates, not quantities.
    """
    return [(value, key) for value, key, _ in quantities(text)]


def quantities(text: str) -> list[tuple[float, str, int]]:
    """``numbers`` with where each figure starts in ``text``."""
    found: list[tuple[float, str, int]] = []
    # every written figure has a digit and most sentences have none: the costly scan is skipped
    for m in _NUM_RE.finditer(text) if _DIGIT_RE.search(text) else ():
        if not m.group("cur") and _MODEL_RE.search(text, max(0, m.start("num") - 6), m.start("num")):
            continue  # "AK-47 rifles", "F-16 jets": a model name, not 47 rifles
        raw = m.group("num").replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        scale = m.group("scale")
        if scale:
            value *= SCALES[scale.lower()]
        cur = m.group("cur")
        at = m.start("cur") if cur else m.start("num")
        if cur:
            found.append((value, "\u20ac" if cur == "e" else cur, at))  # ECB+ writes euros as "e75m"
            continue
        noun = (m.group("noun") or "").lower()
        if noun in _FILLERS:
            noun = (m.group("noun2") or "").lower()
        if not noun or noun in _NOT_QUANTITY or noun in STOPWORDS:
            continue
        if 1900 <= value <= 2100 and not scale:
            continue
        found.append((value, stem(noun), at))
    for m in _SPELLED_RE.finditer(text):
        noun = m.group("noun").lower()
        if noun in _FILLERS:
            noun = (m.group("noun2") or "").lower()
        if noun and noun not in STOPWORDS and noun not in _NOT_QUANTITY:
            found.append((float(SMALL_NUMBERS[m.group("num").lower()]), stem(noun), m.start()))
    return found


# Weights of entity and number tokens against a word. An entity's words are already in
# the bag, so its "ent:" token (which carries the alias merge, Rohani = Rouhani) weighs
# half; a figure ("23 pirates") weighs as a word. Chosen on the gold set (see
# facts.ALIGN_THRESHOLD): entity 0.5/1 x number 0/0.5/1/2, best F1 0.80 at 0.5 x 1
# (number 2: 0.76-0.78, entity 1: 0.76-0.80).
TOKEN_BOOST = 0.5
NUMBER_BOOST = 1.0


class Vectorizer:
    """IDF-weighted, L2-normalised bags of stems, entity and number tokens over one story,
    as a sparse matrix (one row per document): a big story's units x vocabulary would not
    fit densely (20,000 units x 30,000 tokens is 2.4 GB as float32).

    IDF is computed over the story's own units, so words every outlet uses for the
    event ("consulate", "Basra") weigh less than the details that tell facts apart.
    """

    def __init__(self, docs: Sequence[Iterable[str]]):
        token_lists = [list(d) for d in docs]
        df: Counter[str] = Counter()
        for toks in token_lists:
            df.update(set(toks))
        self.vocab = {t: i for i, t in enumerate(sorted(df))}
        n = max(len(token_lists), 1)
        self.idf = np.ones(len(self.vocab), dtype=np.float32)
        for t, i in self.vocab.items():
            self.idf[i] = math.log((n + 1) / (df[t] + 1)) + 1.0
        self.matrix = self.transform(token_lists)

    def transform(self, token_lists: Sequence[Sequence[str]]) -> sparse.csr_array:
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for row, toks in enumerate(token_lists):
            for t, c in Counter(toks).items():
                col = self.vocab.get(t)
                if col is not None:
                    boost = TOKEN_BOOST if t[:4] == "ent:" else NUMBER_BOOST if t[:4] == "num:" else 1.0
                    rows.append(row)
                    cols.append(col)
                    vals.append(boost * (1.0 + math.log(c)) * float(self.idf[col]))
        mat = sparse.csr_array(
            (np.asarray(vals, dtype=np.float32), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
            shape=(len(token_lists), max(len(self.vocab), 1)),
        )
        norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_array(sparse.diags_array(1.0 / norms).astype(np.float32) @ mat)

    def weight(self, token: str) -> float:
        col = self.vocab.get(token)
        return float(self.idf[col]) if col is not None else 0.0
