"""spaCy's greedy entity decoding (BILUO actions) as one compiled loop over a batch of docs.

Every BILUO action moves on by exactly one token, so the docs of a batch advance in lockstep:
step ``t`` scores token ``t`` of every doc still running. A state is three numbers a doc (the
token, the open entity's start and label), its features are spaCy's three for the recogniser
(the token, the open entity's first token, the token before), and its valid actions follow
spaCy's ``ner.pyx`` rules for docs without preset entities (the caller checks that). The sums,
the maxout and the output layer are spaCy's own arithmetic in its order (the output layer is
the same ``numpy.dot`` as thinc's ``Linear``), so the entities are spaCy's (tested).
"""

from __future__ import annotations

import numpy

from ..jit import jit

# action kinds, from spaCy's class names ("B-ORG", "O", ...); anything else is never valid
BEGIN, IN, LAST, UNIT, OUT, NEVER = 0, 1, 2, 3, 4, 5
_KINDS = {"B": BEGIN, "I": IN, "L": LAST, "U": UNIT}


def action_table(moves, strings) -> tuple[numpy.ndarray, numpy.ndarray, list[str]]:
    """(kind, label number, label names) of each of spaCy's actions; label number 0 means none."""
    kinds, labels, names = [], [], [""]
    for i in range(moves.n_moves):
        name = moves.get_class_name(i)
        if name == "O":
            kinds.append(OUT)
            labels.append(0)
        elif len(name) > 2 and name[1] == "-" and name[0] in _KINDS:
            if name[2:] not in names:
                names.append(name[2:])
            kinds.append(_KINDS[name[0]])
            labels.append(names.index(name[2:]))
        else:
            kinds.append(NEVER)
            labels.append(0)
    return numpy.array(kinds, dtype=numpy.int64), numpy.array(labels, dtype=numpy.int64), names


@jit
def maxout_row(acc, out, s, n_out, n_pieces):  # pragma: no cover - compiled
    # thinc's maxout of one state: each output the largest of its pieces (the first on a tie)
    for j in range(n_out):
        best = acc[j * n_pieces]
        for p in range(1, n_pieces):
            if acc[j * n_pieces + p] > best:
                best = acc[j * n_pieces + p]
        out[s, j] = best


@jit
def _hidden(Yf, bias, nP, active, pos, offset, ent_start, ent_label):  # pragma: no cover - compiled
    # spaCy's sum_state_features (features in order, from zero), + bias, then maxout
    n, nOP = len(active), Yf.shape[2]
    out = numpy.empty((n, nOP // nP), dtype=numpy.float32)
    acc = numpy.empty(nOP, dtype=numpy.float32)
    for s in range(n):
        d = active[s]
        r0 = offset[d] + pos[d] + 1  # rows are token ids + 1: row 0 is the padding
        if ent_label[d] > 0:
            r1 = offset[d] + ent_start[d] + 1
            r2 = r0 - 1
        else:
            r1 = 0
            r2 = 0
        for k in range(nOP):
            v = numpy.float32(0.0)
            v += Yf[r0, 0, k]
            v += Yf[r1, 1, k]
            v += Yf[r2, 2, k]
            acc[k] = v + bias[k]
        maxout_row(acc, out, s, nOP // nP, nP)
    return out


@jit
def _advance(scores, kinds, labels, active, pos, length, offset, sent_start, is_space,
             ent_start, ent_label, found):  # pragma: no cover - compiled
    # the best valid action of each state (spaCy's arg_max_if_valid), applied; returns the
    # docs still running and the number of entities in ``found`` (doc, start, end, label)
    n_found = found[0, 0]
    still = numpy.empty(len(active), dtype=numpy.int64)
    n_still = 0
    for s in range(len(active)):
        d = active[s]
        i = pos[d]
        g = offset[d] + i
        last = i + 1 >= length[d]  # buffer_length() < 2
        next_starts = (not last) and sent_start[g + 1] == 1
        is_open = ent_label[d] > 0
        best = -1
        for c in range(len(kinds)):
            kind, label = kinds[c], labels[c]
            if kind == BEGIN:
                ok = (not is_open) and (not last) and label != 0 and (not next_starts) and not is_space[g]
            elif kind == IN:
                ok = is_open and (not last) and label == ent_label[d] and not next_starts
            elif kind == LAST:
                ok = label != 0 and is_open and label == ent_label[d]
            elif kind == UNIT:
                ok = label != 0 and (not is_open) and not is_space[g]
            elif kind == OUT:
                ok = not is_open
            else:
                ok = False
            if ok and (best == -1 or scores[s, c] > scores[s, best]):
                best = c
        if best == -1:  # spaCy forces the state final; an open entity is dropped
            continue
        kind = kinds[best]
        if kind == BEGIN:
            ent_start[d] = i
            ent_label[d] = labels[best]
        elif kind == LAST or kind == UNIT:
            n_found += 1
            found[n_found, 0] = d
            found[n_found, 1] = i if kind == UNIT else ent_start[d]
            found[n_found, 2] = i + 1
            found[n_found, 3] = labels[best]
            ent_label[d] = 0
        pos[d] = i + 1
        if i + 1 < length[d]:
            still[n_still] = d
            n_still += 1
    found[0, 0] = n_found
    return still[:n_still]


def decode(Yf, bias, W, b, unseen, kinds, labels, lengths, sent_start, is_space):
    """Entities (doc, start, end, label number) of a batch, given the recogniser's precomputed
    features ``Yf`` (tokens + 1, 3, nO, nP), its biases and output layer ``W``, ``b``."""
    n_docs = len(lengths)
    nF, nO, nP = Yf.shape[1:]
    Yf = Yf.reshape((Yf.shape[0], nF, nO * nP))
    bias = numpy.ascontiguousarray(bias, dtype=numpy.float32).reshape(-1)
    length = numpy.asarray(lengths, dtype=numpy.int64)
    offset = numpy.concatenate(([0], numpy.cumsum(length)[:-1])).astype(numpy.int64)
    pos = numpy.zeros(n_docs, dtype=numpy.int64)
    ent_start = numpy.zeros(n_docs, dtype=numpy.int64)
    ent_label = numpy.zeros(n_docs, dtype=numpy.int64)
    found = numpy.zeros((int(length.sum()) + 1, 4), dtype=numpy.int64)  # row 0: the count
    active = numpy.nonzero(length > 0)[0].astype(numpy.int64)
    Wt = W.T
    while len(active):
        h = _hidden(Yf, bias, nP, active, pos, offset, ent_start, ent_label)
        scores = numpy.dot(h, Wt)  # thinc's Linear on numpy's BLAS: ops.gemm(X, W, trans2=True)
        scores += b
        if unseen:
            scores[:, unseen] = scores.min()
        active = _advance(scores, kinds, labels, active, pos, length, offset, sent_start, is_space,
                          ent_start, ent_label, found)
    return found[1 : found[0, 0] + 1]
