"""English stop words and stems from maintained sources, for every lexical comparison.

* ``STOP_WORDS``: spaCy's English stop-word list (spaCy is a declared dependency),
  read from its one data file so that the cheap stages (features, compare) do
  not import spaCy itself (seconds of start-up) to get a list of words;
* ``stem``: the Snowball English (Porter2) stemmer of ``snowballstemmer``:
  "attacks", "attacked", "attacking" -> "attack"; "closing", "closed" -> "close".

Both work on lower-case words; the callers tokenise and lower-case first.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

__all__ = ["STOP_WORDS", "stem"]


def _spacy_stop_words() -> frozenset[str]:
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a declared dependency
        from .errors import MissingDependency

        raise MissingDependency("English stop words come from spaCy: pip install spacy")
    source = Path(next(iter(spec.submodule_search_locations))) / "lang" / "en" / "stop_words.py"
    namespace: dict = {}
    # the file is a plain list (a set literal and a loop adding contractions): executed
    # on its own, without spaCy's package start-up
    exec(compile(source.read_text(encoding="utf-8"), str(source), "exec"), namespace)  # noqa: S102
    return frozenset(namespace["STOP_WORDS"])


STOP_WORDS: frozenset[str] = _spacy_stop_words()


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def stem(word: str) -> str:
    """The Snowball English stem of a lower-case word.

    Not cached here: the hot caller (``compare.text.stem``) caches its own normalised words,
    and a second cache would hold the same entries again."""
    return _stemmer().stemWord(word)
