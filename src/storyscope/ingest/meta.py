"""Metadata that a source supplies with an article (JSONL fields, sidecar files)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from email.utils import parsedate_to_datetime

from ..errors import InputError

META_FIELDS = ("title", "url", "outlet", "published", "author")

_SURROGATE = re.compile("[\ud800-\udfff]")
LONE_SURROGATE = "not valid Unicode: a lone surrogate (an escape such as \\ud800 without its pair)"


def has_lone_surrogate(values: Iterable[str | None]) -> bool:
    """Whether a string holds a surrogate code point, which no UTF-8 text (nor SQLite) can hold.

    Only a JSON escape (``"\\ud800"``) or a lossy file name produces one; a valid pair
    (``"\\ud83d\\ude00"``) is decoded to one character and never matches.
    """
    return any(v and _SURROGATE.search(v) for v in values)


def normalise_published(value: str) -> str:
    """An ISO 8601 date or datetime, or an RFC 2822 date (feeds), as ``YYYY-MM-DD``."""
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        raise InputError(
            f"published {value!r} is not a date (use ISO 8601, e.g. 2018-09-28)"
        ) from None


def clean_meta(meta: dict) -> dict:
    """The known metadata fields of ``meta``: non-empty strings, published normalised."""
    out: dict[str, str] = {}
    for key in META_FIELDS:
        value = meta.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise InputError(f"{key} must be a string, got {type(value).__name__}")
        out[key] = normalise_published(value) if key == "published" else value.strip()
    return out
