"""Files and folders -> RawDoc, one item at a time.

Steps for each path given:
1. a missing path is one rejected item; a folder is walked in sorted order;
2. by suffix: ``.txt``, ``.html``/``.htm`` (each optionally ``.gz``) is one item,
   ``.jsonl`` (optionally ``.gz``) is one item per line (see jsonl.py), ``.warc``
   (optionally ``.gz``, e.g. Common Crawl CC-NEWS) one item per HTML response (warc.py);
   other files inside a folder are skipped (a README next to the articles), other
   files named explicitly are rejected;
3. bytes are capped (``max_bytes``, inflated bytes for ``.gz``; a ``.jsonl.gz``
   also by ``max_lines`` and ``max_inflation``) and decoded (extract.encoding), so a huge,
   binary or wrongly encoded file is one rejected item and the run goes on;
4. a ``NAME.meta.json`` beside ``NAME.txt`` supplies what the file cannot carry
   (published, outlet, url, title, author).
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from ..extract.encoding import decode_bytes
from ..model import RawDoc
from .jsonl import iter_jsonl
from .meta import clean_meta
from .records import Rejected, article_id_for

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
WARC_SUFFIXES = (".warc",)
SIDECAR_SUFFIX = ".meta.json"


def _kind(path: Path) -> tuple[str | None, bool]:
    """('text'|'html'|'jsonl'|None, gzipped) from the file name."""
    name = path.name.lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    if name.endswith(SIDECAR_SUFFIX):
        return None, gz
    for kind, suffixes in (("text", TEXT_SUFFIXES), ("html", HTML_SUFFIXES), ("jsonl", JSONL_SUFFIXES),
                           ("warc", WARC_SUFFIXES)):
        if name.endswith(suffixes):
            return kind, gz
    return None, gz


def _read_capped(path: Path, gz: bool, max_bytes: int) -> bytes:
    try:
        opener = gzip.open if gz else open
        with opener(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise InputError(f"cannot read: {getattr(exc, 'strerror', None) or exc}") from exc
    if len(data) > max_bytes:
        raise InputError(f"file too large: over {max_bytes // 1_000_000} MB (max_bytes setting)")
    return data


def _sidecar(path: Path) -> dict:
    side = path.with_name(article_id_for(path) + SIDECAR_SUFFIX)
    if not side.is_file():
        return {}
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"bad sidecar {side.name}: {exc}") from exc
    if not isinstance(meta, dict):
        raise InputError(f"bad sidecar {side.name}: not a JSON object")
    return meta


def _read_file(path: Path, kind: str, gz: bool, max_bytes: int) -> RawDoc:
    data = _read_capped(path, gz, max_bytes)
    if not data.strip():
        raise InputError("empty file")
    content = decode_bytes(data)
    meta = clean_meta(_sidecar(path))
    return RawDoc(
        id=article_id_for(path),
        source=str(path),
        text=content if kind == "text" else None,
        html=content if kind == "html" else None,
        **meta,
    )


def _walk(path: Path) -> Iterator[tuple[Path, bool]]:
    """(file, named_explicitly) for a path; folders recursively in sorted order."""
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file():
                yield child, False
    else:
        yield path, True


def iter_inputs(paths: Iterable[str | Path], max_bytes: int, *, max_lines: int = 1_000_000,
                max_inflation: int = 100) -> Iterator[RawDoc | Rejected]:
    """Every input item of the given files and folders, as RawDoc or Rejected, streamed.

    ``max_lines`` and ``max_inflation`` cap what a compressed JSONL file may make us
    read (see jsonl.py); a compressed single article is capped by ``max_bytes``.
    """
    for given in paths:
        path = Path(given)
        if not path.exists():
            yield Rejected(str(path), "no such file or folder")
            continue
        for file, explicit in _walk(path):
            kind, gz = _kind(file)
            if kind is None:
                if explicit and not file.name.lower().endswith(SIDECAR_SUFFIX):
                    yield Rejected(str(file), "unsupported file type (expected .txt, .html, .htm, .jsonl, .warc, optionally .gz)")
                continue
            if kind == "jsonl":
                yield from iter_jsonl(file, gz, max_bytes, max_lines=max_lines,
                                      max_inflation=max_inflation)
                continue
            if kind == "warc":
                from .warc import iter_warc  # lazy: warcio is only needed for WARC input

                yield from iter_warc(file, max_bytes=max_bytes, max_inflation=max_inflation)
                continue
            try:
                yield _read_file(file, kind, gz, max_bytes)
            except InputError as exc:
                yield Rejected(str(file), str(exc))


def count_items(paths: Iterable[str | Path], limit_bytes: int = 2_000_000_000) -> int | None:
    """About how many items ``iter_inputs`` will give (for a progress line's ETA), or None when
    that is not known cheaply: a WARC or compressed JSONL would have to be read through.

    A plain JSONL file counts its newlines (about 1 s a GB, read in 1 MB blocks: blank lines
    count too, so the figure is an upper bound); any other article file counts one. None past
    ``limit_bytes`` of JSONL.
    """
    n = seen = 0
    for given in paths:
        path = Path(given)
        if not path.exists():
            n += 1  # one rejected item
            continue
        for file, _ in _walk(path):
            kind, gz = _kind(file)
            if kind is None:
                continue
            if kind == "warc" or (kind == "jsonl" and gz):
                return None
            if kind != "jsonl":
                n += 1
                continue
            try:
                with file.open("rb") as f:
                    last = b"\n"
                    while block := f.read(1 << 20):
                        seen += len(block)
                        if seen > limit_bytes:
                            return None
                        n += block.count(b"\n")
                        last = block[-1:]
                    n += last != b"\n"  # a last line with no newline
            except OSError:
                n += 1
    return n
