"""A headline for an article that has none: the opening of its text, cut where a reader would.

Plain-text and JSONL articles often come without a title, and a story is named by its earliest
article's headline (run/stories.py, the story list, the web screen). Cutting the text at a fixed
count of characters left names such as "...the latest powerful tre"; this takes the first
sentence when it is short enough, else ends at the last clause break (a comma, a dash, a
semicolon) past the first half of the room, else at the last whole word, with an ellipsis.
"""

from __future__ import annotations

import re

LIMIT = 100  # characters of a made-up headline
OPENING = 2 * LIMIT  # characters of the text a caller must pass (what a query reads)

# a sentence ends at . ? ! (and a closing quote or bracket) before a space and a capital or a
# quote; a single capital before the point ("U.S. officials", "John F. Kennedy") is not an end
_END = re.compile(r"(?<![A-Z])(?<!\b[A-Z][a-z])[.?!][\"'”’)]?(?=\s+[\"“‘(]?[A-Z0-9])")
# (a lone hyphen between spaces is no break: tokenised text writes "16 - year - old")
_CLAUSE = re.compile(r"\s*(?:,|;|:|\s(?:--+|[–—]))\s")


def headline(title: str | None, text: str, limit: int = LIMIT) -> str:
    """``title`` with its spaces tidied when it has one, else a headline from the text's opening."""
    own = " ".join((title or "").split())
    if own:
        return own
    opening = " ".join(text[: 2 * limit].split())
    end = _END.search(opening, 0, limit + 1)
    if end is not None and end.end() >= limit // 3:
        return opening[: end.end()]
    if len(opening) <= limit:
        return opening
    room = opening[: limit + 1]
    breaks = [m.start() for m in _CLAUSE.finditer(room) if m.start() >= limit // 2]
    if breaks:
        return room[: breaks[0]]
    cut = room.rfind(" ")
    return (room[:cut] if cut > 0 else opening[:limit]).rstrip(",;:-–— ") + "…"
