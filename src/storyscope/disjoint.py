"""Disjoint sets (union-find) over 0..n-1: the one implementation the stages share.

Alias grouping, fact alignment, quote matching and figure clashes all merge items pair by
pair, some of them under a condition checked on the groups as they grow (a fact holds at
most one sentence per article), which a one-shot connected-components call cannot
express; so the merging is here, and the conditions stay with their callers.
"""

from __future__ import annotations


class DisjointSets:
    """Path-halving union-find; the smaller root wins a join, so results are deterministic."""

    __slots__ = ("parent",)

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, i: int, j: int) -> int:
        """Merge the sets of ``i`` and ``j``; return the root of the merged set."""
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return ri
        lo, hi = (ri, rj) if ri < rj else (rj, ri)
        self.parent[hi] = lo
        return lo

    def groups(self) -> dict[int, list[int]]:
        """root -> members in index order, roots in order of their first member."""
        out: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            out.setdefault(self.find(i), []).append(i)
        return out
