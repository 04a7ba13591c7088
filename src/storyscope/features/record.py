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
        names_blob = "\x1f".join(self.names).encode("utf-8")
        header = _HEADER.pack(
            _MAGIC, FORMAT_VERSION, len(self.minhash), len(self.term_ids), self.n_tokens, len(names_blob),
            len(self.embedding),
        )
        return b"".join(
            (
                header,
                _le(array("I", self.minhash)),
                _le(array("I", self.term_ids)),
                _le(array("f", self.term_weights)),
                names_blob,
                self.embedding,
                self.title_embedding,
            )
        )

    @staticmethod
    def is_current(blob: bytes) -> bool:
        """Whether a stored blob is of this version (else: recompute it from the article)."""
        return len(blob) >= 6 and blob[:4] == _MAGIC and struct.unpack_from("<H", blob, 4)[0] == FORMAT_VERSION

    @classmethod
    def from_bytes(cls, blob: bytes) -> Features:
        if len(blob) < _HEADER.size:
            raise FeaturesFormatError(f"features blob too short ({len(blob)} bytes)")
        if not cls.is_current(blob):
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
