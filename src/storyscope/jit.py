"""One way to compile the inner loops with numba, shared by the stages that do."""

from __future__ import annotations

import numba


def jit(fn):  # type: ignore[no-untyped-def]
    """Compile ``fn`` on first call, caching the machine code where numba can write.

    A read-only install with no writable home directory has nowhere to cache:
    numba then refuses ``cache=True`` at import (RuntimeError), so such a
    machine compiles on each run instead of failing to start.
    """
    try:
        return numba.njit(cache=True, nogil=True)(fn)
    except RuntimeError:
        return numba.njit(nogil=True)(fn)
