"""ingest/warc.py on small WARC files written here with warcio's writer."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from storyscope.ingest.records import Rejected
from storyscope.ingest.http import url_id
from storyscope.ingest.warc import iter_warc
from storyscope.model import RawDoc

warcio = pytest.importorskip("warcio")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def page(n: int) -> bytes:
    return f"<html><body><article><p>Article {n}: the storm reached the coast.</p></article></body></html>".encode()


def write_warc(path: Path, records: list[tuple], gz: bool = True) -> list[int]:
    """Write (uri, status, content_type, body[, rec_type]) records; return each record's offset."""
    offsets = []
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "storyscope tests"}))
        for uri, status, ctype, body, *rest in records:
            rec_type = rest[0] if rest else "response"
            offsets.append(f.tell())
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            if rec_type == "request":
                http = StatusAndHeaders(f"GET {uri} HTTP/1.1", [("Host", "news.example")], is_http_request=True)
            record = writer.create_warc_record(
                uri, rec_type, payload=io.BytesIO(body), http_headers=http,
                warc_headers_dict={"WARC-Date": "2018-09-25T14:30:00Z"},
            )
            writer.write_record(record)
    return offsets


MIXED = [
    ("https://news.example/a", "GET", "", b"", "request"),
    ("https://news.example/a", "200 OK", "text/html; charset=utf-8", page(1)),
    ("https://news.example/logo.png", "200 OK", "image/png", PNG),
    ("https://news.example/gone", "404 Not Found", "text/html", b"<html>missing</html>"),
    ("https://news.example/b", "200 OK", "application/xhtml+xml", page(2)),
]


@pytest.mark.parametrize("gz", [True, False])
def test_keeps_only_html_200_responses(tmp_path, gz):
    path = tmp_path / ("news.warc.gz" if gz else "news.warc")
    offsets = write_warc(path, MIXED, gz=gz)
    items = list(iter_warc(path))
    assert all(isinstance(i, RawDoc) for i in items)
    assert [d.url for d in items] == ["https://news.example/a", "https://news.example/b"]
    first = items[0]
    assert first.id == url_id("https://news.example/a")
    assert first.published == "2018-09-25"
    assert "Article 1: the storm" in first.html and first.text is None
    assert first.source == f"{path}@{offsets[1]}"
    assert [d.published for d in iter_warc(path, crawl_date=False)] == [None, None]


def test_charset_from_http_header(tmp_path):
    path = tmp_path / "latin.warc.gz"
    body = "<html><body><p>Café crème à Genève</p></body></html>".encode("latin-1")
    write_warc(path, [("https://news.example/fr", "200 OK", "text/html; charset=ISO-8859-1", body)])
    (doc,) = iter_warc(path)
    assert "Café crème à Genève" in doc.html


def test_bad_records_are_rejected_and_the_rest_goes_on(tmp_path):
    path = tmp_path / "bad.warc.gz"
    write_warc(path, [
        ("https://news.example/binary", "200 OK", "text/html", PNG),
        ("https://news.example/huge", "200 OK", "text/html", b"<p>" + b"x" * 5_000 + b"</p>"),
        ("https://news.example/ok", "200 OK", "text/html", page(3)),
    ])
    binary, huge, ok = iter_warc(path, max_bytes=3_000)
    assert isinstance(binary, Rejected) and binary.reason == "binary content, not text"
    assert binary.item.endswith("https://news.example/binary")
    assert "page too large" in huge.reason
    assert ok.url == "https://news.example/ok"


def five_pages(tmp_path: Path, gz: bool = True) -> tuple[Path, bytes, list[int]]:
    path = tmp_path / ("five.warc.gz" if gz else "five.warc")
    offsets = write_warc(path, [(f"https://news.example/{n}", "200 OK", "text/html", page(n)) for n in range(5)], gz)
    return path, path.read_bytes(), offsets


def test_garbled_middle_record_is_skipped(tmp_path):
    path, data, offsets = five_pages(tmp_path)
    garbled = bytearray(data)
    garbled[offsets[2] + 20 : offsets[2] + 60] = b"X" * 40  # inside record 2's gzip member
    path.write_bytes(bytes(garbled))
    items = list(iter_warc(path))
    assert [type(i).__name__ for i in items] == ["RawDoc", "RawDoc", "Rejected", "RawDoc", "RawDoc"]
    assert [i.url for i in items if isinstance(i, RawDoc)] == [f"https://news.example/{n}" for n in (0, 1, 3, 4)]
    bad = items[2]
    assert bad.item == f"{path}@{offsets[2]}"
    assert f"corrupt WARC record at byte {offsets[2]}" in bad.reason
    assert f"to the next record at byte {offsets[3]}" in bad.reason
    assert bad.reason.isprintable()


def test_garbage_between_records_uncompressed(tmp_path):
    path, data, offsets = five_pages(tmp_path, gz=False)
    path.write_bytes(data[: offsets[3]] + b"garbage line\r\n" * 10 + data[offsets[3] :])
    items = list(iter_warc(path))
    assert [i.url for i in items if isinstance(i, RawDoc)] == [f"https://news.example/{n}" for n in range(5)]
    (bad,) = [i for i in items if isinstance(i, Rejected)]
    assert "skipped 140 bytes" in bad.reason


def test_truncated_file_stops_with_a_rejected_item(tmp_path):
    path, data, offsets = five_pages(tmp_path)
    path.write_bytes(data[: offsets[3] + 50])  # cut inside record 3
    items = list(iter_warc(path))
    assert [i.url for i in items[:-1]] == [f"https://news.example/{n}" for n in range(3)]
    last = items[-1]
    assert isinstance(last, Rejected) and last.item == f"{path}@{offsets[3]}"
    assert "file truncated" in last.reason and "stopped there" in last.reason


def test_not_a_warc_and_missing_file(tmp_path):
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"this is not a WARC file at all\n" * 10)
    (item,) = iter_warc(junk)
    assert isinstance(item, Rejected) and "corrupt WARC record at byte 0" in item.reason
    assert "Invalid WARC record" in item.reason
    junk.write_bytes(b"")
    assert list(iter_warc(junk)) == [Rejected(str(junk), "empty file")]
    (missing,) = iter_warc(tmp_path / "absent.warc.gz")
    assert missing.reason.startswith("cannot read")


LONG = ("<html><body><article>" + "".join(
    f"<p>Paragraph {n}: the storm reached the coast at {n} o'clock and the harbour flooded.</p>"
    for n in range(150)) + "</article></body></html>").encode()


@pytest.mark.parametrize("gz", [True, False])
@pytest.mark.parametrize("where", [0.3, 0.6, 0.9])
def test_a_page_cut_short_by_the_end_of_the_file_is_rejected_not_stored(tmp_path, gz, where):
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    offsets = write_warc(path, [(f"https://news.example/{n}", "200 OK", "text/html", LONG) for n in range(2)], gz)
    data = path.read_bytes()
    cut = offsets[1] + int((len(data) - offsets[1]) * where)
    path.write_bytes(data[:cut])
    items = list(iter_warc(path))
    docs = [i for i in items if isinstance(i, RawDoc)]
    assert [d.url for d in docs] == ["https://news.example/0"] and LONG.decode() == docs[0].html
    (last,) = [i for i in items if isinstance(i, Rejected)]
    assert last.item == f"{path}@{offsets[1]}" and "file truncated" in last.reason


def test_a_gzip_member_cut_between_records_is_reported(tmp_path):
    path = tmp_path / "cut.warc.gz"
    offsets = write_warc(path, [("https://news.example/0", "200 OK", "text/html", LONG),
                                ("https://news.example/1", "200 OK", "text/html", LONG)])
    data = path.read_bytes()
    path.write_bytes(data[: offsets[1] + 15])  # the next member's gzip header only
    items = list(iter_warc(path))
    assert [type(i).__name__ for i in items] == ["RawDoc", "Rejected"]
    assert items[1].item == f"{path}@{offsets[1]}" and "file truncated" in items[1].reason


def test_a_compression_bomb_record_is_skipped_unread(tmp_path):
    import time

    path = tmp_path / "bomb.warc.gz"
    zeros = b"<html><body><p>" + b" " * 50_000_000 + b"</p></body></html>"  # 50 MB, ~50 KB compressed
    offsets = write_warc(path, [("https://news.example/bomb", "200 OK", "text/html", zeros),
                                ("https://news.example/0", "200 OK", "text/html", LONG)])
    start = time.perf_counter()
    items = list(iter_warc(path, max_bytes=1_000_000))
    assert time.perf_counter() - start < 1.0  # not inflated
    assert isinstance(items[0], Rejected) and items[0].item == f"{path}@{offsets[0]}"
    assert "max_inflation setting" in items[0].reason and "skipped" in items[0].reason
    assert [i.url for i in items if isinstance(i, RawDoc)] == ["https://news.example/0"]
