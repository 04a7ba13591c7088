"""Stories and briefs, read from the store."""

from __future__ import annotations

from collections.abc import Iterator

from ..compare import build_brief
from ..config import Config
from ..headline import headline
from ..model import Brief, Story
from ..store import Store
from .enrich import enrichments_for


def _story(story_id: str, articles: list[tuple[str, str | None, str | None, str | None]]) -> Story:
    """A story from its members' (id, title, published, outlet), in ingest order; the
    title is the article's own or the opening of its text."""
    dates = sorted(p for _, _, p, _ in articles if p)
    outlets: list[str] = []
    for _, _, _, outlet in articles:
        if outlet and outlet not in outlets:
            outlets.append(outlet)
    # The earliest article's headline names the story: it broke the news.
    first = min(enumerate(articles), key=lambda ia: (ia[1][2] or "9999", ia[0]))[1]
    return Story(
        id=story_id,
        title=" ".join((first[1] or "").split()),
        article_ids=tuple(a[0] for a in articles),
        outlets=tuple(outlets),
        first_published=dates[0] if dates else None,
        last_published=dates[-1] if dates else None,
    )


def iter_stories(store: Store) -> Iterator[tuple[Story, int]]:
    """(story, independent source count) for every story, biggest first; one query over
    the stories' titles and dates (no article text is read)."""
    rows = sorted(store.story_headers(), key=lambda r: (-len(r[1]), r[0]))
    for story_id, members in rows:
        copies = sum(1 for m in members if m[4])
        yield _story(story_id, [m[:4] for m in members]), len(members) - copies


def story_brief(store: Store, config: Config, story_id: str) -> Brief:
    """The cross-source brief of one story (enriching its articles first if needed)."""
    ids = store.story_article_ids(story_id)
    articles = store.get_articles(ids)
    enrichments = {e.article_id: e for e in enrichments_for(store, config, ids)}
    items = [(a, enrichments[a.id]) for a in articles if a.id in enrichments]
    header = [(a.id, headline(a.title, a.text), a.published, a.outlet) for a in articles]
    return build_brief(_story(story_id, header), items, independent=store.syndication(ids))
