"""One story's state in the clusterer: centroid as arrays, dates, names, members.

A centroid is the sum of its members' unit TF-IDF vectors, kept as two parallel
arrays (term ids ascending, values) rather than a dict: 12 bytes a term instead of
about 90, which is what lets a million-article stream fit in memory; scoring an
article against it and adding one to it are compiled loops over the two sorted id
lists (``kernels.sparse_dot``, ``kernels.add_sparse``).
"""

from __future__ import annotations

import math

import numpy as np

from .kernels import add_sparse, add_unit, sparse_dot, union_sorted

# A vector in the clusterer: (term ids ascending as uint32, float64 values).
Vec = tuple[np.ndarray, np.ndarray]

EMPTY_IDS = np.zeros(0, dtype=np.uint32)
EMPTY_VALS = np.zeros(0, dtype=np.float64)
EMPTY_EMB = np.zeros(0, dtype=np.float32)
# Names are kept as sorted crc32 hashes (see names_hashes): 4 bytes a name, where a
# set of strings cost about 60.
MAX_NAMES = 200


class Member:
    """An article of a story that may still be merged or split (step 7 of StreamClusterer).

    Kept as term frequencies, not as the TF-IDF vector of its arrival: the checks
    re-weigh them under the statistics of the moment, which early in a stream are
    much better than those the article was first scored with.
    """

    __slots__ = ("article_id", "ids", "tf", "names", "nums", "day", "emb", "temb", "lead")

    def __init__(
        self, article_id: str, terms: Vec, names: np.ndarray, day: int | None,
        nums: np.ndarray = EMPTY_IDS, emb: np.ndarray = EMPTY_EMB, temb: np.ndarray = EMPTY_EMB,
        lead: np.ndarray = EMPTY_IDS,
    ) -> None:
        self.article_id = article_id
        # float32 halves the memory of what is held for the checks; they need no more
        self.ids, self.tf = terms[0], terms[1].astype(np.float32)
        self.names = names  # name hashes (people, organisations, places)
        self.nums = nums  # number hashes
        self.day = day
        self.emb, self.temb = emb, temb  # unit embeddings of the text and of the title
        self.lead = lead  # hashes of its five most frequent names


class Story:
    __slots__ = (
        "id", "idx", "ids", "vals", "norm_sq", "size", "first_day", "last_day", "names", "members", "checks_done",
        "emb", "temb", "emb_unit", "temb_unit",
    )

    def __init__(self, story_id: str, idx: int) -> None:
        self.id = story_id
        self.idx = idx  # position in StreamClusterer._by_idx; what the postings hold
        self.ids = EMPTY_IDS
        self.vals = EMPTY_VALS
        self.norm_sq = 0.0
        self.size = 0
        self.first_day: int | None = None
        self.last_day: int | None = None
        self.names = EMPTY_IDS
        # members while the story may still be split; None after (see stream.py)
        self.members: list[Member] | None = []
        self.checks_done = 0  # split checks passed (see stream._SPLIT_AT)
        # sums of the members' unit embeddings (text, title): their direction is the mean's
        self.emb = self.temb = EMPTY_EMB
        # their directions, what scoring reads (kept: an article is scored against a
        # few stories, a story is updated once per article it gains)
        self.emb_unit = self.temb_unit = EMPTY_EMB

    def add_embeddings(self, emb: np.ndarray, temb: np.ndarray) -> None:
        # each sum and its direction in one compiled call (kernels.add_unit: the sum, then unit())
        if len(emb):
            self.emb, self.emb_unit = add_unit(self.emb, emb)
        if len(temb):
            self.temb, self.temb_unit = add_unit(self.temb, temb)

    def take(self, member: Member, vec: Vec) -> np.ndarray:
        """Add an article: its vector to the centroid, its day, names and embeddings, and
        the member itself while the story keeps members. Returns the term ids new to
        this story (for the clusterer's postings)."""
        fresh = self.add(vec)
        self.size += 1
        self.note_day(member.day)
        self.add_names(member.names)
        self.add_names(member.nums)
        self.add_embeddings(member.emb, member.temb)
        if self.members is not None:
            self.members.append(member)
        return fresh

    def add(self, vec: Vec) -> np.ndarray:
        """Add a vector to the centroid; returns the term ids new to this story."""
        v_ids, v_vals = vec
        if not len(self.ids):
            self.ids, self.vals = v_ids, v_vals.astype(np.float64)  # a copy: vals change in place
            self.norm_sq = float(np.dot(v_vals, v_vals))
            return v_ids
        self.ids, self.vals, fresh, cross = add_sparse(self.ids, self.vals, v_ids, v_vals)
        self.norm_sq += 2.0 * cross + float(np.dot(v_vals, v_vals))
        return fresh

    def score(self, vec: Vec) -> float:
        """Square root of the cosine between the vector and the centroid.

        The scale of ``vectors.same_event_score``: cosines of sparse news vectors
        crowd near 0, the root spreads them (see there).
        """
        if self.norm_sq <= 0.0:
            return 0.0
        num = sparse_dot(vec[0], vec[1], self.ids, self.vals)
        return math.sqrt(max(num, 0.0) / math.sqrt(self.norm_sq))

    def add_names(self, names: np.ndarray) -> None:
        if len(self.names) < MAX_NAMES and len(names):
            self.names = union_sorted(self.names, names)

    def note_day(self, day: int | None) -> None:
        if day is not None:
            self.first_day = day if self.first_day is None else min(self.first_day, day)
            self.last_day = day if self.last_day is None else max(self.last_day, day)

    def clear(self) -> None:
        """Empty the story (merged into another): it scores 0.0 and holds nothing."""
        self.ids, self.vals, self.norm_sq, self.size = EMPTY_IDS, EMPTY_VALS, 0.0, 0
        self.names, self.members = EMPTY_IDS, None
        self.emb = self.temb = self.emb_unit = self.temb_unit = EMPTY_EMB

    def compact(self, max_terms: int, max_names: int) -> None:
        """Keep the ``max_terms`` heaviest centroid terms and drop the members.

        For a story that has gone quiet: it stays a candidate (a late article, a
        link from a follow-up) at a fifth of the memory. Its score then uses the
        kept terms only, with the norm of the kept terms, so it stays a cosine.
        """
        self.members = None
        if len(self.ids) > max_terms:
            keep = np.sort(np.argpartition(self.vals, -max_terms)[-max_terms:])
            self.ids, self.vals = self.ids[keep].copy(), self.vals[keep].copy()
            self.norm_sq = float(np.dot(self.vals, self.vals))
        if len(self.names) > max_names:
            self.names = self.names[:max_names].copy()


def unit(vec: np.ndarray) -> np.ndarray:
    """The vector scaled to length 1 (empty when it is empty or zero)."""
    n = float(np.dot(vec, vec)) if len(vec) else 0.0
    return vec / math.sqrt(n) if n > 0.0 else EMPTY_EMB


def centroid_of(vecs: list[tuple[np.ndarray, np.ndarray]]) -> Vec:
    """Sum of vectors as a centroid (ids ascending)."""
    if not vecs:
        return EMPTY_IDS, EMPTY_VALS
    ids = np.concatenate([v[0] for v in vecs])
    vals = np.concatenate([v[1] for v in vecs]).astype(np.float64)
    uniq, inv = np.unique(ids, return_inverse=True)
    return uniq, np.bincount(inv, weights=vals, minlength=len(uniq))
