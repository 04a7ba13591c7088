"""The feature stage's per-token loops, compiled with numba, on token ids.

Why compiled: ``compute`` used to walk each article's ~300 tokens in Python
several times (content words, names, numbers, Counter updates, a crc32 per term
and per shingle word) and ran at about 800-1,000 articles/s, the slowest stage of
the fast path. ``tokens.TokenTable`` now turns each distinct token into an id once
(and works out its term, name word and hash once); these loops then run over
int32 arrays of ids and the table's per-id columns.

Each kernel keeps the meaning, and the order of floating-point additions, of the
Python code it replaced (``tests/cluster/test_features_equal.py`` compares every
ECB+ article with a frozen copy of that code). ``cache=True`` as in
``cluster/kernels.py``: the first run compiles, later runs load the machine code.
"""

from __future__ import annotations

import math

import numba
import numpy as np

# bits of ``TokenTable.flags``
DIGIT = 1  # starts with a digit: a number ("#1200" as a term)
NAME = 2  # can be a word of a name (``text.name_word``)
ENDS = 4  # ends a sentence (``text.ends_sentence``)
LOWER = 8  # starts with a lower-case letter


def _jit(fn):  # type: ignore[no-untyped-def]
    """Compile on first call, caching the machine code where numba can write (see cluster/kernels.py)."""
    try:
        return numba.njit(cache=True, nogil=True)(fn)
    except RuntimeError:
        return numba.njit(nogil=True)(fn)


@_jit
def chunk_tokens(chunks, start, tokens):  # pragma: no cover - compiled
    """The token ids of chunks one after the other (chunk c's: ``tokens[start[c]:start[c + 1]]``)."""
    n = 0
    for c in chunks:
        n += start[c + 1] - start[c]
    out = np.empty(n, np.int32)
    i = 0
    for c in chunks:
        for t in range(start[c], start[c + 1]):
            out[i] = tokens[t]
            i += 1
    return out


@_jit
def name_runs(ids, flags, lower_key):  # pragma: no cover - compiled
    """Token ranges ``[start, end)`` (rows) of the names in one token list.

    ``text.names_from_tokens`` on ids: a run of name words ends at a token that
    is not one, or after a token that ends a sentence. A name word at the start of
    a sentence counts only when ``lower_key`` of it (the id of its lower-cased
    form) is not a token of this list that starts in lower case.
    """
    n = len(ids)
    lower = np.empty(n, np.int32)
    m = 0
    for i in range(n):
        if flags[ids[i]] & LOWER:
            lower[m] = ids[i]
            m += 1
    lower = np.sort(lower[:m])
    out = np.empty((n, 2), np.int32)
    r = 0
    start = -1
    sentence_start = True
    for i in range(n):
        f = flags[ids[i]]
        ok = (f & NAME) != 0
        if ok and sentence_start and m > 0:
            key = lower_key[ids[i]]
            j = np.searchsorted(lower, key)
            ok = not (j < m and lower[j] == key)
        if ok:
            if start < 0:
                start = i
        elif start >= 0:
            out[r, 0] = start
            out[r, 1] = i
            r += 1
            start = -1
        ends = (f & ENDS) != 0
        if ends and start >= 0:
            out[r, 0] = start
            out[r, 1] = i + 1
            r += 1
            start = -1
        sentence_start = ends
    if start >= 0:
        out[r, 0] = start
        out[r, 1] = n
        r += 1
    return out[:r]


@_jit
def distinct_names(body, title, flags, lower_key, name_word_of, title_weight):  # pragma: no cover - compiled
    """The distinct names of an article in first-seen order: their tokens and counts.

    Names are the runs of ``name_runs`` in the body, then in ``title`` (pass an
    empty one for a Title Case headline); two runs are one name when their name
    words (``name_word_of``: id of the token's name word) are the same, as the
    joined strings were. A body run counts 1, a title run ``title_weight``.
    Returns the token ids of each name's first run one after the other, where
    name j's end there, and the counts.
    """
    # one token list (body, then title) and its runs, title runs shifted to match
    both = np.concatenate((body, title))
    runs = np.concatenate((name_runs(body, flags, lower_key), name_runs(title, flags, lower_key) + np.int32(len(body))))
    n_runs = len(runs)
    tokens = np.empty(len(both), np.int32)
    ends = np.empty(n_runs, np.int64)
    keys = np.empty(n_runs, np.uint64)
    counts = np.empty(n_runs, np.float64)
    d = 0
    for r in range(n_runs):
        a, b = runs[r, 0], runs[r, 1]
        weight = 1.0 if a < len(body) else title_weight
        key = np.uint64(b - a)
        for i in range(a, b):
            key = key * np.uint64(0x100000001B3) ^ np.uint64(name_word_of[both[i]])
        found = -1
        for j in range(d):
            if keys[j] != key:
                continue
            start = ends[j - 1] if j > 0 else 0
            if ends[j] - start != b - a:
                continue
            same = True
            for i in range(b - a):
                if name_word_of[tokens[start + i]] != name_word_of[both[a + i]]:
                    same = False
                    break
            if same:
                found = j
                break
        if found >= 0:
            counts[found] += weight
            continue
        start = ends[d - 1] if d > 0 else 0
        for i in range(b - a):
            tokens[start + i] = both[a + i]
        ends[d] = start + b - a
        keys[d] = key
        counts[d] = weight
        d += 1
    return tokens[: ends[d - 1] if d > 0 else 0], ends[:d], counts[:d]


@_jit
def _add(k, w, slot, order, crc, counts, m, term_crc):  # pragma: no cover - compiled
    """counts[term k] += w, a new term going last; returns the new number of terms."""
    s = slot[k]
    if s < 0:
        s = m
        slot[k] = m
        order[m] = k
        crc[m] = term_crc[k]
        counts[m] = 0.0
        m += 1
    counts[s] += w
    return m


@_jit
def _log(n, log_table):  # pragma: no cover - compiled
    # whole counts (all of them unless a position decay is on) read CPython's math.log
    # from the table, so the weights are the old code's to the last bit
    if n < len(log_table) and n == math.floor(n):
        return log_table[int(n)]
    return math.log(n)


@_jit
def term_vector(
    body, title, lead, extra, extra_weight, term_of, name_term_of, flags, term_crc,
    name_crc, name_n, name_tokens, name_ends, weights, decay, max_terms, log_table, slot,
):  # pragma: no cover - compiled
    """The hashed term vector of one article, and its most frequent numbers.

    Steps 2-4 of ``features.compute`` over token ids (``term_of``: term index of a
    token id, -1 for a stop word). ``weights`` holds TITLE_EXTRA, LEAD_EXTRA,
    NAME_WEIGHT and SPECIFIC_EXTRA. Names come as from ``distinct_names`` with
    the crc32 id of each one's "@name" term (``name_crc``, -1 for a one-word name);
    ``extra`` are added terms (bigrams) of weight ``extra_weight``. The counts are
    kept in first-seen order as the Counter was, so the top ``max_terms`` break
    ties alike. ``slot`` is scratch of one int32 per term of the table, all -1,
    left all -1.

    Returns (sorted crc32 term ids, float32 weights summed per id as the old code
    did, term indices of the ten most frequent numbers, most frequent first).
    """
    title_extra, lead_extra, name_weight, specific_extra = weights[0], weights[1], weights[2], weights[3]
    size = len(body) + len(title) + len(lead) + len(name_crc) + len(extra)
    order = np.empty(size, np.int32)  # term index (-1 for a name's own term)
    crc = np.empty(size, np.int64)
    counts = np.empty(size, np.float64)
    m = 0
    # 2. content words of the body (+1 each, or a decay by position), title and lead
    for i in range(len(body)):
        k = term_of[body[i]]
        if k >= 0:
            m = _add(k, 1.0 if decay == 0 else decay / (decay + i), slot, order, crc, counts, m, term_crc)
    for i in range(len(title)):
        k = term_of[title[i]]
        if k >= 0:
            m = _add(k, 1.0 + title_extra, slot, order, crc, counts, m, term_crc)
    for i in range(len(lead)):
        k = term_of[lead[i]]
        if k >= 0:
            m = _add(k, lead_extra, slot, order, crc, counts, m, term_crc)
    # 3. each multi-word name a new term; the words of every name, when already
    # terms, counted more
    for j in range(len(name_crc)):
        n = name_n[j]
        if name_crc[j] >= 0:
            order[m] = -1
            crc[m] = name_crc[j]
            counts[m] = name_weight * n
            m += 1
        if specific_extra != 0.0:
            for w in range(name_ends[j - 1] if j > 0 else 0, name_ends[j]):
                k = name_term_of[name_tokens[w]]
                if k >= 0 and slot[k] >= 0:
                    counts[slot[k]] += specific_extra * n
    # numbers of the body counted more (each is a term already, "#1200")
    if specific_extra != 0.0:
        for i in range(len(body)):
            if flags[body[i]] & DIGIT:
                counts[slot[term_of[body[i]]]] += specific_extra
    for i in range(len(extra)):
        m = _add(extra[i], extra_weight, slot, order, crc, counts, m, term_crc)
    for r in range(m):
        if order[r] >= 0:
            slot[order[r]] = -1
    # 4. the top terms (a stable sort: ties keep first-seen order, as Counter.most_common),
    # sublinear tf summed per crc32 id in that order
    top = np.argsort(-counts[:m], kind="mergesort")[:max_terms]
    top_crc = crc[top]
    by_id = np.argsort(top_crc, kind="mergesort")
    ids = np.empty(len(top), np.int64)
    vals = np.empty(len(top), np.float32)
    u = -1
    acc = 0.0
    for r in by_id:
        if u < 0 or ids[u] != top_crc[r]:
            if u >= 0:
                vals[u] = acc
            u += 1
            ids[u] = top_crc[r]
            acc = 0.0
        acc = acc + 1.0 + _log(counts[top[r]], log_table)
    if u >= 0:
        vals[u] = acc
    # the ten most frequent numbers of the body, ties in first-seen order
    nums = np.empty(len(body), np.int32)
    ncount = np.empty(len(body), np.int64)
    q = 0
    for i in range(len(body)):
        if flags[body[i]] & DIGIT:
            k = term_of[body[i]]
            if slot[k] < 0:
                slot[k] = q
                nums[q] = k
                ncount[q] = 0
                q += 1
            ncount[slot[k]] += 1
    for r in range(q):
        slot[nums[r]] = -1
    top_nums = nums[np.argsort(-ncount[:q], kind="mergesort")[:10]]
    return ids[: u + 1], vals[: u + 1], top_nums


@_jit
def min_hash(h, a, b, mix):  # pragma: no cover - compiled
    """MinHash of the word shingles of words with hashes ``h`` (``minhash.signature_of_hashes``).

    A shingle's hash is the fixed linear ``mix`` of its words' hashes (one shingle
    of all the words when there are fewer than ``len(mix)``); the signature is,
    per permutation (a, b), the minimum of ``(a * s + b) >> 32`` over the shingles
    s. Repeated shingles cannot change a minimum, so none are removed first. No
    words: all 0xFFFFFFFF (every value is below 2**32).
    """
    sig = np.full(len(a), np.uint64(0xFFFFFFFF), np.uint64)
    n = len(h)
    if n == 0:
        return sig
    k = min(len(mix), n)
    shift, high = np.uint64(29), np.uint64(32)
    for i in range(n - k + 1):
        s = np.uint64(0)
        for j in range(k):
            s += h[i + j] * mix[j]
        s ^= s >> shift
        for p in range(len(a)):
            v = (a[p] * s + b[p]) >> high
            if v < sig[p]:
                sig[p] = v
    return sig
