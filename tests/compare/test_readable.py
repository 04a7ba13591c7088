"""Every text a brief shows can be read on its own: no clause cut out of a sentence, no
piece that opens with a conjunction or in lower case, no summary sentence that leans on
one the reader never saw.

Swept over every story of the bundled samples (ingested as ``storyscope demo`` does) and
the ECB+ church-fire story of benchmarks/gold, whose articles are in tests/data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from storyscope.compare import build_brief
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
def briefs(sample_store):
    store, config, _ = sample_store
    out = [story_brief(store, config, s.id).data for s, _ in iter_stories(store)]
    bench = brief_bench()
    gold = json.loads((ROOT / "benchmarks" / "gold" / "ecb_13_church.json").read_text(encoding="utf-8"))
    with open(ECB_SAMPLE, encoding="utf-8") as fh:
        ecb = {d["id"]: d for d in map(json.loads, fh)}
    arts = bench.load_story(gold, ROOT, ecb)
    out.append(build_brief(bench.story_of(gold, arts), list(zip(arts, enrich(arts)))).data)
    story, items = seed_items()
    out.append(build_brief(story, list(items)).data)
    assert len(out) >= 4
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
    """A fact is a whole sentence of its article: what precedes it in the sentence ends a
    sentence, and it ends one itself unless it runs to the sentence's end."""
    for brief in briefs:
        for fact in brief["facts"]:
            text = fact["text"]
            sentences = [s["sentence"] for s in fact["support"] if text in s["sentence"]]
            assert sentences, text
            sentence = sentences[0]
            at = sentence.index(text)
            before, after = sentence[:at], sentence[at + len(text):]
            assert not before.strip(" \u2014\u2013-:;,.") or _SENTENCE_END_RE.search(before), (before, text)
            assert not after.strip() or _SENTENCE_END_RE.search(text), (text, after)


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
