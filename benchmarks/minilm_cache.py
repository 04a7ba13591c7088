"""MiniLM vectors of benchmark articles, cached in an .npz file (the full model encodes a few texts/s).

Used by the benchmarks' ``--precise CACHE`` option: the vectors are what
cluster/precise.py would encode on the fly (``precise.article_text``), keyed by
a hash of that text, so one cache serves every benchmark and set.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storyscope.cluster.minilm import MiniLM  # noqa: E402


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def vectors(texts: dict[str, str], cache: Path, batch: int = 64, encoder=None, save_every: int = 16) -> dict[str, np.ndarray]:
    """id -> unit MiniLM vector of ``texts[id]``, encoding only what ``cache`` lacks (and adding it)."""
    have: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache) as z:
            have = {k: z[k] for k in z.files}
    todo = sorted({_key(t): t for t in texts.values() if _key(t) not in have}.items())
    if todo:
        model = encoder or MiniLM()
        t0 = time.process_time()
        # saved every ``save_every`` batches and at the end, not after each batch: rewriting the
        # whole .npz per batch made a large first fill quadratic
        for n_batch, start in enumerate(range(0, len(todo), batch), 1):
            part = todo[start : start + batch]
            for (k, _), v in zip(part, model.encode([t for _, t in part])):
                have[k] = v
            print(f"  MiniLM: {start + len(part)}/{len(todo)} texts, {time.process_time() - t0:.0f} CPU s",
                  file=sys.stderr, flush=True)
            if n_batch % save_every == 0:
                np.savez(cache, **have)
        np.savez(cache, **have)
    return {a: have[_key(t)] for a, t in texts.items()}


def stage_for(rows, cache: Path, model=None, encoder=None):
    """A PreciseStage over benchmark rows ((Article, gold) pairs), its vectors preloaded from ``cache``.

    Its ``wanted`` holds every article a vector was asked for: with the vectors
    preloaded, that is what a run without the cache would have encoded.
    """
    from storyscope.cluster.precise import PreciseStage, article_text

    class CountingStage(PreciseStage):
        def vectors(self, article_ids):
            self.wanted.update(article_ids)
            return super().vectors(article_ids)

    texts = {a.id: article_text(a.title, a.text) for a, _ in rows}
    stage = CountingStage(texts.get, model=model, encoder=encoder)
    stage.wanted = set()
    stage.preload(vectors(texts, cache, encoder=stage.encoder))  # one encoder, not a second load
    return stage, texts


def encode_cost(texts: list[str], n: int = 24, encoder=None) -> float:
    """CPU seconds per text of the numpy encoder (cluster/minilm.py), measured on ``n`` of ``texts``."""
    model = encoder or MiniLM()
    sample = texts[:: max(1, len(texts) // n)][:n]
    t0 = time.process_time()
    model.encode(sample)
    return (time.process_time() - t0) / len(sample)
