"""What every page and API route shows, read from the store as plain JSON-ready dicts.

The pages render exactly these dicts and the API returns them, so the two cannot drift.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict
from threading import Lock

from ..enrich.pipeline import ENRICH_VERSION
from ..errors import NotFound, StoryscopeError
from ..store import Store
from .briefs import Pending, Writer, fingerprint

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BadRequest(StoryscopeError):
    """A query parameter the app cannot take (the message says which and why)."""


def page_args(page: str | None, size: str | None = None) -> tuple[int, int]:
    """(page number from 1, page size) from query parameters, checked."""
    try:
        p = int(page or 1)
        n = int(size or PAGE_SIZE)
    except ValueError:
        raise BadRequest("page and per_page must be whole numbers") from None
    if p < 1 or p > 100_000 or not 1 <= n <= MAX_PAGE_SIZE:
        raise BadRequest(f"page must be 1 or more and per_page 1 to {MAX_PAGE_SIZE}")
    return p, n


def day_arg(name: str, value: str | None) -> str | None:
    if not value:
        return None
    if not _ISO_DAY.match(value):
        raise BadRequest(f"{name} must be a date YYYY-MM-DD, got {value[:40]!r}")
    return value


def _row_json(row) -> dict:
    return {"id": row.id, "title": row.title, "articles": row.articles, "independent_sources": row.independent,
            "outlets": list(row.outlets), "first_published": row.first_published,
            "last_published": row.last_published}


def story_list(store: Store, args: dict) -> dict:
    """Stories page / ``/api/stories``: filters q, outlet, entity, since, until; page, per_page."""
    page, size = page_args(args.get("page"), args.get("per_page"))
    q = (args.get("q") or "").strip()[:500]
    filters = {"outlet": (args.get("outlet") or "").strip() or None,
               "entity": (args.get("entity") or "").strip() or None,
               "since": day_arg("since", args.get("since")), "until": day_arg("until", args.get("until"))}
    story_ids = store.search_stories(q) if q else None
    rows, total = store.story_page(story_ids=story_ids, limit=size, offset=(page - 1) * size, **filters)
    return {"q": q, **filters, "page": page, "per_page": size, "total": total,
            "pages": max(1, -(-total // size)), "stories": [_row_json(r) for r in rows]}


def story_detail(store: Store, story_id: str) -> dict:
    """``/api/stories/{id}``: the story's line in the list, its articles and related stories."""
    ids = store.story_article_ids(story_id)  # NotFound for an unknown id
    rows, _ = store.story_page(story_ids=[story_id], limit=1)
    articles = store.get_articles(ids)
    copies = store.syndication(ids)
    return {
        **_row_json(rows[0]),
        "article_list": [{"id": a.id, "title": a.title, "outlet": a.outlet, "published": a.published,
                          "url": a.url, "copy_of": copies.get(a.id)} for a in articles],
        "related": [{"id": other, "score": round(score, 4), "reason": reason}
                    for other, score, reason in store.story_links(story_id)],
    }


def article_detail(store: Store, article_id: str) -> dict:
    """``/api/articles/{id}``: the article, its story and what the NLP stage found in it (if run)."""
    a = store.get_article(article_id)  # NotFound for an unknown id
    enrichment = store.get_enrichment(a.id, ENRICH_VERSION)
    return {
        "id": a.id, "title": a.title, "outlet": a.outlet, "published": a.published, "author": a.author,
        "url": a.url, "language": a.language, "text": a.text, "captions": list(a.captions),
        "story_id": store.stories_of([a.id]).get(a.id),
        "enriched": enrichment is not None,
        "entities": [asdict(e) for e in enrichment.entities] if enrichment else [],
        "quotes": [asdict(q) for q in enrichment.quotes] if enrichment else [],
        "dates": [asdict(d) for d in enrichment.dates] if enrichment else [],
    }


def search(store: Store, args: dict) -> dict:
    """``/api/search?q=``: articles, quotes and brief facts holding every word, best first (newest
    first for a query with very many matches, see store/search.py)."""
    q = (args.get("q") or "").strip()[:500]
    page, size = page_args(args.get("page"), args.get("per_page"))
    hits, total = store.search(q, limit=size, offset=(page - 1) * size)
    out = []
    for h in hits:
        item = {"kind": h.kind, "story_id": h.story_id, "article_id": h.article_id}
        if h.kind == "article":
            item["text"] = h.title  # the headline (the search index keeps it)
        else:
            item["text"] = h.body
            if h.kind == "quote":
                item["speaker"] = h.title
        out.append(item)
    return {"q": q, "page": page, "per_page": size, "total": total, "hits": out}


def entity_detail(store: Store, name: str) -> dict:
    """``/entities/{name}``: the stories that mention the entity, over time, and its wordings.

    Raises NotFound when no enriched article names it."""
    rows = store.entity_mentions(name)
    if not rows:
        raise NotFound(f"no entity named {name!r} in any enriched article")
    aliases: dict[str, int] = {}
    labels: dict[str, int] = {}
    stories: dict[str, dict] = {}
    for alias, label, article_id, published, story_id in rows:
        aliases[alias] = aliases.get(alias, 0) + 1
        labels[label] = labels.get(label, 0) + 1
        if story_id is None:
            continue
        s = stories.setdefault(story_id, {"id": story_id, "articles": [], "first": published, "last": published})
        if article_id not in s["articles"]:
            s["articles"].append(article_id)
        if published:
            s["first"] = min(filter(None, (s["first"], published)))
            s["last"] = max(filter(None, (s["last"], published)))
    ordered = sorted(stories.values(), key=lambda s: (s["first"] or "9999", s["id"]))
    if ordered:
        found, _ = store.story_page(story_ids=[s["id"] for s in ordered], limit=MAX_PAGE_SIZE)
        title = {r.id: r.title for r in found}
        for s in ordered:
            s["title"] = title.get(s["id"], s["id"])
    return {"name": name, "type": max(labels, key=labels.get),
            "aliases": sorted((a for a in aliases if a != name), key=lambda a: (-aliases[a], a)),
            "stories": ordered}


# -- briefs ---------------------------------------------------------------------------------------
class BriefMemo:
    """The last briefs read (or pages drawn), keyed by story and fingerprint (a changed story misses)."""

    def __init__(self, size: int = 256):
        self.size, self._items, self._lock = size, OrderedDict(), Lock()

    def get(self, key: tuple[str, str]) -> dict | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: tuple[str, str], value: dict) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def brief(store: Store, writer: Writer, memo: BriefMemo, story_id: str, wait: float,
          text: bool = False) -> dict | str | Pending:
    """The story's brief (the JSON of ``brief --format json``; as its text with ``text``), or how
    far building it got.

    A brief kept for the story as it now stands is served as it is. Otherwise the writer builds
    it; the request waits up to ``wait`` seconds for that and then answers with the progress.
    """
    ids = store.story_article_ids(story_id)  # NotFound for an unknown id
    key = (story_id, fingerprint(ids))
    if (found := memo.get(key)) is not None:
        return found[1] if text else found[0]
    kept = store.get_brief(story_id)
    if kept is None or kept[0] != key[1]:
        job = writer.progress(story_id)
        if job is not None and job.error is not None:
            writer.forget(story_id)  # shown once; the next visit tries again
            return job
        job, future = writer.build(story_id, ids)
        if future is not None and wait > 0:
            try:
                future.result(timeout=wait)
            except FutureTimeout:
                pass  # still building: the progress says how far
            except Exception:  # noqa: BLE001 - the build failed: its progress record says why
                pass
        kept = store.get_brief(story_id)
        if kept is None or kept[0] != key[1]:
            return writer.progress(story_id) or job
    data = json.loads(kept[1])
    memo.put(key, (data, kept[1]))
    return kept[1] if text else data
