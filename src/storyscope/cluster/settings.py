"""Clustering settings: one table (name, default, help), checked in one place."""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..errors import StoryscopeError


class ClusterSettingsError(StoryscopeError, ValueError):
    """A clustering setting is out of range; the message says which and what to use."""


# name, default, help. The defaults were calibrated as each help text says; the
# benchmark commands are in benchmarks/clustering.py and benchmarks/pairs.py.
SETTINGS: tuple[tuple[str, object, str], ...] = (
    (
        "threshold",
        0.22,
        "join the best story when the article's score reaches this; otherwise start a new story",
    ),
    (
        "syndication_threshold",
        0.6,
        "estimated Jaccard of word 4-shingles at or above which an article is a copy of an earlier one",
    ),
    ("window_days", 14, "with dates on both sides, stories quiet for longer than this are not candidates"),
    ("probe_terms", 24, "how many of the article's heaviest terms are looked up in the inverted index"),
    ("max_candidates", 40, "how many candidate stories are scored exactly"),
    ("max_postings", 2000, "terms found in more stories than this are too common to find candidates"),
)

DEFAULTS = {name: default for name, default, _ in SETTINGS}


@dataclass(frozen=True)
class ClusterSettings:
    threshold: float = DEFAULTS["threshold"]  # type: ignore[assignment]
    syndication_threshold: float = DEFAULTS["syndication_threshold"]  # type: ignore[assignment]
    window_days: int = DEFAULTS["window_days"]  # type: ignore[assignment]
    probe_terms: int = DEFAULTS["probe_terms"]  # type: ignore[assignment]
    max_candidates: int = DEFAULTS["max_candidates"]  # type: ignore[assignment]
    max_postings: int = DEFAULTS["max_postings"]  # type: ignore[assignment]

    def __post_init__(self) -> None:
        names = {f.name for f in fields(self)}
        assert names == set(DEFAULTS), "SETTINGS table and ClusterSettings fields disagree"
        if not 0.0 < self.threshold < 1.0:
            raise ClusterSettingsError(
                f"threshold must be between 0 and 1 (a cosine-based score), got {self.threshold!r}; "
                f"the default is {DEFAULTS['threshold']}"
            )
        if not 0.0 < self.syndication_threshold <= 1.0:
            raise ClusterSettingsError(
                f"syndication_threshold is a Jaccard estimate in (0, 1], got {self.syndication_threshold!r}"
            )
        for name in ("window_days", "probe_terms", "max_candidates", "max_postings"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ClusterSettingsError(f"{name} must be a positive integer, got {value!r}")
