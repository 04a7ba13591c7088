"""The shortcuts that make extraction cheaper keep its results: each is checked against the
slow form it replaced, on real text (tests/data) or on every input there is."""

from __future__ import annotations

import json
import re
from pathlib import Path

from storyscope.extract.html import _looks_garbled, _options
from storyscope.extract.pipeline import content_hash
from storyscope.extract.plaintext import _n_words, _words, clean_text

ECB = Path(__file__).parents[1] / "data" / "ecbplus_sample.jsonl"


def _texts() -> list[str]:
    return [json.loads(x)["text"] for x in ECB.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_content_hash_is_the_one_stored_before():
    # stores hold hashes made as below: a copy ingested later must still meet its twin
    import hashlib

    def before(text: str) -> str:
        normalised = re.sub(r"\W+", " ", text.casefold(), flags=re.UNICODE).strip()
        return hashlib.sha256(normalised.encode("utf-8")).hexdigest()

    texts = _texts() + ["  «Straße» — ÉCOLE…\n\n“quoted”, l'été! ", "", "?!", "x", "İstanbul ß ﬁ"]
    assert [content_hash(t) for t in texts] == [before(t) for t in texts]


def test_garbled_pages_are_judged_as_character_by_character():
    def before(head: str) -> bool:
        return sum(1 for ch in head if ch == "\ufffd" or (ch < " " and ch not in "\t\n\r\f")) > 0.05 * len(head)

    for code in range(0x40):
        head = "<p>" + chr(code) * 10 + "</p>"
        assert _looks_garbled(head) == before(head), code
    for head in ("\ufffd" * 3 + "a" * 57, "\ufffd" * 3 + "a" * 56, "<html>\t\n\r\f</html>"):
        assert _looks_garbled(head) == before(head)
    assert _looks_garbled("\x00\x01\x02 binary") and not _looks_garbled("<html>\n<p>text</p>\n</html>")


def test_trafilatura_options_are_those_bare_extraction_builds():
    from trafilatura.settings import Extractor

    url = "https://example.org/2024/05/story.html"
    for fast in (True, False):
        for with_metadata in (True, False):
            # the arguments storyscope passed before, as bare_extraction turns them into options
            built = Extractor(output_format="python", fast=fast, precision=False, recall=False, comments=False,
                              formatting=False, links=False, images=False, tables=True, dedup=False, lang=None,
                              url=url, with_metadata=with_metadata, only_with_metadata=False)
            ours = _options(url, fast, with_metadata)
            assert {k: getattr(ours, k) for k in Extractor.__slots__} == {k: getattr(built, k) for k in Extractor.__slots__}
    assert _options(None, True, True).source is None


def test_capped_word_count_counts_as_far_as_needed():
    for text in _texts():
        for line in [text, text[:80], text[:15], ""]:
            n = len(_words(line))
            for cap in (0, 4, 25, 80):
                assert _n_words(line, cap) == min(n, cap + 1)


def test_language_is_asked_only_of_bodies_with_a_link_candidate(monkeypatch):
    from storyscope.extract import language

    asked = []
    real = language.detect_language
    monkeypatch.setattr(language, "detect_language", lambda text: asked.append(text) or real(text))
    long = ("The council met on Tuesday evening and voted on the new budget for the city's "
            "schools, roads and parks after a debate that lasted more than four hours in all.")
    clean_text(f"{long}\n\n{long}\n\n{long}")
    assert asked == []  # no headline-like paragraph between long ones: nothing to ask
    result = clean_text(f"{long}\n\nMayor unveils plan for new city park\n\n{long}")
    assert len(asked) == 1
    assert "Mayor unveils plan for new city park" not in result.paragraphs  # English: a link
    german = ("Der Stadtrat hat am Dienstagabend über den neuen Haushalt für die Schulen, Straßen "
              "und Parks der Stadt abgestimmt, nach einer Debatte von mehr als vier Stunden.")
    result = clean_text(f"{german}\n\nBürgermeister stellt Plan für neuen Park vor\n\n{german}")
    assert "Bürgermeister stellt Plan für neuen Park vor" in result.paragraphs  # the tense test reads English only
