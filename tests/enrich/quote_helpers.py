"""Shared by the quote and speaker tests: quotes of a text, and the one that starts with given words."""

from __future__ import annotations

import pytest

from storyscope.enrich.entities import find_entities
from storyscope.enrich.nlp import load_nlp
from storyscope.enrich.quotes import find_quotes


def quotes_of(nlp, text):
    doc = nlp(text)
    return find_quotes(doc, find_entities(doc))


def the_quote(quotes, beginning):
    found = [q for q in quotes if q.text.startswith(beginning)]
    assert found, f"no quote starts with {beginning!r}: {[q.text[:40] for q in quotes]}"
    return found[0]


def speaker_of(nlp, text, beginning):
    """The speaker given to the quote of ``text`` that starts with ``beginning``."""
    return the_quote(quotes_of(nlp, text), beginning).speaker


@pytest.fixture(scope="module")
def nlp():
    """The project's spaCy pipeline, for a test module that imports this fixture."""
    return load_nlp()
