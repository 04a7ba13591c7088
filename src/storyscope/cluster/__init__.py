"""Streaming clustering of articles into stories, with syndication detection."""

from __future__ import annotations

from .settings import SETTINGS, ClusterSettings, ClusterSettingsError
from .stream import Assignment, StoryLink, StreamClusterer
from .vectors import TermStats, cosine, same_event_score

__all__ = [
    "SETTINGS",
    "Assignment",
    "ClusterSettings",
    "ClusterSettingsError",
    "StoryLink",
    "StreamClusterer",
    "TermStats",
    "cosine",
    "same_event_score",
]
