"""TEMPORARY stand-in for the helper's module (replaced at merge)."""
from __future__ import annotations
import numpy as np
_M = None
def _model():
    global _M
    if _M is None:
        from model2vec import StaticModel
        _M = StaticModel.from_pretrained("/work/m2v-variants/d256-float32")
    return _M
def embed(texts):
    v = _model().encode(list(texts)).astype(np.float32)
    n = np.linalg.norm(v, axis=1, keepdims=True)
    n[n == 0] = 1
    return v / n
def embed_article(title, text):
    words = (text or "").split()[:200]
    return embed([((title or "") + "\n" + " ".join(words)).strip()])[0]
def embed_parts(title, text):
    words = (text or "").split()[:200]
    return embed([((title or "") + "\n" + " ".join(words)).strip(), title or ""])
