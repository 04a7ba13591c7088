"""extract(RawDoc) -> Article: the seed articles end to end, metadata precedence, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyscope.errors import ExtractionError
from storyscope.extract import content_hash, extract
from storyscope.extract.language import detect_language
from storyscope.model import Article, RawDoc

DATA = Path(__file__).parent / "data"
RFERL = (DATA / "000_a660c4176bf93f53.txt").read_text(encoding="utf-8")
WAPO = (DATA / "004_30c83ec27df2ac6c.txt").read_text(encoding="utf-8")


def test_rferl_seed_as_jsonl_record():
    raw = RawDoc(id="000", source="seed.jsonl:1", text=RFERL, published="2018-09-29")
    article = extract(raw)
    assert isinstance(article, Article)
    assert article.id == "000" and article.source == "seed.jsonl:1"
    assert article.title == "US Closes Consulate In Iraq, Citing ‘Threats’ From Iran"
    assert article.published == "2018-09-29"
    assert article.outlet == "RFE/RL"
    assert article.language == "en"
    assert article.text.startswith("The United States has announced it will close its consulate in Basra")
    assert article.text.endswith("as well as the Iraqi parliament and government buildings.")
    assert "\n\n" in article.text and "\n\n\n" not in article.text
    assert "Leave a Reply" not in article.text


def test_wapo_seed_title_outlet_and_clean_body():
    article = extract(RawDoc(id="004", source="seed/004.txt", text=WAPO, published="2018-09-28T20:00:00Z"))
    assert article.title == "U.S. orders evacuation of diplomats from Iraqi city of Basra, citing threats from Iran"
    assert article.outlet == "The Washington Post"
    assert article.published == "2018-09-28"
    assert article.text.startswith("Secretary of State Mike Pompeo ordered the evacuation")
    assert article.text.endswith("regarding the unacceptability of their behavior,” he said.")
    for junk in ("Democracy Dies in Darkness", "Essam al-Sudani/Reuters", "Joyce Lee"):
        assert junk not in article.text
    # captions are kept apart, without their credits
    assert article.captions == (
        "An Iraqi protester gestures in front of the burning Iranian Consulate in Basra on Sept. 7.",
        "With insults like “Nazi-disposition” and “brutal,” President Trump and Iran’s President Hassan "
        "Rouhani traded criticisms at the 2018 U.N. General Assembly.",
    )


def test_rawdoc_metadata_wins_over_extracted():
    raw = RawDoc(id="w", source="x", text=WAPO, title="Given title", outlet="washingtonpost.com",
                 author="Tamer El-Ghobashy", url="https://www.washingtonpost.com/world/x")
    article = extract(raw)
    assert article.title == "Given title"
    assert article.outlet == "washingtonpost.com"
    assert article.author == "Tamer El-Ghobashy"
    assert article.url == "https://www.washingtonpost.com/world/x"


def test_outlet_falls_back_to_the_url_host():
    text = "\n\n".join(WAPO.split("\n\n")[1:])  # no masthead
    article = extract(RawDoc(id="u", source="x", text=text, url="https://www.example-news.org/a/1"))
    assert article.outlet == "example-news.org"


def test_content_hash_ignores_case_spacing_and_punctuation_style():
    a = content_hash("The consulate  closed.\n\n“Threats,” he said.")
    b = content_hash('the consulate closed. "threats," he said.')
    assert a == b and len(a) == 64
    assert content_hash("The consulate closed.") != content_hash("The embassy closed.")


def test_same_article_twice_gets_same_hash():
    one = extract(RawDoc(id="1", source="a", text=RFERL))
    two = extract(RawDoc(id="2", source="b", text=RFERL.replace("\n\n", "\n \n")))
    assert one.content_hash == two.content_hash


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (RawDoc(id="e", source="x"), "empty item"),
        (RawDoc(id="e", source="x", text="   \n\n "), "empty item"),
        (RawDoc(id="e", source="x", text="Headline only\n\nOne short line."), "too short"),
        (RawDoc(id="e", source="x", text="Leave a Reply\n\nYour email address will not be published."), "too short|no main text"),
    ],
)
def test_unusable_items_raise_extraction_error(raw, reason):
    with pytest.raises(ExtractionError, match=reason):
        extract(raw)


def test_language_detection():
    assert detect_language(RFERL) == "en"
    assert detect_language("La ciudad aprobó ayer un nuevo presupuesto para el transporte público y los autobuses.") == "es"
    assert detect_language("12 34 ...") is None


def _page(canonical: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in WAPO.split("\n\n")[2:12])
    return (f'<html><head><title>Evacuation</title><link rel="stylesheet" href="/s.css">'
            f'<link rel="canonical" href="{canonical}"></head><body><article>{body}</article></body></html>')


def test_the_pages_canonical_link_names_the_article():
    amp = "https://amp.example-news.org/world/evacuation?utm_source=share"
    article = extract(RawDoc(id="c", source=amp, html=_page("/world/evacuation"), url=amp))
    assert article.url == "https://amp.example-news.org/world/evacuation"  # relative, on the page's host
    www = extract(RawDoc(id="c", source=amp, html=_page("https://www.example-news.org/world/evacuation"), url=amp))
    assert www.url == "https://www.example-news.org/world/evacuation"  # same site, another host
    upper = extract(RawDoc(id="c", source=amp, html=_page("https://WWW.Example-News.org/world/evacuation"), url=amp))
    assert upper.url == "https://WWW.Example-News.org/world/evacuation"  # host names ignore case
    from storyscope.ingest.urls import url_key

    assert url_key(article.url) == url_key(www.url) == "example-news.org/world/evacuation"


def test_canonical_links_that_do_not_name_the_page_are_not_taken():
    copy = "https://news.aggregator.example/wire/12345"
    article = extract(RawDoc(id="s", source=copy, html=_page("https://www.example-news.org/world/evacuation"), url=copy))
    assert article.url == copy
    unsafe = extract(RawDoc(id="j", source=copy, html=_page("javascript:alert(1)"), url=copy))
    assert unsafe.url == copy
    article = "https://www.example-news.org/world/evacuation"
    front = extract(RawDoc(id="h", source=article, html=_page("https://www.example-news.org/"), url=article))
    assert front.url == article  # a front page given as every page's canonical link names no article
    from_file = extract(RawDoc(id="f", source="page.html", html=_page("https://www.example-news.org/world/evacuation")))
    assert from_file.url == "https://www.example-news.org/world/evacuation"  # the only address there is
