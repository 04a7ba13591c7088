"""Streaming assignment of articles to stories: one pass, no re-clustering."""

from __future__ import annotations

import datetime as _dt
import math
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError
from ..features import Features, term_id
from ..features.text import content_term
from .postings import PostingTable, dict_add, dict_vote
from .kernels import CRC_TABLE, count_shared, evidence, found_in, heaviest_first, name_hashes
from .kernels import gram as member_gram
from .evidence import EVIDENCE, SameEventModel, default_model
from .settings import ClusterSettings, ClusterSettingsError
from .split import alike_across_every_cut, end_to_end
from .split import cut_gram as split_cut
from .story import EMPTY_EMB, EMPTY_IDS, Member, Story, Vec, centroid_of
from .syndication import NearDuplicateIndex
from .vectors import Incoming, TermStats, terms

if TYPE_CHECKING:
    from .precise import PreciseStage

_MAX_LINKS = 3  # a new story links to at most this many earlier ones, best first
_MAX_INCOMING = 5  # and a story is linked from at most this many later ones
# A link needs this many shared *specific* names (numbers do not count) on top of
# the score: names found in at most _SPECIFIC_SHARE of the articles seen (and at
# least _SPECIFIC_MIN_DF), so that a party or a country every story names
# ("Republican", "Iraq") links nothing. On the tests' texts two 7.8 earthquakes in
# Turkey and Nepal share two names ("magnitude", "geological survey"), while a
# follow-up a month later shares six or more with its story.
_MIN_SHARED_NAMES = 3
_SPECIFIC_SHARE = 0.01
_SPECIFIC_MIN_DF = 5
_ARTICLE_NAMES = 20  # an article adds its 20 most frequent names to its story's
# Split check (step 7): a story is tested when it reaches one of these sizes (or
# passes it, when a merge made it jump); past
# the last one its members are dropped, so memory stays bounded. A part smaller
# than _SPLIT_MIN_PART is never split off: one or two odd articles are noise, not
# a second event. Calibrated with split_threshold, see settings.py.
# Session 10: 4 (was 3). With the merge check at every size from 2 to 6, parts
# of three split off were more often pieces of one event than a second event.
# Chosen on the odd-numbered ECB+ topics (benchmarks/clustering.py --topics odd,
# 5 orders; B-cubed F1 with parts of 2: 0.907, 3: 0.917, 4: 0.922 (recall 0.927
# -> 0.937, precision 0.907 both), 5: 0.922, 6: 0.918; the smaller of the tie;
# split_threshold 0.65 / 0.75 with it: 0.904 / 0.920), reported on the even ones
# (not used to choose): 0.923 -> 0.929; whole file 0.919 -> 0.924
# (docs/benchmarks.md, section "ecb").
# Session 11: also at 24. A story holding both events of a topic often passes the
# checks at 8 and 16 (its halves still alike, or 2-means not yet cutting along the
# events) and reached 32 never (an ECB+ topic has about 23 articles), yet by 20-30
# articles its halves separate. Chosen on the odd-numbered topics (B-cubed F1
# 0.922 -> 0.924; with 12 and 24: 0.921; 20, 24, 28: 0.920), reported on the even
# ones (not used to choose): 0.929 -> 0.932; whole file 0.924 -> 0.927
# (docs/benchmarks.md, section "ecb (session 11)").
# Session 12 (ecb2): the cut is spectral (split.cut) and the decision its kNN
# purity: a story is split when more than _SPLIT_PURITY of its members have their
# three nearest members (two under 12 members) on their own side, and the halves
# score below split_threshold (0.99 by default: no bound in practice). The
# centroid score of 2-means halves told right cuts from wrong ones no better than
# chance among the checks it declined (AUC 0.48 odd, 0.51 even; purity 0.90 /
# 0.63, benchmarks/clustering_splits.py). _SPLIT_PURITY chosen by
# benchmarks/clustering_cv.py: five folds of ECB+ topics, the bound chosen from
# 0.8 / 0.85 / 0.9 / 0.93 on the other four folds is 0.9 for every fold; held
# out (each fold read at the bound chosen without it) 0.931 against 0.922 for the
# 2-means check (4 folds gain, 1 ties). Whole file (tuned on) 0.927 -> 0.935
# (docs/benchmarks.md, "ecb2 (session 12 ...)").
_SPLIT_AT = (8, 16, 24, 32, 64)
_SPLIT_MIN_PART = 4
_SPLIT_PURITY = 0.9
# ... unless the members are near-identical: a mean cosine across the cut of
# _SPLIT_SAME or more is copies of one report (edited wire copies: 0.83-0.91 in
# tests/cluster/test_bad_input.py), never two events (ECB+, every check with
# parts of 4+: at most 0.53; every cut the purity split: at most 0.35). Without
# it a story of copies is cut along their datelines, cleanly by purity.
_SPLIT_SAME = 0.5
# Merge check (step 7, before the split check): when a story has just reached 2
# to 6 articles (_MERGE_AT) its centroid, cut to its _MERGE_TERMS heaviest terms, finds the
# best other open story (scored as an article would be); if that reaches
# ``threshold``, the two share _MERGE_NAMES names, and each article of the
# smaller story, re-weighed under today's statistics, scores at least
# ``threshold`` against the larger one (would join it if it arrived now), the
# smaller is merged into the larger. A single pass leaves reports of one event
# apart when their first articles happened to differ (different angles, names);
# once a side has a few articles, and the statistics a few more documents, the
# evidence is better. No new score constant: the join threshold, on the join
# scale. Measured on ECB+ (benchmarks/clustering.py, 5 orders): B-cubed F1
# 0.894 -> 0.911 (0.910 with the compiled kernels); on each half of the topics
# (--topics odd / even) 0.892 -> 0.895 and 0.883 -> 0.907. Checking at 2, 3, 4
# gave the same, at 2, 4, 8 less (precision falls: grown centroids of sibling
# events score as high as those of one event); deciding on the centroid score
# alone or on the members' mean score merged the two Indonesian M6.1 quakes of
# the bundled samples at 0.50. The
# shared-names condition changed nothing on ECB+ and kept precision on the
# synthetic stream of benchmarks/cluster_scale.py (30k: 0.887 -> 0.908), where
# sibling events share every topic word but no name. (These figures were measured
# when the score was the TF-IDF cosine alone; since the same-event model both
# steps use its probability and ``threshold``: benchmarks/same_event.py.)
# Session 9: checked at every size from 2 to 6. Where ECB+ loses
# (benchmarks/clustering_errors.py) is a story holding both events of a topic;
# the split check moves one part off, and a part of one event split off wrongly
# is merged back only by this check, which at (2, 4) it seldom met. Chosen (with
# the model of session 8) on the odd-numbered topics (B-cubed F1 0.902 -> 0.917;
# 2, 4, 6: 0.914; 2-7: 0.915; 2-7 with 9 and 10: 0.905), reported on the even
# ones: 0.914 -> 0.923 (docs/benchmarks.md, session 9).
_MERGE_AT = (2, 3, 4, 5, 6)
_MERGE_TERMS = 100
_MERGE_NAMES = 2
# Memory bound: only the _MAX_HOT most recently updated stories keep their whole
# centroid and their members (for the split check). An older one is compacted to
# its _COLD_TERMS heaviest terms and _COLD_NAMES names (about 3 KB instead of 30):
# it stays a candidate, for a late article or a follow-up's link. With dates, a
# story is closed after window_days anyway; at 5,000 articles a day (the scale
# benchmark) 10,000 stories are about three weeks of news.
_MAX_HOT = 10_000
_COLD_TERMS = 256
_COLD_NAMES = 64


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
    # story in two or merged two stories (step 7); the caller must move those stored
    # assignments
    moved: tuple[tuple[str, str], ...] = ()
    # why they moved, one line for the store ("" when nothing moved)
    move_reason: str = ""
    # the story that no longer exists because a merge check put it into story_id;
    # the caller should point its links at story_id
    merged_from: str | None = None


@dataclass(frozen=True)
class StoryLink:
    """A new story's link to an earlier story it was related to but did not join."""

    story_id: str  # the new story
    related_id: str  # the earlier one
    score: float
    # "closed": it scored as the same event but was outside the window; "related": below
    # threshold; "split": split off from the related story by the split check
    reason: str
    # why, in words: the shared specific names, the probability, the days apart
    detail: str = ""

    def describe(self) -> str:
        """The reason and its detail in one line (what the store and ``stories`` show)."""
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


def _check(article_id: object, features: object) -> Features | Incoming:
    """The article's features as ``add`` reads them: a record as it is, a stored blob read (``Incoming``)."""
    if not isinstance(article_id, str) or not article_id:
        raise InputError(f"article_id must be a non-empty string, got {article_id!r}")
    if isinstance(features, (bytes, bytearray, memoryview)):
        return Incoming(features)
    if not isinstance(features, (Features, Incoming)):
        raise InputError(
            f"features of {article_id!r} must be a storyscope.features.Features or its stored bytes, got "
            f"{type(features).__name__}: use storyscope.features.compute(article), or a stored blob"
        )
    return features


def _day(published: str | None) -> int | None:
    """Day number of an ISO date or datetime; None when absent or unreadable."""
    if not published or not isinstance(published, str):
        return None
    try:
        return _dt.date.fromisoformat(published.strip()[:10]).toordinal()
    except ValueError:
        return None


def _hash_names(names: tuple[str, ...] | list[str]) -> list[int]:
    """crc32 of each name, in order."""
    return [zlib.crc32(n.encode("utf-8")) for n in names]


def _name_set(hashes: list[int]) -> np.ndarray:
    """Sorted distinct name hashes: how stories hold them."""
    return np.array(sorted(set(hashes)), dtype=np.uint32)


def _name_hashes(names: tuple[str, ...] | list[str]) -> np.ndarray:
    return _name_set(_hash_names(names))


# (crc32 of each of an article's names in order, its names' set, its lead names' set, its numbers' set)
_Named = tuple["np.ndarray | list[int]", np.ndarray, np.ndarray, np.ndarray]


def _article_names(features: Features | Incoming) -> _Named:
    """The name hashes an article brings (see _Probe): from a stored blob in one compiled call
    (kernels.name_hashes), else, or when a name starts with a byte outside ASCII, in Python."""
    if isinstance(features, Incoming):
        start, stop = features.names_at
        out, n, a, b, c, ok = name_hashes(features.raw, start, stop, CRC_TABLE, _ARTICLE_NAMES, _LEAD_NAMES)
        if ok:
            return out[:n], out[n:a], out[a:b], out[b:c]
    return _names_python(features.names)


def _names_python(names: tuple[str, ...]) -> _Named:
    """``_article_names`` in Python: the form kernels.name_hashes replaces (and is tested against)."""
    hashes = _hash_names(names)
    words = [h for n, h in zip(names, hashes) if not n[:1].isdigit()][:_ARTICLE_NAMES]
    # numbers hashed apart from names: "7" the magnitude is no name
    nums = _name_hashes(["#" + n for n in names if n[:1].isdigit()])
    return hashes, _name_set(words), _name_set(words[:_LEAD_NAMES]), nums


class StreamClusterer:
    """Assign each incoming article to a story, or start a new one.

    Per article (``add``):

    1. near-identical copy? MinHash LSH over the last ``copy_window`` articles; a
       copy joins the story of its original and records ``syndicated_of``; it
       leaves the document frequencies and the story's time span alone;
    2. TF-IDF vector under the stream's document frequencies so far;
    3. candidate stories from an inverted index on the article's ``probe_terms``
       heaviest terms (specific words, names, numbers; for a term in many stories
       only the ``max_postings`` newest), best ``max_candidates`` by summed term
       weight;
    4. evidence against each candidate (evidence.EVIDENCE: the square root of the
       TF-IDF cosine with its centroid, the cosines of the static embeddings of
       text and title with the story's, shared names, the share of its own most
       frequent names the story lacks, shared numbers, days apart), turned into
       the probability that the article reports the story's event by the fitted
       same-event model (``model``); a candidate outside the time window (when
       both sides have dates) is closed;
    5. join the open story of highest probability if that reaches ``threshold``,
       else start a new story, linked (``related_story_ids``, ``links``) to
       candidates it did not join whose probability without the time evidence
       reaches ``related_threshold`` and that share three specific names;
    6. update the story centroid, the index and the statistics;
    7. a later pass on the story just updated, which records why in the reason:
       - merge check, when it has just reached 2 to 6 articles: if another open
         story reaches ``threshold`` against its centroid, they share names, and
         each article of the smaller of the two, re-weighed now, would join the
         larger, the smaller is merged into the larger
         (``Assignment.merged_from``; ``moved`` lists the articles that changed
         story). This undoes a single pass's recall error: two reports of one
         event whose first articles looked different;
       - split check, when it reaches 8, 16, 24, 32 or 64 articles: its members are
         split in two by spherical 2-means; if the two halves' centroids score
         below ``split_threshold`` and each half has _SPLIT_MIN_PART (4) or
         more articles, the smaller half becomes a new story linked to the old
         one (``moved``). This undoes the precision error: an early article of
         a second event of the same kind joining the first event's story.

    Memory is bounded for long streams: the copy index is a window, and only the
    10,000 most recently updated stories keep their whole centroid and members;
    older ones keep their 256 heaviest terms (see _MAX_HOT).

    Story ids are ``"s"`` + six digits in order of creation, stable across
    ``restore``: a restored clusterer continues numbering after the largest id.
    """

    def __init__(
        self, settings: ClusterSettings | None = None, *, model: SameEventModel | None = None,
        merge_article_check: bool = True, precise: PreciseStage | None = None, **overrides: object
    ) -> None:
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
        if model is not None and not isinstance(model, SameEventModel):
            raise ClusterSettingsError(f"model must be a SameEventModel, got {type(model).__name__}")
        self.model = model or default_model()
        # the optional second stage (precise.py): rescores the candidates near the threshold on arrival
        self.precise = precise
        # False only where a test shows what the merge step's per-article check prevents
        self._merge_article_check = merge_article_check
        self.stats = TermStats()
        self._stories: dict[str, Story] = {}
        self._by_idx: list[Story] = []
        # term id -> indices of the stories whose centroid has it, in the order they
        # got it; only the last max_postings are ever read, so longer lists are cut.
        # Arrays with compiled lookups (postings.py); a clusterer loaded from a
        # snapshot holds its lazy dict-like view instead (snapshot_lazy.Postings)
        self._postings: PostingTable | dict[int, array] = PostingTable(base.max_postings)
        self._article_story: dict[str, str] = {}
        self._syndicated_root: dict[str, str] = {}
        self._dups = NearDuplicateIndex(threshold=base.syndication_threshold, window=base.copy_window)
        self._links: dict[str, tuple[StoryLink, ...]] = {}
        self._merged_into: dict[str, str] = {}  # story merged away -> the story it went into
        self._incoming: dict[str, int] = {}  # links made to each story in this session
        self._hot: OrderedDict[str, None] = OrderedDict()  # recently updated stories, oldest first
        self._sums = np.zeros(0, dtype=np.float64)  # one slot per story, for top_voted
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
        """The links recorded when ``story_id`` was started in this session (best first).

        A link to a story merged away since points at the story it went into; a
        link that would then point at ``story_id`` itself is dropped.
        """
        out: list[StoryLink] = []
        for link in self._links.get(story_id, ()):
            related = link.related_id
            while related in self._merged_into:
                related = self._merged_into[related]
            if related != story_id and all(k.related_id != related for k in out):
                out.append(link if related == link.related_id else StoryLink(
                    link.story_id, related, link.score, link.reason, link.detail))
        return tuple(out)

    def members_of(self, story_id: str) -> tuple[str, ...] | None:
        """The article ids of a story in arrival order; None once it has let go of them (see _release)."""
        story = self._stories.get(story_id)
        if story is None or story.members is None:
            return None
        return tuple(m.article_id for m in story.members)

    def reserve(self, story_ids: Iterable[str]) -> None:
        """Never hand out these ids (stories merged away before a restart)."""
        for story_id in story_ids:
            if story_id.startswith("s") and story_id[1:].isdigit():
                self._next = max(self._next, int(story_id[1:]) + 1)

    def add(self, article_id: str, features: Features | bytes, published: str | None = None) -> Assignment:
        """Assign one article (see the class docstring for the steps).

        ``features``: the record, or its stored form (``Features.to_bytes``, what
        ``features.compute_blobs`` gives), which is read without building the record
        (``vectors.Incoming``; faster, the same assignment).
        """
        features = _check(article_id, features)
        if article_id in self._article_story:
            sid = self._article_story[article_id]
            return Assignment(sid, 1.0, False, None, "article already assigned; nothing changed")
        day = _day(published)
        named = _article_names(features)  # once: for the story's names and the reason
        hashes = named[0]
        # 1. near-identical copy of an earlier article
        sig = self._dups.prepare(features.minhash)
        dup = self._dups.query(sig)
        tf = terms(features)
        if dup is not None:
            # A copy is not new evidence: it leaves the document frequencies alone
            # (a thousand reposts would make the story's own words look common and
            # push other outlets' reports of it below threshold), and its date does
            # not stretch the story's time span (a repost dated years off would keep
            # the story open).
            probe = _Probe(self.stats.weigh(*tf), features, None, named)
            original, jac = dup
            root = self._syndicated_root.get(original, original)
            story = self._stories[self._article_story[original]]
            self._syndicated_root[article_id] = root
            self._join(story, article_id, probe, tf)
            self._dups.insert(article_id, sig)
            final, moved, why, move_reason, gone = self._after_join(story, article_id)
            return Assignment(
                final, round(jac, 4), False, root,
                f"near-identical copy of {root} (shingle Jaccard ~{jac:.2f}) -> {story.id}{why}",
                moved=moved, move_reason=move_reason, merged_from=gone,
            )
        self.stats.add_ids(tf[0])
        probe = _Probe(self.stats.weigh(*tf), features, day, named)
        if not len(probe.vec[0]):
            story = self._new_story()
            self._join(story, article_id, probe, tf)
            return Assignment(story.id, 0.0, True, None, "no content words: new story of its own")
        # 2-4. candidates and their same-event probabilities
        best, best_p, scored = self._best_story(probe)
        if self.precise is not None and scored:
            best, best_p, scored = self._rescore(article_id, scored)
        # 5. decide
        if best is not None and best_p >= self.settings.threshold:
            shared = _shared_names(features.names, hashes, best.names)[:5]
            evidence = next(x for _, st, _, x in scored if st is best)
            self._join(best, article_id, probe, tf)
            self._dups.insert(article_id, sig)
            final, moved, why, move_reason, gone = self._after_join(best, article_id)
            return Assignment(
                final, round(best_p, 4), False, None,
                f"same-event probability {best_p:.3f} >= {self.settings.threshold} with {best.id} "
                f"({_explain(evidence)})"
                + (f"; shared: {', '.join(shared)}" if shared else "") + why,
                moved=moved, move_reason=move_reason, merged_from=gone,
            )
        story = self._new_story()
        links = self._related(story.id, features, hashes, scored)
        self._join(story, article_id, probe, tf)
        self._dups.insert(article_id, sig)
        if best is None and scored:
            why = "the candidate stories sharing its specific terms are closed (outside the time window)"
        elif best is None:
            why = "no candidate story shares its specific terms"
        else:
            why = f"best open candidate {best.id}: same-event probability {best_p:.3f} < {self.settings.threshold}"
        if links:
            self._links[story.id] = links
            for k in links:
                self._incoming[k.related_id] = self._incoming.get(k.related_id, 0) + 1
            why += "; related to " + "; ".join(f"{k.related_id} ({k.describe()})" for k in links)
        return Assignment(
            story.id, round(max(best_p, 0.0), 4), True, None, f"new story: {why}",
            related_story_ids=tuple(k.related_id for k in links),
        )

    def evidence_for(self, features: Features, published: str | None = None) -> list[tuple[str, np.ndarray, bool]]:
        """(story id, evidence, closed) for each candidate story of an article, without adding it.

        What ``add`` would weigh, for fitting the same-event model on labelled
        streams (``benchmarks/train_same_event.py``): call it before ``add`` or
        ``restore`` of the same article, with the same statistics. The article's
        terms are counted in the statistics first, as ``add`` does, and taken out
        again.
        """
        if not isinstance(features, Features):
            raise InputError("evidence_for needs a storyscope.features.Features")
        tf = terms(features)
        self.stats.add_ids(tf[0])
        try:
            probe = _Probe(self.stats.weigh(*tf), features, _day(published))
            if not len(probe.vec[0]):
                return []
            _, _, scored = self._best_story(probe)
        finally:
            self.stats.remove_ids(tf[0])
        return [(story.id, np.array(x), closed) for _, story, closed, x in scored]

    def pair_evidence(
        self, first: Features, second: Features, first_published: str | None = None,
        second_published: str | None = None,
    ) -> np.ndarray:
        """The evidence that ``second`` reports the event of a story made of ``first`` alone.

        Under this clusterer's statistics, which the two articles do not change:
        for scoring a pair of articles (``benchmarks/pairs.py``).
        """
        for f in (first, second):
            if not isinstance(f, Features):
                raise InputError("pair_evidence needs two storyscope.features.Features")
        story = Story("pair", -1)
        tf = terms(first)
        one = _Probe(self.stats.weigh(*tf), first, _day(first_published))
        story.take(one.member("pair", tf), one.vec)
        two = _Probe(self.stats.weigh(*terms(second)), second, _day(second_published))
        return np.array(self._evidence(two, story)[0])

    def restore(
        self,
        article_id: str,
        story_id: str,
        features: Features | bytes,
        published: str | None = None,
        syndicated_of: str | None = None,
    ) -> None:
        """Put back a stored assignment without scoring (rebuild after a restart).

        Call in the original arrival order for identical statistics; any order
        gives a working index.
        """
        features = _check(article_id, features)
        if not isinstance(story_id, str) or not story_id:
            raise InputError(f"restore({article_id!r}): story_id must be a non-empty string, got {story_id!r}")
        if article_id in self._article_story:
            return
        tf = terms(features)
        if not syndicated_of:  # as in add: copies leave the statistics and dates alone
            self.stats.add_ids(tf[0])
        probe = _Probe(self.stats.weigh(*tf), features, None if syndicated_of else _day(published))
        story = self._stories.get(story_id)
        if story is None:
            story = Story(story_id, len(self._by_idx))
            self._stories[story_id] = story
            self._by_idx.append(story)
            self.reserve((story_id,))
        if syndicated_of:
            self._syndicated_root[article_id] = self._syndicated_root.get(syndicated_of, syndicated_of)
        self._join(story, article_id, probe, tf)
        _pass_checks(story)  # the checks at the sizes it had were made before the restart
        self._release(story)
        self._dups.insert(article_id, features.minhash)

    def snapshot(self) -> bytearray:
        """The whole state as one buffer (``cluster/snapshot.py``), for ``from_snapshot``."""
        from . import snapshot

        return snapshot.dumps(self)

    @classmethod
    def from_snapshot(
        cls, buf: bytes | bytearray | memoryview, settings: ClusterSettings | None = None, *,
        model: SameEventModel | None = None, **overrides: object,
    ) -> StreamClusterer:
        """A clusterer in the state ``snapshot`` saved: its ``add`` gives exactly what the original's would.

        Raises snapshot.SnapshotError when ``buf`` is damaged or was taken with
        other settings, model or code (the caller then replays the articles).
        """
        from . import snapshot

        return snapshot.loads(buf, cls(settings, model=model, **overrides))

    # -- internals ----------------------------------------------------------

    def _new_story(self) -> Story:
        while True:
            sid = f"s{self._next:06d}"
            self._next += 1
            if sid not in self._stories:
                break
        story = Story(sid, len(self._by_idx))
        self._stories[sid] = story
        self._by_idx.append(story)
        return story

    def _after_join(self, story: Story, article_id: str) -> tuple[str, tuple[tuple[str, str], ...], str, str, str | None]:
        """7. merge, then split check after a join.

        Returns (the article's story now, moved articles, reason suffix, move reason,
        the story merged away).
        """
        merged = self._maybe_merge(story)
        if merged is not None:
            moved_ids, dst, score, gone = merged
            moved = tuple((m, dst.id) for m in moved_ids if m != article_id)
            why = (
                f"merged {gone} into {dst.id}: each of the {len(moved_ids)} articles of {gone} has a same-event "
                f"probability >= {score:.3f} (>= {self.settings.threshold}) with {dst.id}"
            )
            return dst.id, moved, "; then " + why, "merge check: " + why, gone
        new = self._maybe_split(story)
        if new is None:
            return story.id, (), "", "", None
        moved = tuple((m.article_id, new.id) for m in new.members or () if m.article_id != article_id)
        final = self._article_story[article_id]
        link = self._links[new.id][0]
        why = (
            f"{new.size} articles of {story.id} whose nearest members are their own (score {link.score:.3f} "
            f"against the rest) moved to {new.id}"
        )
        return final, moved, "; then split: " + why, "split check: " + why, None

    def _maybe_merge(self, story: Story) -> tuple[list[str], Story, float, str] | None:
        """Merge check (see _MERGE_AT): (moved article ids, the story kept, score, the story gone)."""
        if story.size not in _MERGE_AT or story.members is None or story.norm_sq <= 0.0:
            return None
        ids, vals = story.ids, story.vals
        if len(vals) > _MERGE_TERMS:
            top = np.sort(np.argpartition(vals, -_MERGE_TERMS)[-_MERGE_TERMS:])
            ids, vals = ids[top], vals[top]
        keep = vals > 0.0
        ids, vals = ids[keep], vals[keep]
        norm = float(np.sqrt(np.dot(vals, vals)))
        if not norm:
            return None
        # The story as one probe: its centroid finds the candidate (the best other
        # open story, as an article would find it); the decision is taken below.
        probe = _Probe.of_parts(
            (ids, vals / norm), story.names, EMPTY_IDS, story.emb_unit, story.temb_unit, story.last_day
        )
        _, _, scored = self._best_story(probe, skip=story)
        best: Story | None = None
        best_p = -1.0
        for p, other, closed, _ in scored:
            if not closed and p > best_p:
                best, best_p = other, p
        if best is None or best_p < self.settings.threshold:
            return None
        if _MERGE_NAMES and count_shared(story.names, best.names) < _MERGE_NAMES:
            return None
        src, dst = (story, best) if story.size <= best.size else (best, story)
        members = src.members
        if members is None or len(members) != src.size:
            return None  # an old story without its members cannot be moved
        # The decision is on the join scale: would the smaller story's articles,
        # arriving now, join the other story? Two centroids look more alike than an
        # article and a centroid (averaging smooths each side), so the story-level
        # probability above only finds the candidate.
        vecs = [self._member_vector(m) for m in members]  # weighed once: scored now, added below
        lowest = min(self._scored(self._member_probe(m, v), dst)[2] for m, v in zip(members, vecs))
        if self._merge_article_check and lowest < self.settings.threshold:
            return None
        # the story merged away stays in _by_idx (the postings point at it) but is
        # empty: it scores 0.0 and _best_story skips it
        src.clear()
        del self._stories[src.id]
        self._hot.pop(src.id, None)
        self._links.pop(src.id, None)
        self._merged_into[src.id] = dst.id
        for m, v in zip(members, vecs):
            self._attach(dst, m, v)
        # the grown story passes any split check sizes it jumped: no check now (it
        # was just found to be one event), but past the last one it lets go of its
        # members as a story that grew one by one does
        _pass_checks(dst)
        self._release(dst)
        return [m.article_id for m in members], dst, lowest, src.id

    def _maybe_split(self, story: Story) -> Story | None:
        members = story.members
        if (
            members is None
            or story.checks_done >= len(_SPLIT_AT)
            or story.size < _SPLIT_AT[story.checks_done]
            or len(members) != story.size
        ):
            return None
        _pass_checks(story)
        # the members weighed under today's statistics in one compiled call, end to end
        ids, vals, starts = self.stats.weigh_rows(*end_to_end([(m.ids, m.tf) for m in members]))
        gram = member_gram(ids, vals, starts)
        if alike_across_every_cut(gram, _SPLIT_MIN_PART, _SPLIT_SAME):
            # copies: whatever the cut, it would be declined below (parts under
            # _SPLIT_MIN_PART, or a cross cosine of _SPLIT_SAME or more), so it is not made
            return self._release(story)
        labels, score, purity, cross = split_cut(gram)
        n1 = int(labels.sum())
        n0 = len(labels) - n1
        small = 0 if n0 <= n1 else 1
        if (
            min(n0, n1) < _SPLIT_MIN_PART
            or cross >= _SPLIT_SAME
            or purity <= _SPLIT_PURITY
            or score >= self.settings.split_threshold
        ):
            return self._release(story)
        side = labels.tolist()
        bounds = starts.tolist()
        vecs = [(ids[a:b].copy(), vals[a:b].copy()) for a, b in zip(bounds[:-1], bounds[1:])]
        keep = [(m, v) for m, v, lab in zip(members, vecs, side) if lab != small]
        moved = [(m, v) for m, v, lab in zip(members, vecs, side) if lab == small]
        self._rebuild(story, keep)
        new = self._new_story()
        for m, v in moved:
            self._attach(new, m, v)
        self._links[new.id] = (StoryLink(new.id, story.id, round(score, 4), "split"),)
        self._release(story)
        self._release(new)
        return new

    def _release(self, story: Story) -> None:
        """Past the last split check a story keeps no members."""
        if story.members is not None and story.size >= _SPLIT_AT[-1]:
            story.members = None
        return None

    def _rebuild(self, story: Story, kept: list[tuple[Member, Vec]]) -> None:
        # Terms only the moved members had stay in the centroid at 0.0: the story is
        # still in their postings, and a later article with the term must not post
        # it twice.
        ids, vals = centroid_of([v for _, v in kept])
        full = np.zeros(len(story.ids))
        full[np.searchsorted(story.ids, ids)] = vals
        story.vals = full
        story.norm_sq = float(np.dot(vals, vals))
        story.size = len(kept)
        story.first_day = story.last_day = None
        for m, _ in kept:
            story.note_day(m.day)
        story.names = np.unique(np.concatenate([m.names for m, _ in kept] + [m.nums for m, _ in kept]))
        story.emb = story.temb = story.emb_unit = story.temb_unit = EMPTY_EMB
        for m, _ in kept:
            story.add_embeddings(m.emb, m.temb)
        story.members = [m for m, _ in kept]

    def _related(
        self, new_id: str, features: Features | Incoming, hashes: np.ndarray | list[int], scored: list[tuple[float, Story, bool, tuple[float, ...]]]
    ) -> tuple[StoryLink, ...]:
        """Links from a new story to the candidates it did not join (step 5).

        A link means "the same people and places, another event or a follow-up":
        the candidate must reach ``related_threshold`` on the same-event
        probability with the time evidence left out (a follow-up weeks later is
        far in time by definition), and share at least _MIN_SHARED_NAMES specific
        names (see _SPECIFIC_SHARE): two events of one kind share the topic words,
        and every story of a beat shares its party and country names.
        """
        s = self.settings
        out: list[StoryLink] = []
        candidates = []
        for p, story, closed, x in scored:
            if not closed and p >= s.threshold:
                continue  # not reached: an open story at threshold is joined
            if self._incoming.get(story.id, 0) >= _MAX_INCOMING:
                continue
            p_topic = self.model.probability(tuple(0.0 if i in _TIME else v for i, v in enumerate(x)))
            if p_topic >= s.related_threshold:
                candidates.append((p_topic, story, closed, x))
        for p_topic, story, closed, x in sorted(candidates, key=lambda c: c[0], reverse=True):
            if len(out) >= _MAX_LINKS:
                break
            shared = [n for n in _shared_names(features.names, hashes, story.names) if not n[:1].isdigit()]
            specific = [n for n in shared if self._is_specific(n)]
            if len(specific) < _MIN_SHARED_NAMES:
                continue
            kind = "closed" if closed else "related"
            gap = int(round(math.expm1(x[_LOG_DAYS])))
            detail = (
                f"shares {', '.join(specific[:5])}; same-event probability {p_topic:.2f} without dates"
                + (f", {gap} days apart" if gap else "")
            )
            out.append(StoryLink(new_id, story.id, round(p_topic, 4), kind, detail))
        return tuple(out)

    def _is_specific(self, name: str) -> bool:
        """A name found in few of the articles seen so far (see _SPECIFIC_SHARE)."""
        term = "@" + name if " " in name else content_term(name)
        if not term:
            return False
        df = int(self.stats.df(np.array([term_id(term)], dtype=np.uint32))[0])
        return df <= max(_SPECIFIC_MIN_DF, _SPECIFIC_SHARE * self.stats.n_docs)

    def _best_story(
        self, probe: _Probe, skip: Story | None = None
    ) -> tuple[Story | None, float, list[tuple[float, Story, bool, tuple[float, ...]]]]:
        """The best open candidate and its probability, plus (p, story, closed, evidence) for every candidate.

        ``skip``: a story left out of the scoring (the merge check's own: its
        centroid is the probe, so it is always voted for and never wanted)."""
        s = self.settings
        ids, vals = probe.vec
        # 3. candidates: stories sharing the article's heaviest terms, heaviest first
        k = s.probe_terms
        top = np.argpartition(vals, -k)[-k:] if len(vals) > k else np.arange(len(vals))
        tids, weights = heaviest_first(ids, vals, top)  # (the sort and the two gathers: one call)
        if len(self._sums) < len(self._by_idx):
            self._sums = np.zeros(2 * len(self._by_idx) + 1024, dtype=np.float64)
        postings = self._postings
        if type(postings) is PostingTable:  # the lists' lookup, cut and vote in one compiled call
            voted, found = postings.vote(tids, weights, self._sums, s.max_postings, s.max_candidates)
            ranked = voted.tolist()
        else:  # a loaded snapshot's lazy index: the Python form
            ranked, found = dict_vote(postings, tids, weights, self._sums, s.max_postings, s.max_candidates)
        if not found:
            return None, 0.0, []
        # 4. evidence and same-event probability of the best-voted stories
        scored: list[tuple[float, Story, bool, tuple[float, ...]]] = []
        by_idx = self._by_idx
        # _scored inlined, with the probe's side read once (six candidates an article, and
        # again in the merge check: the attribute reads were a tenth of the scoring)
        emb, temb, names, lead, nums = probe.emb, probe.temb, probe.names, probe.lead, probe.nums
        day = -1 if probe.day is None else probe.day
        weights, intercept = self.model.weight_array, self.model.intercept
        window = s.window_days
        for i in ranked:
            story = by_idx[i]
            if not story.size or story is skip:
                continue  # merged away (see _maybe_merge), or the merge check's own story
            first, last = story.first_day, story.last_day
            x, gap, p = evidence(
                ids, vals, emb, temb, names, lead, nums, day,
                story.ids, story.vals, story.norm_sq, story.emb_unit, story.temb_unit, story.names,
                -1 if first is None else first, -1 if last is None else last, weights, intercept,
            )  # fmt: skip
            scored.append((p, story, gap > window, x))  # closed to new articles; still a candidate for a link
        return (*_best_open(scored), scored)

    def _rescore(
        self, article_id: str, scored: list[tuple[float, Story, bool, tuple[float, ...]]]
    ) -> tuple[Story | None, float, list[tuple[float, Story, bool, tuple[float, ...]]]]:
        """The second stage (precise.py) on the open candidates; the best open one again."""
        assert self.precise is not None
        # A closed candidate goes with no members: the stage cannot rescore it and
        # gives its probability back unchanged. The slice bounds the ids built to the
        # first members, the only ones the stage reads (PreciseStage.story_members).
        first = self.precise.story_members
        ps = self.precise.rescore(article_id, [
            (p, x, None if closed or story.members is None else [m.article_id for m in story.members[:first]])
            for p, story, closed, x in scored
        ])
        scored = [(p, story, closed, x) for p, (_, story, closed, x) in zip(ps, scored)]
        return (*_best_open(scored), scored)

    def _evidence(self, probe: _Probe, story: Story) -> tuple[tuple[float, ...], int]:
        """The evidence (see evidence.EVIDENCE) that the probe reports the story's event, and the gap in days."""
        x, gap, _ = self._scored(probe, story)
        return x, gap

    def _scored(self, probe: _Probe, story: Story) -> tuple[tuple[float, ...], int, float]:
        """(evidence, gap in days, same-event probability) of the probe against one story.

        One compiled call (kernels.evidence) for what was eight calls and the
        model's sum: at six candidates an article, and again in the merge check,
        the calls' overhead was most of the cost of scoring.
        """
        ids, vals = probe.vec
        model = self.model
        return evidence(
            ids, vals, probe.emb, probe.temb, probe.names, probe.lead, probe.nums,
            -1 if probe.day is None else probe.day,
            story.ids, story.vals, story.norm_sq, story.emb_unit, story.temb_unit, story.names,
            -1 if story.first_day is None else story.first_day, -1 if story.last_day is None else story.last_day,
            model.weight_array, model.intercept,
        )  # fmt: skip

    def _member_vector(self, member: Member) -> Vec:
        """A member's unit vector under the current statistics."""
        return self.stats.weigh(member.ids, member.tf.astype(np.float64))

    def _member_probe(self, member: Member, vec: Vec) -> _Probe:
        return _Probe.of_parts(vec, member.names, member.nums, member.emb, member.temb, member.day, member.lead)

    def _join(self, story: Story, article_id: str, probe: _Probe, tf: Vec) -> None:
        self._attach(story, probe.member(article_id, tf), probe.vec)

    def _attach(self, story: Story, member: Member, vec: Vec | None = None) -> None:
        # 6. centroid, postings, dates, names; members while the story may be split
        new_terms = story.take(member, vec if vec is not None else self._member_vector(member))
        if len(new_terms):
            if type(self._postings) is PostingTable:
                self._postings.add(new_terms, story.idx)
            else:  # a loaded snapshot's lazy index: the Python form
                dict_add(self._postings, new_terms, story.idx, self.settings.max_postings)
        hot = self._hot
        hot[story.id] = None
        hot.move_to_end(story.id)
        if len(hot) > _MAX_HOT:
            self._stories[hot.popitem(last=False)[0]].compact(_COLD_TERMS, _COLD_NAMES)
        self._article_story[member.article_id] = story.id


def _pass_checks(story: Story) -> None:
    """Count the split checks at sizes the story has reached as done."""
    while story.checks_done < len(_SPLIT_AT) and story.size >= _SPLIT_AT[story.checks_done]:
        story.checks_done += 1


def _shared_names(names: tuple[str, ...], hashes: np.ndarray | list[int], story_names: np.ndarray) -> list[str]:
    """The article's names (in its order; ``hashes`` theirs) that its story also has."""
    if not names or not len(story_names):
        return []
    return [n for n, hit in zip(names, found_in(np.asarray(hashes, dtype=np.uint32), story_names).tolist()) if hit]


_TIME = [EVIDENCE.index(name) for name in ("same_day", "log_days")]
_LOG_DAYS = EVIDENCE.index("log_days")


def _best_open(scored: list[tuple[float, Story, bool, tuple[float, ...]]]) -> tuple[Story | None, float]:
    """The open candidate with the highest probability (the first of equals), and that probability."""
    best: Story | None = None
    best_p = -1.0
    for p, story, closed, _ in scored:
        if not closed and p > best_p:
            best, best_p = story, p
    return best, best_p


class _Probe:
    """What an article (or a story's centroid) brings to scoring: its vector, names, embeddings, day."""

    __slots__ = ("vec", "names", "nums", "emb", "temb", "day", "lead")

    def __init__(self, vec: Vec, features: Features | Incoming, day: int | None, named: _Named | None = None) -> None:
        # ``named``: _article_names(features) when the caller has them already
        _, self.names, self.lead, self.nums = named if named is not None else _article_names(features)
        # lead: its most frequent names (who and where); nums: numbers hashed apart from names
        self.vec = vec
        self.emb = features.vector()
        self.temb = features.title_vector()
        self.day = day

    @classmethod
    def of_parts(
        cls, vec: Vec, names: np.ndarray, nums: np.ndarray, emb: np.ndarray, temb: np.ndarray, day: int | None,
        lead: np.ndarray = EMPTY_IDS,
    ) -> _Probe:
        probe = cls.__new__(cls)
        probe.vec, probe.names, probe.nums, probe.emb, probe.temb, probe.day = vec, names, nums, emb, temb, day
        probe.lead = lead
        return probe

    def member(self, article_id: str, tf: Vec) -> Member:
        """The article as a story keeps it (its term frequencies, not this vector: see Member)."""
        return Member(article_id, tf, self.names, self.day, self.nums, self.emb, self.temb, self.lead)


_LEAD_NAMES = 5


def _explain(x: tuple[float, ...]) -> str:
    """The evidence in a few words, for the assignment reason."""
    terms, semantic, title, names, missing, numbers, same_day, log_days = (x[i] for i in _EXPLAINED)
    text = (f"terms {terms:.2f}, semantic {semantic:.2f}, title {title:.2f}, names {int(round(math.expm1(names)))}, "
            f"{missing:.0%} of its main names new to the story, numbers {int(round(math.expm1(numbers)))}")
    if log_days or same_day:
        text += f", {int(round(math.expm1(log_days)))} days apart"
    return text


# where _explain finds each evidence it names (one f-string: what a dict and a join of parts built)
_EXPLAINED = [EVIDENCE.index(name) for name in (
    "terms", "semantic", "title", "names", "lead_names_missing", "numbers", "same_day", "log_days")]
