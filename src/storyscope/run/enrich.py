"""Enrich runner: compute and store the deep NLP results of articles that lack them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..config import Config
from ..enrich.pipeline import ENRICH_VERSION, enrich_articles
from ..model import Enrichment
from ..store import Store


def enrich_missing(store: Store, config: Config, article_ids: Iterable[str] | None = None) -> Iterator[str]:
    """Enrich the given (default: all) articles not yet enriched; yields each id as it is stored."""
    wanted = store.missing_enrichments(ENRICH_VERSION, article_ids)
    articles = (store.get_article(a) for a in wanted)
    for enrichment in enrich_articles(articles, batch_size=config.enrich_batch):
        store.put_enrichment(enrichment, ENRICH_VERSION)
        yield enrichment.article_id


def enrichments_for(store: Store, config: Config, article_ids: list[str]) -> list[Enrichment]:
    """Stored enrichments of these articles, computing any that are missing first."""
    for _ in enrich_missing(store, config, article_ids):
        pass
    found = [store.get_enrichment(a, ENRICH_VERSION) for a in article_ids]
    return [e for e in found if e is not None]
