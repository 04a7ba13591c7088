"""Shared fixtures of the enrich tests."""

from __future__ import annotations

import pytest

from storyscope.enrich.nlp import load_nlp


@pytest.fixture(scope="module")
def nlp():
    """The project's spaCy pipeline (a test module may define its own ``nlp``, which wins)."""
    return load_nlp()
