"""URLs -> RawDoc: a careful HTTP fetcher (standard library only).

Steps of :meth:`Fetcher.fetch` for each request (the first and every redirect hop):

1. only ``http`` and ``https`` URLs;
2. the host is resolved and EVERY address is checked: a private, loopback,
   link-local, multicast, reserved or unspecified address (or one hidden in an
   IPv4-mapped, 6to4 or Teredo IPv6 address) refuses the URL unless
   ``allow_private``; the socket then connects to a checked address, so a second
   DNS answer (DNS rebinding) cannot send us elsewhere;
3. politeness: requests to one host are at least ``delay`` seconds apart;
4. one GET with a User-Agent naming the project; connect, headers and body of a
   request together must finish within ``timeout`` seconds;
5. a redirect (301/302/303/307/308) goes back to step 1 for its target, at most
   ``max_redirects`` times;
6. an HTTP error, a non-HTML type when HTML is expected (checked before the body
   is read), or a body over ``max_bytes`` (announced, read, or after gzip/deflate
   decompression) raises :class:`storyscope.errors.InputError` with the reason.

Why not ``requests`` or ``urllib.request``: pinning the connection to the
address we checked needs control of ``connect()``; with http.client that is two
small subclasses, and redirects, caps and deadlines stay visible here.
Environment proxies (``HTTP_PROXY``) are not used.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from ..errors import InputError, SettingError
from ..extract.encoding import decode_bytes
from ..model import RawDoc
from .records import Rejected
from .urls import canonical_url, url_id

__all__ = [
    "USER_AGENT",
    "FetchResult",
    "Fetcher",
    "address_refusal",
    "canonical_url",
    "fetch_doc",
    "iter_urls",
    "read_url_file",
    "url_id",
]

USER_AGENT = "storyscope/0.1 (+https://example.invalid/storyscope; news story clustering)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


@dataclass(frozen=True)
class FetchResult:
    """One fetched page. ``url`` is the final URL after redirects."""

    url: str
    status: int
    content_type: str  # media type without parameters, "" when the server sent none
    body: bytes
    charset: str | None


# 1. URLs and ids: see urls.py


# 2. Addresses -----------------------------------------------------------------


def address_refusal(address: str) -> str | None:
    """Why fetching from this IP address is refused by default, or None when it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    embedded: list[ipaddress.IPv4Address] = []
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = [a for a in (ip.ipv4_mapped, ip.sixtofour, ip.teredo and ip.teredo[1]) if a]
    for candidate in (*embedded, ip):  # the embedded IPv4 address names the real target
        for flag in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
            if getattr(candidate, f"is_{flag}"):
                return f"{flag.replace('_', '-')} address {candidate}"
        if not candidate.is_global:  # shared (100.64/10), documentation, benchmarking ranges
            return f"non-public address {candidate}"
    return None


# 3. Connections pinned to a checked address ----------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # server_hostname: certificate checked against the name, not the address.
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


# 4. The fetcher ---------------------------------------------------------------


@dataclass(frozen=True)
class Fetcher:
    """HTTP GET with caps, a deadline, polite pacing and a refusal of private addresses.

    Settings are checked at construction. One Fetcher is meant to be shared by a
    whole run (it remembers when each host was last asked); it is thread-safe.
    """

    timeout: float = 20.0  # seconds for one request: connect, headers and body
    max_bytes: int = 20_000_000  # largest body, after decompression
    max_redirects: int = 5
    delay: float = 1.0  # seconds between two requests to the same host
    user_agent: str = USER_AGENT
    allow_private: bool = False  # True: also fetch from private/loopback addresses (tests, intranets)
    _last: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.timeout > 0:
            raise SettingError(f"timeout must be more than 0 seconds, got {self.timeout}")
        if self.max_bytes < 1_000:
            raise SettingError(f"max_bytes must be at least 1000, got {self.max_bytes}")
        if not 0 <= self.max_redirects <= 30:
            raise SettingError(f"max_redirects must be between 0 and 30, got {self.max_redirects}")
        if self.delay < 0:
            raise SettingError(f"delay must be 0 or more seconds, got {self.delay} (0 turns politeness off)")
        if not self.user_agent.strip() or not self.user_agent.isascii():
            raise SettingError("user_agent must be a non-empty ASCII string naming the client")

    def fetch(self, url: str, *, expect_html: bool = True) -> FetchResult:
        """GET ``url``, following redirects; raise InputError with the reason on any failure.

        ``expect_html``: refuse a Content-Type other than HTML before reading the
        body (a missing Content-Type is let through, the decoder sniffs it).
        """
        current = url.strip()
        for hop in range(self.max_redirects + 1):
            _status, location, result = self._request(current, expect_html)
            if result is not None:
                return result
            if hop == self.max_redirects:
                break
            current = urljoin(current, location)
        raise InputError(f"too many redirects (more than {self.max_redirects})")

    # -- one request -----------------------------------------------------------

    def _request(self, url: str, expect_html: bool) -> tuple[int, str, FetchResult | None]:
        """(status, Location, None) for a redirect, else (status, "", result)."""
        # 1. Scheme and host.
        try:
            parts = urlsplit(url)
            port = parts.port
            host = parts.hostname
        except ValueError as exc:
            raise InputError(f"bad URL {url!r}: {exc}") from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise InputError(f"refused URL {url!r}: only http and https URLs are fetched")
        if not host:
            raise InputError(f"bad URL {url!r}: no host")
        try:
            ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
        except UnicodeError:
            raise InputError(f"bad host name {host!r}") from None
        port = port or (443 if scheme == "https" else 80)
        # 2. Resolve and check every address.
        addresses = self._addresses(ascii_host, port)
        # 3. Politeness.
        self._wait_turn(ascii_host)
        target = quote(parts.path or "/", safe=_PATH_SAFE)
        if parts.query:
            target += "?" + quote(parts.query, safe=_PATH_SAFE + "?")
        deadline = time.monotonic() + self.timeout
        try:
            # 4. Connect, send, read the headers.
            conn, sock, resp = self._open(scheme, ascii_host, port, addresses, target, deadline)
            try:
                status = resp.status
                if status in _REDIRECTS:
                    location = resp.getheader("Location")
                    if not location:
                        raise InputError(f"HTTP {status} redirect without a Location header")
                    return status, location.strip(), None
                if not 200 <= status < 300:
                    reason = resp.reason or _phrase(status)
                    raise InputError(f"HTTP {status} {reason}".strip())
                # 6. Type before body, then the capped body.
                content_type = resp.headers.get_content_type() if resp.getheader("Content-Type") else ""
                if expect_html and content_type and content_type not in HTML_TYPES:
                    raise InputError(f"not HTML: Content-Type {content_type}")
                body = self._read_body(sock, resp, deadline)
                charset = resp.headers.get_content_charset() if content_type else None
                final = urlunsplit(parts._replace(fragment=""))
                return status, "", FetchResult(final, status, content_type, body, charset)
            finally:
                resp.close()  # the response owns the socket once the server said "close"
                conn.close()
                sock.close()
        except TimeoutError:
            raise InputError(f"timed out after {self.timeout:g} s") from None
        except ssl.SSLError as exc:
            detail = getattr(exc, "verify_message", None)  # why a certificate was refused
            raise InputError(f"TLS error: {exc.reason or exc}" + (f" ({detail})" if detail else "")) from None
        except http.client.HTTPException as exc:
            raise InputError(f"bad HTTP response: {type(exc).__name__} {exc}".strip()) from None
        except OSError as exc:
            raise InputError(f"connection failed: {exc.strerror or exc}") from None
        except zlib.error as exc:
            raise InputError(f"corrupt compressed body: {exc}") from None
        finally:
            self._done(ascii_host)

    def _addresses(self, host: str, port: int) -> list[str]:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise InputError(f"cannot resolve host {host}: {getattr(exc, 'strerror', None) or exc}") from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses:
            raise InputError(f"cannot resolve host {host}: no address")
        if not self.allow_private:
            for address in addresses:
                why = address_refusal(address)
                if why:
                    raise InputError(f"refused: host {host} resolves to a {why} (allow_private is off)")
        return addresses

    def _open(
        self, scheme: str, host: str, port: int, addresses: list[str], target: str, deadline: float
    ) -> tuple[http.client.HTTPConnection, socket.socket, http.client.HTTPResponse]:
        """Connect to the first reachable checked address, send the GET, read the headers."""
        last_error: OSError | None = None
        conn: http.client.HTTPConnection
        for address in addresses:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if scheme == "https":
                conn = _PinnedHTTPSConnection(host, port, address, remaining, _tls_context())
            else:
                conn = _PinnedHTTPConnection(host, port, address, remaining)
            try:
                conn.connect()
            except TimeoutError:
                conn.close()
                raise
            except OSError as exc:
                conn.close()
                last_error = exc
                continue
            try:
                conn.putrequest("GET", target, skip_accept_encoding=True)
                conn.putheader("User-Agent", self.user_agent)
                conn.putheader("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
                conn.putheader("Accept-Encoding", "gzip, deflate")
                conn.putheader("Connection", "close")
                conn.endheaders()
                # Keep the socket: getresponse() hands it to the response and
                # clears conn.sock when the server closes after the body.
                sock = conn.sock
                sock.settimeout(max(deadline - time.monotonic(), 0.001))
                return conn, sock, conn.getresponse()
            except BaseException:
                conn.close()
                raise
        assert last_error is not None
        raise last_error

    def _read_body(self, sock: socket.socket, resp: http.client.HTTPResponse, deadline: float) -> bytes:
        too_large = InputError(f"too large: body over {self.max_bytes:,} bytes (max_bytes)")
        announced = resp.getheader("Content-Length")
        if announced and announced.strip().isdigit() and int(announced) > self.max_bytes:
            raise too_large
        coding = (resp.getheader("Content-Encoding") or "identity").strip().lower()
        if coding not in ("identity", "gzip", "x-gzip", "deflate", ""):
            raise InputError(f"unsupported Content-Encoding {coding!r}")
        inflate = _Inflater(coding) if coding in ("gzip", "x-gzip", "deflate") else None
        chunks: list[bytes] = []
        size = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            sock.settimeout(remaining)
            # read1: at most one socket read, so a server trickling bytes cannot
            # hold us past the deadline.
            chunk = resp.read1(_CHUNK)
            if not chunk:
                break
            if inflate is not None:
                chunk = inflate.feed(chunk, self.max_bytes - size + 1)
            size += len(chunk)
            if size > self.max_bytes:
                raise too_large
            chunks.append(chunk)
        return b"".join(chunks)

    # -- politeness ---------------------------------------------------------------

    def _wait_turn(self, host: str) -> None:
        if self.delay <= 0:
            return
        while True:
            with self._lock:
                last = self._last.get(host)
                now = time.monotonic()
                wait = 0.0 if last is None else last + self.delay - now
                if wait <= 0:
                    self._last[host] = now
                    return
            time.sleep(wait)

    def _done(self, host: str) -> None:
        if self.delay > 0:
            with self._lock:  # count the gap from the end of the request
                self._last[host] = time.monotonic()


class _Inflater:
    """Streaming gzip/deflate decoding that never produces more than asked for."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        # gzip: header expected; deflate: zlib-wrapped per RFC, raw in practice (tried on error).
        self._d = zlib.decompressobj(zlib.MAX_WBITS | 16 if coding != "deflate" else zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes, limit: int) -> bytes:
        try:
            out = self._d.decompress(data, limit)
        except zlib.error:
            if self._coding != "deflate" or self._started:
                raise
            self._d = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._d.decompress(data, limit)
        self._started = True
        # With max_length hit, the rest waits in unconsumed_tail; the caller
        # stops at the cap anyway, so the tail is never decoded.
        return out


@functools.lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for all requests (loading the CA store costs milliseconds)."""
    return ssl.create_default_context()


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


# 5. URLs -> RawDoc ------------------------------------------------------------


def fetch_doc(url: str, fetcher: Fetcher, **meta: str | None) -> RawDoc:
    """The page at ``url`` as a RawDoc (id from the final URL); InputError when it cannot be had.

    ``meta``: title, outlet, published, author supplied by the caller (a feed item).
    """
    result = fetcher.fetch(url)
    if not result.body.strip():
        raise InputError("empty page")
    html = decode_bytes(result.body, result.charset)
    return RawDoc(id=url_id(result.url), source=url, html=html, url=result.url, **meta)


def iter_urls(urls: Iterable[str], fetcher: Fetcher) -> Iterator[RawDoc | Rejected]:
    """RawDoc or Rejected for each URL, fetched one at a time; blank and ``#`` entries are skipped."""
    for given in urls:
        url = given.strip()
        if not url or url.startswith("#"):
            continue
        try:
            yield fetch_doc(url, fetcher)
        except InputError as exc:
            yield Rejected(url, str(exc))


def read_url_file(path: str | Path) -> Iterator[str]:
    """The lines of a URL list file (UTF-8, one URL a line), read lazily; InputError if unreadable."""
    try:
        f = open(path, encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return _lines(f)


def _lines(f) -> Iterator[str]:
    with f:
        for line in f:
            yield line.strip()
