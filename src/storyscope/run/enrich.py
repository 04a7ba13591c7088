"""Enrich runner: compute and store the deep NLP results of articles that lack them.

The articles are read from the store in the driver, in ingest order, and cut into batches of a
fixed size; the engine (run/engines.py) enriches the batches, in parallel when it has several
workers (each loads the spaCy model once), and gives them back in order; the driver stores each
batch's results in one transaction. The batches are the same whatever the engine, so the enrichment is too. A run resumes
where one before it stopped: only articles with no stored enrichment of this version are done.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..config import Config
from ..enrich.pipeline import ENRICH_VERSION, enrich_articles
from ..model import Article, Enrichment
from ..store import Store
from ..store.sqlite import EnrichmentRow, enrichment_row
from .engines import LOCAL, Engine, batched, ordered_map

# spaCy batches (config.enrich_batch articles) per batch handed to a worker
_SPACY_BATCHES_PER_TASK = 4


def enrich_batch(job: tuple[list[Article], int]) -> list[EnrichmentRow]:
    """The enrichment of each article of a batch in the store's form (run by the engine's workers:
    the JSON and the index rows are made there, so the driver only writes them)."""
    articles, spacy_batch = job
    return [enrichment_row(e) for e in enrich_articles(articles, batch_size=spacy_batch)]


def _warm(job: tuple[list[Article], int]) -> None:
    """Loads what ``enrich_batch`` needs (spaCy, compiled code): the first article of a batch."""
    articles, spacy_batch = job
    enrich_batch((articles[:1], spacy_batch))


def missing(store: Store, article_ids: Iterable[str] | None = None) -> list[str]:
    """Ids of the given (default: all) articles with no enrichment of this version, in ingest order."""
    return store.missing_enrichments(ENRICH_VERSION, article_ids)


def enrich_missing(
    store: Store, config: Config, article_ids: Iterable[str] | None = None, engine: Engine = LOCAL
) -> Iterator[str]:
    """Enrich the given (default: all) articles not yet enriched; yields each id as it is stored."""
    wanted = missing(store, article_ids)
    # the same batches for every engine: spaCy's batches, and so its numbers, are the same too;
    # each batch's articles read from the store in one query
    size = config.enrich_batch * _SPACY_BATCHES_PER_TASK
    jobs = ((store.get_articles(ids), config.enrich_batch) for ids in batched(wanted, size))
    for rows in ordered_map(enrich_batch, jobs, engine, warm=_warm):
        # one transaction per batch: a crash loses at most the batch, which the next run redoes
        store.put_enrichment_rows(rows, ENRICH_VERSION)
        for row in rows:
            yield row.article_id


def enrichments_for(store: Store, config: Config, article_ids: list[str]) -> list[Enrichment]:
    """Stored enrichments of these articles, computing any that are missing first."""
    for _ in enrich_missing(store, config, article_ids):
        pass
    found = [store.get_enrichment(a, ENRICH_VERSION) for a in article_ids]
    return [e for e in found if e is not None]
