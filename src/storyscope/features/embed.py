"""Static sentence embedding of articles, for the clusterer's same-event score.

The model is a model2vec static model distilled from all-MiniLM-L6-v2 and shipped
inside the package (``static_model/``; how it was built: its ``PROVENANCE.md`` and
``tools/build_static_embedding.py``). It holds one vector per word piece; a text's
embedding is the mean of its pieces' vectors, L2-normalised. No neural network
runs, so thousands of articles per second fit on one core and torch is not needed.

The model is read from the package folder on first use, once per process, and
never fetched: importing this module costs nothing and works offline.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import EmbeddingUnavailableError
from . import kernels
from .tokens import _BMP, char_classes

if TYPE_CHECKING:
    from model2vec import StaticModel

__all__ = ["ARTICLE_WORDS", "MODEL_DIR", "article_text", "dims", "embed", "embed_article", "load"]

MODEL_DIR = Path(__file__).resolve().with_name("static_model")  # absolute, links resolved
_REQUIRED_FILES = ("model.safetensors", "tokenizer.json", "config.json")
# Title plus the lead: who, what, where and when are told first, and the rest of a
# long article drifts to background that other events of the same kind share; a
# mean of word vectors blurs as the text grows. Calibrated with
# benchmarks/embedding.py on the SemEval-2022 English pairs and ECB+ (both looked
# at, so not a held-out figure): 100 words beat 200 and 400 on both, 50 won on
# one and lost on the other; the choice is coarse on purpose. It also keeps a
# text well under the 512 word pieces at which model2vec truncates.
ARTICLE_WORDS = 100
_REINSTALL = "reinstall storyscope (pip install --force-reinstall storyscope)"


def load(model_dir: Path = MODEL_DIR) -> StaticModel:
    """The static model in ``model_dir``, loaded once per process and folder.

    Raises ``EmbeddingUnavailableError`` when the files are missing or unreadable.
    """
    # One cache key per folder: ``load()`` and ``load(MODEL_DIR)`` (or a relative
    # spelling of it) were cached apart, so the model could sit in memory twice. The
    # shipped folder (already absolute) skips ``resolve``: it costs about 90 us, as much
    # as embedding a short text, and every ``embed`` call asks for the model.
    if model_dir is MODEL_DIR:
        return _load(MODEL_DIR)
    return _load(Path(model_dir).resolve())


@functools.cache
def _load(model_dir: Path) -> StaticModel:
    # Check the folder first: given a path that does not exist, model2vec would
    # take it for a Hugging Face repository name and try to download it.
    missing = [name for name in _REQUIRED_FILES if not (model_dir / name).is_file()]
    if missing:
        raise EmbeddingUnavailableError(
            f"static embedding model files {missing} are missing from {model_dir}; {_REINSTALL}, "
            "or rebuild them with tools/build_static_embedding.py"
        )
    try:
        from model2vec import StaticModel
    except ImportError as exc:
        raise EmbeddingUnavailableError(
            f"the model2vec package is not importable ({exc}); {_REINSTALL}"
        ) from exc
    try:
        model = StaticModel.from_pretrained(model_dir)
    # safetensors, tokenizers and json each raise their own error types for a
    # damaged file; all of them mean the same thing here, and the cause is kept.
    except Exception as exc:
        raise EmbeddingUnavailableError(
            f"static embedding model in {model_dir} cannot be read ({type(exc).__name__}: {exc}); "
            f"{_REINSTALL}"
        ) from exc
    matrix = model.embedding
    if matrix.ndim != 2 or matrix.shape[0] == 0 or matrix.shape[0] > model.tokenizer.get_vocab_size():
        raise EmbeddingUnavailableError(
            f"static embedding model in {model_dir} has an embedding matrix of shape {matrix.shape} "
            f"that does not fit its tokenizer; {_REINSTALL}"
        )
    return model


def dims(model_dir: Path = MODEL_DIR) -> int:
    """Length of the vectors ``embed`` returns."""
    return int(load(model_dir).dim)


def embed(texts: Sequence[str], *, model_dir: Path = MODEL_DIR) -> np.ndarray:
    """Embeddings of ``texts``: float32, shape ``(len(texts), dims)``, unit-length rows.

    A text with no words (empty or whitespace) gives a zero row, so its cosine
    with anything is 0. Texts longer than 512 word pieces are cut there.
    """
    if isinstance(texts, str):
        raise TypeError("embed() takes a list of texts; for one text pass [text]")
    model = load(model_dir)
    texts = list(texts)
    if not texts:
        return np.zeros((0, model.dim), dtype=np.float32)
    raw = _pieces(model).encode(texts)
    out = np.asarray(raw, dtype=np.float32).reshape(len(texts), model.dim)
    # Normalised here rather than by model2vec: the rows must be float32 unit vectors.
    blank = np.fromiter((not t.strip() for t in texts), dtype=bool, count=len(texts))
    out[blank] = 0.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


# Characters that ``str.split`` takes for white space but the model's BERT normaliser
# deletes as control characters (so "a\x85b" is one word to it): a text with one of
# them is left to model2vec whole.
_JOINING = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
# Distinct words kept (about 150 bytes each with their pieces); the cache is emptied
# when full, between calls.
_WORD_LIMIT = 1 << 18


class _WordPieces:
    """The model's word pieces of each distinct word, found once; means of their rows compiled.

    Why: the tokenizer (``encode_batch_fast``) took about 60% of the embedding's time,
    and gathering int8 rows into a 3-d array for numpy's mean most of the rest
    (docs/benchmarks.md, "Features"), while a news stream repeats a small vocabulary.
    The model's tokenizer (BERT normaliser, BERT pre-tokeniser, WordPiece) works on
    each white-space-separated word on its own: what it does to a character never
    depends on a character of another word, so a text's pieces are its words'
    pieces in order. ``encode`` gives the rows ``StaticModel.encode(texts,
    normalize=False)`` gives, bit for bit (``tests/features/test_embed.py``):
    the same cut of long texts (model2vec's characters first, then its tokenizer's
    ``max_length`` pieces) and the same arithmetic (``kernels.mean_pieces``).
    """

    def __init__(self, model: StaticModel) -> None:
        self.model = model
        self.lock = threading.Lock()
        self.unk = -1 if model.unk_token_id is None else int(model.unk_token_id)
        self.matrix = np.ascontiguousarray(model.embedding)
        # the shipped kind of model (int8 rows, a length cap, no token mapping or weights), decided once
        self.shipped = (self.matrix.dtype == np.int8 and model.max_length is not None
                        and model.token_mapping is None and model.weights is None)
        self.clear()

    def clear(self) -> None:
        self.index: dict[str, int] = {}
        self.start = np.zeros(1024, np.int64)
        self.length = np.zeros(1024, np.int32)
        self.pool = np.zeros(8192, np.int32)
        self.pool_end = 0
        # the words' code points in a hash table (as tokens.TokenTable's): the
        # compiled split finds a known word's index without a Python string
        self._slots = np.full(4096, -1, np.int32)
        self._hash = np.empty(1024, np.uint64)
        self._wstart = np.empty(1024, np.int64)
        self._wlen = np.empty(1024, np.int32)
        self._wpool = np.empty(8192, np.uint32)
        self._wpool_end = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        model = self.model
        if not self.shipped:
            return model.encode(texts, normalize=False, use_multiprocessing=False)  # not the shipped kind
        cut = model.max_length * model.median_token_length
        whole = [i for i, t in enumerate(texts) if _JOINING.search(t)]
        with self.lock:
            if len(self.index) >= _WORD_LIMIT:
                self.clear()
            ids, ends = self._split(texts, set(whole), cut)
            out = kernels.mean_pieces(
                ids, ends, self.start, self.length, self.pool, self.matrix, self.unk, model.max_length
            )
        if whole:
            out[whole] = model.encode([texts[i] for i in whole], normalize=False, use_multiprocessing=False)
        return out

    def _split(self, texts: list[str], whole: set[int], cut: int) -> tuple[np.ndarray, np.ndarray]:
        """Word indices of ``t[:cut].split()`` of each text (none for those in ``whole``), one text
        after the other, and where each text's end; new words tokenised in one call.

        The split and the lookup of known words are compiled (``kernels.split_lookup``):
        the Python form (split, a dict lookup per word, a list made an array) took about
        a third of the embedding's time. ``_ids`` is that form (``tests/features/test_embed.py``
        compares the two).
        """
        if whole:
            texts = ["" if i in whole else t for i, t in enumerate(texts)]
        joined = "".join(texts)
        points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
        offsets = np.zeros(len(texts) + 1, np.int64)
        np.cumsum([len(t) for t in texts], out=offsets[1:])
        table = (self._slots, self._hash, self._wstart, self._wlen, self._wpool)
        ids, starts, stops, counts, ok = kernels.split_lookup(points, offsets, cut, char_classes(_BMP), table)
        if not ok:  # a code point beyond the BMP (emoji): the Python form
            words = [[] if i in whole else t[:cut].split() for i, t in enumerate(texts)]
            return self._ids(words), np.cumsum([len(w) for w in words], dtype=np.int64)
        missing = np.flatnonzero(ids < 0).tolist()
        if missing:
            words = [joined[a:b] for a, b in zip(starts[missing].tolist(), stops[missing].tolist())]
            new = [w for w in dict.fromkeys(words) if w not in self.index]
            if new:
                pieces = [e.ids for e in self.model.tokenizer.encode_batch_fast(new, add_special_tokens=False)]
                for word, ps in zip(new, pieces):
                    self._add(word, ps)
            ids[missing] = [self.index[w] for w in words]
        return ids, np.cumsum(counts)

    def _ids(self, words: list[list[str]]) -> np.ndarray:
        """Word indices of all the words, one text after the other; new words tokenised in one call."""
        flat = [w for ws in words for w in ws]
        get = self.index.get
        got = list(map(get, flat))
        if None in got:
            new = list(dict.fromkeys(w for w, g in zip(flat, got) if g is None))
            pieces = [e.ids for e in self.model.tokenizer.encode_batch_fast(new, add_special_tokens=False)]
            for word, ps in zip(new, pieces):
                self._add(word, ps)
            got = list(map(get, flat))
        return np.array(got, np.int64)

    def _add(self, word: str, pieces: list[int]) -> None:
        k = self.index[word] = len(self.index)
        if k == len(self.start):
            self.start = np.concatenate((self.start, np.zeros_like(self.start)))
            self.length = np.concatenate((self.length, np.zeros_like(self.length)))
        while self.pool_end + len(pieces) > len(self.pool):
            self.pool = np.concatenate((self.pool, np.zeros_like(self.pool)))
        self.pool[self.pool_end : self.pool_end + len(pieces)] = pieces
        self.start[k], self.length[k] = self.pool_end, len(pieces)
        self.pool_end += len(pieces)
        self._hashed(k, word)

    def _hashed(self, k: int, word: str) -> None:
        """Put word ``k`` into the hash table of code points (``_split``)."""
        points = np.frombuffer(word.encode("utf-32-le", "surrogatepass"), np.uint32)
        if k == len(self._hash):
            self._hash, self._wstart, self._wlen = (
                np.concatenate((c, np.empty_like(c))) for c in (self._hash, self._wstart, self._wlen))
        if 2 * (k + 1) > len(self._slots):
            self._slots = kernels.rehash(self._slots, self._hash, 2 * len(self._slots))
        while self._wpool_end + len(points) > len(self._wpool):
            self._wpool = np.concatenate((self._wpool, np.empty_like(self._wpool)))
        self._wpool[self._wpool_end : self._wpool_end + len(points)] = points
        self._wstart[k], self._wlen[k] = self._wpool_end, len(points)
        self._wpool_end += len(points)
        kernels.hash_insert(points, k, self._slots, self._hash)


@functools.cache
def _pieces(model: StaticModel) -> _WordPieces:
    return _WordPieces(model)


def article_text(title: str | None, text: str, words: int = ARTICLE_WORDS) -> str:
    """The part of an article that is embedded: the title and the first ``words`` words."""
    title = (title or "").strip()
    body = text.strip()
    # Many feeds repeat the title as the first line: count it once.
    if title and body.startswith(title):
        body = body[len(title) :]
    lead = " ".join(body.split(maxsplit=words)[:words])  # the rest is not split
    return f"{title}\n{lead}" if title else lead


def embed_article(title: str | None, text: str, *, model_dir: Path = MODEL_DIR) -> np.ndarray:
    """Embedding (float32, unit length, shape ``(dims,)``) of one article's title and lead.

    For many articles, ``embed([article_text(t, x) for t, x in ...])`` is faster.
    """
    return embed([article_text(title, text)], model_dir=model_dir)[0]
