"""Cheap lexical analysis for clustering: tokens, content words, names, numbers.

No model, no parser: regular expressions and a stop list, so that it runs at
thousands of articles per second. The deep NLP stage (``enrich``) does the
careful version of the same jobs later, for the brief.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Words (with inner apostrophes, hyphens and dots as in "U.S."), or numbers (with
# inner separators as in "6.1", "1,200", "9/11").
_TOKEN = re.compile(r"[^\W\d_]+(?:['’.\-][^\W\d_]+)*\.?|\d+(?:[.,:/\-]\d+)*")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*\s+|\n\s*\n")

# Function words plus words that every news report uses whatever the event
# ("said", "reported", weekdays). Kept short on purpose: the online IDF of the
# clusterer down-weights the rest of the common vocabulary.
STOP_WORDS = frozenset(
    """
a about above after again against ago all almost also although always am among an and another any
are around as at away back be became because become been before being below between both but by
can cannot could did do does doing done down during each either else even ever every few first
for from further get gets got had has have having he her here hers herself him himself his how
however i if in into is it its itself just last later least less like made make many may me might
more most much must my myself near never new next no nor not now of off often on once one only or
other others our ours out over own per perhaps put rather said same say saying says see seen she
should since so some still such than that the their theirs them themselves then there these they
this those though three through thus to told too toward two under until up upon us very via was we
were what when where whether which while who whom whose why will with within without would yet you
your yours year years week weeks day days time times today yesterday tomorrow tonight mr mrs ms dr
monday tuesday wednesday thursday friday saturday sunday january february march april june july
august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
according report reported reports reporting news told tell tells statement am pm est gmt
people just well way going go goes went come came take took think know want n't 's 're 've 'll 'd
s t d ll m re ve
""".split()
)

# Capitalised words that are not names of anything specific.
_NOT_NAMES = STOP_WORDS | frozenset(
    "i mr mrs ms dr st the a an it he she we they but and or if in on at as by for to of "
    "update updated breaking video photo photos read more share click "
    # role titles: capitalised before a name ("President Erdogan"), not a name themselves
    "president minister prime secretary chancellor governor senator sen rep gen general spokesman "
    "spokeswoman chief director king queen pope mayor judge commander officer sheriff coach "
    "captain capt col lt sgt prof professor ceo chairman".split()
)


def sentences(text: str) -> list[str]:
    """Split text into rough sentences (good enough to find sentence-initial words)."""
    return [s for s in _SENTENCE_END.split(text) if s and not s.isspace()]


def lead(text: str, n: int) -> str:
    """``" ".join(sentences(text)[:n])``, without splitting the rest of the text."""
    found: list[str] = []
    pos = 0
    for end in _SENTENCE_END.finditer(text) if n > 0 else ():
        piece = text[pos : end.start()]
        pos = end.end()
        if piece and not piece.isspace():
            found.append(piece)
            if len(found) >= n:
                return " ".join(found)
    piece = text[pos:]
    if piece and not piece.isspace():
        found.append(piece)
    return " ".join(found[:n])


def tokens(text: str) -> list[str]:
    """Word and number tokens in their original case."""
    return _TOKEN.findall(text)


@lru_cache(maxsize=1 << 17)
def normalise(token: str) -> str:
    """Lower-case, strip dots and possessives, fold a plural 's' (a crude stem)."""
    word = token.lower().replace("’", "'").rstrip(".")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace(".", "")
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def number_key(token: str) -> str:
    """'1,200' -> '1200'; '6.1' stays; '9/11' stays."""
    return token.replace(",", "")


@lru_cache(maxsize=1 << 17)
def content_term(token: str) -> str | None:
    """The term a token counts as ("#1200" for a number), or None for a stop word."""
    if token[:1].isdigit():
        return "#" + number_key(token)
    word = normalise(token)
    if len(word) > 1 and word not in STOP_WORDS:
        return word
    return None


def content_words(toks: list[str]) -> list[str]:
    """Normalised non-stop words of at least two letters, and numbers."""
    return [t for t in map(content_term, toks) if t is not None]


_ABBREVIATIONS = frozenset("mr. mrs. ms. dr. st. jr. sr. gen. gov. sen. rep. lt. col. sgt. capt. u.s. u.k. inc. co. corp. no. vs.".split())


@lru_cache(maxsize=1 << 16)
def _name_word(token: str) -> str:
    """Lower-case, no dots, no possessive; unlike ``normalise`` no plural folding."""
    word = token.lower().replace("’", "'").rstrip(".")
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace(".", "")


def names(text: str) -> list[str]:
    """Runs of capitalised words, e.g. "Mark Teixeira", "Los Angeles Angels"."""
    return names_from_tokens(tokens(text))


def name_word(token: str) -> str | None:
    """The word ``token`` adds to a name ("Obama's" -> "obama"), or None when it cannot.

    A name word is capitalised (an all-capital token only when short, as in "NASA",
    not "BREAKING"), of at least two letters and no stop word or role title. Whether
    it counts at the start of a sentence depends on the document (see
    ``names_from_tokens``).
    """
    if not (token[:1].isupper() and (not token.isupper() or 1 < len(token) <= 5)):
        return None
    word = _name_word(token)
    return word if len(word) > 1 and word not in _NOT_NAMES else None


def ends_sentence(token: str) -> bool:
    """A final period that is not a known abbreviation or an initial."""
    return token.endswith(".") and len(token) > 2 and token.lower() not in _ABBREVIATIONS


def names_from_tokens(toks: list[str]) -> list[str]:
    """Runs of capitalised words in a token list (see ``names``).

    A capitalised word that starts a sentence counts only when the document
    never uses it in lower case ("Police said" is not a name, "Obama said" is).
    A sentence starts after a token with a final period (the tokeniser keeps it)
    that is not a known abbreviation or an initial. Returned lower-cased, joined
    by spaces, in order of appearance. (``features.kernels.name_runs`` is the
    compiled version that ``compute`` uses, on token ids.)
    """
    lower_seen = {t for t in toks if t[:1].islower()}
    found: list[str] = []
    run: list[str] = []
    sentence_start = True
    for tok in toks:
        word = name_word(tok)
        if word is not None and sentence_start and tok.lower().rstrip(".") in lower_seen:
            word = None
        if word is not None:
            run.append(word)
        elif run:
            found.append(" ".join(run))
            run = []
        ends = ends_sentence(tok)
        if ends and run:
            found.append(" ".join(run))
            run = []
        sentence_start = ends
    if run:
        found.append(" ".join(run))
    return found


def is_title_case(line: str) -> bool:
    """True for headlines in Title Case, where capitals say nothing about names."""
    words = [t for t in tokens(line) if len(t) > 3 and not t[:1].isdigit()]
    if len(words) < 3:
        return False
    return sum(1 for w in words if w[:1].isupper()) / len(words) > 0.7
