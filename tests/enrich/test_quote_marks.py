"""Two apostrophes (or backticks) stand for a double quotation mark: typewriter and tokeniser
conventions, in wire copy (“...,'' he said”) and in newspaper archives (''It's ...'')."""

from __future__ import annotations

from quote_helpers import nlp, quotes_of, the_quote  # noqa: F401  (nlp is a fixture)


def test_a_quote_closed_by_two_apostrophes_ends_there(nlp):  # noqa: F811
    text = ('Officials said the danger had passed. "We already told people to return to their houses, '
            "'' said Rahimin Kacong, the provincial disaster chief. Hundreds of buildings were damaged.")
    q = the_quote(quotes_of(nlp, text), "We already told")
    assert q.text.rstrip(" ,") == "We already told people to return to their houses"
    assert q.speaker == "Rahimin Kacong"
    assert all("Hundreds" not in x.text for x in quotes_of(nlp, text))


def test_quotes_opened_and_closed_by_two_apostrophes_or_backticks(nlp):  # noqa: F811
    text = ("The plan drew fire from a conservative group. ''It's anti-reform,'' said Alan Cole, its "
            "economist. ``We will fight it,'' the group's director, Maria Lopez, told reporters.")
    quotes = quotes_of(nlp, text)
    assert the_quote(quotes, "It's anti-reform").speaker == "Alan Cole"
    assert the_quote(quotes, "We will fight it").speaker == "Maria Lopez"
