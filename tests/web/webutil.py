"""Helpers of the web tests (a module of its own: test modules import it by name)."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from pathlib import Path

from storyscope.store import Store


# An article whose every field tries to run script or break the page.
HOSTILE = {
    "id": "hostile-1",
    "title": "<img src=x onerror=alert('title')>Flood <b>warning</b></title><script>alert('t')</script>",
    "outlet": "<svg onload=alert('outlet')>Evil News",
    "url": "javascript:alert('url')",
    "published": "2024-03-05",
    "text": ("Heavy rain flooded the river town of Marlow on Tuesday, officials said. "
             "<script>alert('text')</script> The mayor said \"<img src=x onerror=alert('quote')> we are ready,\" "
             "and asked residents to <a href=\"javascript:alert('link')\" onclick=\"alert('click')\">click here</a>. "
             "Emergency crews evacuated 200 homes near the bridge before the water rose. "
             "<iframe src=\"javascript:alert('frame')\"></iframe><style>body{display:none}</style>"),
}


def copy_store(store: Store, dest: Path) -> Path:
    """A copy of an open store's database (SQLite's online backup: consistent while open)."""
    src = sqlite3.connect(store.path)
    dst = sqlite3.connect(dest)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return dest


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class Served:
    """An ASGI app served by uvicorn on 127.0.0.1 in a background thread."""

    def __init__(self, app):
        import uvicorn

        self.sock = free_socket()
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(30)
        self.sock.close()


