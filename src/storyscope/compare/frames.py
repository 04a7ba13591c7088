"""Frames as evidence that two wordings tell one event: the same predicate (or a near-synonym
of it) with the same participant ("A police station was firebombed" / "Rioters firebombed
the police station"), from the frames the enrich stage stores (enrich/frames.py).

A wording's frame keys are ``role:predicate|argument``: the predicate's stem (the stems the
word bags use, so that the soft cosine's word links, synonyms.py, reach predicates too) and
an argument head, a name folded to its alias group. Two wordings share a frame when a key
of one, its predicate widened to its linked near-synonyms, is a key of the other.
"""

from __future__ import annotations

from bisect import bisect_left

import numpy as np
from scipy import sparse

from ..model import Frame
from .text import stem

# Role-free keys: "Y was succeeded by X" and "X will replace Y" put the same names in the
# same roles once the passive is turned active, but "X beat Y" / "Y lost to X" do not;
# within one story two clauses with the same predicate and a shared participant are about
# the same event either way.
ROLES = False
ARGS_ONLY = False


def unit_frames(frames: tuple[Frame, ...], starts: list[int], lo: int, hi: int,
                name_of: dict[str, str]) -> tuple[tuple[str, str, str], ...]:
    """The (role, predicate stem, argument) triples of the frames whose verb lies in
    [lo, hi) (``starts``: the frames' start offsets, sorted); a name folds to ``name_of``'s
    group (its mention's text -> the alias group's name)."""
    out = []
    for f in frames[bisect_left(starts, lo): bisect_left(starts, hi)]:
        pred = "" if ARGS_ONLY else stem(f.predicate)
        for role, arg in (("s", f.subject), ("o", f.object)):
            if arg:
                out.append((role if ROLES else "", pred, name_of.get(arg, arg.lower())))
    return tuple(dict.fromkeys(out))


def frame_matrices(frame_lists: list[tuple[tuple[str, str, str], ...]], vocab: dict[str, int],
                   links: sparse.csr_array | None) -> tuple[sparse.csr_array, sparse.csr_array] | None:
    """``(left, right)``, wordings x frame keys: ``right`` 1 at each of the wording's keys,
    ``left`` also at each key whose predicate is linked to its own (synonyms.word_links, over
    ``vocab``); ``left[i] . right[j] > 0`` when wording i states a frame of wording j. Only
    keys two wordings could share are columns; None when there is none."""
    inv = None
    if links is not None:
        inv = {c: t for t, c in vocab.items()}
    widened: list[list[str]] = []
    own: list[list[str]] = []
    for frames in frame_lists:
        keys = [f"{r}:{p}|{a}" for r, p, a in frames]
        wide = list(keys)
        if inv is not None:
            for r, p, a in frames:
                col = vocab.get(p)
                if col is None:
                    continue
                lo, hi = links.indptr[col], links.indptr[col + 1]
                wide.extend(f"{r}:{inv[int(c)]}|{a}" for c in links.indices[lo:hi] if int(c) != col)
        own.append(keys)
        widened.append(wide)
    have = {k for keys in own for k in keys}
    cols: dict[str, int] = {}
    for keys in own:
        for k in keys:
            cols.setdefault(k, len(cols))
    if not have:
        return None
    return _matrix(widened, cols), _matrix(own, cols)


def _matrix(key_lists: list[list[str]], cols: dict[str, int]) -> sparse.csr_array:
    rows_, cols_ = [], []
    for r, keys in enumerate(key_lists):
        for k in set(keys):
            c = cols.get(k)
            if c is not None:
                rows_.append(r)
                cols_.append(c)
    data = np.ones(len(rows_), dtype=np.float32)
    return sparse.csr_array((data, (np.asarray(rows_, dtype=np.int64), np.asarray(cols_, dtype=np.int64))),
                            shape=(len(key_lists), len(cols)))


def shared(left: sparse.csr_array, right: sparse.csr_array, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """For each pair (i[k], j[k]): does either wording state a frame of the other?"""
    if not len(i):
        return np.zeros(0, dtype=bool)
    a = np.asarray(left[i].multiply(right[j]).sum(axis=1)).ravel()
    b = np.asarray(left[j].multiply(right[i]).sum(axis=1)).ravel()
    return (a + b) > 0
