"""A short title in quotation marks (a headline, a cover line) is no fragment of a person's
words: it is not merged as a variant of a longer quote (compare/quotes.py). Sentences
written for this test."""

from __future__ import annotations

from storyscope.compare.quotes import QuoteRef, is_title, match_quotes, recover_quotes
from storyscope.model import Quote

SPOKEN = "Nobody should ever call me the Iron Chancellor again, I was elected to listen"


def _ref(aid: str, text: str, speaker: str | None, kind: str = "direct") -> QuoteRef:
    return QuoteRef(aid, aid, Quote(speaker, text, kind, 0, len(text)), speaker)


def test_titles_are_told_from_spoken_words():
    assert is_title("The Iron Chancellor")
    assert is_title("Gone With the Wind")
    assert not is_title("the Iron Chancellor again")  # a spoken fragment: "again" is lower case
    assert not is_title("increasing and specific")
    assert not is_title(SPOKEN)


def test_a_headline_is_not_a_variant_of_a_quote():
    refs = [_ref("a", SPOKEN, "Anna Weber"), _ref("b", "The Iron Chancellor", None, "partial")]
    quotes = match_quotes(refs)
    assert len(quotes) == 2
    assert all(len(q.article_ids) == 1 for q in quotes)
    # a spoken fragment of the same words still matches
    quotes = match_quotes([_ref("a", SPOKEN, "Anna Weber"),
                           _ref("c", "elected to listen", None, "partial")])
    assert len(quotes) == 1 and quotes[0].article_ids == ("a", "c")


def test_the_same_title_in_two_outlets_is_one_and_is_not_recovered_into_a_quote():
    quotes = match_quotes([_ref("a", "The Iron Chancellor", None, "partial"),
                           _ref("b", "The Iron Chancellor", None, "partial")])
    assert len(quotes) == 1 and quotes[0].article_ids == ("a", "b")
    text = 'The magazine ran the cover line "The Iron Chancellor" on Monday.'
    assert recover_quotes({"b": ("b", text)}, [_ref("a", SPOKEN, "Anna Weber")]) == []
    spoken = 'Critics repeated her words, "elected to listen", all week.'
    assert len(recover_quotes({"b": ("b", spoken)}, [_ref("a", SPOKEN, "Anna Weber")])) == 1
