"""Facts as clusters, not chains: a local search that moves a sentence to the fact it fits.

Single-link alignment (facts.py) merges the best pairs first and lets a fact hold one
sentence per article. Two things go wrong with that order. A sentence that first met a
fact through one partner stays there though it is unlike the fact's other sentences
(chains: "On the surface, the political landscape is changing" joined through one
sentence about state funding). And an article that tells one event twice (its headline
and its lead, "sentenced to life" and "a judge sentenced him Saturday") spends its one
place in a fact on whichever sentence came first, so its better telling is kept out.

The search scores a grouping by how coherent its facts are: the sum over the pairs of
sentences in one fact of (similarity - ``cut``), a pair not among the neighbour pairs
counting as ``missing`` (correlation clustering). A sentence is moved, one at a time,
to the fact where it adds most (out to stand alone, into another fact whose article
place is free, or swapped with the sentence of its own article there) while a move
raises the score; a few passes settle it. Only neighbour pairs are looked at and a
story past ``MAX_WORDINGS`` is left as single link made it (the bound on work).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .similar import Pairs

# The bound on work: a story of more distinct wordings keeps its single-link facts.
MAX_WORDINGS = 3000


def refine(groups: list[list[int]], pairs: Pairs, articles: list[frozenset[str]], cut: float,
           missing: float, passes: int = 4) -> list[list[int]]:
    """Re-group wordings (``groups``: lists of wording rows) by local moves that raise the
    coherence score; ``articles[r]``: the articles wording ``r`` appears in (a fact holds
    each article once). Returns the new groups (singletons included).

    A wording's gain in a group is ``sum over its neighbours v there of (s - missing)``
    plus ``(missing - cut)`` per other member: one pass over its neighbours gives its gain
    in every group at once (no member x member loop)."""
    n = len(articles)
    near: dict[int, dict[int, float]] = defaultdict(dict)
    for a, b, s in zip(pairs.i.tolist(), pairs.j.tolist(), pairs.score.tolist()):
        if b not in near[a]:
            near[a][b] = s
            near[b][a] = s
    group_of = np.empty(n, dtype=np.int64)
    members: list[set[int]] = []
    for g in groups:
        for r in g:
            group_of[r] = len(members)
        members.append(set(g))
    base = missing - cut

    def gains(r: int) -> dict[int, float]:
        """r's neighbour part of its gain in each group holding a neighbour."""
        acc: dict[int, float] = {}
        for v, s in near[r].items():
            g = int(group_of[v])
            acc[g] = acc.get(g, 0.0) + s - missing
        return acc

    def gain(r: int, g: int, acc: dict[int, float], without: int = -1) -> float:
        """r's gain in group g (leaving out ``without`` when it is there)."""
        others = len(members[g]) - (r in members[g])
        value = acc.get(g, 0.0) + base * others
        if without >= 0 and without in members[g]:
            value -= near[r].get(without, missing) - missing + base
        return value

    todo = list(near)
    for _ in range(passes):
        moved = False
        dirty: set[int] = set()
        for r in todo:
            here = int(group_of[r])
            acc = gains(r)
            stay = gain(r, here, acc)
            best, plan = 1e-9, None
            if len(members[here]) > 1 and -stay > best:
                best, plan = -stay, ("alone", -1, -1)
            for g in acc:
                if g == here:
                    continue
                other = [v for v in members[g] if articles[v] & articles[r]]
                if not other:
                    delta = gain(r, g, acc) - stay
                    if delta > best:
                        best, plan = delta, ("move", g, -1)
                elif len(other) == 1:
                    o = other[0]
                    acc_o = gains(o)
                    delta = gain(r, g, acc, without=o) - stay - gain(o, g, acc_o)
                    # the displaced wording goes to r's old fact when it fits there, else alone
                    back = -np.inf
                    if not any(articles[v] & articles[o] for v in members[here] if v != r):
                        back = gain(o, here, acc_o, without=r)
                    delta += max(back, 0.0)
                    if delta > best:
                        best, plan = delta, ("swap", g, o if back > 0 else -2 - o)
            if plan is None:
                continue
            moved = True
            kind, g, o = plan
            # the next pass looks again only at the wordings this move may change
            dirty.update(near[r], members[here], members[g] if g >= 0 else ())
            if o != -1:
                dirty.update(near[o if o >= 0 else -2 - o])
            members[here].discard(r)
            if kind == "alone":
                group_of[r] = len(members)
                members.append({r})
                continue
            if kind == "swap":
                displaced = o if o >= 0 else -2 - o
                members[g].discard(displaced)
                if o >= 0:
                    members[here].add(displaced)
                    group_of[displaced] = here
                else:
                    group_of[displaced] = len(members)
                    members.append({displaced})
            members[g].add(r)
            group_of[r] = g
        if not moved:
            break
        todo = sorted(dirty)
    return [sorted(m) for m in members if m]
