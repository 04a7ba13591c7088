"""The feature stage's per-token loops, compiled with numba, on token ids.

Why compiled: ``compute`` used to walk each article's tokens in Python several
times (content words, names, numbers, Counter updates, a crc32 per term and per
shingle word) and was the slowest stage of the fast path, at a third of the speed
of assignment (docs/benchmarks.md, "Features"). ``tokens.TokenTable`` now works out once per distinct token its
term, name word and hashes; these loops tokenise (into ids from a hash table)
and then run over int32 arrays of ids and the table's per-id columns.

Each kernel keeps the meaning, and the order of floating-point additions, of the
Python code it replaced: ``tests/cluster/test_features_equal.py`` compares
``compute`` with a frozen copy of that code on real and odd text. ``cache=True`` as in
``cluster/kernels.py``: the first run compiles, later runs load the machine code.
"""

from __future__ import annotations

import math

import numpy as np

from ..jit import jit as _jit  # cached where numba can write, else compiled per run

# bits of ``tokens.char_classes``: the character classes of the token regex
LETTER = 1
DECIMAL = 2
WORD_SEP = 4  # inside a word: ' ’ . -
NUMBER_SEP = 8  # inside a number: . , : / -
SPACE = 16  # white space (\s, str.isspace)
UPPER = 32  # str.isupper
DIGIT_CHAR = 64  # str.isdigit (wider than DECIMAL: "²" too)
# bits of ``TokenTable.flags``
DIGIT = 1  # starts with a digit: a number ("#1200" as a term)
NAME = 2  # can be a word of a name (``text.name_word``)
ENDS = 4  # ends a sentence (``text.ends_sentence``)
LOWER = 8  # starts with a lower-case letter




@_jit
def tokenize_article(body, title, lead_sentences, classes, table):  # pragma: no cover - compiled
    """Token ids of an article's body, title and lead, and whether the title is in Title Case.

    ``body`` and ``title`` are code points; ``classes`` (``tokens.char_classes``)
    should cover all of them (if not, the result is empty and ``misses`` -1).
    ``table`` is the hash table of token ids (see ``_lookup``). The lead is
    ``text.lead(body, lead_sentences)``: its tokens are those of each of its
    sentences, as no token spans the space that joins them. Returns (ids: body's,
    then title's, then lead's, -1 where the hash table does not have the token;
    each token's [start, end) in its text (the lead's in the body); the number of
    body and of title tokens; ``text.is_title_case`` of the title; the number of
    -1 ids, ``misses``).
    """
    for points in (body, title):
        for c in points:
            if c >= len(classes):
                return np.empty(0, np.int32), np.empty(0, np.int64), np.empty(0, np.int64), 0, 0, False, -1
    n = 2 * len(body) + len(title)
    ids = np.empty(n, np.int32)
    spans = np.empty((n, 2), np.int64)
    n_body = _tokenize(body, 0, len(body), classes, table, ids, spans, 0)
    n_both = _tokenize(title, 0, len(title), classes, table, ids, spans, n_body)
    title_case = _title_case(title, classes, spans[n_body:n_both])
    m = n_both
    pieces = _sentences(body, classes, lead_sentences)
    for r in range(len(pieces)):
        m = _tokenize(body, pieces[r, 0], pieces[r, 1], classes, table, ids, spans, m)
    misses = 0
    for i in range(m):
        if ids[i] < 0:
            misses += 1
    return ids[:m], spans[:m, 0], spans[:m, 1], n_body, n_both - n_body, title_case, misses


@_jit
def _tokenize(points, a, b, classes, table, ids, spans, m):  # pragma: no cover - compiled
    r"""``text.tokens`` of ``points[a:b]`` as ids (``_lookup``) and spans, written from row ``m``.

    The regex ``[^\W\d_]+(?:['’.\-][^\W\d_]+)*\.?|\d+(?:[.,:/\-]\d+)*`` as a
    scan: letters, then (separator, letters) as long as a separator is followed by
    a letter, then one optional period; or digits, then (separator, digits)
    likewise. Each part is greedy and nothing after it can fail, so the regex
    engine never backtracks into a shorter match. Returns the new ``m``.
    """
    p = a
    while p < b:
        c = classes[points[p]]
        if c & LETTER:
            part, sep = LETTER, WORD_SEP
        elif c & DECIMAL:
            part, sep = DECIMAL, NUMBER_SEP
        else:
            p += 1
            continue
        start = p
        p += 1
        while p < b and classes[points[p]] & part:
            p += 1
        while p + 1 < b and classes[points[p]] & sep and classes[points[p + 1]] & part:
            p += 2
            while p < b and classes[points[p]] & part:
                p += 1
        if part == LETTER and p < b and points[p] == 46:  # "."
            p += 1
        ids[m] = _lookup(points, start, p, table)
        spans[m, 0] = start
        spans[m, 1] = p
        m += 1
    return m


@_jit
def _title_case(title, classes, spans):  # pragma: no cover - compiled
    """``text.is_title_case``: of the title's words of 4+ characters not starting with a digit, over 70% capitalised."""
    words = 0
    upper = 0
    for i in range(len(spans)):
        first = classes[title[spans[i, 0]]]
        if spans[i, 1] - spans[i, 0] > 3 and not first & DIGIT_CHAR:
            words += 1
            if first & UPPER:
                upper += 1
    return words >= 3 and upper / words > 0.7


@_jit
def _sentences(points, classes, wanted):  # pragma: no cover - compiled
    r"""[start, end) of the first ``wanted`` sentences of ``text.sentences`` (rows).

    ``re.split`` on ``[.!?]+["'”’)]*\s+|\n\s*\n``, pieces that are empty or all
    white space dropped. At each position the first alternative matches, greedy,
    or not at all (giving back a ``.!?`` or a closing quote leaves a character that
    is no white space); the second matches up to the last line break of the white
    space after a line break, if there is one.
    """
    n = len(points)
    out = np.empty((wanted, 2), np.int64)
    found = 0
    pos = 0
    p = 0
    while p < n and found < wanted:
        c = points[p]
        end = -1
        if c == 46 or c == 33 or c == 63:  # . ! ?
            q = p + 1
            while q < n and (points[q] == 46 or points[q] == 33 or points[q] == 63):
                q += 1
            while q < n and _closing(points[q]):
                q += 1
            if q < n and classes[points[q]] & SPACE:
                while q < n and classes[points[q]] & SPACE:
                    q += 1
                end = q
        elif c == 10:  # \n
            q = p + 1
            while q < n and classes[points[q]] & SPACE:
                if points[q] == 10:
                    end = q + 1
                q += 1
        if end < 0:
            p += 1
            continue
        if _kept(points, classes, pos, p):
            out[found, 0] = pos
            out[found, 1] = p
            found += 1
        pos = p = end
    if found < wanted and _kept(points, classes, pos, n):
        out[found, 0] = pos
        out[found, 1] = n
        found += 1
    return out[:found]


@_jit
def _closing(c):  # pragma: no cover - compiled
    return c == 34 or c == 39 or c == 0x201D or c == 0x2019 or c == 41  # " ' ” ’ )


@_jit
def _kept(points, classes, a, b):  # pragma: no cover - compiled
    """A sentence piece is kept unless it is empty or all white space."""
    for i in range(a, b):
        if not classes[points[i]] & SPACE:
            return True
    return False


@_jit
def _hash_of(points, a, b):  # pragma: no cover - compiled
    h = np.uint64(14695981039346656037)  # FNV-1a over code points
    for i in range(a, b):
        h = (h ^ np.uint64(points[i])) * np.uint64(1099511628211)
    return h


@_jit
def _lookup(points, a, b, table):  # pragma: no cover - compiled
    """Id of the token ``points[a:b]``, -1 if the hash table does not have it.

    ``table`` is (slots, hashes, starts, lens, pool): open addressing with linear
    probing, ``slots`` (a power of two) holding ids or -1; per id its hash and
    where its code points are in ``pool``.
    """
    slots, hashes, starts, lens, pool = table
    h = _hash_of(points, a, b)
    mask = len(slots) - 1
    i = np.int64(h & np.uint64(mask))
    while True:
        t = slots[i]
        if t < 0:
            return -1
        if hashes[t] == h and lens[t] == b - a:
            s = starts[t]
            same = True
            for j in range(b - a):
                if pool[s + j] != points[a + j]:
                    same = False
                    break
            if same:
                return t
        i = (i + 1) & mask


@_jit
def hash_insert(points, t, slots, hashes):  # pragma: no cover - compiled
    """Put id ``t`` (the token ``points``, not in the table yet) into the hash table."""
    h = _hash_of(points, 0, len(points))
    hashes[t] = h
    _place(t, h, slots)


@_jit
def _place(t, h, slots):  # pragma: no cover - compiled
    mask = len(slots) - 1
    i = np.int64(h & np.uint64(mask))
    while slots[i] >= 0:
        i = (i + 1) & mask
    slots[i] = t


@_jit
def rehash(slots, hashes, size):  # pragma: no cover - compiled
    """The hash table's ids in a new table of ``size`` slots (a power of two)."""
    out = np.full(size, -1, np.int32)
    for t in slots:
        if t >= 0:
            _place(t, hashes[t], out)
    return out


@_jit
def name_runs(ids, flags, lower_key, seen, out, r, offset):  # pragma: no cover - compiled
    """Token ranges ``[start, end)`` of the names in one token list, written to ``out`` from row ``r``.

    ``text.names_from_tokens`` on ids: a run of name words ends at a token that
    is not one, or after a token that ends a sentence. A name word at the start of
    a sentence counts only when ``lower_key`` of it (the id of its lower-cased
    form) is not a token of this list that starts in lower case. ``seen`` is
    scratch of one byte per token id, all 0, left all 0. Ranges are shifted by
    ``offset``; returns the new ``r``.
    """
    n = len(ids)
    for i in range(n):
        if flags[ids[i]] & LOWER:
            seen[ids[i]] = 1
    start = -1
    sentence_start = True
    for i in range(n):
        f = flags[ids[i]]
        ok = (f & NAME) != 0 and not (sentence_start and seen[lower_key[ids[i]]])
        if ok:
            if start < 0:
                start = i
        elif start >= 0:
            out[r, 0], out[r, 1] = start + offset, i + offset
            r += 1
            start = -1
        ends = (f & ENDS) != 0
        if ends and start >= 0:
            out[r, 0], out[r, 1] = start + offset, i + 1 + offset
            r += 1
            start = -1
        sentence_start = ends
    if start >= 0:
        out[r, 0], out[r, 1] = start + offset, n + offset
        r += 1
    for i in range(n):
        seen[ids[i]] = 0
    return r


@_jit
def distinct_names(body, title, flags, lower_key, name_word_of, title_weight, seen):  # pragma: no cover - compiled
    """The distinct names of an article in first-seen order: their tokens and counts.

    Names are the runs of ``name_runs`` in the body, then in ``title`` (pass an
    empty one for a Title Case headline); two runs are one name when their name
    words (``name_word_of``: id of the token's name word) are the same, as the
    joined strings were. A body run counts 1, a title run ``title_weight``.
    Returns the token ids of each name's first run one after the other, where
    name j's end there, the counts, the names by count (a stable sort: ties in
    first-seen order, as Counter.most_common) and a key per name that is the same
    for the same name words: (first word << 32 | second word, all ones for none)
    for names of one or two words, -1 for longer ones.
    """
    # one token list (body, then title) and its runs
    both = np.empty(len(body) + len(title), np.int32)
    both[: len(body)] = body
    both[len(body) :] = title
    runs = np.empty((len(both), 2), np.int64)
    n_runs = name_runs(body, flags, lower_key, seen, runs, 0, 0)
    n_runs = name_runs(title, flags, lower_key, seen, runs, n_runs, len(body))
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
    names = np.empty(d, np.int64)
    for j in range(d):
        start = ends[j - 1] if j > 0 else 0
        if ends[j] - start == 1:
            names[j] = np.int64(name_word_of[tokens[start]]) << 32 | 0xFFFFFFFF
        elif ends[j] - start == 2:
            names[j] = np.int64(name_word_of[tokens[start]]) << 32 | name_word_of[tokens[start + 1]]
        else:
            names[j] = -1
    rank = _order(-counts[:d])
    return tokens[: ends[d - 1] if d > 0 else 0], ends[:d], counts[:d], rank, names


@_jit
def _order(keys):  # pragma: no cover - compiled
    """Indices that sort ``keys`` ascending, equal keys in index order (a stable argsort).

    A bottom-up merge sort written out: numba's own ``argsort(kind="mergesort")``
    gives the same order but took most of the seconds these kernels need to compile.
    """
    n = len(keys)
    idx = np.arange(n)
    tmp = np.empty(n, np.int64)
    width = 1
    while width < n:
        for lo in range(0, n, 2 * width):
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if keys[idx[j]] < keys[idx[i]]:
                    tmp[k] = idx[j]
                    j += 1
                else:
                    tmp[k] = idx[i]
                    i += 1
                k += 1
            while i < mid:
                tmp[k] = idx[i]
                i += 1
                k += 1
            while j < hi:
                tmp[k] = idx[j]
                j += 1
                k += 1
        idx, tmp = tmp, idx
        width *= 2
    return idx


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
    top = _order(-counts[:m])[:max_terms]
    top_crc = crc[top]
    by_id = _order(top_crc)
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
    top_nums = nums[_order(-ncount[:q])[:10]]
    return ids[: u + 1], vals[: u + 1], top_nums


@_jit
def min_hash_of_tokens(title, body, word_hash, a, b, mix):  # pragma: no cover - compiled
    """``min_hash`` of the words of title then body, given as token ids (``word_hash``: per id)."""
    h = np.empty(len(title) + len(body), np.uint64)
    for i in range(len(title)):
        h[i] = word_hash[title[i]]
    for i in range(len(body)):
        h[len(title) + i] = word_hash[body[i]]
    return min_hash(h, a, b, mix)


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


@_jit
def split_lookup(points, offsets, cut, classes, table):  # pragma: no cover - compiled
    """``text[:cut].split()`` of each text as ids of a hash table (``_lookup``; -1: not in it).

    The texts' code points one after the other, text i at ``points[offsets[i] :
    offsets[i + 1]]``. A word is a maximal run of code points that are not white
    space (``SPACE`` of ``classes``: ``str.isspace``, the test ``str.split`` uses).
    Returns (ids, each word's [start, end) in ``points``, the number of words of each
    text, True); (empties, False) when ``classes`` does not cover every code point.
    """
    for c in points:
        if c >= len(classes):
            e = np.empty(0, np.int64)
            return e, e, e, e, False
    n = len(points) // 2 + len(offsets)
    ids = np.empty(n, np.int64)
    starts = np.empty(n, np.int64)
    ends = np.empty(n, np.int64)
    counts = np.empty(len(offsets) - 1, np.int64)
    m = 0
    for t in range(len(offsets) - 1):
        a = offsets[t]
        b = min(offsets[t + 1], a + cut)
        first = m
        p = a
        while p < b:
            if classes[points[p]] & SPACE:
                p += 1
                continue
            start = p
            while p < b and not classes[points[p]] & SPACE:
                p += 1
            ids[m] = _lookup(points, start, p, table)
            starts[m] = start
            ends[m] = p
            m += 1
        counts[t] = m - first
    return ids[:m], starts[:m], ends[:m], counts, True


@_jit
def mean_pieces(words, text_ends, piece_start, piece_len, pool, matrix, unk, max_pieces):  # pragma: no cover - compiled
    """The rows ``StaticModel.encode`` gives (``normalize=False``) for texts given as word indices.

    ``words``: the word indices of all the texts, one after the other (text i ends at
    ``text_ends[i]``); a word's piece ids are ``pool[piece_start[w] : + piece_len[w]]``.
    As model2vec does: the first ``max_pieces`` pieces of a text (the tokenizer's
    truncation counts unknown pieces), the unknown ones dropped, the mean of the
    int8 ``matrix`` rows of the rest: summed exactly (integers), divided by the
    count in float64 and rounded to float32 (numpy's ``mean`` of an int8 array);
    a text with no known piece gives a zero row.
    """
    dims = matrix.shape[1]
    out = np.zeros((len(text_ends), dims), np.float32)
    acc = np.zeros(dims, np.int64)
    a = 0
    for t in range(len(text_ends)):
        acc[:] = 0
        seen = 0
        n = 0
        for i in range(a, text_ends[t]):
            w = words[i]
            for j in range(piece_start[w], piece_start[w] + piece_len[w]):
                if seen == max_pieces:
                    break
                seen += 1
                p = pool[j]
                if p == unk:
                    continue
                n += 1
                for d in range(dims):
                    acc[d] += matrix[p, d]
        if n:
            for d in range(dims):
                out[t, d] = np.float32(acc[d] / n)
        a = text_ends[t]
    return out
