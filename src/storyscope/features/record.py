"""The ``Features`` record and its compact binary form (a BLOB in the store)."""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass

import numpy as np

from ..errors import StoryscopeError

# Version 2 added the two embeddings (issue 11). ``from_bytes`` refuses a blob of
# another version (FeaturesFormatError); before reading a store, the ingest runner
# recomputes those ``is_current`` finds stale from the stored articles
# (run/ingest.py, upgrade_features).
FORMAT_VERSION = 2
# magic, version, num_perm, n_terms, n_tokens, names bytes, embedding bytes (each of two)
_HEADER = struct.Struct("<4sHHIIII")
_MAGIC = b"SSF1"


class FeaturesFormatError(StoryscopeError):
    """A features BLOB is truncated, from another program, or from an unknown version."""


@dataclass(frozen=True)
class Features:
    """What the clusterer needs to know about one article, computed once.

    ``term_ids``/``term_weights``: a hashed bag of words (content words, numbers,
    multi-word names), sublinear term frequency with title and lead counted more;
    no IDF yet, because IDF is a property of the stream, applied by the clusterer.
    ``minhash``: signature of word 4-shingles, for near-identical copies.
    ``names``: the article's capitalised names and numbers, most frequent first,
    lower-cased; shared ones are shown in assignment reasons.
    ``embedding`` / ``title_embedding``: the static sentence embedding of the title
    and first words, and of the title alone (``features.embed``), unit length, as
    little-endian float16 bytes (``vector()`` / ``title_vector()`` read them); empty
    when the article has no words.
    """

    term_ids: tuple[int, ...]
    term_weights: tuple[float, ...]
    minhash: tuple[int, ...]
    names: tuple[str, ...]
    n_tokens: int
    embedding: bytes = b""
    title_embedding: bytes = b""

    def vector(self) -> np.ndarray:
        """The embedding as float32 (zero-length when there is none)."""
        return _f16(self.embedding)

    def title_vector(self) -> np.ndarray:
        return _f16(self.title_embedding)

    @property
    def is_empty(self) -> bool:
        return not self.term_ids

    def to_bytes(self) -> bytes:
        return pack(
            array("I", self.minhash), array("I", self.term_ids), array("f", self.term_weights), self.names,
            self.n_tokens, self.embedding, self.title_embedding,
        )

    @staticmethod
    def is_current(blob: bytes) -> bool:
        """Whether a stored blob is of this version (else: recompute it from the article)."""
        return len(blob) >= 6 and blob[:4] == _MAGIC and struct.unpack_from("<H", blob, 4)[0] == FORMAT_VERSION

    @classmethod
    def from_bytes(cls, blob: bytes) -> Features:
        n_perm, n_terms, n_tokens, n_names, n_emb = _layout(blob)
        pos = _HEADER.size
        minhash = _read(blob, "I", pos, n_perm)
        pos += 4 * n_perm
        ids = _read(blob, "I", pos, n_terms)
        pos += 4 * n_terms
        weights = _read(blob, "f", pos, n_terms)
        pos += 4 * n_terms
        names_text = blob[pos : pos + n_names].decode("utf-8")
        pos += n_names
        return cls(
            term_ids=tuple(ids),
            term_weights=tuple(weights),
            minhash=tuple(minhash),
            names=tuple(names_text.split("\x1f")) if names_text else (),
            n_tokens=n_tokens,
            embedding=blob[pos : pos + n_emb],
            title_embedding=blob[pos + n_emb :],
        )


def _layout(blob: bytes) -> tuple[int, int, int, int, int]:
    """(num_perm, terms, tokens, bytes of names, bytes of the text embedding) of a blob, checked."""
    if len(blob) < _HEADER.size:
        raise FeaturesFormatError(f"features blob too short ({len(blob)} bytes)")
    if not Features.is_current(blob):
        raise FeaturesFormatError(
            f"not a storyscope features blob of version {FORMAT_VERSION}: recompute the features"
        )
    _, _, n_perm, n_terms, n_tokens, n_names, n_emb = _HEADER.unpack_from(blob)
    expected = _HEADER.size + 4 * n_perm + 8 * n_terms + n_names
    n_title = len(blob) - expected - n_emb
    if n_title < 0 or n_emb % 2 or n_title % 2:
        raise FeaturesFormatError(
            f"features blob has {len(blob)} bytes, expected {expected} plus two float16 embeddings"
        )
    return n_perm, n_terms, n_tokens, n_names, n_emb


def layout(blob: bytes) -> tuple[int, int, int, int, int, int]:
    """(num_perm, terms, tokens, start and stop of the names, bytes of the text embedding) of a blob,
    checked as ``unpack`` checks it: the minhash starts at byte ``_HEADER.size``, then the term ids and
    weights (4 bytes each), the names (utf-8, separated by 0x1f), the two float16 embeddings."""
    n_perm, n_terms, n_tokens, n_names, n_emb = _layout(blob)
    start = _HEADER.size + 4 * n_perm + 8 * n_terms
    return n_perm, n_terms, n_tokens, start, start + n_names, n_emb


def unpack(blob: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...], int, np.ndarray, np.ndarray]:
    """The record of a blob as arrays, without building the record's tuples (what the clusterer reads).

    (minhash uint32, term ids uint32, term weights float32, names, tokens, embedding and
    title embedding as float32): the values of ``Features.from_bytes(blob)``'s fields and
    of its ``vector()`` and ``title_vector()``; raises ``FeaturesFormatError`` as it does.
    The arrays are read-only views of ``blob`` (the embeddings are converted copies).
    """
    n_perm, n_terms, n_tokens, n_names, n_emb = _layout(blob)
    pos = _HEADER.size
    minhash = np.frombuffer(blob, "<u4", n_perm, pos)
    pos += 4 * n_perm
    ids = np.frombuffer(blob, "<u4", n_terms, pos)
    pos += 4 * n_terms
    weights = np.frombuffer(blob, "<f4", n_terms, pos)
    pos += 4 * n_terms
    names_text = blob[pos : pos + n_names].decode("utf-8")
    pos += n_names
    emb = np.frombuffer(blob, "<f2", n_emb // 2, pos).astype(np.float32)
    title = np.frombuffer(blob, "<f2", (len(blob) - pos - n_emb) // 2, pos + n_emb).astype(np.float32)
    return minhash, ids, weights, tuple(names_text.split("\x1f")) if names_text else (), n_tokens, emb, title


def pack(
    minhash: np.ndarray | array, term_ids: np.ndarray | array, term_weights: np.ndarray | array, names: tuple[str, ...] | list[str],
    n_tokens: int, embedding: bytes, title_embedding: bytes,
) -> bytes:
    """The stored form of a record given as arrays (``Features.to_bytes`` of the record they make).

    For the feature stage, which has the arrays at hand: a record's tuples of
    Python numbers cost more to build, and to pickle between processes, than the
    blob, which holds the same values (float32 weights, uint32 ids and minima).
    """
    names_blob = "\x1f".join(names).encode("utf-8")
    header = _HEADER.pack(
        _MAGIC, FORMAT_VERSION, len(minhash), len(term_ids), n_tokens, len(names_blob), len(embedding),
    )
    return b"".join((
        header, _bytes(minhash, "<u4"), _bytes(term_ids, "<u4"), _bytes(term_weights, "<f4"), names_blob,
        embedding, title_embedding,
    ))


def _bytes(values: np.ndarray | array, dtype: str) -> bytes:
    """Little-endian bytes of an ``array`` (of its own type code) or of an ndarray (as ``dtype``)."""
    if isinstance(values, array):
        return _le(values)
    return values.astype(dtype, copy=False).tobytes()


def f16_bytes(vec: np.ndarray) -> bytes:
    """A vector as little-endian float16 bytes (how embeddings are kept)."""
    return np.asarray(vec, dtype="<f2").tobytes()


def _f16(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f2").astype(np.float32)


def _le(arr: array) -> bytes:
    if array("I", [1]).tobytes()[0] != 1:  # big-endian host: store little-endian anyway
        arr.byteswap()
    return arr.tobytes()


def _read(blob: bytes, code: str, pos: int, count: int) -> list:
    arr = array(code)
    arr.frombytes(blob[pos : pos + 4 * count])
    if array("I", [1]).tobytes()[0] != 1:
        arr.byteswap()
    return arr.tolist()
