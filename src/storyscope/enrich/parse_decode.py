"""spaCy's greedy arc-eager dependency parse as one compiled loop over a batch of docs.

spaCy 3.8's parser runs its transition loop with the GIL released, and its state lookups
take the GIL and give it back (docs/scaling.md); it then writes each doc's arcs one by one in
Python. Here every state of a batch takes one action a step, all in numba: a state is its
stack, its buffer (spaCy's "rebuffer" of unshifted words, then the next unread word), the
heads and labels found so far, the last left and right child of each word (the only children
the model's eight features ask for), the words marked unshiftable and the sentence starts the
parser set. The features (``StateC.set_context_tokens`` for eight: B0, B1, S0, S1, S2, L(B0),
L(S0), R(S0)), the sums, the bias, the maxout and the output layer (BLIS's ``sgemm``, the
one spaCy's loop calls) follow spaCy's arithmetic in its order, and the validity rules and
transitions are ``arc_eager.pyx``'s, so the parse is spaCy's (tested on real text).

One corner of spaCy's state is not copied: ``StateC.del_arc`` only removes an arc that is the
last of its head's list (otherwise it leaves it there, a stale arc that still counts as a
child). A doc where that would happen is marked, and the caller parses it with spaCy's loop.
"""

from __future__ import annotations

from functools import lru_cache

import numpy

from ..jit import jit
from .ner_decode import maxout_row

# spaCy's move numbers (arc_eager.pyx)
SHIFT, REDUCE, LEFT, RIGHT, BREAK = 0, 1, 2, 3, 4
N_FEATURES = 8  # the features of en_core_web_sm's parser; others are not handled here


@jit
def _buffer(i, d, off, length, rebuf, rsize, b_i):  # pragma: no cover - compiled
    # StateC::B(i): the unshifted words first (last in, first out), then the unread ones
    if i < rsize[d]:
        return rebuf[off + rsize[d] - 1 - i]
    b = b_i[d] + (i - rsize[d])
    return b if b < length[d] else -1


@jit
def _stack(i, d, off, stack, sdepth):  # pragma: no cover - compiled
    return stack[off + sdepth[d] - 1 - i] if i < sdepth[d] else -1


@jit
def _hidden(Yf, bias, nP, active, offset, length, stack, sdepth, rebuf, rsize, b_i,
            last_left, last_right):  # pragma: no cover - compiled
    # the eight context tokens of each state, then spaCy's sum_state_features (features in
    # order, from zero), + bias, then maxout
    n, nOP = len(active), Yf.shape[2]
    out = numpy.empty((n, nOP // nP), dtype=numpy.float32)
    acc = numpy.empty(nOP, dtype=numpy.float32)
    rows = numpy.empty(8, dtype=numpy.int64)
    for s in range(n):
        d = active[s]
        off = offset[d]
        b0 = _buffer(0, d, off, length, rebuf, rsize, b_i)
        s0 = _stack(0, d, off, stack, sdepth)
        ids = (
            b0,
            _buffer(1, d, off, length, rebuf, rsize, b_i),
            s0,
            _stack(1, d, off, stack, sdepth),
            _stack(2, d, off, stack, sdepth),
            last_left[off + b0] if b0 >= 0 else -1,
            last_left[off + s0] if s0 >= 0 else -1,
            last_right[off + s0] if s0 >= 0 else -1,
        )
        for f in range(8):
            rows[f] = off + ids[f] + 1 if ids[f] >= 0 else 0  # row 0 is the padding
        for k in range(nOP):
            acc[k] = numpy.float32(0.0)
        for f in range(8):
            r = rows[f]
            for k in range(nOP):
                acc[k] += Yf[r, f, k]
        for k in range(nOP):
            acc[k] += bias[k]
        maxout_row(acc, out, s, nOP // nP, nP)
    return out


@jit
def _is_sent_start(w, g, n, sent_start, marked):  # pragma: no cover - compiled
    # StateC::is_sent_start: the doc's own start, or one the parser set (Break)
    if w < 0 or w >= n:
        return False
    return sent_start[g] == 1 or marked[g]


@jit
def _add_arc(d, off, head, child, move, heads, labels, last_left, last_right, prev, bad):  # pragma: no cover - compiled
    old = heads[off + child]
    if old >= 0:  # StateC::del_arc: only the last arc of its head's list goes
        last = last_left if old > child else last_right
        if last[off + old] == child:
            last[off + old] = prev[off + child]
        elif last[off + old] != -1:
            bad[d] = True  # spaCy keeps a stale arc here: the caller parses this doc itself
    last = last_left if head > child else last_right
    prev[off + child] = last[off + head]
    last[off + head] = child
    heads[off + child] = head
    labels[off + child] = move


@jit
def _advance(scores, moves, subtok, active, offset, length, stack, sdepth, rebuf, rsize, b_i,
             heads, labels, last_left, last_right, prev, unshiftable, sent_start, marked,
             bad):  # pragma: no cover - compiled
    # the best valid action of each state (spaCy's set_valid, then arg_max_if_valid), applied
    # as arc_eager.pyx does; returns the docs still running
    still = numpy.empty(len(active), dtype=numpy.int64)
    n_still = 0
    valid = numpy.zeros(5, dtype=numpy.bool_)
    for s in range(len(active)):
        d = active[s]
        off = offset[d]
        n = length[d]
        depth = sdepth[d]
        buffered = (n - b_i[d]) + rsize[d]
        b0 = _buffer(0, d, off, length, rebuf, rsize, b_i)
        b1 = _buffer(1, d, off, length, rebuf, rsize, b_i)
        s0 = _stack(0, d, off, stack, sdepth)
        b0_starts = _is_sent_start(b0, off + b0, n, sent_start, marked)
        # Shift
        if depth == 0:
            valid[SHIFT] = True
        elif buffered < 2 or b0_starts:
            valid[SHIFT] = False
        else:
            valid[SHIFT] = not unshiftable[off + b0]
        # Reduce
        if depth == 0:
            valid[REDUCE] = False
        elif buffered == 0:
            valid[REDUCE] = True
        else:  # cannot_sent_start(l_edge(B0)), l_edge is the word itself
            valid[REDUCE] = not (depth == 1 and 0 <= b0 < n and sent_start[off + b0] == -1)
        # LeftArc, RightArc
        arcs = depth > 0 and buffered > 0 and not b0_starts
        valid[LEFT] = arcs
        valid[RIGHT] = arcs
        # Break
        if buffered < 2 or b1 != b0 + 1:
            valid[BREAK] = False
        else:
            valid[BREAK] = not _is_sent_start(b1, off + b1, n, sent_start, marked) and not (
                0 <= b1 < n and sent_start[off + b1] == -1)
        best = -1
        for c in range(len(moves)):
            ok = valid[moves[c]]
            if ok and subtok[c] and s0 != b0 - 1:
                ok = False
            if ok and (best == -1 or scores[s, c] > scores[s, best]):
                best = c
        if best == -1:  # spaCy forces the state final (no valid action: not seen in practice)
            bad[d] = True
            continue
        move = moves[best]
        if move == SHIFT or move == RIGHT:
            if move == RIGHT:
                _add_arc(d, off, s0, b0, best, heads, labels, last_left, last_right, prev, bad)
            if rsize[d] > 0:  # StateC::push
                rsize[d] -= 1
                w = rebuf[off + rsize[d]]
            else:
                w = b_i[d]
                b_i[d] += 1
            stack[off + sdepth[d]] = w
            sdepth[d] += 1
        elif move == REDUCE:
            if heads[off + s0] >= 0 or depth == 1:
                sdepth[d] -= 1
            else:  # unshift: back to the buffer, not to be shifted again unchanged
                unshiftable[off + s0] = True
                rebuf[off + rsize[d]] = s0
                rsize[d] += 1
                sdepth[d] -= 1
        elif move == LEFT:
            _add_arc(d, off, b0, s0, best, heads, labels, last_left, last_right, prev, bad)
            unshiftable[off + b0] = False  # set_reshiftable(B0)
            sdepth[d] -= 1
        else:  # BREAK
            marked[off + b1] = True
        if sdepth[d] > 0 or (n - b_i[d]) + rsize[d] > 0:  # not is_final
            still[n_still] = d
            n_still += 1
    return still[:n_still]


@jit
def _loop(Yf, bias, nP, W, b, unseen, moves, subtok, offset, length, sent_start, sgemm, one, zero,
          stack, sdepth, rebuf, rsize, b_i, heads, labels, last_left, last_right, prev,
          unshiftable, marked, bad):  # pragma: no cover - compiled
    # spaCy's _parseC: score the unfinished states, then take each one's best valid action
    active = numpy.nonzero(length > 0)[0].astype(numpy.int64)
    nC, nH = W.shape
    scores = numpy.empty((len(active), nC), dtype=numpy.float32)
    while len(active):
        n = len(active)
        h = _hidden(Yf, bias, nP, active, offset, length, stack, sdepth, rebuf, rsize, b_i,
                    last_left, last_right)
        out = scores[:n]
        # predict_states: BLIS's sgemm (as thinc's CBlas) into zeros (beta 0), then the bias;
        # 0 and 8 are BLIS's "no transpose" and "transpose"
        sgemm(0, 8, n, nC, nH, one.ctypes, h.ctypes, nH, 1, W.ctypes, nH, 1, zero.ctypes,
              out.ctypes, nC, 1)
        for s in range(n):
            for c in range(nC):
                out[s, c] += b[c]
        if unseen.any():  # unseen classes get the lowest score of the step
            low = out[0, 0]
            for s in range(n):
                for c in range(nC):
                    if out[s, c] < low:
                        low = out[s, c]
            for s in range(n):
                for c in range(nC):
                    if unseen[c]:
                        out[s, c] = low
        active = _advance(out, moves, subtok, active, offset, length, stack, sdepth, rebuf,
                          rsize, b_i, heads, labels, last_left, last_right, prev, unshiftable,
                          sent_start, marked, bad)


@lru_cache(maxsize=1)
def _blis_sgemm():
    """BLIS's ``bli_sgemm`` (the library thinc's CBlas gives spaCy's parser loop) for numba:
    numpy's BLAS rounds some scores differently, which can change a parse."""
    import ctypes

    import blis.cy

    fn = ctypes.CDLL(blis.cy.__file__).bli_sgemm
    fn.restype = None
    i64, ptr = ctypes.c_int64, ctypes.c_void_p
    # trans_t, trans_t, m, n, k, alpha*, a*, rsa, csa, b*, rsb, csb, beta*, c*, rsc, csc
    fn.argtypes = [ctypes.c_int, ctypes.c_int, i64, i64, i64, ptr, ptr, i64, i64, ptr, i64,
                   i64, ptr, ptr, i64, i64]
    return fn


def decode(Yf, bias, W, b, unseen, moves, subtok, lengths, sent_start):
    """(heads, actions, bad) of a batch: each token's head (its index in the doc, -1 for none)
    and the action that attached it, over the docs' tokens end to end, and the docs to parse
    with spaCy's loop instead. ``Yf`` is the parser's precomputed first layer (tokens + 1, 8,
    nO, nP), ``bias`` its bias, ``W``, ``b`` the output layer; ``unseen`` the actions the model
    never saw; ``moves`` the move of each action and ``subtok`` the actions labelled "subtok";
    ``sent_start`` the docs' SENT_START column."""
    n_docs = len(lengths)
    nF, nO, nP = Yf.shape[1:]
    if nF != N_FEATURES:
        raise ValueError(f"the parser has {nF} features, this loop handles {N_FEATURES}")
    Yf = numpy.ascontiguousarray(Yf, dtype=numpy.float32).reshape((Yf.shape[0], nF, nO * nP))
    W = numpy.ascontiguousarray(W, dtype=numpy.float32)
    length = numpy.asarray(lengths, dtype=numpy.int64)
    offset = numpy.concatenate(([0], numpy.cumsum(length)[:-1])).astype(numpy.int64)
    total = int(length.sum())
    unseen_mask = numpy.zeros(W.shape[0], dtype=numpy.bool_)
    unseen_mask[list(unseen)] = True

    def minus_ones():
        return numpy.full(total, -1, dtype=numpy.int64)

    heads, labels = minus_ones(), minus_ones()
    bad = numpy.zeros(n_docs, dtype=numpy.bool_)
    _loop(Yf, numpy.ascontiguousarray(bias, dtype=numpy.float32).reshape(-1), nP, W,
          numpy.ascontiguousarray(b, dtype=numpy.float32), unseen_mask, moves, subtok, offset,
          length, numpy.ascontiguousarray(sent_start, dtype=numpy.int64), _blis_sgemm(),
          numpy.ones(1, dtype=numpy.float32), numpy.zeros(1, dtype=numpy.float32),
          minus_ones(), numpy.zeros(n_docs, dtype=numpy.int64), minus_ones(),
          numpy.zeros(n_docs, dtype=numpy.int64), numpy.zeros(n_docs, dtype=numpy.int64), heads,
          labels, minus_ones(), minus_ones(), minus_ones(), numpy.zeros(total, dtype=numpy.bool_),
          numpy.zeros(total, dtype=numpy.bool_), bad)
    return heads, labels, bad
