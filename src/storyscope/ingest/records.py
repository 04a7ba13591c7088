"""The records every reader of the ingest stage shares, in a module that imports none of them.

files.py, jsonl.py, http.py, warc.py and feeds.py each yield ``Rejected`` and name
file items the same way; keeping both here lets each reader import them without
importing another reader (no import loop through files.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Rejected:
    """An input item that could not become a RawDoc, and why."""

    item: str
    reason: str


def article_id_for(path: Path) -> str:
    """The file name without its extensions (``a.html.gz`` -> ``a``)."""
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return name.rsplit(".", 1)[0] if "." in name else name
