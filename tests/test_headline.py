"""An article without a title is named by its text's opening, cut where a reader would (headline.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyscope.headline import LIMIT, headline

ECB = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecbplus" / "ecbplus_docs.jsonl"


def test_an_own_title_is_kept_whole_with_its_spaces_tidied():
    long = "A headline " * 20
    assert headline("  Quake  hits\nPapua ", "ignored") == "Quake hits Papua"
    assert headline(long, "") == long.strip()


def test_a_short_first_sentence_is_the_headline():
    text = "U.S. officials said on Friday that the consulate in Basra would close. The decision follows attacks."
    assert headline(None, text) == "U.S. officials said on Friday that the consulate in Basra would close."
    assert headline("", "Short text") == "Short text"


def test_a_long_sentence_ends_at_a_clause_break_else_at_a_word_with_an_ellipsis():
    text = ("Indonesia's West Papua province was hit by a magnitude 6.1 earthquake today, the latest powerful "
            "tremor to shake the region where five people were killed.")
    assert headline(None, text) == "Indonesia's West Papua province was hit by a magnitude 6.1 earthquake today"
    text = ("A strong earthquake rattled Indonesia's West Papua province Wednesday just days after a powerful "
            "quake levelled buildings and killed one person.")
    got = headline(None, text)
    assert got.endswith("powerful…") and len(got) <= LIMIT + 1
    assert headline(None, "x" * 300) == "x" * LIMIT + "…"


@pytest.mark.skipif(not ECB.exists(), reason="needs ../shared/data")
def test_no_made_up_headline_of_real_articles_ends_inside_a_word():
    lines = ECB.read_text(encoding="utf-8").splitlines()[:300]
    for line in lines:
        text = json.loads(line)["text"]
        if not text.strip():
            continue
        got = headline(None, text)
        assert got and len(got) <= LIMIT + 1
        if got.endswith("…"):
            assert text.split()[len(got[:-1].split()) - 1] == got[:-1].split()[-1]  # a whole word
        else:
            assert " ".join(text.split()).startswith(got)
