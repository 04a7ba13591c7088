"""One writer per store: an OS file lock in ``STORE.lock``, next to the SQLite file.

The clusterer keeps its stories in memory, rebuilt from the store when a run
starts. Two runs writing at once would each build a state, miss the other's
articles and hand out the same story ids, so every writing run (ingest, enrich,
recluster) holds this lock from before it reads that state until it ends.
Readers never take it: SQLite's WAL lets them read while the writer writes.

``flock`` locks belong to the open file: the kernel releases them when the
process ends, however it ends (SIGKILL included), so a crash never leaves a
stale lock behind. The lock file itself stays (removing it would race with a
process waiting on it); it is empty.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable

from ..errors import StoreError, StoreLocked

_POLL = 0.05  # seconds between two tries while waiting


def lock_path(db_path: str) -> str:
    return db_path + ".lock"


class WriteLock:
    """The write lock of the store at ``db_path``; :meth:`acquire` waits up to ``wait`` seconds."""

    def __init__(self, db_path: str):
        self.path = lock_path(db_path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait: float, on_wait: Callable[[], None] | None = None) -> None:
        """Take the lock; ``on_wait`` is called once if another process holds it.

        Raises StoreLocked when it is still held after ``wait`` seconds, and
        StoreError when the lock file cannot be created (a read-only folder).
        """
        if self._fd is not None:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot write to the store: cannot create its lock file {self.path}: "
                             f"{exc.strerror or exc}") from exc
        deadline = time.monotonic() + wait
        told = False
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreLocked(
                            f"another run is still writing to this store after {wait:g} s "
                            f"(lock {self.path}); try again later or pass a longer --wait"
                        ) from None
                    if not told and on_wait is not None:
                        on_wait()
                    told = True
                    time.sleep(_POLL)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor releases the flock
