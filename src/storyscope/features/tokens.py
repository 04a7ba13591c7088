"""Token ids, and what the feature stage needs to know of each distinct token.

A news stream repeats a small vocabulary: an article has a few hundred tokens but
few that earlier articles did not have. ``TokenTable`` gives each distinct token
an id once and works out once, with the functions of ``text``, its term, whether
it can be a name word, its MinHash word hash and so on, in columns indexed by id
that the compiled loops of ``kernels`` read.

Tokenising and looking tokens up is compiled too (``kernels.tokenize_article``): the
regex of ``text.tokens`` as a scan over code points with a table of the regex's
character classes, and an open-addressing hash table from code points to ids.
Only a token the table has not seen goes back to Python. Tokenising in Python
(the regex, then a dict lookup per token) took half of the time of ``compute``
once the rest was compiled (docs/benchmarks.md).

The table only grows, so it is emptied when it reaches ``limit`` tokens or
terms, between articles: ids are not stable across that, and nothing stored
depends on them (a feature is a crc32 of a term or a name, never an id).
"""

from __future__ import annotations

import zlib
from functools import lru_cache

import numpy as np

from . import kernels, text

# A token costs about 550 bytes with its term (dict entries, strings, columns, code
# points, hash slots; measured with tracemalloc on 2,000 articles of new words), so the
# limit keeps the table under about 75 MB. ECB+ (982 articles) has 24,000 tokens; a
# stream that reaches the limit refills the table, at the cost of a few thousand slower
# articles.
DEFAULT_LIMIT = 1 << 17
_BMP = 0x10000


@lru_cache(maxsize=2)
def char_classes(n: int) -> np.ndarray:
    """The ``kernels`` character class bits of the code points below ``n``.

    The classes of the ``text.tokens`` regex: ``[^\\W\\d_]`` is a word character
    (``str.isalnum``, as ``re`` has it) that is no decimal digit (``\\d``) and no
    underscore; ``\\s`` of the sentence split is ``str.isspace``.
    """
    chars = list(map(chr, range(n)))

    def bits(test, bit: int) -> np.ndarray:
        return np.fromiter(map(test, chars), bool, n) * np.uint8(bit)

    out = bits(lambda c: c.isalnum() and not c.isdecimal() and c != "_", kernels.LETTER)
    out |= bits(str.isdecimal, kernels.DECIMAL)
    out |= bits(str.isspace, kernels.SPACE)
    out |= bits(str.isupper, kernels.UPPER)
    out |= bits(str.isdigit, kernels.DIGIT_CHAR)
    for c in "'’.-":
        out[ord(c)] |= kernels.WORD_SEP
    for c in ".,:/-":
        out[ord(c)] |= kernels.NUMBER_SEP
    return out


class TokenTable:
    """Distinct tokens and terms of the stream so far, with per-id columns (not thread-safe).

    Columns, indexed by token id: ``term_of`` (term index of ``text.content_term``,
    -1 for a stop word), ``name_term_of`` (term index of the token's name word as a
    content term, -1 if none), ``flags`` (``kernels`` DIGIT, NAME, ENDS, LOWER),
    ``lower_key`` (id of the lower-cased token without final dots, for the
    sentence-start test of names), ``word_hash`` (MinHash word hash),
    ``name_word_of`` (id of its name word, -1 if none) and, in lists,
    ``token_text`` and ``name_word`` (the word, "" if none). Per term index:
    ``term_crc`` (its 32-bit id) and the list ``term_text``; ``slot`` is the
    term-sized scratch ``kernels.term_vector`` uses, ``seen`` the token-sized one
    of ``kernels.name_runs``. The hash table from code points to ids: ``_slots``
    and the columns ``_hash``, ``_start``, ``_len`` (where the token's code points
    are in ``_pool``; -1: not in the hash table).
    """

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1 token, got {limit}")
        self.limit = limit
        self._classes = char_classes(_BMP)
        self.clear()

    def clear(self) -> None:
        self._ids: dict[str, int] = {}
        self._terms: dict[str, int] = {}
        self._name_words: dict[str, int] = {}
        self._names: dict[int | tuple[int, ...], tuple[str, int]] = {}
        self.token_text: list[str] = []
        self.name_word: list[str] = []
        self.term_text: list[str] = []
        self.term_of = np.empty(1024, np.int32)
        self.name_term_of = np.empty(1024, np.int32)
        self.flags = np.empty(1024, np.uint8)
        self.lower_key = np.empty(1024, np.int32)
        self.name_word_of = np.empty(1024, np.int32)
        self.seen = np.zeros(1024, np.uint8)
        self.word_hash = np.empty(1024, np.uint64)
        self.term_crc = np.empty(1024, np.int64)
        self.slot = np.full(1024, -1, np.int32)
        self._slots = np.full(4096, -1, np.int32)
        self._n_hashed = 0
        self._hash = np.empty(1024, np.uint64)
        self._start = np.empty(1024, np.int64)
        self._len = np.empty(1024, np.int32)
        self._pool = np.empty(8192, np.uint32)
        self._pool_end = 0

    def ready(self) -> TokenTable:
        """The table, emptied first if it has reached its limit (call between articles)."""
        if max(len(self._ids), len(self._terms), len(self._names)) >= self.limit:
            self.clear()
        return self

    def article(self, body: str, title: str, lead_sentences: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        """Token ids (int32) of ``text.tokens`` of body, title and ``text.lead``; whether the title is Title Case."""
        # one code point per str index (lone surrogates too), as s[a:b] below counts
        body_points = np.frombuffer(body.encode("utf-32-le", "surrogatepass"), np.uint32)
        title_points = np.frombuffer(title.encode("utf-32-le", "surrogatepass"), np.uint32)
        while True:
            ids, starts, ends, n_body, n_title, title_case, misses = kernels.tokenize_article(
                body_points, title_points, lead_sentences, self._classes,
                (self._slots, self._hash, self._start, self._len, self._pool),
            )  # fmt: skip
            if misses >= 0:
                break
            self._classes = char_classes(0x110000)  # beyond the BMP (emoji): once per process
        for i in np.flatnonzero(ids < 0).tolist() if misses else ():
            # a token not in the hash table yet (the lead's are in the body)
            s, points = (title, title_points) if n_body <= i < n_body + n_title else (body, body_points)
            a, b = int(starts[i]), int(ends[i])
            ids[i] = self._hashed(s[a:b], points[a:b])
        return ids[:n_body], ids[n_body : n_body + n_title], ids[n_body + n_title :], title_case

    def names(self, tokens: np.ndarray, ends: np.ndarray, keys: np.ndarray) -> tuple[list[str], list[int]]:
        """Text and "@name" term id (-1 for one word) of names as ``kernels.distinct_names`` gives them.

        The text is the name words joined by spaces. Both are kept by the name's
        key (the tuple of its name word ids for a name of three words or more), as
        most names are met again.
        """
        bounds = [0, *ends.tolist()]
        key = keys.tolist()
        for j in [j for j, k in enumerate(key) if k < 0]:
            key[j] = tuple(self.name_word_of[tokens[bounds[j] : bounds[j + 1]]].tolist())
        got = list(map(self._names.get, key))
        for j in [j for j, g in enumerate(got) if g is None]:
            name = " ".join([self.name_word[t] for t in tokens[bounds[j] : bounds[j + 1]].tolist()])
            got[j] = self._names[key[j]] = (name, zlib.crc32(f"@{name}".encode("utf-8")) if " " in name else -1)
        return [g[0] for g in got], [g[1] for g in got]

    def _hashed(self, token: str, points: np.ndarray) -> int:
        """Id of ``token``, added to the hash table (and the table) if new."""
        i = self.token_id(token)
        if self._len[i] >= 0:
            return i  # a new token seen twice in one text
        if 2 * (self._n_hashed + 1) > len(self._slots):
            self._slots = kernels.rehash(self._slots, self._hash, 2 * len(self._slots))
        while self._pool_end + len(points) > len(self._pool):
            self._pool = _grown(self._pool)
        self._pool[self._pool_end : self._pool_end + len(points)] = points
        self._start[i], self._len[i] = self._pool_end, len(points)
        self._pool_end += len(points)
        kernels.hash_insert(points, i, self._slots, self._hash)
        self._n_hashed += 1
        return i

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
        i = self._ids[token] = len(self.token_text)
        self.token_text.append(token)
        if i == len(self.flags):
            self.term_of, self.name_term_of, self.lower_key, self.name_word_of, self._len = map(
                _grown, (self.term_of, self.name_term_of, self.lower_key, self.name_word_of, self._len)
            )
            self.flags, self.word_hash, self._hash, self._start, self.seen = map(
                _grown, (self.flags, self.word_hash, self._hash, self._start, self.seen)
            )
        term = text.content_term(token)
        word = text.name_word(token)
        self.name_word.append(word or "")
        self.term_of[i] = -1 if term is None else self.term(term)
        self.word_hash[i] = zlib.crc32(token.lower().encode("utf-8"))
        flags = kernels.DIGIT if token[:1].isdigit() else 0
        flags |= kernels.ENDS if text.ends_sentence(token) else 0
        flags |= kernels.LOWER if token[:1].islower() else 0
        self.name_term_of[i] = self.lower_key[i] = self.name_word_of[i] = self._len[i] = -1
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
