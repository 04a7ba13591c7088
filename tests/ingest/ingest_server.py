"""A local HTTP server on 127.0.0.1 (no network needed) with pages that misbehave on purpose.

Test modules import the fixtures from here (not a conftest.py: other test modules
``import conftest`` by name, and a second conftest module would shadow theirs).
"""

from __future__ import annotations

import gzip
import shutil
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from storyscope.ingest.http import Fetcher

PAGE = (
    "<html><head><title>Storm hits coast</title></head><body><article>"
    "<p>The storm reached the coast on Tuesday, officials said.</p></article></body></html>"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


class QuietServer(ThreadingHTTPServer):
    """A client that gives up mid-response (the timeout tests) is expected, not an error."""

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: C901 - a routing table
        path = self.path.split("?", 1)[0]
        self.server.seen.append((self.path, self.headers.get("User-Agent")))
        if path.startswith("/article"):
            self._send(200, PAGE.replace("Storm", f"Storm {path}").encode())
        elif path == "/latin1":
            self._send(200, "<html><body><p>Café crème à Genève</p></body></html>".encode("latin-1"),
                       "text/html; charset=iso-8859-1")
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            target = "/article-final" if left == 0 else f"/hop/{left - 1}"
            self._send(302, b"", Location=target)
        elif path == "/loop":
            self._send(301, b"", Location="/loop")
        elif path == "/to-other-host":
            self._send(302, b"", Location=f"http://127.0.0.2:{self.server.server_port}/article-other")
        elif path == "/to-file":
            self._send(302, b"", Location="file:///etc/passwd")
        elif path == "/missing":
            self._send(404, b"<html>nope</html>")
        elif path == "/error":
            self._send(500, b"<html>boom</html>")
        elif path == "/slow":
            time.sleep(3.0)
            self._send(200, PAGE.encode())
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "40")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/big-announced":
            self._send(200, b"<p>" + b"a" * 50_000 + b"</p>")
        elif path == "/big-unannounced":  # no Content-Length: read until close
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"<p>" + b"b" * 1000 + b"</p>")
            self.close_connection = True
        elif path == "/gzip":
            self._send(200, gzip.compress(PAGE.encode()), Content_Encoding="gzip")
        elif path == "/gzip-bomb":
            self._send(200, gzip.compress(b" " * 5_000_000), Content_Encoding="gzip")
        elif path == "/binary":
            self._send(200, PNG, "text/html")
        elif path == "/image.png":
            self._send(200, PNG, "image/png")
        elif path == "/empty":
            self._send(200, b"")
        elif path in self.server.feeds:
            self._send(200, self.server.feeds[path], "application/rss+xml")
        else:
            self._send(404, b"")


@pytest.fixture(scope="session")
def server():
    """The local server; ``server.seen`` logs (path, User-Agent), ``server.feeds`` serves feeds."""
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.seen = []
    httpd.feeds = {}  # path -> feed body, filled by tests
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def base(server) -> str:
    return f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def fetcher() -> Fetcher:
    """Allowed to reach the local server, impolite (no delay), quick to give up: but not so
    quick that a page of the local server misses it on a loaded machine (0.5 s did)."""
    return Fetcher(timeout=1.0, max_bytes=20_000, delay=0, allow_private=True)


@pytest.fixture(scope="session")
def tls_server(tmp_path_factory):
    """The same pages over HTTPS with a self-signed certificate for ``localhost`` only.

    Yields (server, cafile). Skipped where the openssl command is missing.
    """
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl command not available to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.seen, httpd.feeds = [], {}
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, cert
    httpd.shutdown()
    httpd.server_close()
