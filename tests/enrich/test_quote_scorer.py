"""The PolNeAR scorer's referent guess for a gold he/she (benchmarks/quotes.py, v4), on text written for the test."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def bench():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "quotes.py"
    spec = importlib.util.spec_from_file_location("quotes_bench", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    try:
        spec.loader.exec_module(mod)
    finally:
        del sys.modules[spec.name]
    return mod


def _gold_pronoun(text: str, sources: list[str], pronoun_at: str) -> tuple[dict, list]:
    """A gold "he" at ``pronoun_at`` and the earlier gold sources, as load_gold builds them."""
    placed = sorted((text.index(s), s) for s in sources)
    start = text.index(pronoun_at)
    g = dict(source="he", source_start=start, content=[(start + 10, start + 20)], text="")
    return g, placed


def test_a_definite_description_also_accepts_the_person_named_before_it(bench):
    text = (
        "Senator Walter Brandt spoke in Concord. \"We will win,\" Brandt said.\n"
        "The Vermont senator repeated the pledge. \"We are close,\" he told the crowd.\n"
    )
    g, placed = _gold_pronoun(text, ["Brandt", "The Vermont senator"], "he told")
    v3 = bench._accepted(g, placed, text, {}, persons_only=True)
    v4 = bench._accepted(g, placed, text, {}, persons_only=True, v4=True)
    assert not bench.speaker_matches("Walter Brandt", v3)
    assert bench.speaker_matches("Walter Brandt", v4)
    assert bench.speaker_matches("the Vermont senator", v4)


def test_a_group_is_not_what_he_means(bench):
    text = (
        "Mayor Tom Ellery met the press. Clara Voss and husband Dan handed out leaflets.\n"
        "\"The numbers are right,\" he said.\n"
    )
    g, placed = _gold_pronoun(text, ["Mayor Tom Ellery", "Clara Voss and husband Dan"], "he said")
    v3 = bench._accepted(g, placed, text, {}, persons_only=True)
    v4 = bench._accepted(g, placed, text, {}, persons_only=True, v4=True)
    assert not bench.speaker_matches("Tom Ellery", v3)
    assert bench.speaker_matches("Tom Ellery", v4)
    assert bench._group("five Hispanic-Americans") and bench._group("by thousands of protesters")
    assert not bench._group("by Sen. Warren") and not bench._group("Marcus Jones")
