"""WARC files (Common Crawl CC-NEWS ``.warc.gz`` included) -> RawDoc, record by record.

Steps of :func:`iter_warc`:

1. stream the records with warcio (gzip per record or uncompressed; memory stays
   flat: a record's payload is read up to ``max_bytes`` and the rest skipped);
2. keep ``response`` records whose HTTP status is 200 and whose Content-Type is
   HTML; every other record (requests, metadata, images, redirects, 404s) is not
   an article and is passed over silently, as files.py passes over a README;
3. ``url`` is WARC-Target-URI, ``id`` comes from it (http.url_id), ``published``
   is the date part of WARC-Date: the crawl date, which for CC-NEWS is within
   hours or days of publication. Source metadata wins over the page's own
   (RawDoc rule), so with ``crawl_date=False`` published is left empty and
   extraction takes the date from the page instead;
4. the payload (de-chunked, decompressed by warcio) is decoded with the HTTP
   charset (extract.encoding); an undecodable or oversized page is one rejected
   item;
5. a corrupt record, or one the file ends inside (its page is never yielded:
   a page cut short is not an article): what came before is already yielded; we look for the next
   record start (the next gzip member, or a ``WARC/1.`` line in an uncompressed
   file) and go on from there, with one Rejected naming the byte offset and how
   far we skipped, or saying that reading stopped there when nothing readable
   follows (a truncated file included).

Items are named ``PATH@OFFSET`` (the record's byte offset in the file, as in a
CDX index), so a rejected record can be found with ``warcio extract PATH OFFSET``.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import IO

from ..errors import InputError, MissingDependency
from ..extract.encoding import decode_bytes
from ..model import RawDoc
from .records import Rejected
from .http import HTML_TYPES, url_id

__all__ = ["iter_warc"]

_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
_SCAN_BLOCK = 1 << 20
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:\-]+)", re.IGNORECASE)


class _Corrupt(Exception):
    """Reading a record's payload failed: the stream is damaged at this record."""


def iter_warc(
    path: str | Path, *, max_bytes: int = 20_000_000, crawl_date: bool = True, max_inflation: int = 100
) -> Iterator[RawDoc | Rejected]:
    """RawDoc for each HTML 200 response of a WARC file, Rejected for each bad record, streamed.

    ``crawl_date``: use the date of WARC-Date as ``published`` (else leave it to extraction).
    ``max_inflation``: in a ``.warc.gz``, a record longer than this many times the
    whole file (and than ``max_bytes``) is a compression bomb, skipped unread.
    """
    try:
        from warcio.archiveiterator import ArchiveIterator  # noqa: F401  (checked here, used below)
    except ImportError:  # pragma: no cover - a declared dependency
        raise MissingDependency("reading WARC files needs warcio: pip install warcio") from None
    label = str(path)
    try:
        f = open(path, "rb")
    except OSError as exc:
        yield Rejected(label, f"cannot read: {exc.strerror or exc}")
        return
    with f:
        if os.fstat(f.fileno()).st_size == 0:
            yield Rejected(label, "empty file")
            return
        magic = _GZIP_MAGIC if f.read(3) == _GZIP_MAGIC else _WARC_MAGIC
        start = 0
        pending: tuple[int, str] | None = None  # a corruption not yet reported: (offset, reason)
        while True:
            records = _records_from(f, start, label, max_bytes, crawl_date,
                                    max_inflation if magic == _GZIP_MAGIC else None)
            failure: tuple[int, str] | None = None
            while True:
                try:
                    item = next(records)
                except StopIteration as stop:
                    failure = stop.value
                    break
                if pending is not None:  # we resynchronised: report the skip before going on
                    yield _skipped(label, pending, start)
                    pending = None
                yield item
            if failure is not None and pending is not None and failure[0] > start:
                # records were read after the resync point (none yielded): that skip was real
                yield _skipped(label, pending, start)
                pending = None
            if failure is None:
                if pending is not None:
                    yield _skipped(label, pending, start)
                return
            if pending is None:
                pending = failure
            # 5. Find the next candidate record start after the damage.
            resume = _find(f, failure[0] + 1, magic)
            if resume is None:
                offset, reason = pending
                yield Rejected(
                    f"{label}@{offset}",
                    f"corrupt WARC record at byte {offset} ({reason}); stopped there: no readable record after it",
                )
                return
            start = resume


def _skipped(label: str, failure: tuple[int, str], resume: int) -> Rejected:
    offset, reason = failure
    return Rejected(
        f"{label}@{offset}",
        f"corrupt WARC record at byte {offset} ({reason}); skipped {resume - offset:,} bytes "
        f"to the next record at byte {resume}",
    )


def _records_from(
    f: IO[bytes], start: int, label: str, max_bytes: int, crawl_date: bool, max_inflation: int | None = None
) -> Generator[RawDoc | Rejected, None, tuple[int, str] | None]:
    """Items from byte ``start`` on; returns None at the end or (offset, reason) at a corrupt record.

    ``max_inflation`` is given for a gzipped file only (see iter_warc).
    """
    gz = max_inflation is not None
    cap = max(max_inflation * os.fstat(f.fileno()).st_size, max_bytes) if gz else 0
    from warcio.archiveiterator import WARCIterator

    f.seek(start)
    records = WARCIterator(f)  # WARC only (no ARC guessing); absolute offsets: starts at f.tell()
    last = start  # offset of the last record read
    while True:
        try:
            record = next(records)
        # warcio reports damage as ArchiveLoadFailed, zlib.error, EOFError, and on
        # a truncated gzip member even AttributeError; all mean "the stream is
        # broken here", and the reason goes into the Rejected.
        except StopIteration:
            # warcio ends quietly on a truncated last gzip member; bytes left
            # over after the last whole record mean the file was cut short.
            if records.offset < os.fstat(f.fileno()).st_size:
                return records.offset, "file truncated: incomplete record at the end"
            cut = _incomplete_member(f, last) if gz else None
            if cut is not None:  # warcio ends quietly on a gzip member cut short, even between records
                return cut, "file truncated: incomplete gzip member at the end"
            return None
        except Exception as exc:
            return records.offset, _describe(exc)
        offset = last = records.offset
        item = f"{label}@{offset}"
        if gz and (record.length or 0) > cap:  # warcio would inflate all of it to skip it
            return offset, (f"record of {record.length:,} bytes, over {max_inflation}x the compressed file "
                            "(max_inflation setting): a compression bomb?")
        try:
            doc = _doc(record, item, max_bytes, crawl_date)
        except _Corrupt as exc:
            return offset, str(exc)
        except InputError as exc:
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            yield Rejected(f"{item} {uri}".strip(), str(exc))
            continue
        if doc is not None:
            yield doc


def _doc(record, item: str, max_bytes: int, crawl_date: bool) -> RawDoc | None:
    """The RawDoc of an HTML 200 response record; None for any other record."""
    # 2. Only HTML 200 responses are articles.
    if record.rec_type != "response" or record.http_headers is None:
        return None
    http = record.http_headers
    if http.get_statuscode() != "200":
        return None
    content_type = http.get_header("Content-Type") or ""
    if content_type.split(";", 1)[0].strip().lower() not in HTML_TYPES:
        return None
    # 3. URL, id and date from the WARC headers.
    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    if not uri:
        raise InputError("response record without WARC-Target-URI")
    date = (record.rec_headers.get_header("WARC-Date") or "")[:10] if crawl_date else ""
    # 4. Payload, capped, decoded.
    try:
        body = record.content_stream().read(max_bytes + 1)
    except Exception as exc:  # same reasons as in _records_from: damage inside the record
        raise _Corrupt(_describe(exc)) from None
    if len(body) > max_bytes:
        raise InputError(f"page too large: over {max_bytes:,} bytes (max_bytes setting)")
    _check_complete(record)
    if not body.strip():
        raise InputError("empty page")
    charset = _CHARSET.search(content_type)
    html = decode_bytes(body, charset.group(1) if charset else None)
    return RawDoc(
        id=url_id(uri),
        source=item,
        html=html,
        url=uri,
        published=date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None,
    )


def _check_complete(record) -> None:
    """Raise _Corrupt when the file ends inside the record (its Content-Length not all there).

    warcio hands out what there is of a cut-off record as if it were whole; a page
    cut short must not be stored as an article. Reading on to the record's end
    (trailing bytes after a chunked body included) tells: the file runs out first.
    """
    raw = record.raw_stream
    expected = getattr(raw, "_orig_limit", None)
    try:
        while getattr(raw, "limit", 0) > 0:
            if not raw.read(min(raw.limit, _SCAN_BLOCK)):
                got = expected - raw.limit if expected is not None else None
                raise _Corrupt("file truncated: record cut short" + (
                    f" ({got:,} of its {expected:,} bytes)" if got is not None else ""))
    except _Corrupt:
        raise
    except Exception as exc:  # damage in the rest of the record (a broken gzip member)
        raise _Corrupt(_describe(exc)) from None


def _incomplete_member(f: IO[bytes], start: int) -> int | None:
    """Offset of a gzip member that the file ends inside, from ``start`` (a member start) on.

    Reads (inflates) only the members from the last record on, to check that the
    last one is whole.
    """
    f.seek(start)
    member, position = start, start
    inflater = zlib.decompressobj(31)
    while True:
        block = f.read(_SCAN_BLOCK)
        if not block:
            return None if inflater.eof or position == member else member
        data = block
        while data:
            try:
                inflater.decompress(data, 1 << 16)  # the output is not needed: only where members end
            except zlib.error:
                return member
            if inflater.eof:
                used = len(data) - len(inflater.unused_data)
                member = position + used
                position, data = member, inflater.unused_data
                inflater = zlib.decompressobj(31)
            else:
                position += len(data) - len(inflater.unconsumed_tail)
                data = inflater.unconsumed_tail


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    head, sep, line = text.partition("first line: ")
    if sep and not (line.isascii() and line.isprintable()):
        # warcio quotes the bad "first line"; after damaged gzip data that is binary noise
        text = head + sep + "binary data (damaged gzip member?)"
    if len(text) > 120:
        text = text[:117] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _find(f: IO[bytes], start: int, magic: bytes) -> int | None:
    """Offset of the next ``magic`` at or after ``start``, scanning in 1 MB blocks."""
    f.seek(start)
    tail = b""
    position = start  # file offset of the first byte of the next block
    while True:
        block = f.read(_SCAN_BLOCK)
        if not block:
            return None
        buffer = tail + block
        found = buffer.find(magic)
        if found >= 0:
            return position - len(tail) + found
        tail = buffer[-(len(magic) - 1) :]
        position += len(block)
