"""textnorm: the shared English stop words (spaCy's list) and Snowball stems."""

from __future__ import annotations

import subprocess
import sys

from storyscope.textnorm import STOP_WORDS, stem


def test_stems_meet_across_inflections():
    assert {stem(w) for w in ("attacks", "attacked", "attacking", "attack")} == {"attack"}
    assert {stem(w) for w in ("closing", "closed", "closes")} == {"close"}
    assert stem("evacuation") == stem("evacuations") == "evacu"
    assert stem("news") == "news" and stem("police") == "polic"


def test_stop_words_are_function_words_not_news_words():
    assert {"the", "and", "of", "would", "n't", "’s"} <= STOP_WORDS
    assert not {"attack", "consulate", "earthquake", "iran", "police"} & STOP_WORDS


def test_loading_the_list_does_not_start_spacy():
    code = "import sys, storyscope.textnorm as t; assert t.STOP_WORDS; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
