"""The brief of one story as frozen records: what the compare stage writes and every
renderer reads. ``Brief.to_dict`` gives the JSON of ``schema/brief.schema.json`` (the
contract with other programs), ``Brief.from_dict`` reads it back.

Lists are tuples (the records are frozen); in the JSON they are arrays. A quote's
``variants`` is left out of the JSON when there are none, as the schema has always had it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Literal

FactStatus = Literal["corroborated", "single-source", "disputed"]
DisagreementKind = Literal["denial", "number", "attribution"]


@dataclass(frozen=True)
class StoryHeader:
    id: str
    title: str
    first_published: str | None
    last_published: str | None


@dataclass(frozen=True)
class Source:
    """One article of the story, compared or not."""

    article_id: str
    outlet: str | None
    title: str | None
    published: str | None
    url: str | None


@dataclass(frozen=True)
class Cited:
    """A sentence of one article: a fact's support, an entity's context."""

    article_id: str
    sentence: str
    # who speaks, for a support sentence that names its speaker by a pronoun or not at all
    # ("He said that Washington is working with Iraqi forces ..."), as BriefFact.speaker
    speaker: str | None = None


@dataclass(frozen=True)
class SummaryLine:
    text: str
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class BriefFact:
    text: str
    article_ids: tuple[str, ...]
    status: FactStatus
    support: tuple[Cited, ...] = ()  # each article's own sentence behind the fact
    # who speaks, for a fact that names its speaker by a pronoun or not at all ("“I have made
    # clear ...”", "She said ..."): the reader of a one-source list sees no paragraph before it
    speaker: str | None = None


@dataclass(frozen=True)
class Variant:
    """One outlet's own wording of a quote."""

    article_id: str
    text: str


@dataclass(frozen=True)
class BriefQuote:
    speaker: str | None
    text: str
    article_ids: tuple[str, ...]
    variants: tuple[Variant, ...] = ()  # only when the outlets' wordings differ


@dataclass(frozen=True)
class BriefEntity:
    name: str
    type: str
    aliases: tuple[str, ...]
    article_ids: tuple[str, ...]
    mentions: int
    sentences: tuple[Cited, ...] = ()


@dataclass(frozen=True)
class TimelineEntry:
    date: str
    text: str
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class Position:
    """One side of a disagreement."""

    speaker: str | None
    text: str
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class Disagreement:
    topic: str
    kind: DisagreementKind
    positions: tuple[Position, ...]


@dataclass(frozen=True)
class OutletCoverage:
    outlet: str | None
    article_ids: tuple[str, ...]
    unique_facts: tuple[str, ...]
    omitted_facts: tuple[str, ...]
    voices: tuple[str, ...]


@dataclass(frozen=True)
class Brief:
    """The cross-source brief of one story; sections in reading order."""

    story: StoryHeader
    sources: tuple[Source, ...] = ()
    independent_sources: int = 0
    summary: tuple[SummaryLine, ...] = ()
    facts: tuple[BriefFact, ...] = ()
    quotes: tuple[BriefQuote, ...] = ()
    entities: tuple[BriefEntity, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    coverage: tuple[OutletCoverage, ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """The JSON-ready brief (``schema/brief.schema.json``)."""
        return _plain(self)

    @property
    def data(self) -> dict:
        """The JSON-ready brief, as ``to_dict`` (kept for callers of the mapping form)."""
        return self.to_dict()

    @classmethod
    def from_dict(cls, d: dict) -> Brief:
        """Read a brief back from its JSON form."""
        def ids(x) -> tuple[str, ...]:
            return tuple(x or ())

        return cls(
            story=StoryHeader(**{k: d["story"].get(k) for k in ("id", "title", "first_published", "last_published")}),
            sources=tuple(Source(s["article_id"], s.get("outlet"), s.get("title"), s.get("published"), s.get("url"))
                          for s in d.get("sources", ())),
            independent_sources=d.get("independent_sources", len(d.get("sources", ()))),
            summary=tuple(SummaryLine(s["text"], ids(s["article_ids"])) for s in d.get("summary", ())),
            facts=tuple(BriefFact(f["text"], ids(f["article_ids"]), f["status"],
                                  tuple(Cited(c["article_id"], c["sentence"], c.get("speaker")) for c in f.get("support", ())),
                                  f.get("speaker"))
                        for f in d.get("facts", ())),
            quotes=tuple(BriefQuote(q["speaker"], q["text"], ids(q["article_ids"]),
                                    tuple(Variant(v["article_id"], v["text"]) for v in q.get("variants", ())))
                         for q in d.get("quotes", ())),
            entities=tuple(BriefEntity(e["name"], e["type"], ids(e["aliases"]), ids(e["article_ids"]),
                                       e.get("mentions", 1),
                                       tuple(Cited(c["article_id"], c["sentence"]) for c in e.get("sentences", ())))
                           for e in d.get("entities", ())),
            timeline=tuple(TimelineEntry(t["date"], t["text"], ids(t["article_ids"])) for t in d.get("timeline", ())),
            disagreements=tuple(
                Disagreement(x["topic"], x.get("kind", "denial"),
                             tuple(Position(p["speaker"], p["text"], ids(p["article_ids"])) for p in x["positions"]))
                for x in d.get("disagreements", ())),
            coverage=tuple(OutletCoverage(c["outlet"], ids(c["article_ids"]), ids(c["unique_facts"]),
                                          ids(c["omitted_facts"]), ids(c["voices"])) for c in d.get("coverage", ())),
            notes=tuple(d.get("notes", ())),
        )


# fields left out of the JSON when empty (the schema's optional parts, as written before)
_OPTIONAL_EMPTY = {(BriefQuote, "variants"), (BriefFact, "speaker"), (Cited, "speaker")}


def _plain(x: Any) -> Any:
    if is_dataclass(x):
        return {f.name: _plain(getattr(x, f.name)) for f in fields(x)
                if not ((type(x), f.name) in _OPTIONAL_EMPTY and not getattr(x, f.name))}
    if isinstance(x, (tuple, list)):
        return [_plain(v) for v in x]
    return x
