"""Every text a brief shows can be read on its own: no clause cut out of a sentence, no
piece that opens with a conjunction or in lower case, no summary sentence that leans on
one the reader never saw.

Swept over every story of the bundled samples (ingested as ``storyscope demo`` does),
every ECB+ story in tests/data (12 stories) and the seed pair. The ECB+ briefs also
check that each name has one type per story.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from storyscope.compare import build_brief
from storyscope.compare.place_cues import place_types
from storyscope.run.stories import iter_stories, story_brief

from compare_helpers import brief_bench, enrich, seed_items

ROOT = Path(__file__).resolve().parents[2]
ECB_SAMPLE = ROOT / "tests" / "data" / "ecbplus_sample.jsonl"

# a sentence may open with a subordinate clause ("While the rockets landed harmlessly,
# they ..."); one that opens with a coordinating conjunction answers a sentence before it
_CONJUNCTION_RE = re.compile(r"(?:and|but|or|nor)\b", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"[.!?][\"\u201d\u2019')]*\s*$")
_PRONOUN_RE = re.compile(r"(?:he|she|they|it|his|her|their|its|this|these|those)\b", re.IGNORECASE)
_PRONOUN_SPEAKER_RE = re.compile(r"\b(?:he|she|they|it)\s+(?:said|says|added|told)\b")
_OPEN_QUOTE = "\"\u201c'\u2018"


@pytest.fixture(scope="module")
def briefs(sample_store, ecb_briefs):
    store, config, _ = sample_store
    out = [story_brief(store, config, s.id).data for s, _ in iter_stories(store)]
    out += [brief for brief, _ in ecb_briefs]
    story, items = seed_items()
    out.append(build_brief(story, list(items)).data)
    assert len(out) >= 14
    return out


@pytest.fixture(scope="module")
def ecb_briefs():
    """The brief of every ECB+ story in tests/data (12 stories, 155 articles), with the
    enrichments it was built from."""
    bench = brief_bench()
    stories: dict[str, list[dict]] = {}
    with open(ECB_SAMPLE, encoding="utf-8") as fh:
        for d in map(json.loads, fh):
            stories.setdefault(d["story"], []).append(d)
    out = []
    for story_id, docs in sorted(stories.items()):
        # ECB+'s date field is free text ("Published : 2012.08.08 09 : 01 AM"): dates
        # that are no ISO date are left out, as the extract stage would leave them
        docs = [{**d, "date": d["date"] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d["date"] or "") else None}
                for d in docs]
        gold = {"story": story_id, "title": story_id, "source": "ecbplus", "articles": [{"id": d["id"]} for d in docs]}
        arts = bench.load_story(gold, ROOT, {d["id"]: d for d in docs})
        enrichments = enrich(arts)
        out.append((build_brief(bench.story_of(gold, arts), list(zip(arts, enrichments))).data, enrichments))
    assert len(out) == 12
    return out


def _shown(brief: dict) -> list[str]:
    texts = [f["text"] for f in brief["facts"]] + [s["text"] for s in brief["summary"]]
    for c in brief["coverage"]:
        texts += c["unique_facts"] + c["omitted_facts"]
    return texts


def test_no_text_opens_with_a_conjunction_or_in_lower_case(briefs):
    for brief in briefs:
        for text in _shown(brief):
            assert not text[:1].islower(), text
            assert not _CONJUNCTION_RE.match(text), text


def test_no_fact_is_a_clause_cut_from_its_sentence(briefs):
    """A fact is a whole sentence of an article it cites: what precedes it in that
    sentence ends a sentence, and it ends one itself unless it runs to the sentence's end.
    (Another outlet's sentence may hold it with more around it: a headline run into the
    first sentence, say.)"""

    def whole(text: str, sentence: str) -> bool:
        at = sentence.index(text)
        before, after = sentence[:at], sentence[at + len(text):]
        return ((not before.strip(" \u2014\u2013-:;,.") or bool(_SENTENCE_END_RE.search(before)))
                and (not after.strip() or bool(_SENTENCE_END_RE.search(text))))

    for brief in briefs:
        for fact in brief["facts"]:
            text = fact["text"]
            sentences = [s["sentence"] for s in fact["support"] if text in s["sentence"]]
            assert sentences, text
            assert any(whole(text, s) for s in sentences), (text, sentences[0])


def test_summary_sentences_stand_alone(briefs):
    """No pronoun for a subject nobody named, no quotation without its speaker, and the
    first sentence names who or what the story is about."""
    for brief in briefs:
        summary = [s["text"] for s in brief["summary"]]
        assert summary
        for text in summary:
            assert not _PRONOUN_RE.match(text), text
            assert text[:1] not in _OPEN_QUOTE, text
            assert not _PRONOUN_SPEAKER_RE.search(text), text
        first = summary[0]
        assert re.search(r"\b[A-Z][a-z]", first[1:]), first


def test_each_name_has_one_type_per_story(ecb_briefs):
    """A name is one entity of one type in a story's brief, however the model labelled its
    mentions; and the type is the one most outlets gave it, or the place its context marks."""
    for brief, enrichments in ecb_briefs:
        typed: dict[str, str] = {}
        for e in brief["entities"]:
            for name in (e["name"], *e["aliases"]):
                assert name not in typed, (name, typed.get(name), e["type"])
                typed[name] = e["type"]
        # for a name every outlet labels the same way, the brief keeps that label
        labels: dict[str, set[str]] = {}
        for en in enrichments:
            for m in en.entities:
                labels.setdefault(m.canonical, set()).add(m.label)
        lone = [e for e in brief["entities"] if not e["aliases"] and len(labels.get(e["name"], ())) == 1]
        assert lone
        # ... unless the context marks it as a place the model took for something else
        places = place_types(enrichments)
        for e in lone:
            assert e["type"] == places.get(e["name"], next(iter(labels[e["name"]]))), e
