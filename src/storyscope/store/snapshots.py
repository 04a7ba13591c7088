"""The clusterer's snapshot in the store: one row per snapshot, its bytes in chunks.

Only the latest snapshot is kept: writing one deletes the others in the same
transaction. The caller gives the parts to store one row each
(cluster/snapshot.py ``parts``: the head, then each block of the data, so that
a start reads only the rows it needs with ``part``); bytes given whole are cut
into chunks of CHUNK bytes because SQLite caps a BLOB at 1e9 bytes by default.
What the bytes mean, and whether they are sound, is cluster/snapshot.py's
business: here a missing or short chunk reads as None.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

CHUNK = 64 * 1024 * 1024


@dataclass(frozen=True)
class StoredSnapshot:
    """A snapshot's row: it covers the articles with ``seq <= covers_seq``."""

    id: int
    covers_seq: int
    fingerprint: str
    nbytes: int


Data = bytes | bytearray | memoryview


def put(db: sqlite3.Connection, covers_seq: int, fingerprint: str, data: Data | Sequence[Data],
        keep: Sequence[int] = ()) -> int:
    """Store a snapshot (inside the caller's transaction) and delete the older ones but ``keep``
    (the rows a delta is applied over: cluster/snapshot_delta.py); returns its id.

    ``data`` is the snapshot's bytes, or its parts in order (a list), each stored as one row.
    """
    drop(db, keep)
    if isinstance(data, (list, tuple)):
        chunks = [memoryview(p) for p in data]
    else:
        mv = memoryview(data)
        chunks = [mv[at : at + CHUNK] for at in range(0, len(mv), CHUNK)]
    cur = db.execute(
        "INSERT INTO cluster_snapshots (covers_seq, fingerprint, nbytes) VALUES (?, ?, ?)",
        (covers_seq, fingerprint, sum(map(len, chunks))),
    )
    sid = cur.lastrowid
    db.executemany(
        "INSERT INTO cluster_snapshot_chunks (snapshot_id, part, data) VALUES (?, ?, ?)",
        ((sid, part, chunk) for part, chunk in enumerate(chunks)),
    )
    return sid


def part_range(db: sqlite3.Connection, snapshot_id: int, first: int, last: int) -> list[bytes]:
    """Parts ``first`` to ``last`` of snapshot row ``snapshot_id``, in order (fewer when some are missing)."""
    rows = db.execute("SELECT part, data FROM cluster_snapshot_chunks WHERE snapshot_id = ? AND part BETWEEN ? AND ? "
                      "ORDER BY part", (snapshot_id, first, last)).fetchall()
    return [data for at, (got, data) in enumerate(rows, first) if got == at]


def part(db: sqlite3.Connection, snapshot_id: int, i: int) -> bytes | None:
    """The i-th part of the snapshot stored as row ``snapshot_id`` (None when there is none)."""
    row = db.execute("SELECT data FROM cluster_snapshot_chunks WHERE snapshot_id = ? AND part = ?",
                     (snapshot_id, i)).fetchone()
    return None if row is None else row[0]


def drop(db: sqlite3.Connection, keep: Sequence[int] = ()) -> None:
    """Delete every snapshot but the rows ``keep`` (all of them: the stored assignments changed under
    them, a recluster, new features)."""
    marks = ", ".join("?" * len(keep))
    where = f" WHERE snapshot_id NOT IN ({marks})" if keep else ""
    db.execute("DELETE FROM cluster_snapshot_chunks" + where, tuple(keep))
    db.execute("DELETE FROM cluster_snapshots" + where.replace("snapshot_id", "id"), tuple(keep))


def latest(db: sqlite3.Connection) -> StoredSnapshot | None:
    row = db.execute(
        "SELECT id, covers_seq, fingerprint, nbytes FROM cluster_snapshots ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return StoredSnapshot(*row) if row else None


def read(db: sqlite3.Connection, snap: StoredSnapshot) -> bytearray | None:
    """The snapshot's bytes, or None when chunks are missing or of the wrong length."""
    out = bytearray(snap.nbytes)
    at = 0
    for part, (got_part, chunk) in enumerate(db.execute(
        "SELECT part, data FROM cluster_snapshot_chunks WHERE snapshot_id = ? ORDER BY part", (snap.id,)
    )):
        if got_part != part or at + len(chunk) > snap.nbytes:
            return None
        out[at : at + len(chunk)] = chunk
        at += len(chunk)
    return out if at == snap.nbytes else None
