"""Language identification of the main text (ISO 639-1), offline.

py3langid (a maintained fork of langid.py: 97 languages, a naive Bayes model
shipped inside the wheel, no network) is loaded on first use only, so that
importing storyscope stays cheap.

py3langid walks its byte automaton in a Python loop, one step per byte of the sample: about
half of plain-text extraction's CPU. ``_visits`` is the same walk compiled with numba, feeding
py3langid's own scoring the very same counts in the very same order, so the languages found are
identical (tests/extract/test_language_speed.py compares both on real text).
"""

from __future__ import annotations

import threading
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

        __slots__ = ("_arrays", "_scratch", "_ptc16", "_widen")

        def _raw_score(self, text):
            walk, gather, *tables = self._arrays
            zeros = getattr(self._scratch, "counts", None)
            if zeros is None:  # one counter per thread, zeroed again by each walk
                zeros = self._scratch.counts = np.zeros(self.nb_ptc.shape[0], dtype=np.int64)
            feats, counts = walk(*tables, zeros, np.frombuffer(text, dtype=np.uint8))
            if len(feats):
                # py3langid's _sparse_score on the same features in the same order; its
                # ``nb_ptc[feats]`` (float16) is cast to float32 by numpy's matmul: the same
                # float32 rows, gathered and widened in one compiled pass (2.5x faster)
                rows = gather(self._ptc16, self._widen, feats)
                return np.log1p(counts.astype(np.float32)) @ rows + self.nb_pc
            # no features: as py3langid (0.0 under norm_probs, else its floor)
            fill = 0.0 if self._norm_probs else langid.RAW_FLOOR
            return np.full(len(self.nb_classes), fill, dtype=np.float32)

    from storyscope.jit import jit  # numba: imported with the model, on first use

    ident = Compiled.from_model_file(langid.MODEL_FILE)
    # the automaton's 9.8M moves are read in place (no copy: 40 MB)
    ident._arrays = (jit(_walk), jit(_gather), np.frombuffer(ident.tk_nextmove, dtype=np.uint32),
                     np.asarray(ident._rowbase, dtype=np.int64), np.asarray(ident.tk_output, dtype=np.int32))
    ident._scratch = threading.local()
    if ident.nb_ptc.dtype != np.float16:  # pragma: no cover - py3langid's model ships float16
        raise MissingDependency(f"py3langid's model changed (weights of {ident.nb_ptc.dtype}): update storyscope")
    # float16 as its bits, and each of the 65,536 bit patterns as float32 (exact)
    ident._ptc16 = ident.nb_ptc.view(np.uint16)
    ident._widen = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(np.float32)
    return ident.classify


def _walk(nextmove, rowbase, output, counts, data):  # pragma: no cover - run compiled (_identifier)
    """py3langid's ``visit_counts`` as two arrays: the features met, in the order first met (the
    order of the float sums in its scoring, so the scores are bit for bit the same), and how
    often each was met. Counting here, not with numpy's unique and a dict, halves the cost.

    ``counts``: one zero per feature, zero again on return (a fresh 800 kB array per call
    costs more than the walk)."""
    order = np.empty(len(data), dtype=np.int64)
    n = 0
    state = 0
    for letter in data:
        state = nextmove[rowbase[state] + letter]
        f = output[state]
        if f >= 0:
            if counts[f] == 0:
                order[n] = f
                n += 1
            counts[f] += 1
    feats = order[:n].copy()
    met = counts[feats]
    counts[feats] = 0
    return feats, met


def _gather(ptc16, widen, feats):  # pragma: no cover - run compiled (_identifier)
    """``ptc[feats]`` as float32, ``ptc16`` being the float16 table's bits."""
    out = np.empty((len(feats), ptc16.shape[1]), dtype=np.float32)
    for k in range(len(feats)):
        row = ptc16[feats[k]]
        for c in range(ptc16.shape[1]):
            out[k, c] = widen[row[c]]
    return out


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
