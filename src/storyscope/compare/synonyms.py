"""Near-synonyms among a story's words, for a soft word cosine ("no one was hurt" / "no one
was injured", "fire" / "blaze"), from the static embedding the package ships
(features/embed.py): each word's own vector, the mean of its word pieces.

A bag of stems only meets a word it shares; two outlets that tell one fact in their own
words share none. The soft cosine (Sidorov et al. 2014) lets a word meet its near-synonym
at their similarity: ``a S b / sqrt(a S a * b S b)``, ``S`` the word x word similarity
(1 on the diagonal). Word vectors put co-hyponyms close too ("Monday"/"Tuesday" 0.86,
"two"/"three" 0.71, one team's name and another's 0.61), and those tell facts apart, so
only common lower-case words link: no name (a word the story writes capitalised inside a
sentence), no figure, no number word, no weekday, month or unit of time ("morning" /
"night" and "month" / "year" tell times apart). And only words the model holds whole (one
word piece): a word it cuts into pieces gets the mean of its pieces, which links words
that merely share a first piece ("boobs" / "booze").
"""

from __future__ import annotations

from collections import Counter
from itertools import repeat

import numpy as np
from scipy import sparse

from .text import SCALES, SMALL_NUMBERS, WORD_RE, stem

# Two words link when the cosine of their vectors reaches SOFT_MIN, at that cosine.
# Chosen on the tuning half of benchmarks/gold (see facts.ALIGN_THRESHOLD).
SOFT_MIN = 0.45
# Links kept per word (its nearest ones): a word needs a few near-synonyms, not a cloud.
SOFT_LINKS = 5
# The bound on work: only the story's most frequent SOFT_VOCAB words link (a word x word
# similarity in blocks: 4,000 words cost 4,000^2 x 256 multiply-adds); rarer words match
# exactly, as before.
SOFT_VOCAB = 4000
_BLOCK = 1024

_CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december today yesterday tomorrow
    tonight morning afternoon evening night day days week weeks weekend month months year years
    hour hours minute minutes season seasons decade decades century""".split()
)
_NUMBER_WORDS = frozenset(SMALL_NUMBERS) | frozenset(SCALES) | frozenset(
    "one first second third fourth fifth once twice half".split()
)


def _surfaces(texts: list[str]) -> tuple[dict[str, str], set[str]]:
    """Each stem's most frequent lower-case surface word, and the stems written capitalised
    after a sentence's first word (names)."""
    counts: Counter[tuple[str, bool]] = Counter()
    for text in texts:
        words = WORD_RE.findall(text)
        if words:  # (word, after the first?) counted in text order, in one C loop per text
            counts[words[0], False] += 1
            counts.update(zip(words[1:], repeat(True)))
    per_word: dict[tuple[str, str], int] = {}
    named: set[str] = set()
    for (w, inside), n in counts.items():
        low = w.lower().replace("\u2019", "'")
        s = stem(low)
        if inside and w[:1].isupper():
            named.add(s)
        per_word[s, low] = per_word.get((s, low), 0) + n
    best: dict[str, tuple[int, str]] = {}
    for (s, low), n in per_word.items():  # the first seen wins a tie
        if n > best.get(s, (0, ""))[0]:
            best[s] = (n, low)
    return {s: low for s, (_, low) in best.items()}, named


def word_links(vocab: dict[str, int], df: np.ndarray, texts: list[str]) -> sparse.csr_array | None:
    """The soft cosine's ``S`` over ``vocab`` (token -> column; ``df`` each column's
    document frequency): identity plus each linkable word's SOFT_LINKS nearest others at
    cosine >= SOFT_MIN, symmetric. None when the embedding model is missing or nothing links."""
    from ..errors import EmbeddingUnavailableError
    from ..features.embed import load

    surface, named = _surfaces(texts)
    cands = [
        (col, surface[tok]) for tok, col in vocab.items()
        if tok in surface and tok not in named and tok[:1].isalpha() and ":" not in tok
        and surface[tok] not in _CALENDAR and surface[tok] not in _NUMBER_WORDS and len(surface[tok]) > 2
    ]
    if len(cands) < 2:
        return None
    if len(cands) > SOFT_VOCAB:
        cands = sorted(cands, key=lambda c: (-df[c[0]], c[0]))[:SOFT_VOCAB]
    try:
        model = load()
    except EmbeddingUnavailableError:
        return None
    # each word is tokenised once: a word the model holds whole is one piece, and its
    # vector is that piece's row (what embed() gives a one-piece text, unit length)
    cut = model.tokenizer.encode_batch_fast([w for _, w in cands], add_special_tokens=False)
    unk = model.unk_token_id
    kept = [(c, enc.ids[0]) for c, enc in zip(cands, cut) if len(enc.ids) == 1 and enc.ids[0] != unk]
    if len(kept) < 2:
        return None
    cands = [c for c, _ in kept]
    vecs = _piece_rows(model, np.array([i for _, i in kept], dtype=np.int64))
    cols = np.array([c for c, _ in cands], dtype=np.int64)
    rows_i, rows_j, vals = [], [], []
    for lo in range(0, len(cands), _BLOCK):
        sim = vecs[lo:lo + _BLOCK] @ vecs.T
        r = np.arange(lo, min(lo + _BLOCK, len(cands)))
        sim[r - lo, r] = -1.0
        # the few pairs over SOFT_MIN, then each row's SOFT_LINKS best of them (a sort of
        # a handful, not a partition of every row)
        rr, cc = np.nonzero(sim >= SOFT_MIN)
        v = sim[rr, cc]
        order = np.lexsort((cc, -v, rr))
        rr, cc, v = rr[order], cc[order], v[order]
        rank = np.arange(len(rr)) - np.searchsorted(rr, rr)
        keep = rank < SOFT_LINKS
        rows_i.append(rr[keep] + lo)
        rows_j.append(cc[keep])
        vals.append(v[keep])
    i, j, v = np.concatenate(rows_i), np.concatenate(rows_j), np.concatenate(vals)
    if not len(i):
        return None
    n = len(vocab)
    links = sparse.coo_array((v.astype(np.float32), (cols[i], cols[j])), shape=(n, n)).tocsr()
    links = links.maximum(links.T)  # a link either word keeps holds both ways
    return sparse.csr_array(links + sparse.eye_array(n, dtype=np.float32, format="csr"))


def _piece_rows(model, ids: np.ndarray) -> np.ndarray:
    """Unit-length float32 rows of the model's embedding for one-piece words (its token
    mapping applied when it has one; a per-token weight scales a row, which unit length undoes)."""
    rows = ids if model.token_mapping is None else np.asarray(model.token_mapping)[ids]
    vecs = np.asarray(model.embedding[rows], dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    np.divide(vecs, norms, out=vecs, where=norms > 0)
    return vecs


def soften(mat: sparse.csr_array, links: sparse.csr_array | None) -> tuple[sparse.csr_array, sparse.csr_array]:
    """``(left, right)`` with ``left @ right.T`` the soft cosine of ``mat``'s rows (L2-normalised
    bags): ``left = D (mat S)``, ``right = D mat``, ``D`` the rows' inverse soft norms."""
    if links is None:
        return mat, mat
    spread = sparse.csr_array(mat @ links)
    norms = np.sqrt(np.asarray(spread.multiply(mat).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    scale = sparse.diags_array((1.0 / norms).astype(np.float32))
    return sparse.csr_array(scale @ spread), sparse.csr_array(scale @ mat)
