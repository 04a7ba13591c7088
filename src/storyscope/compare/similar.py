"""How alike the story's sentences are: sparse word vectors, sentence embeddings, and each
sentence's top-k neighbours, computed once per distinct wording.

A big story is mostly rewrites: the same sentence in hundreds of articles. Every distinct
wording is vectorised and embedded once ("copies compared once"), and the units x units
matrix is never built: rows are compared in blocks, and each row keeps only its best
``NEIGHBOURS`` partners above the alignment threshold, so memory grows with the number of
sentences, not with its square. A small story loses nothing: no sentence of the gold
stories has anywhere near ``NEIGHBOURS`` partners above the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .synonyms import soften, word_links
from .text import Vectorizer, acronym_table, with_acronyms
from .units import WITHHELD_TOKEN, Unit

# The similarity blends the cosine of the IDF-weighted stem/entity/number bags (the same
# words) with, at EMBED_WEIGHT, the cosine of static sentence embeddings
# (features/embed.py: "blaze"/"fire", "hurt"/"injured", which a bag of stems never
# meets), centred on the story's mean so that the topic every sentence shares adds
# nothing. The word cosine is soft (synonyms.py): a word meets its near-synonyms at their
# similarity. See facts.ALIGN_THRESHOLD for how these were chosen.
EMBED_WEIGHT = 0.3
SOFT_WORDS = True
# With PARAPHRASE on, a small story (paraphrase.py: at most paraphrase.MAX_TEXTS wordings,
# of two articles or more) also has the full MiniLM's sentence vectors, which score
# paraphrase; its embedding part is then the static and the MiniLM cosines (both centred)
# mixed at PARAPHRASE_SHARE, weighted PARAPHRASE_EMBED_WEIGHT against the words.
# Off by default: tuned on the tuning half it raised that half's facts F1 from 0.78 to 0.86,
# but the untouched half, scored once with it on, fell from 0.81 to 0.78 (precision 0.90 ->
# 0.82: the model adds chance partners there and found one more pair), and the tuning
# half's summary fell under the lead baseline (facts.PARAPHRASE_THRESHOLD has the history;
# `benchmarks/brief.py --paraphrase` scores it on).
# Session 10, with the assignment rules (facts.MUTUAL_*): on the tuning half 0.81-0.83 with
# it (PARAPHRASE_THRESHOLD 0.20-0.26) against 0.843 without; still off.
PARAPHRASE = False
PARAPHRASE_EMBED_WEIGHT = 0.35
PARAPHRASE_SHARE = 0.75
# Partners kept per wording: single-link grouping only needs a connected chain, so a
# sentence that 500 outlets carry still becomes one fact through its 64 best partners.
NEIGHBOURS = 64
# Rows compared at once: a block is BLOCK x distinct wordings floats (25 MB at 12,000).
BLOCK = 512
# Shared specifics (session 10): two outlets telling one event in their own words still
# share its figures ("52-3", "$160 million", "2005"), its round or place in an order
# ("in the sixth"), its day ("Sunday"); in a long sentence those few tokens weigh little
# against its other words. Each such anchor the two wordings share adds ANCHOR_BONUS,
# at most ANCHOR_CAP in all, when at most ANCHOR_MAX_SHARE of the story's wordings carry
# it (a figure every sentence repeats tells nothing). A quantity the number parser reads
# ("40 people", "$160 million": text.numbers) is two anchors, its figure and its "num:"
# token; a bare figure ("52-3", "2005") one. Names were tried as anchors too:
# they joined more chance partners than same-fact pairs (a story's people are in most of
# its sentences). Chosen on the tuning half only (facts.ALIGN_THRESHOLD has the sweep).
# Session 13: a refusal to disclose (units.WITHHELD_TOKEN: "would not say what ...",
# "would not reveal what ...") is an anchor too: one source's silence on one question is
# as specific as a figure (tuning half: +1 same-fact pair, none wrong).
# Acronyms meet the names they stand for ("IE" / "Internet Explorer": text.acronym_table).
# Session 13, tuning half: facts F1 0.798 -> 0.811 (+2 same-fact pairs, one more pair in
# all); names spelled in lower case too ("IR" / "injured reserve"): +4 pairs, +3 wrong ones.
ACRONYMS = True
ANCHOR_BONUS = 0.05
ANCHOR_CAP = 0.10
ANCHOR_MAX_SHARE = 0.5
ANCHOR_WORDS = frozenset(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "monday tuesday wednesday thursday friday saturday sunday january february april june "
    "july august september october november december".split()
)


@dataclass(frozen=True)
class Pairs:
    """Neighbouring wordings: row indices ``i < j`` and their blended similarity, best first."""

    i: np.ndarray
    j: np.ndarray
    score: np.ndarray


class Similarity:
    """Similarity of the units of one story, by distinct wording.

    ``row[u.index]`` is the unit's wording; ``words`` the sparse word vectors (one row per
    wording), ``emb`` the centred, unit-length embeddings or None when the model is missing.
    """

    def __init__(self, units: list[Unit]):
        texts: dict[str, int] = {}
        first: list[Unit] = []
        for u in units:
            if u.text not in texts:
                texts[u.text] = len(first)
                first.append(u)
        self.row = np.array([texts[u.text] for u in units], dtype=np.int64)
        self.texts = [u.text for u in first]
        # the story's word weights (IDF over its units' own words; disputes.py reads them)
        self.vec = Vectorizer([u.tokens for u in first])
        # an acronym meets the name it stands for ("IE" / "Internet Explorer": text.py) in
        # the bags compared here, which weigh the name's words as often as they are meant
        acronyms = acronym_table(self.texts) if ACRONYMS else {}
        bags = Vectorizer([with_acronyms(u.text, u.tokens, acronyms) for u in first]) if acronyms else self.vec
        self.words = bags.matrix
        # the pieces of compound sentences (units.py), once per wording: extra rows that
        # only ``piece_neighbours`` compares, each with the wording it is part of
        self.piece_of = np.array([r for r, u in enumerate(first) for _ in u.pieces], dtype=np.int64)
        pieces = [p for u in first for p in u.pieces]
        self.piece_words = bags.transform([with_acronyms(text, t, acronyms) for text, t in pieces])
        # the soft word cosine of rows r, c is left[r] . right[c] (synonyms.soften)
        links = None
        if SOFT_WORDS and self.words.shape[0]:
            df = np.asarray((self.words > 0).sum(axis=0)).ravel()
            links = word_links(bags.vocab, df, self.texts)
        self.left, self.right = soften(self.words, links)
        self.piece_left, self.piece_right = soften(self.piece_words, links)
        counts = np.bincount(self.row, minlength=len(first))
        all_texts = self.texts + [t for t, _ in pieces]
        emb = _centred_embeddings(all_texts, counts)
        # a story of one article and its copies has no pair to score
        para = _centred_paraphrase(all_texts, counts) if len({u.article_id for u in first}) > 1 else None
        self.has_paraphrase = para is not None
        self.embed_weight = EMBED_WEIGHT
        if para is not None:
            # one vector whose dot product is the mix of the two cosines
            self.embed_weight = PARAPHRASE_EMBED_WEIGHT
            emb = para if emb is None else np.hstack(
                [np.sqrt(1.0 - PARAPHRASE_SHARE) * emb, np.sqrt(PARAPHRASE_SHARE) * para]).astype(np.float32)
        self.emb = None if emb is None else emb[: len(first)]
        self.piece_emb = None if emb is None else emb[len(first):]
        self.anchors = _anchor_matrix([u.tokens for u in first])
        self._sparse_rows: dict[tuple[str, int], dict[int, float]] = {}

    @property
    def has_embedding(self) -> bool:
        return self.emb is not None

    def word(self, a: int, b: int) -> float:
        """Cosine of two units' word vectors (unit indices)."""
        ra, rb = self.row[a], self.row[b]
        if ra == rb:
            return 1.0
        return _dot(self._sparse_row(self.words, "w", ra), self._sparse_row(self.words, "w", rb))

    def block(self, units: list[int]) -> np.ndarray:
        """The blended similarity among the given units (a small dense matrix)."""
        return self.blocks([units])[0]

    def blocks(self, groups: list[list[int]]) -> list[np.ndarray]:
        """``block`` of each group of units. A big story asks for hundreds of small blocks
        (facts.representatives): their sparse products are made in one call, each entry
        summed in the same order as alone, so every block is the same to the bit."""
        rows_of = [self.row[g] for g in groups]
        words = _diagonal_blocks(self.left, self.right, rows_of)
        anchors = _diagonal_blocks(self.anchors, self.anchors, rows_of) if self.anchors is not None else None
        out = []
        for k, rows in enumerate(rows_of):
            block = words[k]
            if self.emb is not None:
                e = self.emb[rows]
                block = (1.0 - self.embed_weight) * block + self.embed_weight * (e @ e.T)
            if anchors is not None:
                bonus = _anchor_bonus(anchors[k])
                np.fill_diagonal(bonus, 0.0)  # a wording's own anchors make it no more typical
                block += bonus
            out.append(block)
        return out

    def cross(self, a: list[int], b: list[int]) -> np.ndarray:
        """The blended similarity of wordings ``a`` (rows) x wordings ``b`` (columns), by row
        index: what ``block`` gives for them, without the rest of the square."""
        out = np.array([[_dot(self._sparse_row(self.left, "l", r), self._sparse_row(self.right, "r", c))
                         for c in b] for r in a], dtype=np.float32)
        if self.emb is not None:
            out = (1.0 - self.embed_weight) * out + self.embed_weight * (self.emb[a] @ self.emb[b].T)
        if self.anchors is not None:
            shared = np.array([[_dot(self._sparse_row(self.anchors, "a", r), self._sparse_row(self.anchors, "a", c))
                                for c in b] for r in a], dtype=np.float32)
            out += _anchor_bonus(shared)
        return out

    def _sparse_row(self, matrix: sparse.csr_array, kind: str, r: int) -> dict[int, float]:
        """Row ``r`` of one of this story's CSR matrices (``kind`` names it) as {column:
        value}, made once: a fact's wordings are scored again each time the fact grows, and
        slicing a CSR matrix costs more than the few products a check needs."""
        key = (kind, r)
        d = self._sparse_rows.get(key)
        if d is None:
            lo, hi = matrix.indptr[r], matrix.indptr[r + 1]
            d = dict(zip(matrix.indices[lo:hi].tolist(), matrix.data[lo:hi].tolist()))
            self._sparse_rows[key] = d
        return d

    def neighbours(self, threshold: float, group: np.ndarray, apart: np.ndarray) -> Pairs:
        """Pairs of wordings scoring at least ``threshold``, at most NEIGHBOURS per row.

        ``group[r]``: only rows of one group pair (the same polarity); ``apart[r]``: rows
        with the same value never pair (one article's own sentences).
        """
        n = len(self.texts)
        i, j, s = _top_pairs(self.left, self.emb, group, apart, self.right, self.emb, group, apart,
                             threshold, self.embed_weight, same=True, anchors=self.anchors)
        lo_, hi_ = np.minimum(i, j), np.maximum(i, j)
        key = lo_ * max(n, 1) + hi_
        key, first = np.unique(key, return_index=True)  # a pair both rows kept, once
        lo_, hi_, s = lo_[first], hi_[first], s[first]
        order = np.lexsort((hi_, lo_, -s))  # best first; ties in index order (stable)
        return Pairs(lo_[order], hi_[order], s[order])


    def piece_neighbours(self, threshold: float, group: np.ndarray, apart: np.ndarray) -> Pairs:
        """Pairs of a piece (``i``: its index in ``piece_of``) and a whole wording (``j``)
        scoring at least ``threshold``, best first; ``group``/``apart`` are given per
        wording, as in ``neighbours``. (A piece of another compound sentence is no partner:
        which of that sentence's facts a match is about could not be told.)"""
        if not len(self.piece_of):
            empty = np.zeros(0, dtype=np.int64)
            return Pairs(empty, empty, np.zeros(0, dtype=np.float32))
        i, j, s = _top_pairs(self.piece_left, self.piece_emb, group[self.piece_of], apart[self.piece_of],
                             self.right, self.emb, group, apart, threshold, self.embed_weight)
        order = np.lexsort((j, i, -s))
        return Pairs(i[order], j[order], s[order])

    def piece_pairs(self, threshold: float, group: np.ndarray, apart: np.ndarray) -> Pairs:
        """Pairs of pieces (indices in ``piece_of``, ``i < j``) of different compound
        sentences scoring at least ``threshold``, best first; ``group``/``apart`` per wording."""
        if not len(self.piece_of):
            empty = np.zeros(0, dtype=np.int64)
            return Pairs(empty, empty, np.zeros(0, dtype=np.float32))
        g, a = group[self.piece_of], apart[self.piece_of]
        i, j, s = _top_pairs(self.piece_left, self.piece_emb, g, a, self.piece_right, self.piece_emb, g, a,
                             threshold, self.embed_weight, same=True)
        keep = i < j
        i, j, s = i[keep], j[keep], s[keep]
        order = np.lexsort((j, i, -s))
        return Pairs(i[order], j[order], s[order])


def _dot(x: dict[int, float], y: dict[int, float]) -> float:
    """The dot product of two sparse rows held as dicts (over the shorter one)."""
    if len(x) > len(y):
        x, y = y, x
    return sum(v * y.get(k, 0.0) for k, v in x.items())


def _top_pairs(rows_w, rows_e, rows_group, rows_apart, cols_w, cols_e, cols_group, cols_apart,
               threshold: float, embed_weight: float, same: bool = False, anchors=None):
    """Each row's best NEIGHBOURS columns scoring at least ``threshold`` (blended
    similarity), compared BLOCK rows at a time; ``same``: rows and columns are one list,
    and a row never pairs with itself; ``anchors`` (with ``same``): the wordings' shared
    specifics add their bonus."""
    n = cols_w.shape[0]
    cols_t = sparse.csr_array(cols_w.T)
    anchors_t = sparse.csr_array(anchors.T) if anchors is not None else None
    found_i, found_j, found_s = [], [], []
    for lo in range(0, rows_w.shape[0], BLOCK):
        hi = min(rows_w.shape[0], lo + BLOCK)
        sim = (rows_w[lo:hi] @ cols_t).toarray()
        if rows_e is not None:
            sim *= 1.0 - embed_weight
            emb = rows_e[lo:hi] @ cols_e.T
            emb *= embed_weight  # in place: the same float32 products, one block less
            sim += emb
        if anchors_t is not None:
            # the bonus where two wordings share an anchor (few pairs do): the same sums as
            # adding the dense bonus, whose other entries are 0
            shared = sparse.csr_array(anchors[lo:hi] @ anchors_t)
            at = np.repeat(np.arange(hi - lo), np.diff(shared.indptr))
            sim[at, shared.indices] += _anchor_bonus(shared.data)
        r = np.arange(lo, hi)
        if same:
            sim[r - lo, r] = -1.0  # itself
        sim[rows_group[lo:hi, None] != cols_group[None, :]] = -1.0
        sim[rows_apart[lo:hi, None] == cols_apart[None, :]] = -1.0
        rows, cols = _best_over(sim, threshold)
        found_i.append(rows + lo)
        found_j.append(cols)
        found_s.append(sim[rows, cols])
    i = np.concatenate(found_i) if found_i else np.zeros(0, dtype=np.int64)
    j = np.concatenate(found_j) if found_j else np.zeros(0, dtype=np.int64)
    s = np.concatenate(found_s) if found_s else np.zeros(0, dtype=np.float32)
    return i, j, s


def _best_over(sim: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The (row, column) entries of ``sim`` that are among their row's NEIGHBOURS best and
    at least ``threshold``, rows in order: what ``np.argpartition(-sim, NEIGHBOURS)`` picks,
    found without partitioning whole rows. A row with at most NEIGHBOURS entries over the
    threshold keeps them all; a row with more keeps those at least its NEIGHBOURS-th best
    value, found among its entries over the threshold only, when that value is strictly
    above the next one (a tie there is settled by partitioning the whole row, as before)."""
    width = sim.shape[1]
    at = np.flatnonzero(sim >= threshold)
    rows, cols = np.divmod(at, width)
    count = np.bincount(rows, minlength=sim.shape[0])
    many = count[rows] > NEIGHBOURS
    if not many.any():
        return rows, cols
    heavy = np.flatnonzero(count > NEIGHBOURS)
    h_rows, h_cols = rows[many], cols[many]
    slot = np.searchsorted(heavy, h_rows)
    rank = np.arange(len(h_rows)) - np.repeat(np.cumsum(count[heavy]) - count[heavy], count[heavy])
    grid = np.full((len(heavy), int(count[heavy].max())), np.inf, dtype=sim.dtype)
    grid[slot, rank] = -sim[h_rows, h_cols]
    part = np.partition(grid, (NEIGHBOURS - 1, NEIGHBOURS), axis=1)
    last, next_ = -part[:, NEIGHBOURS - 1], -part[:, NEIGHBOURS]
    clear = last > next_
    keep = clear[slot] & (sim[h_rows, h_cols] >= last[slot])
    out_rows, out_cols = [rows[~many], h_rows[keep]], [cols[~many], h_cols[keep]]
    tied = heavy[~clear]
    if len(tied):
        top = np.argpartition(-sim[tied], NEIGHBOURS, axis=1)[:, :NEIGHBOURS]
        t_rows, t_cols = np.repeat(tied, NEIGHBOURS), top.ravel()
        ok = sim[t_rows, t_cols] >= threshold
        out_rows.append(t_rows[ok])
        out_cols.append(t_cols[ok])
    rows, cols = np.concatenate(out_rows), np.concatenate(out_cols)
    order = np.argsort(rows, kind="stable")  # rows in order: neighbours keeps a pair's first
    return rows[order], cols[order]


def _diagonal_blocks(left: sparse.csr_array, right: sparse.csr_array, rows_of: list[np.ndarray]) -> list[np.ndarray]:
    """``(left[rows] @ right[rows].T).toarray()`` for each ``rows`` of ``rows_of``, in one
    sparse product: group k's rows keep their entries, in their order, on columns of their
    own (a (group, column) pair is one new column), so that products of two groups are
    zero and each entry of a block is summed exactly as in the small product."""
    sizes = np.array([len(r) for r in rows_of], dtype=np.int64)
    if not len(sizes) or not sizes.sum():
        return [np.zeros((m, m), dtype=np.float32) for m in sizes.tolist()]
    rows = np.concatenate(rows_of)
    group = np.repeat(np.arange(len(sizes)), sizes)
    a, b = left[rows], right[rows]
    width = max(left.shape[1], 1)
    # the (group, column) keys of both sides, numbered alike
    key_a = np.repeat(group, np.diff(a.indptr)) * width + a.indices
    key_b = np.repeat(group, np.diff(b.indptr)) * width + b.indices
    keys, inverse = np.unique(np.concatenate([key_a, key_b]), return_inverse=True)
    inverse = inverse.ravel()
    a = sparse.csr_array((a.data, inverse[: len(key_a)], a.indptr), shape=(len(rows), len(keys)))
    b = sparse.csr_array((b.data, inverse[len(key_a):], b.indptr), shape=(len(rows), len(keys)))
    prod = sparse.csr_array(a @ b.T)
    # scatter the block-diagonal product into one flat array of the groups' square blocks
    start = np.cumsum(sizes) - sizes
    base = np.cumsum(sizes * sizes) - sizes * sizes
    r = np.repeat(np.arange(len(rows)), np.diff(prod.indptr))
    g = group[r]
    flat = np.zeros(int((sizes * sizes).sum()), dtype=prod.dtype)
    flat[base[g] + (r - start[g]) * sizes[g] + (prod.indices - start[g])] = prod.data
    return [flat[o: o + m * m].reshape(m, m) for o, m in zip(base.tolist(), sizes.tolist())]


def _is_anchor(token: str) -> bool:
    """A figure ("num:" quantity or a token opening with a digit), an ordinal, a day or month,
    a refusal to disclose."""
    return token[:4] == "num:" or token[:1].isdigit() or token in ANCHOR_WORDS or token == WITHHELD_TOKEN


def _anchors_of(tokens: tuple[str, ...]) -> set[str]:
    """The anchors of one wording's tokens; an ordinal before "time" counts how often ("for
    the fifth time"), it places nothing in an order, so it is no anchor."""
    return {t for k, t in enumerate(tokens) if _is_anchor(t)
            and not (t in ANCHOR_WORDS and k + 1 < len(tokens) and tokens[k + 1] in ("time", "straight"))}


def _anchor_matrix(token_lists: list[tuple[str, ...]]) -> sparse.csr_array | None:
    """Wordings x anchors, 1 where the wording carries the anchor; only anchors carried by
    at most ANCHOR_MAX_SHARE of the wordings (and by two at least: else none is shared)."""
    if ANCHOR_BONUS <= 0 or not token_lists:
        return None
    per_row = [_anchors_of(toks) for toks in token_lists]
    df: dict[str, int] = {}
    for found in per_row:
        for t in found:
            df[t] = df.get(t, 0) + 1
    most = ANCHOR_MAX_SHARE * len(token_lists)
    cols = {t: k for k, t in enumerate(sorted(t for t, d in df.items() if 2 <= d <= most))}
    if not cols:
        return None
    rows_, cols_ = [], []
    for r, found in enumerate(per_row):
        for t in found:
            if t in cols:
                rows_.append(r)
                cols_.append(cols[t])
    data = np.ones(len(rows_), dtype=np.float32)
    return sparse.csr_array((data, (np.asarray(rows_, dtype=np.int64), np.asarray(cols_, dtype=np.int64))),
                            shape=(len(token_lists), len(cols)))


def _anchor_bonus(shared: np.ndarray) -> np.ndarray:
    """The bonus for a count of shared anchors."""
    return np.minimum(ANCHOR_BONUS * shared, ANCHOR_CAP).astype(np.float32)


def _centred_embeddings(texts: list[str], counts: np.ndarray) -> np.ndarray | None:
    """Unit-length static embeddings minus the story's mean; None when the model is missing."""
    from ..errors import EmbeddingUnavailableError
    from ..features.embed import embed

    if not texts:
        return None
    try:
        return _centred(embed(texts), counts)
    except EmbeddingUnavailableError:
        return None


def _centred_paraphrase(texts: list[str], counts: np.ndarray) -> np.ndarray | None:
    """Centred MiniLM vectors (paraphrase.py); None for a big story or without the model."""
    from . import paraphrase

    if not PARAPHRASE or PARAPHRASE_SHARE <= 0:
        return None
    emb = paraphrase.encode(texts)
    return None if emb is None else _centred(emb, counts)


def _centred(emb: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Unit-length embeddings minus the story's mean (each of the first ``len(counts)``
    wordings weighted by how many units carry it; texts past them, pieces, are centred on
    the same mean), back to unit length."""
    mean = (counts[:, None] * emb[: len(counts)]).sum(axis=0, keepdims=True) / max(int(counts.sum()), 1)
    emb = emb - mean
    norms = np.linalg.norm(emb, axis=1, keepdims=True)
    np.divide(emb, norms, out=emb, where=norms > 0)
    return emb.astype(np.float32)
