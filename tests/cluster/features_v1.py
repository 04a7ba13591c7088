"""Frozen copy of ``storyscope.features.compute`` as it was before the compiled rewrite.

Test-only reference: ``test_features_equal.py`` asserts that the current
``compute`` returns exactly the same ``Features`` as this plain-Python version
(regex tokens, Counters, numpy MinHash). Do not edit it to follow later changes
of the features; a deliberate change of the output replaces it instead.
"""

from __future__ import annotations

import math
import re
import zlib
from array import array
from collections import Counter

import numpy as np

from storyscope.features import Features
from storyscope.features.minhash import _A, _B, _MIX, EMPTY, NUM_PERM
from storyscope.features.text import _ABBREVIATIONS, _NOT_NAMES, STOP_WORDS

TITLE_EXTRA = 2.0
LEAD_EXTRA = 1.0
LEAD_SENTENCES = 2
NAME_WEIGHT = 3.0
SPECIFIC_EXTRA = 2.0
BIGRAM_WEIGHT = 0.0
DECAY_WORDS = 0
MAX_TERMS = 400
MAX_NAMES = 40

_TOKEN = re.compile(r"[^\W\d_]+(?:['’.\-][^\W\d_]+)*\.?|\d+(?:[.,:/\-]\d+)*")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*\s+|\n\s*\n")


def sentences(text):
    return [s for s in _SENTENCE_END.split(text) if s and not s.isspace()]


def tokens(text):
    return _TOKEN.findall(text)


def normalise(token):
    word = token.lower().replace("’", "'").rstrip(".")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace(".", "")
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def number_key(token):
    return token.replace(",", "")


def content_term(token):
    if token[:1].isdigit():
        return "#" + number_key(token)
    word = normalise(token)
    if len(word) > 1 and word not in STOP_WORDS:
        return word
    return None


def content_words(toks):
    return [t for t in map(content_term, toks) if t is not None]


def _name_word(token):
    word = token.lower().replace("’", "'").rstrip(".")
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace(".", "")


def names_from_tokens(toks):
    lower_seen = {t for t in toks if t[:1].islower()}
    found = []
    run = []
    sentence_start = True
    for tok in toks:
        first = tok[:1]
        capital = first.isupper() and (not tok.isupper() or 1 < len(tok) <= 5)
        ok = False
        if capital:
            word = _name_word(tok)
            ok = len(word) > 1 and word not in _NOT_NAMES
            if ok and sentence_start and tok.lower().rstrip(".") in lower_seen:
                ok = False
        if ok:
            run.append(word)
        elif run:
            found.append(" ".join(run))
            run = []
        ends = tok.endswith(".") and len(tok) > 2 and tok.lower() not in _ABBREVIATIONS
        if ends and run:
            found.append(" ".join(run))
            run = []
        sentence_start = ends
    if run:
        found.append(" ".join(run))
    return found


def is_title_case(line):
    words = [t for t in tokens(line) if len(t) > 3 and not t[:1].isdigit()]
    if len(words) < 3:
        return False
    return sum(1 for w in words if w[:1].isupper()) / len(words) > 0.7


def shingle_hashes(words, size=4):
    if not words:
        return np.zeros(0, dtype=np.uint64)
    h = np.fromiter((zlib.crc32(w.lower().encode("utf-8")) for w in words), dtype=np.uint64, count=len(words))
    k = min(size, len(words))
    n = len(words) - k + 1
    out = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            out += h[j : j + n] * _MIX[j]
        out ^= out >> np.uint64(29)
    return np.unique(out)


def signature_of_words(words):
    hashes = shingle_hashes(words)
    if hashes.size == 0:
        return (EMPTY,) * NUM_PERM
    with np.errstate(over="ignore"):
        mixed = (_A[:, None] * hashes[None, :] + _B[:, None]) >> np.uint64(32)
    return tuple(mixed.min(axis=1).tolist())


def term_id(term):
    return zlib.crc32(term.encode("utf-8"))


def compute(article, decay_words=DECAY_WORDS, bigram_weight=BIGRAM_WEIGHT):
    title = article.title or ""
    body = article.text or ""
    if title.strip() and body.lstrip().startswith(title.strip()):
        body = body.lstrip()[len(title.strip()) :]
    body_tokens = tokens(body)
    title_tokens = tokens(title)
    lead = " ".join(sentences(body)[:LEAD_SENTENCES])
    counts = Counter()
    if decay_words:
        for i, term in enumerate(map(content_term, body_tokens)):
            if term is not None:
                counts[term] += decay_words / (decay_words + i)
    else:
        counts.update(content_words(body_tokens))
    for word in content_words(title_tokens):
        counts[word] += 1.0 + TITLE_EXTRA
    for word in content_words(tokens(lead)):
        counts[word] += LEAD_EXTRA
    name_counts = Counter(names_from_tokens(body_tokens))
    for name in () if is_title_case(title) else names_from_tokens(title_tokens):
        name_counts[name] += 1 + TITLE_EXTRA
    for name, n in name_counts.items():
        if " " in name:
            counts["@" + name] += NAME_WEIGHT * n
        if SPECIFIC_EXTRA:
            for word in name.split():
                term = content_term(word)
                if term in counts:
                    counts[term] += SPECIFIC_EXTRA * n
    numbers = [number_key(t) for t in body_tokens if t[:1].isdigit()]
    if SPECIFIC_EXTRA:
        for num in numbers:
            counts["#" + num] += SPECIFIC_EXTRA
    if bigram_weight:
        words = content_words(body_tokens)
        for a, b in zip(words, words[1:]):
            counts[a + "_" + b] += bigram_weight
    top = counts.most_common(MAX_TERMS)
    merged = {}
    for term, n in top:
        tid = term_id(term)
        merged[tid] = merged.get(tid, 0.0) + 1.0 + math.log(n)
    ids = tuple(sorted(merged))
    weights = tuple(array("f", (merged[i] for i in ids)).tolist())
    all_tokens = (title_tokens or []) + body_tokens
    sig = signature_of_words(all_tokens)
    top_numbers = [n for n, _ in Counter(numbers).most_common(10)]
    top_names = [n for n, _ in name_counts.most_common(MAX_NAMES - len(top_numbers))]
    return Features(
        term_ids=ids,
        term_weights=weights,
        minhash=sig,
        names=tuple(top_names + top_numbers),
        n_tokens=len(body_tokens) + len(title_tokens),
    )
