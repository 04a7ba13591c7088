"""The clusterer's snapshot in the store: one row per snapshot, its bytes in chunks.

Only the latest snapshot is kept: writing one deletes the others in the same
transaction. The bytes are cut into chunks of CHUNK bytes because SQLite caps a
BLOB at 1e9 bytes by default (a million-article state is around that), and
reading them back costs one copy into a writable buffer, which the clusterer's
arrays then share (cluster/snapshot.py). What the bytes mean, and whether they
are sound, is cluster/snapshot.py's business: here a missing or short chunk
reads as None.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

CHUNK = 64 * 1024 * 1024


@dataclass(frozen=True)
class StoredSnapshot:
    """A snapshot's row: it covers the articles with ``seq <= covers_seq``."""

    id: int
    covers_seq: int
    fingerprint: str
    nbytes: int


def put(db: sqlite3.Connection, covers_seq: int, fingerprint: str, data: bytes | bytearray | memoryview) -> int:
    """Store a snapshot (inside the caller's transaction) and delete the older ones; returns its id."""
    drop(db)
    cur = db.execute(
        "INSERT INTO cluster_snapshots (covers_seq, fingerprint, nbytes) VALUES (?, ?, ?)",
        (covers_seq, fingerprint, len(data)),
    )
    sid = cur.lastrowid
    mv = memoryview(data)
    db.executemany(
        "INSERT INTO cluster_snapshot_chunks (snapshot_id, part, data) VALUES (?, ?, ?)",
        ((sid, part, mv[at : at + CHUNK]) for part, at in enumerate(range(0, len(mv), CHUNK))),
    )
    return sid


def drop(db: sqlite3.Connection) -> None:
    """Delete every snapshot (the stored assignments changed under them: a recluster, new features)."""
    db.execute("DELETE FROM cluster_snapshot_chunks")
    db.execute("DELETE FROM cluster_snapshots")


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
