"""Stories and briefs, read from the store."""

from __future__ import annotations

from collections.abc import Iterator

from ..compare import build_brief
from ..config import Config
from ..model import Article, Brief, Story
from ..store import Store
from .enrich import enrichments_for


def _story(story_id: str, articles: list[Article]) -> Story:
    dates = sorted(a.published for a in articles if a.published)
    outlets: list[str] = []
    for a in articles:
        if a.outlet and a.outlet not in outlets:
            outlets.append(a.outlet)
    # The earliest article's headline names the story: it broke the news.
    first = min(enumerate(articles), key=lambda ia: (ia[1].published or "9999", ia[0]))[1]
    return Story(
        id=story_id,
        title=" ".join((first.title or first.text[:100]).split()),
        article_ids=tuple(a.id for a in articles),
        outlets=tuple(outlets),
        first_published=dates[0] if dates else None,
        last_published=dates[-1] if dates else None,
    )


def iter_stories(store: Store) -> Iterator[tuple[Story, int]]:
    """(story, independent source count) for every story, biggest first."""
    rows = sorted(store.story_rows(), key=lambda r: (-len(r[1]), r[0]))
    for story_id, ids in rows:
        articles = [store.get_article(a) for a in ids]
        copies = store.syndication(ids)
        yield _story(story_id, articles), len(ids) - len(copies)


def story_brief(store: Store, config: Config, story_id: str) -> Brief:
    """The cross-source brief of one story (enriching its articles first if needed)."""
    ids = store.story_article_ids(story_id)
    articles = [store.get_article(a) for a in ids]
    enrichments = {e.article_id: e for e in enrichments_for(store, config, ids)}
    items = [(a, enrichments[a.id]) for a in articles if a.id in enrichments]
    return build_brief(_story(story_id, articles), items, independent=store.syndication(ids))
