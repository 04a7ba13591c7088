"""ingest/http.py against a real local HTTP server (127.0.0.1 only)."""

from __future__ import annotations

import socket
import ssl
import time
from dataclasses import FrozenInstanceError

import pytest

import storyscope.ingest.http as http_mod
from storyscope.errors import InputError, SettingError
from storyscope.ingest.records import Rejected
from storyscope.ingest.http import (
    USER_AGENT,
    Fetcher,
    address_refusal,
    canonical_url,
    iter_urls,
    read_url_file,
    url_id,
)
from storyscope.ingest.urls import url_key
from storyscope.model import RawDoc

pytest_plugins = ["ingest_server"]  # the local server fixtures: server, base, fetcher


def test_fetches_a_page_with_user_agent(server, base, fetcher):
    result = fetcher.fetch(f"{base}/article-1#section")
    assert result.status == 200
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert b"Storm /article-1 hits coast" in result.body
    assert result.url == f"{base}/article-1"
    assert ("/article-1", USER_AGENT) in server.seen
    assert "storyscope" in USER_AGENT


def test_follows_a_redirect_chain_to_the_final_url(base, fetcher):
    result = fetcher.fetch(f"{base}/hop/3")
    assert result.url == f"{base}/article-final"
    assert b"Storm /article-final" in result.body


def test_too_many_redirects(base, fetcher):
    with pytest.raises(InputError, match=r"too many redirects \(more than 5\)"):
        fetcher.fetch(f"{base}/loop")
    with pytest.raises(InputError, match="too many redirects"):
        Fetcher(max_redirects=2, delay=0, allow_private=True).fetch(f"{base}/hop/3")


@pytest.mark.parametrize(
    ("path", "reason"), [("/missing", "HTTP 404 Not Found"), ("/error", "HTTP 500 Internal Server Error")]
)
def test_http_errors_name_the_status(base, fetcher, path, reason):
    with pytest.raises(InputError) as info:
        fetcher.fetch(base + path)
    assert str(info.value) == reason


def test_slow_server_times_out(base, fetcher):
    began = time.monotonic()
    with pytest.raises(InputError, match=r"timed out after 1 s"):
        fetcher.fetch(f"{base}/slow")
    assert time.monotonic() - began < 2.4


def test_trickling_body_cannot_outlast_the_deadline(base, fetcher):
    # 40 bytes, one every 100 ms: each read is quick, the whole is 4 s.
    began = time.monotonic()
    with pytest.raises(InputError, match="timed out"):
        fetcher.fetch(f"{base}/trickle")
    assert time.monotonic() - began < 2.4


@pytest.mark.parametrize("path", ["/big-announced", "/big-unannounced", "/gzip-bomb"])
def test_oversized_bodies_are_refused(base, fetcher, path):
    with pytest.raises(InputError, match=r"too large: body over 20,000 bytes"):
        fetcher.fetch(base + path)


def test_gzip_body_is_decompressed(base, fetcher):
    assert b"Storm hits coast" in fetcher.fetch(f"{base}/gzip").body


def test_non_html_type_is_refused_only_when_html_is_expected(base, fetcher):
    with pytest.raises(InputError, match="not HTML: Content-Type image/png"):
        fetcher.fetch(f"{base}/image.png")
    assert fetcher.fetch(f"{base}/image.png", expect_html=False).body.startswith(b"\x89PNG")


def test_private_addresses_are_refused_by_default(base, server):
    strict = Fetcher(delay=0)
    port = server.server_port
    for url in (f"{base}/article-1", f"http://localhost:{port}/article-1", f"http://[::1]:{port}/"):
        with pytest.raises(InputError, match=r"refused: host .* resolves to a loopback address"):
            strict.fetch(url)


def test_refused_before_connecting(base, server):
    before = len(server.seen)
    with pytest.raises(InputError, match="refused"):
        Fetcher(delay=0).fetch(f"{base}/article-never")
    assert all(path != "/article-never" for path, _ in server.seen[before:])


def test_allow_private_fetches_localhost(server):
    result = Fetcher(delay=0, allow_private=True).fetch(f"http://localhost:{server.server_port}/article-2")
    assert b"Storm /article-2" in result.body


def test_every_redirect_hop_is_checked(base, monkeypatch):
    # Pretend 127.0.0.1 is public; the redirect to 127.0.0.2 must still be refused.
    real = http_mod.address_refusal
    monkeypatch.setattr(http_mod, "address_refusal", lambda a: None if a == "127.0.0.1" else real(a))
    strict = Fetcher(delay=0)
    assert b"Storm" in strict.fetch(f"{base}/article-3").body
    with pytest.raises(InputError, match="refused: host 127.0.0.2 resolves to a loopback address"):
        strict.fetch(f"{base}/to-other-host")


def test_every_resolved_address_is_checked(monkeypatch):
    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(http_mod.socket, "getaddrinfo", fake_getaddrinfo)
    with pytest.raises(InputError, match="resolves to a private address 10.0.0.7"):
        Fetcher(delay=0).fetch("http://news.example/story")


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("2002:7f00:1::1", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("100.64.0.1", "non-public"),
        ("fc00::1", "private"),
    ],
)
def test_address_refusal(address, refused):
    why = address_refusal(address)
    assert (why is None) if refused is None else why.startswith(refused + " address")


@pytest.mark.parametrize("url", ["ftp://example.com/a", "file:///etc/passwd", "javascript:alert(1)", "http:///nohost"])
def test_only_http_urls(url, fetcher):
    with pytest.raises(InputError, match=r"only http and https|no host"):
        fetcher.fetch(url)


def test_redirect_to_another_scheme_is_refused(base, fetcher):
    with pytest.raises(InputError, match="only http and https"):
        fetcher.fetch(f"{base}/to-file")


def test_settings_are_checked_at_construction():
    with pytest.raises(SettingError, match="timeout"):
        Fetcher(timeout=0)
    with pytest.raises(SettingError, match="max_bytes"):
        Fetcher(max_bytes=10)
    with pytest.raises(SettingError, match="delay"):
        Fetcher(delay=-1)
    with pytest.raises(SettingError, match="max_redirects"):
        Fetcher(max_redirects=-1)
    with pytest.raises(FrozenInstanceError):
        Fetcher().timeout = 3


def test_politeness_spaces_requests_to_one_host(base):
    polite = Fetcher(delay=0.3, allow_private=True)
    began = time.monotonic()
    for n in range(3):
        polite.fetch(f"{base}/article-p{n}")
    assert time.monotonic() - began >= 0.6


def test_canonical_url_and_id():
    assert canonical_url("HTTPS://Example.COM:443/a/b?utm_source=x&id=7&fbclid=1#top") == "https://example.com/a/b?id=7"
    assert canonical_url("http://example.com") == "http://example.com/"
    assert url_id("http://example.com/a?utm_medium=rss") == url_id("https://EXAMPLE.com/a#x")
    assert url_id("https://example.com/a") != url_id("https://example.com/b")
    assert url_id("https://example.com/a").startswith("example.com-")
    with pytest.raises(InputError):
        url_id("not a url")


def test_one_key_for_the_addresses_of_one_article():
    story = "https://www.example.com/world/2018/09/28/quake-hits-sulawesi"
    copies = [
        "http://example.com/world/2018/09/28/quake-hits-sulawesi/",  # no www, http, trailing slash
        "https://amp.example.com/world/2018/09/28/quake-hits-sulawesi",  # AMP host
        "https://www.example.com/amp/world/2018/09/28/quake-hits-sulawesi",  # AMP path prefix
        "https://www.example.com/world/2018/09/28/quake-hits-sulawesi/amp/",  # AMP path suffix
        "https://www.example.com/world/2018/09/28/quake-hits-sulawesi?amp=1&utm_source=twitter",
        "https://www.example.com/world/2018/09/28/quake-hits-sulawesi?outputType=amp&ocid=msn",
        "https://www.example.com/world/2018/09/28/quake-hits-sulawesi?mc_cid=12&gclid=3#comments",
    ]
    assert {url_key(u) for u in copies} == {url_key(story)} == {"example.com/world/2018/09/28/quake-hits-sulawesi"}
    assert {url_id(u) for u in copies} == {url_id(story)}
    assert url_id(story).startswith("example.com-")
    # what names the page stays: another path, another id parameter, another host
    assert url_key("https://www.example.com/story?id=7") != url_key("https://www.example.com/story?id=8")
    assert url_key("https://www.example.com/story?id=7&page=2") == url_key("https://example.com/story?page=2&id=7")
    assert url_key("https://www.example.com/amplifiers/review") == "example.com/amplifiers/review"
    assert url_key("https://news.example.com/a") != url_key("https://example.com/a")
    assert url_key("not a url") is None and url_key(None) is None


def test_iter_urls_yields_a_status_per_url(base, fetcher, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text(
        "\n".join(
            ["# today's links", f"{base}/article-a", "", f"{base}/missing", f"{base}/binary",
             f"{base}/latin1", f"{base}/hop/1", "ftp://example.com/x", f"{base}/empty", f"{base}/error"]
        ),
        encoding="utf-8",
    )
    items = list(iter_urls(read_url_file(listing), fetcher))
    assert [type(i).__name__ for i in items] == [
        "RawDoc", "Rejected", "Rejected", "RawDoc", "RawDoc", "Rejected", "Rejected", "Rejected"
    ]
    first, missing, binary, latin, hop, ftp, empty, error = items
    assert isinstance(first, RawDoc) and "Storm /article-a hits coast" in first.html
    assert first.url == f"{base}/article-a" and first.source == f"{base}/article-a"
    assert first.id == url_id(f"{base}/article-a") and first.text is None
    assert missing == Rejected(f"{base}/missing", "HTTP 404 Not Found")
    assert binary.reason == "binary content, not text"
    assert "Café crème à Genève" in latin.html
    assert hop.url == f"{base}/article-final" and hop.source == f"{base}/hop/1"
    assert hop.id == url_id(f"{base}/article-final")
    assert "only http and https" in ftp.reason
    assert empty.reason == "empty page"
    assert error.reason == "HTTP 500 Internal Server Error"


def test_read_url_file_missing():
    with pytest.raises(InputError, match="cannot read"):
        read_url_file("/no/such/urls.txt")


def test_https_checks_the_certificate_against_the_name(tls_server, monkeypatch):
    server, cafile = tls_server
    port = server.server_port
    fetcher = Fetcher(timeout=2, delay=0, allow_private=True)
    # The system trust store does not know our self-signed certificate.
    with pytest.raises(InputError, match="TLS error: CERTIFICATE_VERIFY_FAILED"):
        fetcher.fetch(f"https://localhost:{port}/article-tls")
    trusting = ssl.create_default_context(cafile=str(cafile))
    monkeypatch.setattr(http_mod, "_tls_context", lambda: trusting)
    result = fetcher.fetch(f"https://localhost:{port}/article-tls")
    assert result.url == f"https://localhost:{port}/article-tls" and b"Storm /article-tls" in result.body
    # Connecting to the right address is not enough: the name must match the certificate.
    with pytest.raises(InputError, match="TLS error: CERTIFICATE_VERIFY_FAILED .*mismatch"):
        fetcher.fetch(f"https://127.0.0.1:{port}/article-tls")


def test_connection_refused_is_an_input_error():
    with socket.socket() as probe:  # a port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(InputError, match="connection failed: Connection refused"):
        Fetcher(delay=0, allow_private=True).fetch(f"http://127.0.0.1:{port}/")
