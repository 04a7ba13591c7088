"""Language identification of the main text (ISO 639-1), offline.

py3langid (a maintained fork of langid.py: 97 languages, a naive Bayes model
shipped inside the wheel, no network) is loaded on first use only, so that
importing storyscope stays cheap.

py3langid walks its byte automaton in a Python loop, one step per byte of the sample: about
half of plain-text extraction's CPU. ``_visits`` is the same walk compiled with numba, feeding
py3langid's own scoring the very same counts in the very same order, so the languages found are
identical (tests/extract/test_language.py compares both on real text).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from storyscope.errors import MissingDependency

__all__ = ["detect_language"]

# langid's accuracy is flat past a few hundred characters (its authors report
# near-ceiling accuracy on tweet-length text); classifying a 50,000-character
# article costs 50x more for no gain.
_SAMPLE_CHARS = 1000
# Below this many letters, guesses are noise ("OK", "Home").
_MIN_LETTERS = 20


@lru_cache(maxsize=1)
def _identifier():
    try:
        from py3langid import langid
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependency(
            "language detection needs py3langid: pip install py3langid"
        ) from exc

    class Compiled(langid.LanguageIdentifier):
        """py3langid's identifier with its byte walk compiled (``_raw_score`` of 0.4.0, but the walk)."""

        __slots__ = ("_arrays",)

        def _raw_score(self, text):
            visits = _visit_counts(self._arrays, text)
            if visits:
                return self._sparse_score(visits, self.nb_ptc)
            # no features: as py3langid (0.0 under norm_probs, else its floor)
            fill = 0.0 if self._norm_probs else langid.RAW_FLOOR
            return np.full(len(self.nb_classes), fill, dtype=np.float32)

    from storyscope.jit import jit  # numba: imported with the model, on first use

    ident = Compiled.from_model_file(langid.MODEL_FILE)
    # the automaton's 9.8M moves are read in place (no copy: 40 MB)
    ident._arrays = (jit(_walk), np.frombuffer(ident.tk_nextmove, dtype=np.uint32),
                     np.asarray(ident._rowbase, dtype=np.int64), np.asarray(ident.tk_output, dtype=np.int32))
    return ident.classify


def _visit_counts(arrays, text: bytes) -> dict[int, int] | None:
    """py3langid's ``visit_counts``: {feature: count}, features in the order first seen (the
    order of the float sums in its scoring, so the scores are bit for bit the same)."""
    walk, *tables = arrays
    seq = walk(*tables, np.frombuffer(text, dtype=np.uint8))
    if not len(seq):
        return None
    feats, first, counts = np.unique(seq, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    return dict(zip(feats[order].tolist(), counts[order].tolist()))


def _walk(nextmove, rowbase, output, data):  # pragma: no cover - run compiled (_identifier)
    out = np.empty(len(data), dtype=np.int64)
    n = 0
    state = 0
    for letter in data:
        state = nextmove[rowbase[state] + letter]
        f = output[state]
        if f >= 0:
            out[n] = f
            n += 1
    return out[:n]


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None when too short to tell."""
    # whitespace collapsed: the plain-text cleaner asks about the body's paragraphs joined by
    # spaces, the extractor about the same paragraphs joined by blank lines; one sample, one
    # classification (about 3 ms, a third of extraction's CPU when done twice)
    return _classify(" ".join(text[: 2 * _SAMPLE_CHARS].split())[:_SAMPLE_CHARS])


@lru_cache(maxsize=64)
def _classify(sample: str) -> str | None:
    if sum(map(str.isalpha, sample)) < _MIN_LETTERS:
        return None
    code, _score = _identifier()(sample)
    return code or None
