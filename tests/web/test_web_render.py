"""The app's own HTML pieces: highlighted article text and the timeline chart escape what they show."""

from __future__ import annotations

from storyscope.model import DateMention, Enrichment, EntityMention, Quote
from storyscope.web.highlight import find_sentence, marked_text
from storyscope.web.timeline import timeline_svg, to_date

TEXT = 'The mayor said "<b>we are ready</b>" on Tuesday.\nOfficials in  Marlow\nagreed.'


def test_sentence_found_across_respacing():
    assert find_sentence(TEXT, "Officials in Marlow agreed.") == (TEXT.index("Officials"), len(TEXT))
    assert find_sentence(TEXT, "not in the text") is None and find_sentence(TEXT, "   ") is None


def test_marks_nest_and_escape():
    q = TEXT.index("<b>")
    e = Enrichment("a", entities=(EntityMention("Marlow", "GPE", TEXT.index("Marlow"), TEXT.index("Marlow") + 6,
                                                "Marlow <Town>"),),
                   quotes=(Quote("mayor", "<b>we are ready</b>", "direct", q, q + 19),),
                   dates=(DateMention("Tuesday", "2024-03-05", TEXT.index("Tuesday"), TEXT.index("Tuesday") + 7),))
    html, found = marked_text(TEXT, e, "Officials in Marlow agreed.")
    assert found
    assert '<span class="quote">&lt;b&gt;we are ready&lt;/b&gt;</span>' in html
    assert '<span class="date">Tuesday</span>' in html
    assert ('<mark id="hl" class="hl">Officials in  <a class="ent" href="/entities/Marlow%20%3CTown%3E" '
            'title="Marlow &lt;Town&gt;">Marlow</a>\nagreed.</mark>') in html
    assert "<b>" not in html
    plain, found = marked_text(TEXT, None, "absent")
    assert not found and str(plain) == TEXT.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def test_timeline_places_dates_and_escapes():
    items = [{"date": "2018-09-28", "text": "Consulate <closed>", "article_ids": ["a&b"],
              "support": [{"article_id": "a&b", "sentence": "x"}]},
             {"date": "2018-W39", "text": "week", "article_ids": []},
             {"date": "PAST_REF", "text": "earlier", "article_ids": []}]
    svg, undated = timeline_svg(items)
    assert svg.count("<circle") == 2 and [u["text"] for u in undated] == ["earlier"]
    assert "&lt;closed&gt;" in svg and "<closed>" not in svg
    assert 'href="/articles/a%26b?hl=x#hl"' in svg
    assert to_date("2018-W39").isoformat() == "2018-09-24" and to_date("2018-13") is None
