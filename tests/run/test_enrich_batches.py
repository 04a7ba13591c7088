"""The enrich runner reads each batch's articles from the store in one query."""

from __future__ import annotations

import pytest

from storyscope.errors import NotFound


def test_a_batch_of_articles_is_read_at_once_in_the_order_asked(sample_store):
    store, _, _ = sample_store
    ids = [a.id for a in store.iter_articles()]
    assert len(ids) >= 3
    order = ids[::-1] + ids[:1]  # reversed, one asked twice
    got = store.get_articles(order)
    assert [a.id for a in got] == order
    assert got == [store.get_article(i) for i in order]  # the very records, captions and all
    assert store.get_articles([]) == []
    with pytest.raises(NotFound, match="no article 'nope'"):
        store.get_articles([ids[0], "nope"])
