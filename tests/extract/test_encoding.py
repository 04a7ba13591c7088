"""Bytes to text: UTF-8 first, declared charset next, confident detection, clear refusals."""

from __future__ import annotations

import codecs

import pytest

from storyscope.errors import InputError
from storyscope.extract.encoding import decode_bytes, sniff_meta_charset

GERMAN = "Die Bürgerinnen und Bürger müssen über die Straßenbahn abstimmen, sagte der Bürgermeister. " * 20


def test_utf8_with_and_without_bom():
    assert decode_bytes("Grüße aus Köln".encode()) == "Grüße aus Köln"
    assert decode_bytes(codecs.BOM_UTF8 + "Grüße".encode()) == "Grüße"


def test_utf16_with_bom():
    assert decode_bytes(codecs.BOM_UTF16_LE + "Ünïcode text".encode("utf-16-le")) == "Ünïcode text"


def test_empty_bytes_give_empty_text():
    assert decode_bytes(b"") == ""


def test_declared_charset_is_used_when_not_utf8():
    data = "Crème brûlée à la française, s'il vous plaît.".encode("cp1252")
    assert decode_bytes(data, declared="windows-1252") == "Crème brûlée à la française, s'il vous plaît."
    # iso-8859-1 is decoded as its superset windows-1252, as browsers do
    assert decode_bytes("“quoted” – text".encode("cp1252"), declared="ISO-8859-1") == "“quoted” – text"


def test_meta_charset_in_html():
    page = '<html><head><meta charset="windows-1251"></head><body>Привет, мир! Как дела?</body></html>'
    data = page.encode("cp1251")
    assert sniff_meta_charset(data) == "cp1251"
    assert "Привет, мир!" in decode_bytes(data)


def test_unknown_declared_label_falls_back_to_detection():
    data = GERMAN.encode("latin-1")
    assert decode_bytes(data, declared="no-such-charset") == GERMAN


def test_legacy_encoding_detected_without_declaration():
    assert decode_bytes(GERMAN.encode("latin-1")) == GERMAN


def test_utf8_beats_a_wrong_declaration():
    assert decode_bytes("Grüße".encode(), declared="iso-8859-1") == "Grüße"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" * 50,
        bytes(range(1, 32)) * 40,
    ],
)
def test_binary_is_refused_with_a_clear_reason(data):
    with pytest.raises(InputError, match="binary content, not text"):
        decode_bytes(data)


def test_undecodable_bytes_are_refused():
    # high bytes in a pattern no single-byte or multi-byte text encoding explains
    data = bytes([0x81, 0xFE, 0x8D, 0xFF, 0x90, 0xC0, 0x9D, 0xFE]) * 64
    with pytest.raises(InputError, match="not valid UTF-8 and no encoding could be detected"):
        decode_bytes(data)


def test_a_few_corrupt_bytes_in_long_utf8_are_tolerated():
    data = ("Grüße aus Köln. " * 2000).encode() + b"\xff"
    text = decode_bytes(data)
    assert text.startswith("Grüße aus Köln.")
