"""The clusterer's inner loops, compiled with numba.

Why compiled: per article the clusterer does a few dozen small array operations
(a vote over a few hundred posting entries, a sparse dot product with each of six
candidate centroids, a merge of the article into a centroid, a TF-IDF weighing).
In numpy each is a call of 1-10 us, mostly call overhead on arrays of a few
hundred values, and together they made assignment run at about 1,650 articles/s
at a million articles against a target of 2,000. The same loops compiled cost
0.4 us a call plus the work (a sparse dot 1.9 us against 9.1, a vote over 300
entries 3.4 us against 60-100; measured 2026-11-23 on this machine).

Every function here is a plain loop over sorted arrays with the meaning of the
numpy code it replaced; ``tests/cluster/test_kernels.py`` checks each against a
plain Python version. ``cache=True`` keeps the machine code in ``__pycache__``
(or numba's user cache when that is read-only; with neither, each run compiles):
the first run compiles for about 5 seconds, later runs load it in half a second.
"""

from __future__ import annotations

import math

import numpy as np

from ..jit import jit as _jit  # cached where numba can write, else compiled per run


@_jit
def top_voted(stories, lens, weights, sums, k):  # pragma: no cover - compiled
    """The ``k`` stories with the largest summed vote, best first, ties newest first.

    ``stories`` holds posting lists one after the other (int32 story indices),
    ``lens[j]`` the length of list j and ``weights[j]`` the vote each of its
    stories gets. ``sums`` is scratch of one float per story, all zero, and left
    all zero. Weights are positive, so a zero sum means "not seen yet". Each
    story's votes are added in list order, so its sum is the same float as the
    plain loop's.
    """
    starts = np.empty(len(lens), np.int64)
    pos = 0
    for j in range(len(lens)):
        starts[j] = pos
        pos += lens[j]
    return _vote_lists(stories, starts, lens, weights, sums, k)


@_jit
def lower_bound(values, t, lo):  # pragma: no cover - compiled
    """The first index at or after ``lo`` whose value in ``values`` (ascending) is not below ``t``."""
    hi = len(values)
    while lo < hi:
        mid = (lo + hi) >> 1
        if values[mid] < t:
            lo = mid + 1
        else:
            hi = mid
    return lo


@_jit
def sparse_dot(a_ids, a_vals, b_ids, b_vals):  # pragma: no cover - compiled
    """Dot product of two sparse vectors, ids ascending.

    Each id of ``a`` is found in ``b`` by binary search from the last hit on, so
    with ``a`` the shorter (an article against a centroid) it reads only what it
    needs; either order gives the same sum.
    """
    num = 0.0
    lo = 0
    n = len(b_ids)
    for j in range(len(a_ids)):
        lo = lower_bound(b_ids, a_ids[j], lo)
        if lo == n:
            break
        if b_ids[lo] == a_ids[j]:
            num += a_vals[j] * b_vals[lo]
    return num


@_jit
def add_sparse(c_ids, c_vals, v_ids, v_vals):  # pragma: no cover - compiled
    """Add vector ``v`` to centroid ``c`` (both ids ascending).

    Returns (ids, vals, the ids new to the centroid, the dot product of c and v
    before the addition). When ``v`` brings no new id, ``c_vals`` is updated in
    place and returned; otherwise new arrays, merged in order.
    """
    nc = len(c_ids)
    nv = len(v_ids)
    cross = 0.0
    new = 0
    i = 0
    for j in range(nv):
        t = v_ids[j]
        while i < nc and c_ids[i] < t:
            i += 1
        if i < nc and c_ids[i] == t:
            cross += c_vals[i] * v_vals[j]
        else:
            new += 1
    fresh = np.empty(new, c_ids.dtype)
    if new == 0:
        i = 0
        for j in range(nv):
            t = v_ids[j]
            while c_ids[i] < t:
                i += 1
            c_vals[i] += v_vals[j]
        return c_ids, c_vals, fresh, cross
    ids = np.empty(nc + new, c_ids.dtype)
    vals = np.empty(nc + new, np.float64)
    i = j = o = f = 0
    while i < nc or j < nv:
        if j == nv or (i < nc and c_ids[i] < v_ids[j]):
            ids[o] = c_ids[i]
            vals[o] = c_vals[i]
            i += 1
        elif i == nc or v_ids[j] < c_ids[i]:
            ids[o] = v_ids[j]
            vals[o] = v_vals[j]
            fresh[f] = v_ids[j]
            f += 1
            j += 1
        else:
            ids[o] = c_ids[i]
            vals[o] = c_vals[i] + v_vals[j]
            i += 1
            j += 1
        o += 1
    return ids, vals, fresh, cross


@_jit
def tfidf(ids, tf, df, mask, n_docs, power):  # pragma: no cover - compiled
    """Unit TF-IDF vector: tf * log(n_docs / (df + 0.5)) ** power, normalised.

    ``df`` is the hashed count table (a term's count at ``id & mask``); terms of
    weight 0 or less (in about every document) are dropped. Returns (ids, vals);
    empty when nothing is left.
    """
    n = len(ids)
    vals = np.empty(n, np.float64)
    norm = 0.0
    keep = 0
    for j in range(n):
        x = math.log(n_docs / (df[ids[j] & mask] + 0.5))
        if power != 1.0:
            x = x**power if x > 0.0 else 0.0
        x *= tf[j]
        vals[j] = x
        norm += x * x
        if x > 0.0:
            keep += 1
    out_ids = np.empty(keep, ids.dtype)
    out_vals = np.empty(keep, np.float64)
    if norm <= 0.0:
        return out_ids[:0], out_vals[:0]
    norm = math.sqrt(norm)
    o = 0
    for j in range(n):
        if vals[j] > 0.0:
            out_ids[o] = ids[j]
            out_vals[o] = vals[j] / norm
            o += 1
    return out_ids, out_vals


@_jit
def count_terms(df, ids, mask):  # pragma: no cover - compiled
    """One more document for each term (its slot ``id & mask`` of the hashed table)."""
    for j in range(len(ids)):
        df[ids[j] & mask] += 1


@_jit
def weigh_rows(ids, tf, starts, df, mask, n_docs, power):  # pragma: no cover - compiled
    """``tfidf`` of each row of a set of sparse vectors stored one after the other.

    Row r is ``ids[starts[r]:starts[r + 1]]`` with its term frequencies ``tf`` (any
    float type: a story's members keep float32). Returns the weighed rows the same
    way (ids, values, starts): each row the floats ``tfidf`` gives for it alone (it
    is called row by row), in one call instead of one a member (the split check
    weighs every member of a story again under the statistics of the moment).
    """
    n = len(starts) - 1
    out_ids = np.empty(starts[n] - starts[0], ids.dtype)
    out_vals = np.empty(starts[n] - starts[0], np.float64)
    out_starts = np.zeros(n + 1, np.int64)
    o = 0
    for r in range(n):
        a, b = starts[r], starts[r + 1]
        row_ids, row_vals = tfidf(ids[a:b], tf[a:b].astype(np.float64), df, mask, n_docs, power)
        k = len(row_ids)
        out_ids[o : o + k] = row_ids
        out_vals[o : o + k] = row_vals
        o += k
        out_starts[r + 1] = o
    return out_ids[:o], out_vals[:o], out_starts


@_jit
def gram(ids, vals, starts):  # pragma: no cover - compiled
    """Gram matrix of sparse vectors stored one after the other.

    Vector i is ``ids[starts[i]:starts[i + 1]]`` (ascending, distinct) with its
    values; entry (i, j) is their dot product, summed over the shared ids in
    ascending order. Each id gets a column (an open-addressing table over all the
    vectors' ids); for each i its values are spread over a dense row, and each j
    after it reads that row at its own ids: the ids it does not share read 0.0,
    and adding 0.0 leaves a sum of finite values as it was, so every entry is the
    float a merge of the two id lists gives (what this function did until session
    13), at a fraction of the cost: the merge's branch on which list is behind
    mispredicted about every other step (a story of 32 members: 496 pairs of
    about 400 steps).
    """
    n = len(starts) - 1
    first, total = starts[0], starts[n]
    size = 16
    bits = 4
    while size < 2 * (total - first):
        size *= 2
        bits += 1
    table = np.full(size, -1, np.int64)  # id at each place of the table, -1: free
    column = np.empty(size, np.int64)  # its column
    col = np.empty(total, np.int64)  # the column of each stored value
    m = 0
    for p in range(first, total):
        t = np.int64(ids[p])
        # Fibonacci hashing of the 32-bit id: its product's top bits pick the place
        h = np.int64(((np.uint64(t) * np.uint64(2654435769)) & np.uint64(0xFFFFFFFF)) >> np.uint64(32 - bits))
        while table[h] != -1 and table[h] != t:
            h = (h + 1) & (size - 1)
        if table[h] == -1:
            table[h] = t
            column[h] = m
            m += 1
        col[p] = column[h]
    row = np.zeros(m, np.float64)
    out = np.zeros((n, n), np.float64)
    for a in range(n):
        a0, a1 = starts[a], starts[a + 1]
        s = 0.0
        for p in range(a0, a1):
            s += vals[p] * vals[p]
        out[a, a] = s
        for p in range(a0, a1):
            row[col[p]] = vals[p]
        for b in range(a + 1, n):
            s = 0.0
            for q in range(starts[b], starts[b + 1]):
                s += row[col[q]] * vals[q]
            out[a, b] = s
            out[b, a] = s
        for p in range(a0, a1):
            row[col[p]] = 0.0
    return out


@_jit
def clipped_graph(gram):  # pragma: no cover - compiled
    """The cosine graph of a Gram matrix: negative entries and the diagonal as 0.0
    (``np.clip(gram, 0.0, None)`` with its diagonal filled with 0.0)."""
    n = gram.shape[0]
    a = np.empty((n, n), np.float64)
    for i in range(n):
        for j in range(n):
            x = gram[i, j]
            a[i, j] = x if x > 0.0 else 0.0
        a[i, i] = 0.0
    return a


@_jit
def normalised_laplacian(a, d):  # pragma: no cover - compiled
    """I - D^-1/2 A D^-1/2 of a graph ``a`` with degrees ``d``; a degree of 0.0 is
    first set to 1e-9 (in ``d``). Element by element what
    ``np.eye(n) - a / np.sqrt(d[:, None] * d[None, :])`` gives."""
    n = a.shape[0]
    for i in range(n):
        if d[i] == 0.0:
            d[i] = 1e-9
    lap = np.empty((n, n), np.float64)
    for i in range(n):
        for j in range(n):
            x = a[i, j] / math.sqrt(d[i] * d[j])
            lap[i, j] = (1.0 if i == j else 0.0) - x
    return lap


@_jit
def cross_floor(gram, min_part):  # pragma: no cover - compiled
    """A lower bound on the mean entry across any cut of a Gram matrix in two parts of
    ``min_part`` or more rows each (+inf when there is no such cut).

    For a cut into A (a rows) and B (b rows), the entries of row i across it are b of
    its n - 1 entries off the diagonal, so they sum to at least the sum of its b
    smallest; the rows of A then give at least the a smallest of those sums, and the
    rows of B, by symmetry, the b smallest of their a-smallest sums. The larger of
    the two over a * b bounds the mean; the bound is the least over a.
    """
    n = gram.shape[0]
    if n < 2 * min_part:
        return np.inf
    # least[i, t]: the sum of the t smallest entries of row i off the diagonal
    least = np.zeros((n, n), np.float64)
    row = np.empty(n - 1, np.float64)
    for i in range(n):
        q = 0
        for j in range(n):
            if j != i:
                row[q] = gram[i, j]
                q += 1
        row.sort()
        s = 0.0
        for t in range(n - 1):
            s += row[t]
            least[i, t + 1] = s
    floor = np.inf
    col = np.empty(n, np.float64)
    for a in range(min_part, n - min_part + 1):
        b = n - a
        best = -np.inf
        for size, other in ((a, b), (b, a)):
            for i in range(n):
                col[i] = least[i, other]
            col.sort()
            s = 0.0
            for i in range(size):
                s += col[i]
            if s > best:
                best = s
        mean = best / (a * b)
        if mean < floor:
            floor = mean
    return floor


@_jit
def _insert_at(keys, values, kept, pos, key, value):  # pragma: no cover - compiled
    """A top-k list (``keys`` and ``values``, ``kept`` of ``len(keys)`` places filled, best
    first) with (``key``, ``value``) put at place ``pos`` (below ``len(keys)``): the kept
    ones from there move one place down, the last falling off a full list. Returns how
    many places are filled now. The caller finds ``pos`` by its own order and ties."""
    limit = len(keys)
    last = kept if kept < limit else limit - 1
    for q in range(last, pos, -1):
        keys[q] = keys[q - 1]
        values[q] = values[q - 1]
    keys[pos] = key
    values[pos] = value
    return kept + 1 if kept < limit else kept


@_jit
def cut_blocks(gram, labels, k):  # pragma: no cover - compiled
    """The blocks of a Gram matrix that a 0/1 cut makes, and its kNN agreement.

    Returns (rows of side 0 by columns of side 1, side 0 by side 0, side 1 by
    side 1), each in index order as ``gram[np.ix_(rows, cols)]`` gives it (the
    caller sums them with numpy, as before), and how many of the members' ``k``
    nearest members are on their own side: nearest by the largest entry of their
    row, the diagonal last, equal entries to the lower index (the order of
    ``np.argsort(-gram, kind="stable")`` with the diagonal at -inf).
    """
    n = gram.shape[0]
    n1 = 0
    for i in range(n):
        n1 += labels[i]
    n0 = n - n1
    side0 = np.empty(n0, np.int64)
    side1 = np.empty(n1, np.int64)
    i0 = i1 = 0
    for i in range(n):
        if labels[i]:
            side1[i1] = i
            i1 += 1
        else:
            side0[i0] = i
            i0 += 1
    across = np.empty((n0, n1), np.float64)
    within0 = np.empty((n0, n0), np.float64)
    within1 = np.empty((n1, n1), np.float64)
    for r in range(n0):
        for c in range(n1):
            across[r, c] = gram[side0[r], side1[c]]
        for c in range(n0):
            within0[r, c] = gram[side0[r], side0[c]]
    for r in range(n1):
        for c in range(n1):
            within1[r, c] = gram[side1[r], side1[c]]
    kk = min(k, n)
    best = np.empty(kk, np.int64)
    best_val = np.empty(kk, np.float64)
    agree = 0
    for i in range(n):
        got = 0
        for j in range(n):
            v = -np.inf if j == i else gram[i, j]
            # insert j after every kept one with a value >= v (stable: earlier wins ties)
            pos = got
            while pos > 0 and best_val[pos - 1] < v:
                pos -= 1
            if pos < kk:
                got = _insert_at(best, best_val, got, pos, j, v)
        for q in range(got):
            if labels[best[q]] == labels[i]:
                agree += 1
    return across, within0, within1, agree


@_jit
def union_sorted(a, b):  # pragma: no cover - compiled
    """Sorted union of two ascending arrays of distinct values (``np.union1d``)."""
    na, nb = len(a), len(b)
    out = np.empty(na + nb, a.dtype)
    i = j = o = 0
    while i < na or j < nb:
        if j == nb or (i < na and a[i] < b[j]):
            out[o] = a[i]
            i += 1
        elif i == na or b[j] < a[i]:
            out[o] = b[j]
            j += 1
        else:
            out[o] = a[i]
            i += 1
            j += 1
        o += 1
    return out[:o]


@_jit
def count_shared(a, b):  # pragma: no cover - compiled
    """How many values two ascending arrays of distinct values share (``len(np.intersect1d)``)."""
    na, nb = len(a), len(b)
    i = j = n = 0
    while i < na and j < nb:
        if a[i] < b[j]:
            i += 1
        elif b[j] < a[i]:
            j += 1
        else:
            n += 1
            i += 1
            j += 1
    return n


@_jit
def band_slots(sig, rows, bits):  # pragma: no cover - compiled
    """The slot of each LSH band of a MinHash signature in a table of 2 ** bits.

    A band's ``rows`` values are folded into a 64-bit key (multiply-xor, then
    splitmix64's finaliser, so that every bit of every value reaches the top
    bits), salted by the band's position so that equal values in two bands give
    two keys; the top ``bits`` bits are the slot. Unsigned arithmetic wraps, as a
    hash should.
    """
    bands = len(sig) // rows
    out = np.empty(bands, np.int64)
    shift = np.uint64(64 - bits)
    for b in range(bands):
        h = np.uint64(0x9E3779B97F4A7C15) * np.uint64(b + 1)
        for r in range(rows):
            h = (h ^ np.uint64(sig[b * rows + r])) * np.uint64(0x100000001B3)
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
        out[b] = np.int64(h >> shift)
    return out


@_jit
def nearest_copy(sig, slots, table, sigs, serial, window):  # pragma: no cover - compiled
    """(serial, agreeing values) of the indexed signature most like ``sig``; (-1, -1) if none.

    ``table[slot]`` holds serial + 1 of the newest article with a band in that
    slot (0: none); ``sigs[serial % window]`` is its signature. Slots holding an
    article older than the last ``window`` are ignored. Ties go to the oldest.
    """
    lo = max(serial - window, 0)
    best = -1
    best_agree = -1
    for b in range(len(slots)):
        got = table[slots[b]]
        if got <= lo:
            continue
        s = got - 1
        if s == best:
            continue
        row = s % window
        agree = 0
        for r in range(len(sig)):
            if sigs[row, r] == sig[r]:
                agree += 1
        if agree > best_agree or (agree == best_agree and s < best):
            best, best_agree = s, agree
    return best, best_agree


@_jit
def _between(gram, a, b):  # pragma: no cover - compiled
    """Dot product of the sum of the vectors in ``a`` with that of those in ``b`` (0/1 masks): a' G b."""
    n = len(a)
    s = 0.0
    for i in range(n):
        if a[i]:
            for j in range(n):
                if b[j]:
                    s += gram[i, j]
    return s


@_jit
def _half_length(gram, member):  # pragma: no cover - compiled
    """Length of the sum of the vectors in ``member``: sqrt(m' G m)."""
    s = _between(gram, member, member)
    return math.sqrt(s) if s > 0.0 else 0.0


@_jit
def two_means_gram(gram, seeds, iterations):  # pragma: no cover - compiled
    """Spherical 2-means on a Gram matrix: (labels 0/1, the two halves' cosine).

    Seeds: each of the ``seeds`` vectors least like the whole set (smallest row
    sum, ties to the lower index), paired with the vector least like it; at most
    ``iterations`` rounds of assigning each vector to the half whose normalised
    sum it is closer to. The run whose halves are tightest (largest sum of the
    lengths of the half sums) wins; an equal objective keeps the earlier run.
    """
    n = gram.shape[0]
    order = np.argsort(gram.sum(axis=1), kind="mergesort")
    best_obj = -1.0
    best = np.zeros(n, np.int64)
    for t in range(min(seeds, n)):
        a = order[t]
        b = 0
        for j in range(1, n):
            if gram[a, j] < gram[a, b]:
                b = j
        in1 = np.zeros(n, np.int64)
        in0 = np.zeros(n, np.int64)
        in0[a] = 1
        in1[b] = 1
        labels = np.full(n, -1, np.int64)
        for _ in range(iterations):
            n0 = _half_length(gram, in0) or 1.0
            n1 = _half_length(gram, in1) or 1.0
            changed = False
            new = np.empty(n, np.int64)
            for i in range(n):
                d0 = 0.0
                d1 = 0.0
                for j in range(n):
                    if in0[j]:
                        d0 += gram[i, j]
                    if in1[j]:
                        d1 += gram[i, j]
                new[i] = 0 if d0 / n0 >= d1 / n1 else 1
                if new[i] != labels[i]:
                    changed = True
            if not changed:
                break
            labels = new
            for i in range(n):
                in1[i] = labels[i]
                in0[i] = 1 - labels[i]
        objective = _half_length(gram, in0) + _half_length(gram, in1)
        if best_obj < 0.0 or objective > best_obj + 1e-9:
            best_obj = objective
            best = labels.copy()
    in0 = 1 - best
    den = _half_length(gram, in0) * _half_length(gram, best)
    cos = _between(gram, in0, best) / den if den else 0.0
    return best, math.sqrt(cos) if cos > 0.0 else 0.0


@_jit
def evidence(
    p_ids, p_vals, p_emb, p_temb, p_names, p_lead, p_nums, day,
    s_ids, s_vals, s_norm_sq, s_emb, s_temb, s_names, first, last,
    weights, intercept,
):  # pragma: no cover - compiled
    """The evidence that a probe (an article) reports a story's event, in one call.

    What ``StreamClusterer._evidence`` computed with one call per kind of evidence
    (``Story.score``, two embedding dots, three ``count_shared``, the days apart)
    and then ``SameEventModel.logit`` and ``probability``: the same operations in
    the same order, so the same floats (the embedding dots are numpy's ``np.dot``,
    BLAS's ``sdot`` in both). Days are day numbers, or -1 for none. Returns the
    eight values of ``evidence.EVIDENCE``, the gap in days and the probability
    (the clipped sigmoid of ``evidence.SameEventModel.probability_of_logit``:
    keep the two alike).
    """
    # terms: square root of the TF-IDF cosine with the centroid (Story.score)
    terms = 0.0
    if s_norm_sq > 0.0:
        num = sparse_dot(p_ids, p_vals, s_ids, s_vals)
        terms = math.sqrt(max(num, 0.0) / math.sqrt(s_norm_sq))
    semantic = np.float64(np.dot(p_emb, s_emb)) if len(p_emb) and len(s_emb) else 0.0
    title = np.float64(np.dot(p_temb, s_temb)) if len(p_temb) and len(s_temb) else 0.0
    names = math.log1p(count_shared(p_names, s_names))
    missing = 1.0 - count_shared(p_lead, s_names) / len(p_lead) if len(p_lead) else 0.0
    numbers = math.log1p(count_shared(p_nums, s_names))
    same_day = 0.0
    log_days = 0.0
    gap = 0
    if day >= 0 and first >= 0 and last >= 0:
        gap = max(first - day, day - last, 0)
        same_day = 1.0 if gap == 0 else 0.0
        log_days = math.log1p(gap)
    # the model's sum in its order (evidence.SameEventModel.logit): 0 + w0 x0 + ... + b
    z = 0.0
    z += weights[0] * terms
    z += weights[1] * semantic
    z += weights[2] * title
    z += weights[3] * names
    z += weights[4] * missing
    z += weights[5] * numbers
    z += weights[6] * same_day
    z += weights[7] * log_days
    z += intercept
    p = 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))
    return (terms, semantic, title, names, missing, numbers, same_day, log_days), gap, p


def _crc_table() -> np.ndarray:
    """The byte table of CRC-32 (zlib's polynomial, reflected: 0xEDB88320)."""
    table = np.zeros(256, np.uint32)
    for b in range(256):
        c = b
        for _ in range(8):
            c = (0xEDB88320 ^ (c >> 1)) if c & 1 else c >> 1
        table[b] = c
    return table


CRC_TABLE = _crc_table()


@_jit
def _crc_byte(c, b, table):  # pragma: no cover - compiled
    """One byte into a running CRC-32 (``c``: the register, before the final inversion)."""
    return table[(c ^ b) & np.uint32(0xFF)] ^ (c >> np.uint32(8))


@_jit
def _crc_bytes(c, buf, p, q, table):  # pragma: no cover - compiled
    """The bytes ``buf[p:q]`` into a running CRC-32."""
    for r in range(p, q):
        c = _crc_byte(c, np.uint32(buf[r]), table)
    return c


@_jit
def _sorted_distinct(a, lo, hi):  # pragma: no cover - compiled
    """Sort ``a[lo:hi]`` in place (insertion sort: a few dozen values) and drop repeats; the new end."""
    for i in range(lo + 1, hi):
        x = a[i]
        j = i - 1
        while j >= lo and a[j] > x:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = x
    if hi <= lo:
        return lo
    o = lo + 1
    for i in range(lo + 1, hi):
        if a[i] != a[o - 1]:
            a[o] = a[i]
            o += 1
    return o


@_jit
def name_hashes(buf, start, stop, table, max_words, lead_n):  # pragma: no cover - compiled
    """The name hashes an article brings to scoring, from its stored names (one call).

    ``buf[start:stop]``: the names as the features blob holds them, utf-8, one
    after the other, separated by 0x1f (none when empty). What stream.py's Python
    form computes with ``zlib.crc32`` and sets, in one array ``out`` and three
    ends (one array: each array a compiled call returns costs about a microsecond):
    ``out[:n]`` the crc32 of each of the n names in order; ``out[n:a]`` the sorted
    distinct crc32 of the first ``max_words`` names that do not start with a
    digit; ``out[a:b]`` those of the first ``lead_n`` of them; ``out[b:c]`` the
    sorted distinct crc32 of "#" + each name that starts with a digit. Last,
    whether every name starts with an ASCII byte or is empty: when one does not
    (False), the caller uses the Python form, since ``str.isdigit`` also counts
    digits outside ASCII.
    """
    n = 1
    if stop <= start:
        n = 0
    else:
        for p in range(start, stop):
            if buf[p] == 0x1F:
                n += 1
    out = np.empty(3 * n + min(lead_n, n), np.uint32)
    nums = np.empty(n, np.uint32)
    n_words = 0
    n_nums = 0
    ascii_ok = True
    p = start
    for i in range(n):
        q = p
        while q < stop and buf[q] != 0x1F:
            q += 1
        digit = q > p and 0x30 <= buf[p] <= 0x39
        if q > p and buf[p] >= 0x80:
            ascii_ok = False
        out[i] = _crc_bytes(np.uint32(0xFFFFFFFF), buf, p, q, table) ^ np.uint32(0xFFFFFFFF)
        if digit:  # the crc32 of "#" + the name
            c = _crc_bytes(_crc_byte(np.uint32(0xFFFFFFFF), np.uint32(0x23), table), buf, p, q, table)
            nums[n_nums] = c ^ np.uint32(0xFFFFFFFF)
            n_nums += 1
        elif n_words < max_words:
            out[n + n_words] = out[i]
            n_words += 1
        p = q + 1
    # the lead names (the first lead_n words) copied before the words are sorted
    n_lead = min(lead_n, n_words)
    w_end = n + n_words
    for j in range(n_lead):
        out[w_end + j] = out[n + j]
    a = _sorted_distinct(out, n, w_end)
    for j in range(n_lead):
        out[a + j] = out[w_end + j]
    b = _sorted_distinct(out, a, a + n_lead)
    for j in range(n_nums):
        out[b + j] = nums[j]
    c = _sorted_distinct(out, b, b + n_nums)
    return out, n, a, b, c, ascii_ok


@_jit
def _u32(raw, p):  # pragma: no cover - compiled
    """The little-endian uint32 at byte ``p``."""
    return (np.uint32(raw[p]) | (np.uint32(raw[p + 1]) << np.uint32(8)) | (np.uint32(raw[p + 2]) << np.uint32(16))
            | (np.uint32(raw[p + 3]) << np.uint32(24)))


@_jit
def f16_bits_to_f32_bits(h):  # pragma: no cover - compiled
    """The float32 bits of a float16 given as bits (exact, as numpy's ``astype``: NaN payloads kept)."""
    sign = np.uint32(h >> 15) << np.uint32(31)
    exp = (h >> 10) & 0x1F
    mant = np.uint32(h & 0x3FF)
    if exp == 0x1F:  # inf, nan
        return sign | np.uint32(0x7F800000) | (mant << np.uint32(13))
    if exp == 0:
        if mant == 0:
            return sign
        e = -14  # subnormal: normalise
        while (mant & np.uint32(0x400)) == 0:
            mant <<= np.uint32(1)
            e -= 1
        mant &= np.uint32(0x3FF)
        return sign | (np.uint32(e + 127) << np.uint32(23)) | (mant << np.uint32(13))
    return sign | (np.uint32(exp - 15 + 127) << np.uint32(23)) | (mant << np.uint32(13))


@_jit
def read_blob(raw, pos, n_perm, n_terms, emb_at, n_emb):  # pragma: no cover - compiled
    """The arrays of a features blob (``record.unpack``'s) as the clusterer keeps them, in one call.

    ``raw``: the blob's bytes; the minhash starts at byte ``pos``, then the term ids
    and their float32 weights; the two float16 embeddings start at ``emb_at``, the
    text one ``n_emb`` bytes long, the title's to the end. Returns (the minhash then
    the term ids, as one uint32 array; the weights as float64; the text then the
    title embedding, as one float32 array; whether the ids ascend strictly). Fewer
    arrays returned than read: each costs about a microsecond to hand back.
    """
    words = np.empty(n_perm + n_terms, np.uint32)
    for j in range(n_perm + n_terms):
        words[j] = _u32(raw, pos + 4 * j)
    bits = np.empty(n_terms, np.uint32)
    at = pos + 4 * (n_perm + n_terms)
    for j in range(n_terms):
        bits[j] = _u32(raw, at + 4 * j)
    tf = bits.view(np.float32).astype(np.float64)
    n_half = (len(raw) - emb_at) // 2
    ebits = np.empty(n_half, np.uint32)
    for j in range(n_half):
        p = emb_at + 2 * j
        ebits[j] = f16_bits_to_f32_bits(np.uint32(raw[p]) | (np.uint32(raw[p + 1]) << np.uint32(8)))
    ascending = True
    for j in range(n_perm + 1, n_perm + n_terms):
        if words[j] <= words[j - 1]:
            ascending = False
            break
    return words, tf, ebits.view(np.float32), ascending


@_jit
def found_in(wanted, values):  # pragma: no cover - compiled
    """1 for each of ``wanted`` that ``values`` (ascending) holds, else 0: ``np.isin`` by binary search."""
    out = np.zeros(len(wanted), np.uint8)
    n = len(values)
    for i in range(len(wanted)):
        lo = lower_bound(values, wanted[i], 0)
        if lo < n and values[lo] == wanted[i]:
            out[i] = 1
    return out


@_jit
def add_unit(total, vec):  # pragma: no cover - compiled
    """(``total + vec``, its direction): story.py's ``add_embeddings`` step of one embedding in one call.

    ``total`` empty: a copy of ``vec``. The direction as ``story.unit`` computes it:
    the float32 sum divided by the float32 of the square root of ``np.dot`` (BLAS's
    ``sdot``, as numpy's), empty when that is zero.
    """
    out = vec.copy() if len(total) == 0 else total + vec
    n = np.float64(np.dot(out, out))
    if n > 0.0:
        return out, out / np.float32(math.sqrt(n))
    return out, np.zeros(0, np.float32)


# -- postings held as arrays (postings.PostingTable) ---------------------------------------------
# A term's list of story positions lives in one int32 pool (``pool[start:start+length]``,
# room for ``cap``); the term finds its list through an open-addressing table (``keys``:
# term id, -1 for an empty place; ``slots``: the list's number). Both the vote over the
# lists of an article's heaviest terms and the appends of a joined article's new terms
# are then one compiled call each, where a dict of ``array`` lists took a Python step
# per term (the largest Python cost left in the candidate search).

_FIB = 0x9E3779B1  # Fibonacci hashing: the product's bits above the 12 lowest pick the place


@_jit
def posting_place(keys, tid):  # pragma: no cover - compiled
    """Where term ``tid`` is in ``keys`` (open addressing, linear probing), or the empty place it would take."""
    mask = len(keys) - 1
    h = ((tid * _FIB) >> 12) & mask
    while True:
        k = keys[h]
        if k == tid or k < 0:
            return h
        h = (h + 1) & mask


@_jit
def _vote_lists(pool, starts, lens, weights, sums, k):  # pragma: no cover - compiled
    """``top_voted`` over lists given as (start, length) in ``pool``: the same loop, the same floats."""
    n = 0
    for j in range(len(lens)):
        n += lens[j]
    seen = np.empty(n, np.int32)
    m = 0
    for j in range(len(lens)):
        w = weights[j]
        for p in range(starts[j], starts[j] + lens[j]):
            i = pool[p]
            if sums[i] == 0.0:
                seen[m] = i
                m += 1
            sums[i] += w
    # The k best in one pass: each story goes in after every kept one that ranks above it
    # (a larger sum, or the same sum and a newer story: a strict order, so the same k in
    # the same order as picking the best of the rest k times, which this replaced; that
    # read every story seen k times, and with lists full at large N, ~3,000 stories, it
    # was most of the vote)
    kk = min(k, m)
    out = np.empty(kk, np.int32)
    top = np.empty(kk, np.float64)
    kept = 0
    for j in range(m):
        i = seen[j]
        v = sums[i]
        sums[i] = 0.0
        pos = kept
        while pos > 0 and (top[pos - 1] < v or (top[pos - 1] == v and out[pos - 1] < i)):
            pos -= 1
        if pos < kk:
            kept = _insert_at(out, top, kept, pos, i, v)
    return out


@_jit
def heaviest_first(ids, vals, top):  # pragma: no cover - compiled
    """(``ids[order]``, ``vals[order]``): the positions ``top`` ordered by value, largest
    first, equal values in their order in ``top``; ``order`` is what
    ``top[np.argsort(-vals[top], kind="stable")]`` gives (a stable order is unique).
    An insertion sort: ``top`` is an article's 16 probe terms."""
    k = len(top)
    order = np.empty(k, np.int64)
    for i in range(k):
        t = top[i]
        v = vals[t]
        j = i
        while j > 0 and vals[order[j - 1]] < v:
            order[j] = order[j - 1]
            j -= 1
        order[j] = t
    out_ids = np.empty(k, ids.dtype)
    out_vals = np.empty(k, np.float64)
    for i in range(k):
        out_ids[i] = ids[order[i]]
        out_vals[i] = vals[order[i]]
    return out_ids, out_vals


@_jit
def posting_vote(keys, slots, start, length, pool, tids, weights, sums, cut, k):  # pragma: no cover - compiled
    """The candidate vote of ``StreamClusterer._best_story`` on a ``PostingTable``.

    ``tids`` are the article's heaviest terms, heaviest first, ``weights`` theirs.
    Each term with a non-empty list votes with its weight for the newest ``cut``
    stories of its list, as the Python form (lists looked up, cut, then
    ``top_voted``) does. Returns the ``k`` best story positions (``top_voted``'s
    order) and the number of terms that had a list (0: no candidate at all).
    """
    n = len(tids)
    starts = np.empty(n, np.int64)
    lens = np.empty(n, np.int64)
    ws = np.empty(n, np.float64)
    found = 0
    for j in range(n):
        h = posting_place(keys, np.int64(tids[j]))
        if keys[h] < 0:
            continue
        s = slots[h]
        m = length[s]
        if m == 0:
            continue
        take = m if m <= cut else cut
        starts[found] = start[s] + m - take
        lens[found] = take
        ws[found] = weights[j]
        found += 1
    return _vote_lists(pool, starts[:found], lens[:found], ws[:found], sums, k), found


@_jit
def posting_add(keys, slots, start, length, cap, pool, meta, tids, idx, keep):  # pragma: no cover - compiled
    """Append story position ``idx`` to the list of each term of ``tids`` (a new term gets a list).

    A list that reaches ``2 * keep`` entries is cut to its newest ``keep`` (what the
    Python form's ``del posting[:-keep]`` does). ``meta`` holds (terms, lists, pool
    used). Nothing changes, and the room short is returned, when the table, the
    lists or the pool lack room (the caller grows them and calls again); 0 when done.
    """
    limit = 2 * keep
    first = 1  # most terms (a name, a number) are only ever in one story: room for one
    n_keys, n_lists, used = meta[0], meta[1], meta[2]
    new_keys = 0
    room = 0
    for j in range(len(tids)):
        h = posting_place(keys, np.int64(tids[j]))
        if keys[h] < 0:
            new_keys += 1
            room += first
        else:
            s = slots[h]
            if length[s] == cap[s] and cap[s] < limit:
                room += min(2 * cap[s], limit)
    # (a term repeated in ``tids`` would be counted twice above: more room asked, never less)
    if 2 * (n_keys + new_keys) > len(keys) or n_lists + new_keys > len(start) or used + room > len(pool):
        return max(room, 1)
    for j in range(len(tids)):
        tid = np.int64(tids[j])
        h = posting_place(keys, tid)
        if keys[h] < 0:
            keys[h] = tid
            s = n_lists
            n_lists += 1
            n_keys += 1
            slots[h] = s
            start[s] = used
            length[s] = 0
            cap[s] = first
            used += first
        else:
            s = slots[h]
            if length[s] == cap[s]:  # full: moved to the pool's end with twice the room
                c = min(2 * cap[s], limit)
                a = start[s]
                for p in range(length[s]):
                    pool[used + p] = pool[a + p]
                start[s] = used
                cap[s] = c
                used += c
        a = start[s]
        pool[a + length[s]] = idx
        length[s] += 1
        if length[s] >= limit:  # keep the newest ``keep``
            drop = length[s] - keep
            for p in range(keep):
                pool[a + p] = pool[a + drop + p]
            length[s] = keep
    meta[0], meta[1], meta[2] = n_keys, n_lists, used
    return 0


@_jit
def posting_rehash(keys, slots, new_keys, new_slots):  # pragma: no cover - compiled
    """Every term of ``keys`` put in the larger table ``new_keys`` (same lists)."""
    for h in range(len(keys)):
        if keys[h] >= 0:
            g = posting_place(new_keys, keys[h])
            new_keys[g] = keys[h]
            new_slots[g] = slots[h]


@_jit
def posting_compact(start, length, cap, pool, n_lists, new_pool):  # pragma: no cover - compiled
    """Each list copied into ``new_pool`` end to end with its room; returns the room used."""
    used = 0
    for s in range(n_lists):
        a = start[s]
        for p in range(length[s]):
            new_pool[used + p] = pool[a + p]
        start[s] = used
        used += cap[s]
    return used
