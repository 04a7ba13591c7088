"""Frozen records that flow between the stages.

Every stage is a plain function from one kind of record to another; the store
persists them. Offsets (``start``, ``end``) are character offsets into
``Article.text``, the extracted main text that every later stage works on.
Dates are ISO strings (``YYYY-MM-DD``) or TimeML-style values (``2018-09``,
``2018-W39``) so that they serialise to JSON and SQLite without conversion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

QuoteKind = Literal["direct", "partial", "indirect"]
FactStatus = Literal["corroborated", "single-source", "disputed"]


@dataclass(frozen=True)
class RawDoc:
    """One input item as it arrived, before extraction.

    Exactly one of ``text`` or ``html`` is set. Metadata given by the source
    (a JSONL record, a sidecar file, a feed item) wins over what extraction finds.
    """

    id: str
    source: str  # where it came from: a path, "path:line" or a URL
    text: str | None = None
    html: str | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO date or datetime
    author: str | None = None


@dataclass(frozen=True)
class Article:
    """An extracted article: clean main text plus metadata."""

    id: str
    text: str
    title: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) when known
    author: str | None = None
    outlet: str | None = None
    url: str | None = None
    language: str | None = None
    source: str | None = None
    content_hash: str = ""
    # Photo and video captions, credits removed: not body text (no fact or quote comes
    # from them), but who appears in them is named in the article.
    captions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class EntityMention:
    """One mention of a named entity in an article."""

    text: str
    label: str  # PERSON, ORG, GPE, LOC, NORP, FAC, EVENT ...
    start: int
    end: int
    canonical: str  # the article-level canonical name ("Pompeo" -> "Mike Pompeo")


@dataclass(frozen=True)
class Quote:
    """Who said what. ``text`` is the quoted content without its quotation marks."""

    speaker: str | None
    text: str
    kind: QuoteKind
    start: int
    end: int
    cue: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None


@dataclass(frozen=True)
class DateMention:
    """A time expression normalised against the article's publication date."""

    text: str
    value: str  # TimeML-style: 2018-09-28, 2018-09, 2018-W39, 2018, PAST_REF ...
    start: int
    end: int


@dataclass(frozen=True)
class Enrichment:
    """What the deep NLP stage found in one article; computed once and stored."""

    article_id: str
    sentences: tuple[Sentence, ...] = ()
    entities: tuple[EntityMention, ...] = ()
    quotes: tuple[Quote, ...] = ()
    dates: tuple[DateMention, ...] = ()
    # entities named in the captions; offsets index "\n\n".join(Article.captions)
    caption_entities: tuple[EntityMention, ...] = ()


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    article_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    first_published: str | None
    last_published: str | None


@dataclass(frozen=True)
class ItemStatus:
    """The outcome for one input item of a batch run: stored, skipped or rejected, and why."""

    item: str
    status: Literal["stored", "duplicate", "rejected"]
    reason: str = ""
    article_id: str | None = None


# The brief and its parts are frozen records of their own module (brief_records.py),
# re-exported here with the other records.
from .brief_records import Brief  # noqa: E402
