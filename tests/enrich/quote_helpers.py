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


# A union steward speaks; then a new person is the subject of a paragraph's first sentence,
# and sentences about her towns follow. The speaker tests end it with a "she said" at
# distances around the rules' look-backs (test_speaker_ranker.py, test_speaker_rules_10.py).
MILL_TOWNS = (
    "\u201cWe are worried about the plant,\u201d said Ann Porter, a union steward.\n"
    "State Representative Laura Kent, a Democrat, has spent the spring touring the towns along the river. "
    "The mills there once employed thousands of workers, and the wages they paid kept the main streets busy, "
    "the schools full and the churches crowded on Sunday mornings. "
    "Most of those mills closed in the years after the trade deals of the 1990s, and the ones that remain have "
    "cut their shifts, sold their land and asked the state for tax breaks to stay open through the winter. "
    "The towns have lost a third of their people since then, and the young leave as soon as they finish school. "
)
