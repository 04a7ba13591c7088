"""JSONL files -> RawDoc: one article per line, read line by line (never the whole file).

A line holds ``id``, ``text`` or ``html``, and optionally ``title``, ``url``,
``outlet``, ``published``, ``author``. A bad line is one rejected item; the
lines around it still load.
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import RawDoc
from .meta import LONE_SURROGATE, clean_meta, has_lone_surrogate
from .records import Rejected, article_id_for


def _raw_from_record(record: object, default_id: str, source: str) -> RawDoc:
    if not isinstance(record, dict):
        raise InputError("line is not a JSON object")
    text, html = record.get("text"), record.get("html")
    if not isinstance(text, str | None) or not isinstance(html, str | None):
        raise InputError("'text' and 'html' must be strings")
    if not (text and text.strip()) and not (html and html.strip()):
        raise InputError("no 'text' or 'html' (or it is empty)")
    raw_id = record.get("id", default_id)
    if not isinstance(raw_id, str | int) or str(raw_id).strip() == "":
        raise InputError("'id' must be a non-empty string")
    doc = RawDoc(
        id=str(raw_id).strip(),
        source=source,
        text=text if text and text.strip() else None,
        html=None if text and text.strip() else html,
        **clean_meta(record),
    )
    if has_lone_surrogate((doc.id, doc.text, doc.html, doc.title, doc.url, doc.outlet, doc.author)):
        raise InputError(LONE_SURROGATE)
    return doc


def iter_jsonl(path: Path, gz: bool, max_bytes: int, *, max_lines: int = 1_000_000,
               max_inflation: int = 100) -> Iterator:
    """RawDoc or Rejected for each non-blank line of a JSONL file.

    A gzipped file stops, with one Rejected, past ``max_lines`` lines (blank ones
    count) or once it has inflated to ``max_inflation`` times its compressed size
    (or ``max_bytes``, if more): a small compression bomb of newlines costs
    seconds, not minutes.
    """
    stem = article_id_for(path)
    try:
        f = gzip.open(path, "rb") if gz else open(path, "rb")
        inflate_cap = max(max_inflation * os.path.getsize(path), max_bytes)
    except OSError as exc:
        yield Rejected(str(path), f"cannot read: {exc.strerror or exc}")
        return
    with f:
        lineno = inflated = 0
        while True:
            lineno += 1
            item = f"{path}:{lineno}"
            try:
                line = f.readline(max_bytes + 1)
            except (OSError, EOFError, zlib.error) as exc:
                yield Rejected(item, f"cannot read: {exc}")
                return
            if not line:
                return
            if gz:
                inflated += len(line)
                if lineno > max_lines:
                    yield Rejected(item, f"more than {max_lines:,} lines in a compressed file (max_lines setting); "
                                         "the rest of the file is skipped")
                    return
                if inflated > inflate_cap:
                    yield Rejected(item, f"inflates to over {inflate_cap:,} bytes, {max_inflation}x its compressed "
                                         "size (max_inflation setting): a compression bomb? the rest is skipped")
                    return
            if len(line) > max_bytes and not line.endswith(b"\n"):
                yield Rejected(item, f"line too large: over {max_bytes // 1_000_000} MB (max_bytes setting)")
                while line and not line.endswith(b"\n"):  # skip the rest of the huge line
                    line = f.readline(1 << 20)
                    inflated += len(line)
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line.decode("utf-8"))
                yield _raw_from_record(record, f"{stem}-{lineno}", item)
            except UnicodeDecodeError:
                yield Rejected(item, "not valid UTF-8 (JSONL must be UTF-8)")
            except json.JSONDecodeError as exc:
                yield Rejected(item, f"malformed JSON: {exc.msg} at column {exc.colno}")
            except RecursionError:  # "[[[[...": the parser recurses once per level
                yield Rejected(item, "JSON nested too deeply (an article record is a flat object)")
            except InputError as exc:
                yield Rejected(item, str(exc))
