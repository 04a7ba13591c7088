"""`storyscope stories` lists every story from one query of titles and dates: it never
reads an article's text, so a store of a million articles lists as fast as its stories."""

from __future__ import annotations

from storyscope.headline import headline
from storyscope.run.stories import iter_stories
from storyscope.store import Store


def test_story_list_reads_no_article(sample_store, monkeypatch):
    store, _, _ = sample_store
    expected = {sid: ids for sid, ids in store.story_rows()}

    def refuse(*_args, **_kw):
        raise AssertionError("the story list read an article")

    monkeypatch.setattr(Store, "get_article", refuse)
    monkeypatch.setattr(Store, "iter_articles", refuse)
    listed = list(iter_stories(store))
    assert {s.id: list(s.article_ids) for s, _ in listed} == expected
    sizes = [len(s.article_ids) for s, _ in listed]
    assert sizes == sorted(sizes, reverse=True)  # biggest first
    for story, independent in listed:
        assert story.title.strip()
        assert 1 <= independent <= len(story.article_ids)
        copies = store.syndication(story.article_ids)
        assert independent == len(story.article_ids) - len(copies)


def test_story_title_is_the_earliest_articles_headline(sample_store):
    store, _, _ = sample_store
    for story, _ in iter_stories(store):
        articles = [store.get_article(a) for a in story.article_ids]
        first = min(enumerate(articles), key=lambda ia: (ia[1].published or "9999", ia[0]))[1]
        assert story.title == headline(first.title, first.text)
        dates = sorted(a.published for a in articles if a.published)
        assert (story.first_published, story.last_published) == ((dates[0], dates[-1]) if dates else (None, None))
