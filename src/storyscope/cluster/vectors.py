"""Stream statistics (document frequency) and the TF-IDF vectors built from them."""

from __future__ import annotations

import math

from ..features import Features


class TermStats:
    """Document frequencies of hashed terms over the articles seen so far.

    IDF is a property of the stream, not of one article, so it lives here and
    grows as articles arrive (the incremental IDF of the TDT systems). Early
    articles are weighed with few counts; that costs little because stop words
    are already removed by the feature stage.
    """

    __slots__ = ("df", "n_docs")

    def __init__(self) -> None:
        self.df: dict[int, int] = {}
        self.n_docs = 0

    def add(self, features: Features) -> None:
        df = self.df
        for tid in features.term_ids:
            df[tid] = df.get(tid, 0) + 1
        self.n_docs += 1

    def idf(self, tid: int) -> float:
        return math.log((self.n_docs + 1) / (self.df.get(tid, 0) + 0.5))

    def vector(self, features: Features) -> dict[int, float]:
        """Unit-length TF-IDF vector of an article under the current statistics."""
        n1 = self.n_docs + 1
        df = self.df
        vec = {
            tid: w * math.log(n1 / (df.get(tid, 0) + 0.5))
            for tid, w in zip(features.term_ids, features.term_weights)
        }
        norm = math.sqrt(sum(v * v for v in vec.values()))
        if norm == 0.0:
            return {}
        return {tid: v / norm for tid, v in vec.items() if v > 0.0}


def dot(small: dict[int, float], big: dict[int, float]) -> float:
    get = big.get
    return sum(v * get(t, 0.0) for t, v in small.items())


def cosine(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    num = dot(a, b)
    if num == 0.0:
        return 0.0
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return num / (na * nb)
