"""The ``Features`` record and its compact binary form (a BLOB in the store)."""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass

from ..errors import StoryscopeError

FORMAT_VERSION = 1
_HEADER = struct.Struct("<4sHHIII")  # magic, version, num_perm, n_terms, n_tokens, names bytes
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
    """

    term_ids: tuple[int, ...]
    term_weights: tuple[float, ...]
    minhash: tuple[int, ...]
    names: tuple[str, ...]
    n_tokens: int

    @property
    def is_empty(self) -> bool:
        return not self.term_ids

    def to_bytes(self) -> bytes:
        names_blob = "\x1f".join(self.names).encode("utf-8")
        header = _HEADER.pack(
            _MAGIC, FORMAT_VERSION, len(self.minhash), len(self.term_ids), self.n_tokens, len(names_blob)
        )
        return b"".join(
            (
                header,
                _le(array("I", self.minhash)),
                _le(array("I", self.term_ids)),
                _le(array("f", self.term_weights)),
                names_blob,
            )
        )

    @classmethod
    def from_bytes(cls, blob: bytes) -> Features:
        if len(blob) < _HEADER.size:
            raise FeaturesFormatError(f"features blob too short ({len(blob)} bytes)")
        magic, version, n_perm, n_terms, n_tokens, n_names = _HEADER.unpack_from(blob)
        if magic != _MAGIC or version != FORMAT_VERSION:
            raise FeaturesFormatError(
                f"not a storyscope features blob of version {FORMAT_VERSION}: recompute the features"
            )
        expected = _HEADER.size + 4 * n_perm + 8 * n_terms + n_names
        if len(blob) != expected:
            raise FeaturesFormatError(f"features blob has {len(blob)} bytes, expected {expected}")
        pos = _HEADER.size
        minhash = _read(blob, "I", pos, n_perm)
        pos += 4 * n_perm
        ids = _read(blob, "I", pos, n_terms)
        pos += 4 * n_terms
        weights = _read(blob, "f", pos, n_terms)
        pos += 4 * n_terms
        names_text = blob[pos:].decode("utf-8")
        return cls(
            term_ids=tuple(ids),
            term_weights=tuple(weights),
            minhash=tuple(minhash),
            names=tuple(names_text.split("\x1f")) if names_text else (),
            n_tokens=n_tokens,
        )


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
