"""The deep NLP stage: one Article -> one Enrichment (sentences, entities, quotes, dates).

Steps:
1. cut very long texts into paragraph-aligned chunks (spaCy's parser needs memory
   in proportion to the text; news articles are one chunk);
2. run the shared spaCy pipeline over the chunks in batches (models load once);
3. per chunk: sentences, entities with canonical names, quotes with speakers, dates
   normalised against the article's publication date;
4. shift chunk offsets back into the article's text;
5. entities of the photo/video captions, kept apart (no fact or quote comes from a caption).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from ..model import Article, Enrichment, Sentence
from .dates import find_dates
from .entities import find_entities
from .nlp import load_nlp
from .quotes import find_quotes

# Bump when any enrich step changes, so that stored results are recomputed.
ENRICH_VERSION = 16  # 3: speaker and date rules of issue 13; 4: their second pass; 5: third (speakers); 6: surnames (entities); 7: fifth pass (speakers); 8: quotation marks written as two apostrophes, a surname tagged as a place that speaks; 9: sixth pass (speakers); 10: seventh pass (speakers) and a quote resumed after an attribution that ends its sentence keeps the full stop; 11: a one-word name mostly tagged a place is a place, a courtesy title picks the full name of its gender (entities); 12: a fitted ranker weighs the he/she antecedents across sentences (speakers); 13: a sentence-opening adverb or conjunction is trimmed off a name ("Certainly Donald Trump"; entities), the last subject looked for 150 tokens back, a name described as a person is one (speakers); 14: a name tagged PERSON that the article uses as a place or an organisation is one ("X Street", "X" beside "X Elementary School", "X, the news agency", "in X" where X is tagged a place elsewhere; entities), a street is no untagged name, "spokesman" and "chairman" before a name say no gender (speakers); 15: binding stops at a quotation, a reporting verb hung beside the main clause has a sentence subject, "As for X, he ...", another first name before a known surname is another person, a preposition or conjunction made a subject speaks for no one, an office ("the senator said") does not point back to a name in the clause it reports (speakers); 16: reported speech told before its verb ("..., she said.") is an indirect quote with its speaker, a pronoun only when it names who spoke just before (quotes)
# Characters per spaCy doc. A news article is 2-20k characters; past 100k the parser's
# memory grows to hundreds of MB, so longer texts are cut at paragraph breaks.
CHUNK_CHARS = 100_000


def chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) cut at paragraph breaks (or, failing that, at ``size``)."""
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n\n", start, end)
            if cut <= start:
                cut = max(text.rfind(" ", start, end), start + size // 2)
            end = cut
        out.append((start, text[start:end]))
        start = end
    return out or [(0, "")]


def _shift(records, offset: int):
    if not offset:
        return tuple(records)
    out = []
    for r in records:
        changes = {"start": r.start + offset, "end": r.end + offset}
        if getattr(r, "speaker_start", None) is not None:
            changes["speaker_start"] = r.speaker_start + offset
            changes["speaker_end"] = r.speaker_end + offset
        out.append(replace(r, **changes))
    return tuple(out)


_SPACE = re.compile(r"\s+")


def _sentences(doc, text: str) -> tuple[Sentence, ...]:
    """The sentences of ``doc`` (as ``doc.sents`` has them), read off arrays: ``doc.sents``
    makes a Python object of every token."""
    from spacy.attrs import IDX, LENGTH, SENT_START

    if not len(doc):
        return ()
    arr = doc.to_array([SENT_START, IDX, LENGTH]).astype("int64")
    bounds = [0, *(i + 1 for i in (arr[1:, 0] == 1).nonzero()[0].tolist()), len(doc)]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        start, end = int(arr[a, 1]), int(arr[b - 1, 1] + arr[b - 1, 2])
        piece = text[start:end]
        if piece.strip():
            out.append(Sentence(start, end, _SPACE.sub(" ", piece).strip()))
    return tuple(out)


def _enrich_doc(doc, text: str, published: str | None, offset: int) -> tuple:
    # ``text`` is the piece the doc was made of: ``doc.text`` would join every token again
    sentences = _sentences(doc, text)
    entities = find_entities(doc, text)
    quotes = find_quotes(doc, entities)
    dates = find_dates(text, published, doc=doc)
    return (_shift(sentences, offset), _shift(entities, offset), _shift(quotes, offset), _shift(dates, offset))


def enrich_articles(articles: Iterable[Article], batch_size: int = 16) -> Iterator[Enrichment]:
    """Enrichment of each article, in order, streamed; the spaCy model loads once."""
    nlp = load_nlp()

    def pieces() -> Iterator[tuple[str, tuple[str, Article, int | None, bool]]]:
        # (text, (text, article, offset or None for the captions, last piece of the article))
        for article in articles:
            parts = chunks(article.text)
            captions = "\n\n".join(article.captions)
            for i, (offset, piece) in enumerate(parts):
                yield piece, (piece, article, offset, i == len(parts) - 1 and not captions)
            if captions:
                yield captions, (captions, article, None, True)

    acc: list[tuple] = []
    caption_entities: tuple = ()
    for doc, (text, article, offset, last) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size):
        if offset is None:
            caption_entities = find_entities(doc, text)
        else:
            acc.append(_enrich_doc(doc, text, article.published, offset))
        if last:
            yield Enrichment(
                article_id=article.id,
                sentences=tuple(x for part in acc for x in part[0]),
                entities=tuple(x for part in acc for x in part[1]),
                quotes=tuple(x for part in acc for x in part[2]),
                dates=tuple(x for part in acc for x in part[3]),
                caption_entities=caption_entities,
            )
            acc, caption_entities = [], ()
