"""Streaming assignment of articles to stories: one pass, no re-clustering."""

from __future__ import annotations

import datetime as _dt
import math
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from itertools import filterfalse, repeat
from operator import add, lt, mul

import numpy as np

from ..errors import InputError
from ..features import Features
from .settings import ClusterSettings, ClusterSettingsError
from .syndication import NearDuplicateIndex
from .vectors import TermStats

_MAX_STORY_NAMES = 200
_MAX_LINKS = 3  # a new story links to at most this many earlier ones, best first
# A link needs this many shared names (numbers do not count) on top of the score.
# On the tests' texts two 7.8 earthquakes in Turkey and Nepal share two
# ("magnitude", "geological survey") and score 0.47, while a follow-up a month
# later shares six or more with its story.
_MIN_SHARED_NAMES = 3
# Split check (step 7): a story is tested when it reaches one of these sizes; past
# the last one its member vectors are dropped, so memory stays bounded. A part
# smaller than _SPLIT_MIN_PART is never split off: one or two odd articles are
# noise, not a second event. Calibrated with split_threshold, see settings.py.
_SPLIT_AT = (8, 16, 32, 64)
_SPLIT_MIN_PART = 3
_SPLIT_ITERATIONS = 6
_SPLIT_SEEDS = 3
# Member vectors are kept for at most this many recently updated stories; an older
# story is no longer split-checked (about 2 KB per article of such a story).
_MAX_SPLITTABLE = 20_000
# Sparse dot products run as sum(map(mul, ...)) over the first vector's items:
# the same additions in the same order as a generator expression (so the same
# floats, bit for bit), without a Python frame per term (about 3x faster).
_ZEROS = repeat(0.0)
# Candidate votes (step 3) are summed in numpy when the probed postings hold more
# than this many entries in all (a stream with thousands of stories: up to
# probe_terms * max_postings = 24,000), in Python below it, where numpy's call
# overhead costs more than the loop. Both add the same weights in the same order
# and break ties the same way (first seen first), so the choice changes nothing.
_NUMPY_VOTES = 500
_NO_POS = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Assignment:
    """Where one article went and why."""

    story_id: str
    score: float  # similarity to the story it joined (or to the best one it did not join)
    is_new: bool
    syndicated_of: str | None  # the earlier article this one is a near-identical copy of
    reason: str
    # earlier stories a new story is linked to, not merged with: closed ones (outside
    # the time window: a follow-up weeks later) or open ones that scored between
    # related_threshold and threshold; best first; empty unless is_new
    related_story_ids: tuple[str, ...] = ()
    # (earlier article id, its new story id) when this article's arrival split its
    # story in two (step 7); the caller must move those stored assignments
    moved: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class StoryLink:
    """A new story's link to an earlier story it was related to but did not join."""

    story_id: str  # the new story
    related_id: str  # the earlier one
    score: float
    # "closed": it scored as the same event but was outside the window; "related": below
    # threshold; "split": split off from the related story by the split check
    reason: str


class _Story:
    __slots__ = ("id", "idx", "centroid", "norm_sq", "size", "first_day", "last_day", "names", "members")

    def __init__(self, story_id: str, idx: int) -> None:
        self.id = story_id
        self.idx = idx  # position in StreamClusterer._by_idx; what the postings hold
        self.centroid: dict[int, float] = {}  # sum of member unit vectors
        self.norm_sq = 0.0
        self.size = 0
        self.first_day: int | None = None
        self.last_day: int | None = None
        self.names: set[str] = set()
        # (article id, vector, names, day) while the story may still be split; None after
        self.members: list[tuple[str, dict[int, float], tuple[str, ...], int | None]] | None = []


def _check(article_id: object, features: object) -> None:
    if not isinstance(article_id, str) or not article_id:
        raise InputError(f"article_id must be a non-empty string, got {article_id!r}")
    if not isinstance(features, Features):
        raise InputError(
            f"features of {article_id!r} must be a storyscope.features.Features, got {type(features).__name__}: "
            "use storyscope.features.compute(article), or Features.from_bytes(blob) for stored ones"
        )


def _day(published: str | None) -> int | None:
    """Day number of an ISO date or datetime; None when absent or unreadable."""
    if not published:
        return None
    try:
        return _dt.date.fromisoformat(published.strip()[:10]).toordinal()
    except ValueError:
        return None


class StreamClusterer:
    """Assign each incoming article to a story, or start a new one.

    Per article (``add``):

    1. near-identical copy? MinHash LSH over all articles seen; a copy joins the
       story of its original and records ``syndicated_of``;
    2. TF-IDF vector under the stream's document frequencies so far;
    3. candidate stories from an inverted index on the article's heaviest terms
       (specific words, names, numbers; for a term in many stories only the
       ``max_postings`` newest), best ``max_candidates`` by summed term weight,
       skipping stories outside the time window when both sides have dates;
    4. score = square root of the cosine between the article and each
       candidate's centroid (the scale of ``same_event_score``);
    5. join the best open story if the score reaches ``threshold``, else start a
       new story, linked (``related_story_ids``, ``links``) to the best candidates
       that are closed (outside the time window) or scored below ``threshold``,
       when they score at least ``related_threshold`` and share names;
    6. update the story centroid, the index and the statistics;
    7. split check: when a story reaches 8, 16, 32 or 64 articles, its members are
       split in two by spherical 2-means; if the two halves' centroids score below
       ``split_threshold`` and each half has 3 or more articles, the smaller half
       becomes a new story linked to the old one (``Assignment.moved`` lists the
       earlier articles that changed story). This undoes the main error of a
       single pass: an early article of a second event of the same kind joining
       the first event's story and pulling its centroid towards both.

    Story ids are ``"s"`` + six digits in order of creation, stable across
    ``restore``: a restored clusterer continues numbering after the largest id.
    """

    def __init__(self, settings: ClusterSettings | None = None, **overrides: object) -> None:
        if settings is not None and not isinstance(settings, ClusterSettings):
            raise ClusterSettingsError(
                f"settings must be a ClusterSettings, got {type(settings).__name__}; "
                "or pass single settings as keyword arguments, e.g. StreamClusterer(threshold=0.3)"
            )
        base = settings or ClusterSettings()
        if overrides:
            known = set(base.__dataclass_fields__)
            unknown = sorted(set(overrides) - known)
            if unknown:
                raise ClusterSettingsError(f"unknown setting(s) {unknown}; known: {sorted(known)}")
            base = ClusterSettings(**{**base.__dict__, **overrides})  # type: ignore[arg-type]
        self.settings = base
        self.stats = TermStats()
        self._stories: dict[str, _Story] = {}
        self._by_idx: list[_Story] = []
        # term id -> indices of the stories whose centroid has it, in the order they
        # got it; only the last max_postings are ever read, so longer lists are cut
        self._postings: dict[int, array] = {}
        # scratch for the numpy vote count, one slot per story, reset after each use
        self._vote_sum = np.zeros(0)
        self._vote_first = np.zeros(0, dtype=np.int64)
        self._article_story: dict[str, str] = {}
        self._syndicated_root: dict[str, str] = {}
        self._dups = NearDuplicateIndex(threshold=base.syndication_threshold)
        self._links: dict[str, tuple[StoryLink, ...]] = {}
        self._splittable: OrderedDict[str, None] = OrderedDict()  # stories holding members, oldest first
        self._next = 1

    # -- public API ---------------------------------------------------------

    def __len__(self) -> int:
        """Number of stories."""
        return len(self._stories)

    def story_of(self, article_id: str) -> str | None:
        return self._article_story.get(article_id)

    def story_sizes(self) -> dict[str, int]:
        return {sid: s.size for sid, s in self._stories.items()}

    def links(self, story_id: str) -> tuple[StoryLink, ...]:
        """The links recorded when ``story_id`` was started in this session (best first)."""
        return self._links.get(story_id, ())

    def add(self, article_id: str, features: Features, published: str | None = None) -> Assignment:
        """Assign one article (see the class docstring for the steps)."""
        _check(article_id, features)
        if article_id in self._article_story:
            sid = self._article_story[article_id]
            return Assignment(sid, 1.0, False, None, "article already assigned; nothing changed")
        day = _day(published)
        # 1. near-identical copy of an earlier article
        dup = self._dups.query(features.minhash)
        self.stats.add(features)
        vec = self.stats.vector(features)
        if dup is not None:
            original, jac = dup
            root = self._syndicated_root.get(original, original)
            story = self._stories[self._article_story[original]]
            self._syndicated_root[article_id] = root
            self._join(story, article_id, vec, features, day)
            self._dups.insert(article_id, features.minhash)
            final, moved, why = self._after_join(story, article_id)
            return Assignment(
                final, round(jac, 4), False, root,
                f"near-identical copy of {root} (shingle Jaccard ~{jac:.2f}) -> {story.id}{why}", moved=moved,
            )
        if not vec:
            story = self._new_story()
            self._join(story, article_id, vec, features, day)
            return Assignment(story.id, 0.0, True, None, "no content words: new story of its own")
        # 2-4. candidates and scores
        best, best_score, scored = self._best_story(vec, day)
        # 5. decide
        if best is not None and best_score >= self.settings.threshold:
            shared = [n for n in features.names if n in best.names][:5]
            self._join(best, article_id, vec, features, day)
            self._dups.insert(article_id, features.minhash)
            final, moved, why = self._after_join(best, article_id)
            return Assignment(
                final, round(best_score, 4), False, None,
                f"score {best_score:.3f} >= {self.settings.threshold} with {best.id}"
                + (f"; shared: {', '.join(shared)}" if shared else "") + why,
                moved=moved,
            )
        story = self._new_story()
        links = self._related(story.id, features, scored)
        self._join(story, article_id, vec, features, day)
        self._dups.insert(article_id, features.minhash)
        if best is None and scored:
            why = "the candidate stories sharing its specific terms are closed (outside the time window)"
        elif best is None:
            why = "no candidate story shares its specific terms"
        else:
            why = f"best open candidate {best.id} scored {best_score:.3f} < {self.settings.threshold}"
        if links:
            self._links[story.id] = links
            why += "; related to " + ", ".join(f"{k.related_id} ({k.reason}, {k.score:.3f})" for k in links)
        return Assignment(
            story.id, round(max(best_score, 0.0), 4), True, None, f"new story: {why}",
            related_story_ids=tuple(k.related_id for k in links),
        )

    def restore(
        self,
        article_id: str,
        story_id: str,
        features: Features,
        published: str | None = None,
        syndicated_of: str | None = None,
    ) -> None:
        """Put back a stored assignment without scoring (rebuild after a restart).

        Call in the original arrival order for identical statistics; any order
        gives a working index.
        """
        _check(article_id, features)
        if not isinstance(story_id, str) or not story_id:
            raise InputError(f"restore({article_id!r}): story_id must be a non-empty string, got {story_id!r}")
        if article_id in self._article_story:
            return
        self.stats.add(features)
        vec = self.stats.vector(features)
        story = self._stories.get(story_id)
        if story is None:
            story = _Story(story_id, len(self._by_idx))
            self._stories[story_id] = story
            self._by_idx.append(story)
            if story_id.startswith("s") and story_id[1:].isdigit():
                self._next = max(self._next, int(story_id[1:]) + 1)
        if syndicated_of:
            self._syndicated_root[article_id] = self._syndicated_root.get(syndicated_of, syndicated_of)
        self._join(story, article_id, vec, features, _day(published))
        self._release(story)
        self._dups.insert(article_id, features.minhash)

    # -- internals ----------------------------------------------------------

    def _new_story(self) -> _Story:
        while True:
            sid = f"s{self._next:06d}"
            self._next += 1
            if sid not in self._stories:
                break
        story = _Story(sid, len(self._by_idx))
        self._stories[sid] = story
        self._by_idx.append(story)
        return story

    def _after_join(self, story: _Story, article_id: str) -> tuple[str, tuple[tuple[str, str], ...], str]:
        """7. split check after a join: (the article's story now, moved articles, reason suffix)."""
        new = self._maybe_split(story)
        if new is None:
            return story.id, (), ""
        moved = tuple((m[0], new.id) for m in new.members or () if m[0] != article_id)
        final = self._article_story[article_id]
        link = self._links[new.id][0]
        return final, moved, (
            f"; then split: {new.size} articles of {story.id} that score {link.score:.3f} "
            f"< {self.settings.split_threshold} against the rest moved to {new.id}"
        )

    def _maybe_split(self, story: _Story) -> _Story | None:
        members = story.members
        if members is None or story.size not in _SPLIT_AT or len(members) != story.size:
            return None
        labels, halves = _two_means([m[1] for m in members])
        small = 0 if labels.count(0) <= labels.count(1) else 1
        n_small = labels.count(small)
        if n_small < _SPLIT_MIN_PART:
            return self._release(story)
        cos = _cosine(halves[0], halves[1])
        score = math.sqrt(max(cos, 0.0))
        if score >= self.settings.split_threshold:
            return self._release(story)
        keep = [m for m, lab in zip(members, labels) if lab != small]
        moved = [m for m, lab in zip(members, labels) if lab == small]
        # the kept story: rebuilt in place; its postings already list every term it keeps
        self._rebuild(story, keep)
        new = self._new_story()
        for aid, vec, names, day in moved:
            self._join_vec(new, aid, vec, names, day)
        self._links[new.id] = (StoryLink(new.id, story.id, round(score, 4), "split"),)
        self._release(story)
        self._release(new)
        return new

    def _release(self, story: _Story) -> None:
        """Past the last split check a story keeps no member vectors."""
        if story.members is not None and story.size >= _SPLIT_AT[-1]:
            story.members = None
            self._splittable.pop(story.id, None)
        return None

    def _rebuild(self, story: _Story, members: list) -> None:
        # dropped terms stay at 0.0: the story is still in their postings, and a
        # later article with the term must not post it twice
        story.centroid, story.norm_sq, story.size = dict.fromkeys(story.centroid, 0.0), 0.0, 0
        story.first_day = story.last_day = None
        story.names, story.members = set(), []
        c = story.centroid
        for aid, vec, names, day in members:
            _add_into(c, vec)
            self._note_member(story, aid, vec, names, day)
        story.norm_sq = sum(map(mul, c.values(), c.values()))

    def _related(
        self, new_id: str, features: Features, scored: list[tuple[float, _Story, bool]]
    ) -> tuple[StoryLink, ...]:
        """Links from a new story to the candidates it did not join (step 5).

        Shared names are required on top of the score: two events of one kind
        (two earthquakes, two signings) share the topic vocabulary and can score in
        the related range, but a follow-up names the same people and places.
        """
        s = self.settings
        names = {n for n in features.names if not n[:1].isdigit()}
        out: list[StoryLink] = []
        for score, story, closed in sorted(scored, key=lambda x: x[0], reverse=True):
            if score < s.related_threshold or len(out) >= _MAX_LINKS:
                break
            if not closed and score >= s.threshold:
                continue  # not reached: an open story at threshold is joined
            if len(names & story.names) < _MIN_SHARED_NAMES:
                continue
            out.append(StoryLink(new_id, story.id, round(score, 4), "closed" if closed else "related"))
        return tuple(out)

    def _best_story(
        self, vec: dict[int, float], day: int | None
    ) -> tuple[_Story | None, float, list[tuple[float, _Story, bool]]]:
        """The best open candidate and its score, plus (score, story, closed) for every candidate."""
        s = self.settings
        # 3. candidates: stories sharing the article's heaviest terms
        probes = sorted(vec.items(), key=lambda kv: kv[1], reverse=True)[: s.probe_terms]
        lists: list[tuple[array, float]] = []
        total = 0
        for tid, w in probes:
            posting = self._postings.get(tid)
            if not posting:
                continue
            # newest stories last: a common term only looks at the most recent ones
            recent = posting[-s.max_postings :]
            lists.append((recent, w))
            total += len(recent)
        if not total:
            return None, 0.0, []
        if total > _NUMPY_VOTES:
            ranked = self._rank_numpy(lists, total)
        else:
            votes: dict[int, float] = {}
            for recent, w in lists:
                for i in recent:
                    votes[i] = votes.get(i, 0.0) + w
            ranked = sorted(votes, key=votes.__getitem__, reverse=True)[: s.max_candidates]
        # 4. exact scores. Vectors from TermStats.vector list their terms in ascending
        # id order (Features.term_ids are sorted); then only the shared terms, found
        # by a set intersection in C, need multiplying: same terms, same order, same sum.
        keys = list(vec)
        ascending = all(map(lt, keys, keys[1:]))
        best: _Story | None = None
        best_score = -1.0
        scored: list[tuple[float, _Story, bool]] = []
        by_idx = self._by_idx
        for i in ranked:
            story = by_idx[i]
            closed = False
            if day is not None and story.last_day is not None:
                gap = max(story.first_day - day, day - story.last_day, 0)  # type: ignore[operator]
                closed = gap > s.window_days  # closed to new articles; still a candidate for a link
            score = self._score(vec, story, ascending)
            scored.append((score, story, closed))
            if not closed and score > best_score:
                best, best_score = story, score
        return best, best_score, scored

    def _rank_numpy(self, lists: list[tuple[array, float]], total: int) -> list[int]:
        """Story indices by summed vote, best first, ties in order of first appearance.

        The same result as the dict loop in ``_best_story``: ``np.add.at`` adds each
        story's weights in stream order starting from 0.0, and a stable sort keeps
        equal votes in the order their stories were first seen.
        """
        n = len(self._by_idx)
        if len(self._vote_sum) < n:
            size = max(1024, 2 * n)
            self._vote_sum = np.zeros(size)
            self._vote_first = np.full(size, _NO_POS, dtype=np.int64)
        sums, first = self._vote_sum, self._vote_first
        ids = np.concatenate([np.frombuffer(recent, dtype=np.int32) for recent, _ in lists])
        weights = np.repeat(np.array([w for _, w in lists]), [len(recent) for recent, _ in lists])
        np.add.at(sums, ids, weights)
        pos = np.arange(total, dtype=np.int64)
        np.minimum.at(first, ids, pos)
        cand = ids[first[ids] == pos]  # each story once, in order of first appearance
        order = np.argsort(-sums[cand], kind="stable")[: self.settings.max_candidates]
        ranked = cand[order].tolist()
        sums[cand] = 0.0
        first[cand] = _NO_POS
        return ranked

    def _score(self, vec: dict[int, float], story: _Story, ascending: bool = False) -> float:
        if story.norm_sq <= 0.0:
            return 0.0
        c = story.centroid
        if ascending:
            # the terms missing from the centroid add 0.0 in the other branch: no change
            shared = sorted(vec.keys() & c.keys())
            num = sum(map(mul, map(vec.__getitem__, shared), map(c.__getitem__, shared)))
        else:
            num = sum(map(mul, vec.values(), map(c.get, vec, _ZEROS)))
        # square root of the centroid cosine: the scale of vectors.same_event_score
        return math.sqrt(max(num, 0.0) / math.sqrt(story.norm_sq))

    def _join(self, story: _Story, article_id: str, vec: dict[int, float], features: Features, day: int | None) -> None:
        self._join_vec(story, article_id, vec, features.names[:20], day)

    def _join_vec(
        self, story: _Story, article_id: str, vec: dict[int, float], names: tuple[str, ...], day: int | None
    ) -> None:
        # 6. centroid, norm, postings, dates, names
        c = story.centroid
        cross = 0.0
        postings = self._postings
        keep = self.settings.max_postings
        cut = 2 * keep
        for tid, v in vec.items():
            old = c.get(tid)
            if old is None:
                c[tid] = v
                posting = postings.get(tid)
                if posting is None:
                    postings[tid] = array("i", (story.idx,))
                else:
                    posting.append(story.idx)
                    if len(posting) >= cut:
                        del posting[:-keep]
            else:
                cross += old * v
                c[tid] = old + v
        story.norm_sq += 2.0 * cross + sum(map(mul, vec.values(), vec.values()))
        self._note_member(story, article_id, vec, names, day)

    def _note_member(
        self, story: _Story, article_id: str, vec: dict[int, float], names: tuple[str, ...], day: int | None
    ) -> None:
        story.size += 1
        if day is not None:
            story.first_day = day if story.first_day is None else min(story.first_day, day)
            story.last_day = day if story.last_day is None else max(story.last_day, day)
        if len(story.names) < _MAX_STORY_NAMES:
            story.names.update(names)
        if story.members is not None:
            story.members.append((article_id, vec, names, day))
            lru = self._splittable
            lru[story.id] = None
            lru.move_to_end(story.id)
            if len(lru) > _MAX_SPLITTABLE:
                self._stories[lru.popitem(last=False)[0]].members = None
        self._article_story[article_id] = story.id


def _cosine(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    num = sum(map(mul, a.values(), map(b.get, a, _ZEROS)))
    na = math.sqrt(sum(map(mul, a.values(), a.values())))
    nb = math.sqrt(sum(map(mul, b.values(), b.values())))
    return num / (na * nb) if na and nb else 0.0


def _add_into(h: dict[int, float], v: dict[int, float]) -> None:
    """h[t] += x for each (t, x) of v, new terms appended in v's order.

    The same floats and the same key order as ``h[t] = h.get(t, 0.0) + x`` in a
    loop (0.0 + x is x), with the loop in C: the split check's 2-means rebuilds
    its half sums this way several times per check.
    """
    missing = list(filterfalse(h.__contains__, v))
    if missing:
        h.update(zip(missing, _ZEROS))
    h.update(zip(v, map(add, map(h.__getitem__, v), v.values())))


def _two_means(vecs: list[dict[int, float]]) -> tuple[list[int], tuple[dict[int, float], dict[int, float]]]:
    """Spherical 2-means of unit vectors: (label per vector, (sum of half 0, sum of half 1)).

    Deterministic seeds, tried _SPLIT_SEEDS times: one of the members least like
    the whole story, and the member least like that one; the run whose halves
    are tightest (largest sum of the lengths of the half sums) wins.
    """
    total: dict[int, float] = {}
    for v in vecs:
        _add_into(total, v)

    def dot(a: dict[int, float], b: dict[int, float]) -> float:
        return sum(map(mul, a.values(), map(b.get, a, _ZEROS)))

    def length(h: dict[int, float]) -> float:
        return math.sqrt(sum(map(mul, h.values(), h.values())))

    best: tuple[float, list[int], tuple[dict[int, float], dict[int, float]]] | None = None
    outliers = sorted(range(len(vecs)), key=lambda i: dot(vecs[i], total))[:_SPLIT_SEEDS]
    for a in outliers:
        b = min(range(len(vecs)), key=lambda i: dot(vecs[i], vecs[a]))
        halves: tuple[dict[int, float], dict[int, float]] = (dict(vecs[a]), dict(vecs[b]))
        labels: list[int] = []
        for _ in range(_SPLIT_ITERATIONS):
            n0, n1 = length(halves[0]) or 1.0, length(halves[1]) or 1.0
            new = [0 if dot(v, halves[0]) / n0 >= dot(v, halves[1]) / n1 else 1 for v in vecs]
            if new == labels:
                break
            labels = new
            halves = ({}, {})
            for v, lab in zip(vecs, labels):
                _add_into(halves[lab], v)
        objective = length(halves[0]) + length(halves[1])
        if best is None or objective > best[0] + 1e-9:
            best = (objective, labels, halves)
    assert best is not None
    return best[1], best[2]
