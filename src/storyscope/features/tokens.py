"""Token ids, and what the feature stage needs to know of each distinct token.

A news stream repeats a small vocabulary: on ECB+ an article has about 300
tokens but few that earlier articles did not have. ``TokenTable`` therefore
tokenises each whitespace-separated chunk ("Obama's", "1,200.", "said:") once,
gives each distinct token an id once and works out once, with the functions of
``text``, its term, whether it can be a name word, its MinHash word hash and so
on, in columns indexed by id that the compiled loops of ``kernels`` read.

Chunks give the same tokens as the regex on the whole text because no token
contains a character that ``str.split`` splits on (the regex's classes are word
characters and ``'’.-,:/``; ``tests/cluster/test_features_equal.py`` checks every
code point), and a token's match does not depend on what follows the chunk.

The table only grows, so it is emptied when it reaches ``limit`` entries, between
articles: ids are not stable across that, and nothing stored depends on them (a
feature is a crc32 of a term string or a name string, never an id).
"""

from __future__ import annotations

import zlib

import numpy as np

from . import kernels, text

# About 150 bytes an entry in each of the three dicts (chunks, tokens, terms): at
# most ~120 MB in all. ECB+ (982 articles) needs 30,000 chunks and 24,000 tokens.
DEFAULT_LIMIT = 1 << 18


class _Chunks(dict):
    """chunk -> chunk id; a missing chunk is tokenised on first use (``TokenTable.chunk_id``)."""

    def __init__(self, table: TokenTable) -> None:
        super().__init__()
        self.table = table

    def __missing__(self, chunk: str) -> int:
        return self.table.chunk_id(chunk)


class TokenTable:
    """Distinct tokens and terms of the stream so far, with per-id columns (not thread-safe).

    A chunk's tokens are ``chunk_tokens[chunk_start[c]:chunk_start[c + 1]]``.
    Columns, indexed by token id: ``term_of`` (term index of ``text.content_term``,
    -1 for a stop word), ``name_term_of`` (term index of the token's name word as a
    content term, -1 if none), ``flags`` (``kernels`` DIGIT, NAME, ENDS, LOWER),
    ``lower_key`` (id of the lower-cased token without final dots, for the
    sentence-start test of names), ``word_hash`` (MinHash word hash),
    ``name_word_of`` (id of its name word, -1 if none) and, in a list,
    ``name_word`` (the word, "" if none). Per term index: ``term_crc`` (its 32-bit id) and the list
    ``term_text``; ``slot`` is the term-sized scratch ``kernels.term_vector`` uses.
    """

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1 entry, got {limit}")
        self.limit = limit
        self.clear()

    def clear(self) -> None:
        self._ids: dict[str, int] = {}
        self._chunks = _Chunks(self)
        self._terms: dict[str, int] = {}
        self._name_words: dict[str, int] = {}
        self.chunk_start = np.zeros(1024, np.int32)
        self.chunk_tokens = np.empty(1024, np.int32)
        self.name_word: list[str] = []
        self.term_text: list[str] = []
        self.term_of = np.empty(1024, np.int32)
        self.name_term_of = np.empty(1024, np.int32)
        self.flags = np.empty(1024, np.uint8)
        self.lower_key = np.empty(1024, np.int32)
        self.name_word_of = np.empty(1024, np.int32)
        self.word_hash = np.empty(1024, np.uint64)
        self.term_crc = np.empty(1024, np.int64)
        self.slot = np.full(1024, -1, np.int32)

    def ready(self) -> TokenTable:
        """The table, emptied first if it has reached its limit (call between articles)."""
        if max(len(self._chunks), len(self._ids), len(self._terms)) >= self.limit:
            self.clear()
        return self

    def ids(self, s: str) -> np.ndarray:
        """Token ids of ``text.tokens(s)``, in order (int32)."""
        chunks = np.array(list(map(self._chunks.__getitem__, s.split())), np.int32)
        return kernels.chunk_tokens(chunks, self.chunk_start, self.chunk_tokens)

    def chunk_id(self, chunk: str) -> int:
        """Id of a whitespace-free chunk of text, its tokens added if new."""
        c = self._chunks.get(chunk)
        if c is not None:
            return c
        ids = [self.token_id(t) for t in text.tokens(chunk)]
        c = self._chunks[chunk] = len(self._chunks)
        start = self.chunk_start[c]
        while start + len(ids) > len(self.chunk_tokens):
            self.chunk_tokens = _grown(self.chunk_tokens)
        if c + 1 == len(self.chunk_start):
            self.chunk_start = _grown(self.chunk_start)
        self.chunk_tokens[start : start + len(ids)] = ids
        self.chunk_start[c + 1] = start + len(ids)
        return c

    def term(self, term: str) -> int:
        """Index of a term string (content word, "#number", "@name"), added if new."""
        k = self._terms.get(term)
        if k is None:
            k = self._terms[term] = len(self.term_text)
            self.term_text.append(term)
            if k == len(self.term_crc):
                self.term_crc = _grown(self.term_crc)
                self.slot = _grown(self.slot, -1)
            self.term_crc[k] = zlib.crc32(term.encode("utf-8"))
        return k

    def token_id(self, token: str) -> int:
        """Id of a token (or of any string without whitespace), added with its columns if new."""
        i = self._ids.get(token)
        if i is not None:
            return i
        i = self._ids[token] = len(self.name_word)
        if i == len(self.flags):
            self.term_of, self.name_term_of, self.lower_key, self.name_word_of = map(
                _grown, (self.term_of, self.name_term_of, self.lower_key, self.name_word_of)
            )
            self.flags, self.word_hash = _grown(self.flags), _grown(self.word_hash)
        term = text.content_term(token)
        word = text.name_word(token)
        self.name_word.append(word or "")
        self.term_of[i] = -1 if term is None else self.term(term)
        self.word_hash[i] = zlib.crc32(token.lower().encode("utf-8"))
        flags = kernels.DIGIT if token[:1].isdigit() else 0
        flags |= kernels.ENDS if text.ends_sentence(token) else 0
        flags |= kernels.LOWER if token[:1].islower() else 0
        self.name_term_of[i] = self.lower_key[i] = self.name_word_of[i] = -1
        if word is not None:
            flags |= kernels.NAME
            self.name_word_of[i] = self._name_words.setdefault(word, len(self._name_words))
            name_term = text.content_term(word)
            self.name_term_of[i] = -1 if name_term is None else self.term(name_term)
            key = token.lower().rstrip(".")
            # lower-casing is idempotent, so the key's own key is itself: no deeper recursion
            self.lower_key[i] = i if key == token else self.token_id(key)
        self.flags[i] = flags
        return i


def _grown(column: np.ndarray, fill: int = 0) -> np.ndarray:
    """``column`` at twice the length, the new half set to ``fill``."""
    return np.concatenate((column, np.full(len(column), fill, column.dtype)))
