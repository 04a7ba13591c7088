"""The timeline places each article sentence once, at the date of what it reports, on the
seed articles' own text (RFE/RL 2018-09-29, Washington Post 2018-09-28)."""

from __future__ import annotations

from compare_helpers import RFERL, WAPO, seed_article

from storyscope.compare.timeline import dated_units, sentence_date
from storyscope.compare.units import make_units
from storyscope.enrich.dates import find_dates
from storyscope.model import Enrichment


def _dated(aid: str, published: str):
    article = seed_article(aid, published, "outlet")
    dates = find_dates(article.text, published)
    # no parse: the units fall back to punctuation sentences, which is all the timeline needs
    units = make_units(article, Enrichment(aid, (), (), (), dates), aid, {}, 0)
    return units, dates, dated_units({aid: units}, {aid: dates})


def test_one_entry_per_sentence_on_both_seed_articles():
    for aid, published in ((RFERL, "2018-09-29"), (WAPO, "2018-09-28")):
        units, dates, dated = _dated(aid, published)
        positions = [d.unit.position for d in dated]
        assert positions and len(positions) == len(set(positions))
        # every sentence holding a calendar date is still on the timeline
        dated_sentences = {u.position for u in units for m in dates
                           if u.start <= m.start < u.end and m.value[:1].isdigit() and "W" not in m.value}
        assert dated_sentences == set(positions)


def test_a_sentence_with_three_dates_is_placed_at_its_event():
    # "his move in May to withdraw ... from Iran's 2015 nuclear deal ... slump this year":
    # three dates, one entry; the 2015 only names the deal
    units, _, dated = _dated(RFERL, "2018-09-29")
    entry = [d for d in dated if "2015 nuclear deal" in d.unit.sentence]
    assert len(entry) == 1
    assert entry[0].value == "2018-05" and entry[0].mention.text == "May"


def test_a_coming_event_is_dated_forward_on_the_timeline():
    # a real sentence (PolNeAR train), with a publication date of our own (a Friday): the
    # vote it awaits is the coming Tuesday, not the one before publication
    sentence = "Polls there show Trump is trailing Ted Cruz just ahead of Tuesday's vote."
    units, dates, dated = _text_units(sentence, "2016-01-29")
    assert [d.value for d in dated] == ["2016-02-02"]
    assert sentence_date(units[0], list(dates)).text == "Tuesday"


def _text_units(text: str, published: str):
    from storyscope.model import Article

    article = Article(id="a", text=text, title="t", published=published, outlet="o", language="en")
    dates = find_dates(text, published)
    units = make_units(article, Enrichment("a", (), (), (), dates), "a", {}, 0)
    return units, dates, dated_units({"a": units}, {"a": dates})
