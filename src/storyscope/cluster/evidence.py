"""The same-event score: several kinds of evidence, weighed by a fitted model.

One TF-IDF cosine threshold cannot serve both kinds of data a newsroom sees:
outlets covering one event share fewer words than wire copies (own headline, own
framing, own quotes), while two events of one kind (two earthquakes) share the
whole topic vocabulary. So an article is compared with a candidate story on
several kinds of evidence (``EVIDENCE``), and a logistic model fitted on
labelled streams (``benchmarks/train_same_event.py``) turns them into the
probability that the article reports the story's event. The clusterer joins the
best story when that probability reaches ``threshold``.

The weights are data, not code: ``same_event_model.json`` beside this file holds
them with the command and the figures that produced them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from ..errors import StoryscopeError

# The evidence, in the order of the model's weights:
# terms     square root of the TF-IDF cosine between the article and the story's
#           centroid (the score of earlier versions: words, names, numbers);
# semantic  cosine between the article's static embedding (title and first
#           words) and the mean of the story's: the same event in other words;
# title     cosine between the article's title embedding and the mean of the
#           story's titles: headlines name the event;
# names     log(1 + shared names): people, organisations and places (capitalised
#           runs of the fast path) of the article that the story also has;
# lead_names_missing  the share of the article's five most frequent names that the
#           story lacks: a report of the story's event names its people and
#           places; a report of another event of the same kind names its own;
# numbers   log(1 + shared numbers): magnitudes, tolls, scores tell two events
#           of one kind apart;
# same_day  1 when both sides have dates and the article falls within the
#           story's days (0 when undated: no evidence either way);
# log_days  log(1 + days between the article and the nearest day of the story),
#           0 when undated: meant as graded evidence against (a day apart weak,
#           a week strong); the data fitted so far gave it no weight (see
#           docs/benchmarks.md), so today only "same day" and the window count.
# Having dates is no evidence in itself: on a news day most stories are dated
# the same day. (A first fit with a "dated" indicator learned the opposite from
# BASIL, where the only dated candidates inside the window are the right ones,
# and then joined two earthquakes of one day.)
EVIDENCE = ("terms", "semantic", "title", "names", "lead_names_missing", "numbers", "same_day", "log_days")


class ModelFileError(StoryscopeError):
    """The same-event model file is missing, unreadable or for other evidence."""


@dataclass(frozen=True)
class SameEventModel:
    """Logistic model over ``EVIDENCE``: P(same event) = sigmoid(w . x + b)."""

    weights: tuple[float, ...]
    intercept: float
    evidence: tuple[str, ...] = EVIDENCE
    # what this model must weigh: EVIDENCE for the fast path, more for the precise stage (precise.py)
    expected: tuple[str, ...] = EVIDENCE
    # the weights as float64, for the compiled scoring (cluster/kernels.evidence); derived, not data
    weight_array: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if tuple(self.evidence) != tuple(self.expected) or len(self.weights) != len(self.expected):
            raise ModelFileError(
                f"the same-event model weighs {list(self.evidence)}, this version computes {list(self.expected)}: "
                "refit it with benchmarks/train_same_event.py"
            )
        object.__setattr__(self, "weight_array", np.array(self.weights, dtype=np.float64))

    def logit(self, x) -> float:
        """w . x + b for the evidence ``x`` (a sequence in the order of ``evidence``)."""
        # plain floats: the clusterer scores a handful of candidates per article, for
        # which building and dotting numpy arrays costs more than the sum
        return sum([w * v for w, v in zip(self.weights, x)]) + self.intercept

    def probability(self, x) -> float:
        return self.probability_of_logit(self.logit(x))

    @staticmethod
    def probability_of_logit(z: float) -> float:
        """sigmoid(z): the probability of a logit computed elsewhere (kernels.evidence)."""
        # clipped: exp overflows past 709, and a probability of exactly 0 or 1 says nothing more
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    @classmethod
    def from_dict(cls, data: dict, expected: tuple[str, ...] = EVIDENCE) -> SameEventModel:
        try:
            return cls(
                weights=tuple(float(w) for w in data["weights"]),
                intercept=float(data["intercept"]),
                evidence=tuple(data["evidence"]),
                expected=tuple(expected),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"not a same-event model: {exc}") from exc

    def to_dict(self) -> dict:
        return {"evidence": list(self.evidence), "weights": list(self.weights), "intercept": self.intercept}


_DEFAULT: SameEventModel | None = None


def default_model() -> SameEventModel:
    """The model shipped with the package (loaded once)."""
    global _DEFAULT
    if _DEFAULT is None:
        try:
            text = resources.files(__package__).joinpath("same_event_model.json").read_text(encoding="utf-8")
            _DEFAULT = SameEventModel.from_dict(json.loads(text))
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelFileError(f"cannot read the shipped same-event model: {exc}; reinstall storyscope") from exc
    return _DEFAULT
