"""Fast per-article features for clustering: hashed term vector, MinHash, names.

``compute(article)`` is the one entry point; ``Features`` is the record the store
persists (``to_bytes`` / ``Features.from_bytes``) so that the clusterer's index
can be rebuilt after a restart without recomputing anything.
"""

from __future__ import annotations

import math
import threading
import zlib
from collections.abc import Sequence

import numpy as np

from ..model import Article
from . import embed, kernels, minhash, text
from .record import Features, FeaturesFormatError, f16_bytes, pack
from .tokens import TokenTable

__all__ = ["Features", "FeaturesFormatError", "compute", "compute_blobs", "compute_many", "term_id"]

# How the weights were chosen (benchmarks/pairs.py on the SemEval-2022 English
# pairs, benchmarks/clustering.py on ECB+; both sets were looked at, so neither is
# an untouched test set for these few constants):
# - title words count 3 times, lead words (first two sentences) twice: a prior
#   (reporters put the who/what/where there); setting both extras to 0 changed
#   little (pairs r -0.750 -> -0.734, ECB+ F1 within 0.01), so they stay.
# - words of capitalised names and numbers get SPECIFIC_EXTRA more per occurrence
#   and a multi-word name is a term of its own with NAME_WEIGHT: what tells two
#   events of one kind apart is who, where and how many. ECB+ offline average-link
#   best F1 0.880 -> 0.902 and streaming 0.872 -> 0.887; the pairs r moved from
#   -0.815 to -0.803.
# - word bigrams and a position decay of body words were tried and did not help
#   (kept at 0 as switches).
TITLE_EXTRA = 2.0
LEAD_EXTRA = 1.0
LEAD_SENTENCES = 2
NAME_WEIGHT = 3.0
SPECIFIC_EXTRA = 2.0
BIGRAM_WEIGHT = 0.0
# Body words count less the later they come: 1 / (1 + position / DECAY_WORDS); 0 = off.
DECAY_WORDS = 0
MAX_TERMS = 400  # keeps vectors of very long articles bounded; most frequent kept
MAX_NAMES = 40


# 1 + log(n) of a whole count, from CPython's math.log (see kernels._log)
_LOG = np.array([math.nan] + [math.log(n) for n in range(1, 4096)])
_NO_TERMS = np.zeros(0, np.int32)
# Token ids are shared by all articles of the process; the lock keeps two threads
# from adding to the table at once (the process pool and Ray run one per process).
_TABLE = TokenTable()
_LOCK = threading.Lock()


def term_id(term: str) -> int:
    """Stable 32-bit id of a term (crc32: the same in every process)."""
    return zlib.crc32(term.encode("utf-8"))


def compute(article: Article) -> Features:
    """Features of one article (see ``compute_many`` for the steps)."""
    return compute_many([article])[0]


def compute_many(articles: Sequence[Article]) -> list[Features]:
    """Features of each article, equal to ``compute`` of each.

    1. tokenise title and text (regex, no model) into ids of the token table;
    2. count content words and numbers, title and lead counted more;
    3. add multi-word capitalised names as their own terms;
    4. sublinear term frequency, hashed to stable 32-bit ids;
    5. MinHash of word 4-shingles of title + text for near-identical copies;
    6. static embeddings of the title with the first words, and of the title alone.

    Steps 1-5 per article (``_lexical``); the embeddings of all the articles in one call, which
    costs about 1.6 times less per article than one call each (tokeniser and
    model overhead): callers with many articles at hand should pass them together.
    """
    out = []
    for lex, emb, temb in _computed(articles):
        ids, weights, sig, names, n_tokens = lex
        out.append(Features(
            term_ids=tuple(ids.tolist()),
            term_weights=tuple(weights.tolist()),  # float32, as stored
            minhash=tuple(sig.tolist()), names=names, n_tokens=n_tokens, embedding=emb, title_embedding=temb,
        ))
    return out


def compute_blobs(articles: Sequence[Article]) -> list[bytes]:
    """``[f.to_bytes() for f in compute_many(articles)]``, built from the arrays directly.

    What a feature worker hands to the process that assigns and stores: the stored
    form holds the record exactly, and a record's tuples of Python numbers cost
    about 45 us an article to build and 60 to pickle and unpickle, a blob next to
    nothing (``benchmarks/cluster_scale.py``). The clusterer reads a blob without
    building the record (``StreamClusterer.add`` takes either).
    """
    return [pack(sig, ids, weights, names, n_tokens, emb, temb)
            for (ids, weights, sig, names, n_tokens), emb, temb in _computed(articles)]


_Lexical = tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...], int]


def _computed(articles: Sequence[Article]) -> list[tuple[_Lexical, bytes, bytes]]:
    """Per article: the lexical fields as arrays (``_lexical``) and the two embeddings as stored bytes."""
    done = [_lexical(a) for a in articles]
    texts: list[str] = []
    for _, title, body in done:
        texts += [embed.article_text(title, body), title]
    vectors = embed.embed(texts) if texts else None
    out = []
    for i, (lex, title, _) in enumerate(done):
        emb = temb = b""
        if lex[4] and vectors is not None:
            # 6. the same event in other words: what term overlap misses across outlets
            emb = f16_bytes(vectors[2 * i])
            temb = f16_bytes(vectors[2 * i + 1]) if title.strip() else b""
        out.append((lex, emb, temb))
    return out


def _lexical(article: Article) -> tuple[_Lexical, str, str]:
    """Steps 1-5 of ``compute_many`` for one article: its features but the embeddings, as
    (term ids, float32 weights, MinHash signature as uint64, names, tokens), with the title
    and body they were read from.

    Steps 2-4 run compiled over token ids (``kernels.term_vector``), on what the
    table knows of each token (``tokens.TokenTable``).
    """
    title = article.title or ""
    body = article.text or ""
    # 1. tokens. Many feeds repeat the title as the first line: count it once, as title.
    if title.strip() and body.lstrip().startswith(title.strip()):
        body = body.lstrip()[len(title.strip()) :]
    with _LOCK:
        table = _TABLE.ready()
        # the lead: the first LEAD_SENTENCES sentences (text.lead); a Title Case
        # Headline Capitalises Every Word: its runs are not names
        body_ids, title_ids, lead_ids, title_case = table.article(body, title, LEAD_SENTENCES)
        # 3. names first (their counts go into step 2's): each distinct name's tokens
        # and count, then its text and, for a multi-word name, its own term
        name_tokens, name_ends, name_n, name_rank, name_keys = kernels.distinct_names(
            body_ids, _NO_TERMS if title_case else title_ids,
            table.flags, table.lower_key, table.name_word_of, 1.0 + TITLE_EXTRA, table.seen,
        )  # fmt: skip
        name_texts, name_crc = table.names(name_tokens, name_ends, name_keys)
        # 2-4. content words, names, numbers: sublinear tf hashed to 32-bit ids
        ids, weights, top_nums = kernels.term_vector(
            body_ids, title_ids, lead_ids,
            _bigrams(table, body_ids) if BIGRAM_WEIGHT else _NO_TERMS, BIGRAM_WEIGHT,
            table.term_of, table.name_term_of, table.flags, table.term_crc,
            np.array(name_crc, np.int64), name_n, name_tokens, name_ends,
            np.array([TITLE_EXTRA, LEAD_EXTRA, NAME_WEIGHT, SPECIFIC_EXTRA]), DECAY_WORDS, MAX_TERMS, _LOG, table.slot,
        )  # fmt: skip
        top_numbers = [table.term_text[k][1:] for k in top_nums.tolist()]  # "#1200" -> "1200"
        # 5. near-duplicate fingerprint
        sig = minhash.array_of_tokens(title_ids, body_ids, table.word_hash)
    # names most frequent first, ties in first-seen order (as Counter.most_common)
    top_names = [name_texts[j] for j in name_rank[: MAX_NAMES - len(top_numbers)].tolist()]
    return (ids, weights, sig, tuple(top_names + top_numbers), len(body_ids) + len(title_ids)), title, body


def _bigrams(table: TokenTable, body: np.ndarray) -> np.ndarray:
    """Term indices of the body's content-word bigrams ("a_b"), in order."""
    words = [table.term_text[k] for k in table.term_of[body].tolist() if k >= 0]
    return np.array([table.term(a + "_" + b) for a, b in zip(words, words[1:])], np.int32)
