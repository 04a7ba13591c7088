"""Records for the compare tests: the seed pair cleaned by hand and enriched with spaCy.

Named ``compare_helpers`` (not ``conftest``) so that it never shadows the root conftest.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from storyscope.model import Article, DateMention, Enrichment, Quote, Sentence, Story

DATA = Path(__file__).parent / "data"
RFERL = "000_a660c4176bf93f53"
WAPO = "004_30c83ec27df2ac6c"

# Page furniture of the two seed files, dropped by hand here (the extractor's job upstream):
# the RFE/RL tagline and blog comment form, the Post's masthead, photo caption, video
# credit and the inline link to a related story.
_DROP = (
    "RFE/RL journalists report the news", "Leave a Reply", "Your email address will not",
    "The Washington PostDemocracy Dies", "(Essam al-Sudani/Reuters)", "Both are failing.",
)
# the video caption's sentence stays (it is the Post's only "Rouhani"); its credit goes
_CUT = (" (Video: Joyce Lee/The Washington Post)",)


def seed_article(aid: str, published: str, outlet: str) -> Article:
    raw = (DATA / f"{aid}.txt").read_text(encoding="utf-8")
    paras = [p.strip() for p in raw.split("\n") if p.strip()]
    paras = [p for p in paras if not any(d in p for d in _DROP)]
    for cut in _CUT:
        paras = [p.replace(cut, "") for p in paras]
    title, body = paras[0], paras[1:]
    return Article(id=aid, text="\n\n".join(body), title=title, published=published, outlet=outlet,
                   language="en")


def _fallback_enrich(article: Article, doc) -> Enrichment:
    """spaCy sentences and entities; quotes and dates by a crude regex when the enrich
    modules are missing (they are written concurrently by other engineers)."""
    from storyscope.enrich.entities import find_entities

    sents = tuple(Sentence(s.start_char, s.end_char, s.text.strip()) for s in doc.sents if s.text.strip())
    ents = find_entities(doc)
    quotes = tuple(
        Quote(speaker=None, text=m.group(1), kind="direct", start=m.start(), end=m.end())
        for m in re.finditer(r"[\u201c\"]([^\u201d\"]{3,})[\u201d\"]", article.text)
    )
    return Enrichment(article.id, sents, ents, quotes, ())


def enrich(articles: list[Article]) -> list[Enrichment]:
    try:
        from storyscope.enrich.pipeline import enrich_articles
    except ImportError:
        from storyscope.enrich.nlp import load_nlp

        nlp = load_nlp()
        return [_fallback_enrich(a, nlp(a.text)) for a in articles]
    return list(enrich_articles(articles))


@lru_cache(maxsize=1)
def seed_items() -> tuple[Story, tuple[tuple[Article, Enrichment], ...]]:
    arts = [
        seed_article(RFERL, "2018-09-29", "RFE/RL"),
        seed_article(WAPO, "2018-09-28", "The Washington Post"),
    ]
    story = Story("seed", arts[0].title or "", (RFERL, WAPO), ("RFE/RL", "The Washington Post"),
                  "2018-09-28", "2018-09-29")
    return story, tuple(zip(arts, enrich(arts)))


def dated(enrichment: Enrichment, article: Article, phrase: str, value: str) -> Enrichment:
    """A copy of ``enrichment`` with one more hand-made DateMention."""
    i = article.text.index(phrase)
    mention = DateMention(phrase, value, i, i + len(phrase))
    return Enrichment(enrichment.article_id, enrichment.sentences, enrichment.entities,
                      enrichment.quotes, enrichment.dates + (mention,))


@lru_cache(maxsize=1)
def brief_bench():
    """``benchmarks/brief.py`` as a module (its gold loading and scoring), loaded once."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "brief.py"
    spec = importlib.util.spec_from_file_location("brief_bench", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def units_of(texts: dict[str, str]):
    """The compare stage's units of plain articles (no enrichment), numbered across them."""
    from storyscope.compare.units import make_units

    units = []
    for aid, text in texts.items():
        art = Article(id=aid, text=text, language="en")
        units += make_units(art, Enrichment(aid, (), (), (), ()), aid, {}, len(units))
    return units
