"""The whole state of a StreamClusterer as one buffer of arrays, and back (issue 11).

Why: a clusterer used to be rebuilt at every run by replaying every stored
article through ``add`` (about a thousand a second: 17 minutes at a million
articles). ``dumps`` writes the state in a form that loads in seconds and
``loads`` gives back a clusterer whose ``add`` returns exactly what the original
one's would (same floats: nothing is recomputed, every array is stored as it is
held, incremental sums such as ``norm_sq`` included).

The format is columnar, not per-object pickling: a million objects would cost
more to unpickle than the replay it replaces, and a store file must not be able
to run code. One buffer::

    magic (8 bytes) | header length, CRC-32 of the arrays (u32 each) | header (JSON) | arrays, 8-byte aligned

The header holds the format, the fingerprint (``fingerprint``: settings, model,
the clustering code and the numeric libraries; a snapshot of any other is
ignored by the caller, who then replays), the scalars and, per array, its name, dtype, shape and place. Variable-length parts
(centroids, members, postings) are one concatenated array plus lengths; strings
(story ids, link details) are JSON lists. Two tables are mostly
zeros and stored sparse: the document frequencies (2**24 counts) and the copy
index's band slots (a slot holding an article that has left the window acts as
an empty one, see ``kernels.nearest_copy``, so it is stored as empty).

Format 2 is laid out for a load that builds nothing up front (snapshot_lazy.py):
postings by term ascending (found by bisection), article ids as one UTF-8 buffer
with their CRC-32s ascending (one looked up without decoding the others), and
each story and its members built from the arrays when first asked for. A later
``dumps`` copies the stories never built since the load straight from those
arrays. So a start reads and checks the bytes, and builds only what the new
articles touch: about 170 of 1,000 stories for 100 articles at 10,000 stored.

Format 4 reads nothing at start that grows with the store but the copy index
(bounded by its window) and the document frequencies: the story columns, the
story ids (indexed by CRC-32, as the article ids), the live stories' order, the
postings (found through a fence: every FENCE-th term, read whole) and the
clusterer's dicts of copies, links, merges and incoming counts
(``lazy.StoredDict``) are read a block at a time when first asked for.

Anything wrong (truncated, flipped bits, another version) raises SnapshotError,
never returns a half-built clusterer.
"""

from __future__ import annotations

import gc
import hashlib
import json
import struct
import weakref
import zlib
from collections import OrderedDict
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata, resources
from typing import TYPE_CHECKING

import numpy as np

from . import snapshot_lazy as lazy
from .snapshot_blocks import BLOCK, FENCE, Blocks, Paged, SnapshotBlockError, SnapshotError, whole
from .story import EMPTY_EMB, EMPTY_IDS, EMPTY_VALS, Member, Story, unit

if TYPE_CHECKING:
    from .stream import StreamClusterer

FORMAT = 4
_MAGIC = b"SSSNAP04"
_FIXED = struct.Struct("<II")  # header length, CRC-32 of the header
_ALIGN = 8
_NONE_DAY = np.iinfo(np.int64).min  # a missing day (None) in the day columns

# What a snapshot covers. tests/cluster/test_snapshot.py checks these against the
# live objects, so a field added to the clusterer fails a test until it is
# exported here (rather than being silently lost across a restart).
# ("settings", "model", "_merge_article_check" and "precise" are the constructor's arguments: the
# clusterer a snapshot is loaded into has its own, and the fingerprint checks the first two; the
# precise stage holds only a cache of vectors.)
CLUSTERER_FIELDS = frozenset({
    "settings", "model", "_merge_article_check", "precise", "stats", "_stories", "_by_idx", "_postings", "_article_story", "_syndicated_root",
    "_dups", "_links", "_merged_into", "_incoming", "_hot", "_sums", "_next",
})
STORY_FIELDS = frozenset({
    "id", "idx", "ids", "vals", "norm_sq", "size", "first_day", "last_day", "names", "members", "checks_done",
    "emb", "temb", "emb_unit", "temb_unit",  # the units are recomputed from the sums on load
})
MEMBER_FIELDS = frozenset({"article_id", "ids", "tf", "names", "nums", "day", "emb", "temb", "lead"})

# The code whose behaviour the state depends on: a change to any of these files
# makes older snapshots another version's (one full replay, then new snapshots).
# Not the snapshot's own code (this file, snapshot_lazy.py, snapshot_blocks.py):
# the header's format number says how the bytes are laid out, and an older
# format is read and rewritten in the current one rather than replayed (at a
# million articles a replay is a quarter of an hour).
_CODE = ("cluster", ("evidence.py", "kernels.py", "postings.py", "same_event_model.json", "settings.py",
                     "split.py", "story.py", "stream.py", "syndication.py", "vectors.py"))
_FEATURE_CODE = ("features", ("__init__.py", "record.py", "text.py"))


_CODE_HASH: str | None = None


def _code_hash() -> str:
    global _CODE_HASH
    if _CODE_HASH is None:
        h = hashlib.sha256()
        for package, names in (_CODE, _FEATURE_CODE):
            root = resources.files(f"storyscope.{package}")
            for name in names:
                h.update(name.encode() + b"\0" + root.joinpath(name).read_bytes())
        for dist in ("numpy", "numba"):
            h.update(f"{dist}={metadata.version(dist)}".encode())
        _CODE_HASH = h.hexdigest()
    return _CODE_HASH


def fingerprint(clusterer: StreamClusterer) -> str:
    """What must be equal for a snapshot to be loaded into ``clusterer``: settings, model, code."""
    from .. import __version__

    parts = {
        "version": __version__, "code": _code_hash(),
        "settings": sorted(clusterer.settings.__dict__.items()), "model": clusterer.model.to_dict(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@contextmanager
def _no_gc() -> Iterator[None]:
    """Without the cyclic collector: building a hundred thousand objects set off its full passes
    over all of them, a third of a load's time at 100,000 articles (cProfile)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# -- writing ------------------------------------------------------------------------------


class _Columns:
    """Named arrays in the order they are added, plus JSON-able scalars."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self.scalars: dict[str, object] = {}

    def put(self, name: str, arr: np.ndarray | list, dtype: str) -> None:
        if isinstance(arr, np.ndarray) and arr.dtype != np.dtype(dtype) and arr.size:
            # a changed dtype in the clusterer would change the floats after a reload
            raise SnapshotError(f"{name}: expected {dtype}, the clusterer holds {arr.dtype}; update snapshot.py")
        self.arrays[name] = np.ascontiguousarray(arr, dtype=dtype)

    def spans(self, name: str, stored: _Spans | None, parts: list[np.ndarray], pick: np.ndarray, dtype: str,
              halve: bool = False) -> None:
        """Arrays of any lengths as one array and their lengths: item i is ``pick[i]`` of the
        stored ones (``stored``) followed by ``parts``. With ``halve``, float32 as float16 when
        that loses nothing: an article's embeddings were stored as float16 (features/record.py),
        so its members' are, and they are half the snapshot."""
        lens = np.fromiter(map(len, parts), np.int64, len(parts))
        full = [p for p in parts if len(p)]
        flat = np.concatenate(full) if full else np.zeros(0, dtype)
        if flat.dtype != np.dtype(dtype) and flat.size:  # a mixed dtype upcasts
            raise SnapshotError(f"{name}: expected {dtype}, the clusterer holds {flat.dtype}; update snapshot.py")
        if stored is not None:
            old = stored.flat.astype(dtype, copy=False)
            starts = np.concatenate([stored.ends - stored.lens, len(old) + np.cumsum(lens) - lens])
            lens = np.concatenate([stored.lens, lens])[pick]
            flat = lazy.gather(np.concatenate([old, flat]), starts[pick], lens)
        # the ends, not the lengths: the i-th is found from two of them, without summing the others
        self.put(name + ".end", np.cumsum(lens), "int64")
        self.put(name, flat, dtype)
        if halve:
            half = self.arrays[name].astype(np.float16)
            if np.array_equal(half.astype(np.float32), self.arrays[name]):
                self.arrays[name] = half

    def strings(self, name: str, values: Iterable[str]) -> None:
        self.put(name, np.frombuffer(json.dumps(list(values)).encode("utf-8"), np.uint8), "uint8")

    def texts(self, name: str, values: list[str], index: bool = True) -> None:
        """Strings as one UTF-8 buffer, their ends, and (``index``) their CRC-32s ascending with their
        positions (``lazy.Texts``, ``lazy.TextIndex``): one is found and decoded without the others."""
        encoded = [v.encode("utf-8", "surrogatepass") for v in values]  # as json.dumps takes any str
        self.put(name, np.frombuffer(b"".join(encoded), np.uint8), "uint8")
        self.put(name + ".end", np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded))), "int64")
        if not index:
            return
        crc = np.fromiter(map(zlib.crc32, encoded), np.uint32, len(encoded))
        order = np.argsort(crc, kind="stable")
        self.put(name + ".crc", crc[order], "uint32")
        self.fence(name + ".crc")
        self.put(name + ".pos", order, "int64")

    def fence(self, name: str) -> None:
        """Every FENCE-th item of the sorted array ``name``, read whole at load: a lookup then reads
        one slice of it (``Paged.searchsorted``), not a block per bisection step."""
        self.arrays[name + ".fence"] = np.ascontiguousarray(self.arrays[name][::FENCE])


def _days(values: Iterable[int | None]) -> np.ndarray:
    return np.array([_NONE_DAY if d is None else d for d in values], dtype=np.int64)


def dumps(clusterer: StreamClusterer) -> bytearray:
    """The clusterer's whole state as one buffer (see the module docstring)."""
    with _no_gc():
        return _dumps(clusterer)


def _dumps(clusterer: StreamClusterer) -> bytearray:
    c = clusterer
    got = loaded(c)
    if got is not None and got.chain is not None:  # the stories and postings lists of the deltas loaded:
        got.chain.build_all(c)  # built, written as made
    if got is not None:  # every block read now: the caller may then replace the rows they come from
        got.blocks.load_all()
    cols = _Columns()
    _story_columns(cols, c)
    # the live stories (dict order), by position, and each story's place in that order
    at = lazy.positions(c._stories)
    order = np.fromiter(at.values(), np.int64, len(at))
    rank = np.full(len(c._by_idx), -1, dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    cols.put("stories.order", order, "int64")
    cols.put("stories.rank", rank, "int64")
    cols.strings("hot.id", c._hot)
    # inverted index, by term ascending (a loaded clusterer finds a term's list by its fence)
    terms, lens, flat = lazy.postings_columns(c._postings)
    cols.put("postings.term", terms, "uint32")
    cols.fence("postings.term")
    cols.put("postings.story.end", np.cumsum(lens), "int64")
    cols.put("postings.story", flat, "int32")
    # article -> story, as positions in a table of the distinct story ids; the ids indexed
    # by hash, so that a loaded clusterer looks one up without decoding them all
    articles = c._article_story.items()
    table = list(dict.fromkeys(v for _, v in articles))
    code = {sid: i for i, sid in enumerate(table)}
    cols.texts("article.id", [k for k, _ in articles])
    cols.texts("article.story_table", table, index=False)
    cols.put("article.story", [code[v] for _, v in articles], "int32")
    for name, kind in _DICTS.items():
        _dict_columns(cols, name, list(getattr(c, "_" + name).items()), kind)
    # document frequencies, sparse
    df = c.stats._df
    nz = np.flatnonzero(df)
    cols.put("df.slot", nz.astype(np.uint32), "uint32")
    cols.put("df.count", df[nz], "int32")
    # copy index: live band slots, the ring of signatures and its article ids
    dups = c._dups
    if dups._bits > 32:
        raise SnapshotError("copy index of more than 2**32 slots: update snapshot.py")
    live = np.flatnonzero(dups._table > max(dups._serial - dups.window, 0))
    cols.put("dups.slot", live.astype(np.uint32), "uint32")  # a table of at most 2**32 slots
    cols.put("dups.serial", dups._table[live], "int64")
    cols.put("dups.sigs", dups._sigs[: len(dups._ids)], "uint32")
    cols.strings("dups.ids", dups._ids)
    _scalars(cols, c)
    return _pack(fingerprint(c), cols)


def _scalars(cols: _Columns, c: StreamClusterer) -> None:
    dups = c._dups
    cols.scalars.update(
        n_docs=c.stats.n_docs, next=c._next, sums=len(c._sums), df_size=len(c.stats._df),
        dups_serial=dups._serial, dups_bits=dups._bits, dups_capacity=len(dups._sigs),
        dups_window=dups.window, dups_num_perm=dups.num_perm,
    )


# The clusterer's dicts stored as dicts a loaded clusterer looks up one key at a time
# (lazy.StoredDict): the attribute (without its underscore) and the kind of its values.
_DICTS = {"syndicated_root": "str", "links": "links", "merged_into": "str", "incoming": "int"}


def _dict_columns(cols: _Columns, name: str, items: list[tuple[str, object]], kind: str, index: bool = True) -> None:
    """A dict's entries in order: the keys (``index``: found by CRC-32) and the values of ``kind``:
    "str", "int", or "links" (a tuple of StoryLink each: (story, related, reason, detail) and score)."""
    cols.texts(name + ".key", [k for k, _ in items], index=index)
    values = [v for _, v in items]
    if kind == "str":
        cols.texts(name + ".value", values, index=False)
    elif kind == "int":
        cols.put(name + ".value", values, "int64")
    else:
        cols.put(name + ".value.end", np.cumsum(np.fromiter(map(len, values), np.int64, len(values))), "int64")
        flat = [k for group in values for k in group]
        cols.texts(name + ".value.text", [x for k in flat for x in (k.story_id, k.related_id, k.reason, k.detail)],
                   index=False)
        cols.put(name + ".value.score", [k.score for k in flat], "float64")


def _dict_values(r: _Reader, name: str, kind: str, n: int, StoryLink: type):
    """(value(j), all values) of a dict stored by ``_dict_columns`` with ``n`` keys."""
    if kind == "str":
        texts = r.texts(name + ".value")
        if len(texts) != n:
            raise SnapshotError(f"snapshot {name!r} keys and values differ in length")
        return texts.__getitem__, texts.all
    if kind == "int":
        ints = r.paged(name + ".value")
        if len(ints) != n:
            raise SnapshotError(f"snapshot {name!r} keys and values differ in length")
        return (lambda j: int(ints[j])), (lambda: whole(ints).tolist())
    ends, text, score = r.paged(name + ".value.end"), r.texts(name + ".value.text"), r.paged(name + ".value.score")
    if len(ends) != n or len(text) != 4 * len(score) or (n and int(ends[n - 1]) != len(score)):
        raise SnapshotError(f"snapshot {name!r} links do not add up")

    def links(a: int, b: int, t: list[str], sc: list[float]) -> tuple:
        return tuple(StoryLink(t[4 * j], t[4 * j + 1], sc[j], t[4 * j + 2], t[4 * j + 3]) for j in range(b - a))

    def value(j: int) -> tuple:
        a, b = (int(ends[j - 1]) if j else 0), int(ends[j])
        return links(a, b, text.many(4 * a, 4 * (b - a)), score[a:b].tolist())

    def every() -> list[tuple]:
        t, sc, e = text.all(), whole(score).tolist(), whole(ends).tolist()
        return [links(a, b, t[4 * a : 4 * b], sc[a:b]) for a, b in zip([0, *e[:-1]], e)]

    return value, every


def _dict_from(r: _Reader, name: str, kind: str, StoryLink: type) -> lazy.StoredDict:
    """A dict stored by ``_dict_columns``, each key looked up by its CRC-32 when first asked for."""
    keys = r.texts(name + ".key")
    try:
        index = lazy.TextIndex(keys, r.paged(name + ".key.crc"), r.paged(name + ".key.pos"))
    except ValueError as exc:
        raise SnapshotError(f"snapshot {name!r} unreadable: {exc}") from exc
    value, every = _dict_values(r, name, kind, len(keys), StoryLink)
    return lazy.StoredDict(len(keys), index.find, value, lambda: list(zip(keys.all(), every())))


def dict_entries(r: _Reader, name: str, kind: str, StoryLink: type) -> list[tuple]:
    """Every entry of a dict stored by ``_dict_columns`` (without its index: a delta's)."""
    keys = r.texts(name + ".key")
    return list(zip(keys.all(), _dict_values(r, name, kind, len(keys), StoryLink)[1]()))


def _story_columns(cols: _Columns, c: StreamClusterer | None, stories: list[Story] | None = None) -> None:
    """Every story ever made (the postings point at them by position; merged-away ones
    empty) and the members of those that hold them, story after story; or only
    ``stories`` (a delta, snapshot_delta.py).

    A loaded clusterer's stories that were never built since the load are copied
    as they were stored (``_Base``), in one gather per column, not built one by one.
    """
    got = loaded(c) if c is not None else None
    base: _Base | None = got.base if got is not None else None
    items: list = c._by_idx._items if base is not None else (c._by_idx if c is not None else stories)
    n_base = base.n if base is not None else 0
    total = len(items)
    at = [i for i, s in enumerate(items) if s is not None] if base is not None else range(total)
    made: list[Story] = [items[i] for i in at]
    at_arr = np.asarray(at, dtype=np.int64)
    pick = np.arange(total, dtype=np.int64)  # story i from: base story i, or made[pick[i] - n_base]
    pick[at_arr] = n_base + np.arange(len(made), dtype=np.int64)

    def scalar(name: str, stored: np.ndarray | None, values: list, dtype: str) -> np.ndarray:
        out = np.empty(total, dtype=dtype)
        if stored is not None:
            out[:n_base] = whole(stored)
        out[at_arr] = np.asarray(values, dtype=dtype)
        cols.put(name, out, dtype)
        return out

    b = base
    # (indexed in a full snapshot: a loaded clusterer finds a live story by its id)
    cols.texts("story.id", (b.ids.all() if b else []) + [s.id for s in items[n_base:]], index=c is not None)
    scalar("story.size", b and b.sizes, [s.size for s in made], "int64")
    scalar("story.checks", b and b.checks, [s.checks_done for s in made], "int64")
    scalar("story.first_day", b and b.first, _days(s.first_day for s in made), "int64")
    scalar("story.last_day", b and b.last, _days(s.last_day for s in made), "int64")
    scalar("story.norm_sq", b and b.norm_sq, [s.norm_sq for s in made], "float64")
    for field, dtype in (("ids", "uint32"), ("vals", "float64"), ("names", "uint32"), ("emb", "float32"),
                         ("temb", "float32")):
        cols.spans(f"story.{field}", b and b.spans[f"story.{field}"], [getattr(s, field) for s in made],
                   pick, dtype)
    # members; -1 for a story that holds none (None, not [])
    counts = scalar("story.n_members", b and b.n_members,
                    [-1 if s.members is None else len(s.members) for s in made], "int64")
    members = [m for s in made if s.members for m in s.members]
    k_base = len(b.m_ids) if b else 0
    held = np.maximum(counts, 0)
    first = np.empty(total, dtype=np.int64)  # of each story's members in (base members, then ``members``)
    if b:
        first[:n_base] = whole(b.m_start)
    made_held = held[at_arr]
    first[at_arr] = k_base + np.cumsum(made_held) - made_held
    cols.put("story.member_start", np.cumsum(held) - held, "int64")  # where each one's members start
    m_pick = lazy.gather(np.arange(k_base + len(members), dtype=np.int64), first, held)
    ids = (b.m_ids.all() if b else []) + [m.article_id for m in members]
    cols.texts("member.article", [ids[j] for j in m_pick.tolist()], index=False)
    days = _days(m.day for m in members)
    cols.put("member.day", (np.concatenate([whole(b.m_day), days]) if b else days)[m_pick], "int64")
    for field, dtype in (("ids", "uint32"), ("tf", "float32"), ("names", "uint32"), ("nums", "uint32"),
                         ("lead", "uint32"), ("emb", "float32"), ("temb", "float32")):
        cols.spans(f"member.{field}", b and b.spans[f"member.{field}"], [getattr(m, field) for m in members],
                   m_pick, dtype, halve=field in ("emb", "temb"))


def _pack(fp: str, cols: _Columns) -> bytearray:
    """One buffer: magic | header length, CRC-32 of the header | header | block CRCs | data.

    The head (everything before the data) is stored as one row and each BLOCK
    bytes of the data as one more (``parts``), so that a start reads only the
    blocks the run touches, each checked by its own CRC-32. The header holds
    the CRC-32 of the block CRCs (fixed width: the header's length is known
    before the data is laid out).
    """
    entries = []
    offset = 0
    for name, arr in cols.arrays.items():
        entries.append([name, arr.dtype.str, list(arr.shape), offset, arr.nbytes])
        offset += -(-arr.nbytes // _ALIGN) * _ALIGN
    n_blocks = -(-offset // BLOCK)

    def head(blocks_crc: str) -> bytes:
        return json.dumps({"format": FORMAT, "fingerprint": fp, "size": offset, "block": BLOCK, "blocks": n_blocks,
                           "blocks_crc": blocks_crc, "scalars": cols.scalars, "arrays": entries}).encode("utf-8")

    header = head("0" * 8)
    crc_at = len(_MAGIC) + _FIXED.size + len(header)
    crc_at += -crc_at % _ALIGN
    at = crc_at + 4 * n_blocks
    at += -at % _ALIGN
    out = bytearray(at + offset)  # written once, in place: at a million articles it is the largest object
    data = np.frombuffer(out, dtype=np.uint8, offset=at)
    for (_, _, _, where, nbytes), arr in zip(entries, cols.arrays.values()):
        data[where : where + nbytes] = arr.reshape(-1).view(np.uint8)
    mv = memoryview(out)
    crcs = np.frombuffer(out, dtype=np.uint32, count=n_blocks, offset=crc_at)
    crcs[:] = [zlib.crc32(mv[b : b + BLOCK]) for b in range(at, at + offset, BLOCK)]
    header = head(f"{zlib.crc32(crcs.tobytes()):08x}")
    out[: len(_MAGIC)] = _MAGIC
    out[len(_MAGIC) + _FIXED.size : len(_MAGIC) + _FIXED.size + len(header)] = header
    _FIXED.pack_into(out, len(_MAGIC), len(header), zlib.crc32(header))
    return out


def parts(buf: bytes | bytearray | memoryview) -> list[memoryview]:
    """A snapshot as it is stored, one row each: the head, then each block of the data."""
    header = read_header(buf)
    mv = memoryview(buf)
    at = header["_data_at"]
    return [mv[:at]] + [mv[b : b + header["block"]] for b in range(at, len(mv), header["block"])]


# -- reading ------------------------------------------------------------------------------


def read_header(buf: bytes | bytearray | memoryview) -> dict:
    """The header of a snapshot buffer (its fingerprint, scalars, arrays); SnapshotError if unreadable."""
    mv = memoryview(buf)
    start = len(_MAGIC) + _FIXED.size
    if len(mv) < start or bytes(mv[:6]) != _MAGIC[:6]:  # the last two bytes are the format
        raise SnapshotError("not a storyscope clusterer snapshot (bad magic)")
    n, crc = _FIXED.unpack_from(mv, len(_MAGIC))
    if bytes(mv[: len(_MAGIC)]) == _MAGIC and zlib.crc32(mv[start : start + n]) != crc:
        raise SnapshotError("snapshot head corrupt: CRC-32 mismatch")
    try:
        header = json.loads(bytes(mv[start : start + n]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"snapshot header unreadable: {exc}") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise SnapshotError(f"snapshot format {header.get('format') if isinstance(header, dict) else '?'}, "
                            f"this version reads {FORMAT}")
    if bytes(mv[: len(_MAGIC)]) != _MAGIC:
        raise SnapshotError("not a storyscope clusterer snapshot (bad magic)")
    at = start + n + (-(start + n) % _ALIGN)
    blocks = header.get("blocks")
    if not isinstance(blocks, int) or not isinstance(header.get("block"), int) or blocks < 0:
        raise SnapshotError("snapshot header without its blocks")
    end = at + 4 * blocks
    if len(mv) < end or f"{zlib.crc32(mv[at:end]):08x}" != header.get("blocks_crc"):
        raise SnapshotError("snapshot head corrupt: CRC-32 mismatch")
    header["_crcs"] = np.frombuffer(bytes(mv[at:end]), dtype=np.uint32)
    header["_data_at"] = end + (-end % _ALIGN)
    return header


class _Spans:
    """``count`` arrays stored end to end (see ``_Columns.spans``), the i-th cut out when asked for.

    ``flat`` and ``ends`` are numpy arrays or ``Paged`` ones (read a block at a
    time); ``flat``, ``ends`` and ``lens`` as attributes are whole numpy arrays
    (a snapshot written after a load copies them).
    """

    def __init__(self, flat: np.ndarray | Paged, ends: np.ndarray | Paged) -> None:
        self._flat, self._ends = flat, ends
        self._half = flat.dtype == np.float16  # see _Columns.spans: widened one array at a time

    @property
    def flat(self) -> np.ndarray:
        return whole(self._flat)

    @property
    def ends(self) -> np.ndarray:
        return whole(self._ends)

    @property
    def lens(self) -> np.ndarray:
        return np.diff(self.ends, prepend=0)

    def __call__(self, i: int, empty: np.ndarray | None = None) -> np.ndarray:
        """The i-th; ``empty`` (when given) for a zero-length one."""
        b = int(self._ends[i])
        a = int(self._ends[i - 1]) if i else 0
        if a == b and empty is not None:
            return empty
        if not 0 <= a <= b <= len(self._flat):
            raise SnapshotError(f"snapshot span {i} outside its array")
        got = self._flat[a:b]
        return got.astype(np.float32) if self._half else got

    def many(self, start: int, count: int) -> list[np.ndarray]:
        """Items ``start`` to ``start + count``: one read of their ends and one of their data (a
        story's members lie together), each a view of that copy."""
        if count <= 0:
            return []
        got = self._ends[max(start - 1, 0) : start + count].tolist()
        ends = got if start else [0, *got]
        a0, a1 = ends[0], ends[-1]
        if len(ends) != count + 1 or not 0 <= a0 <= a1 <= len(self._flat):
            raise SnapshotError(f"snapshot spans {start}-{start + count} outside their array")
        flat = self._flat[a0:a1]
        if self._half:
            flat = flat.astype(np.float32)
        return [flat[a - a0 : b - a0] for a, b in zip(ends[:-1], ends[1:])]


@dataclass(frozen=True)
class _Base:
    """The stories and members of a loaded snapshot, as stored: what a later snapshot copies
    for the stories not built since (``_story_columns``)."""

    n: int
    ids: list[str]
    sizes: np.ndarray
    checks: np.ndarray
    first: np.ndarray
    last: np.ndarray
    norm_sq: np.ndarray
    n_members: np.ndarray
    m_start: np.ndarray
    m_ids: lazy.Texts
    m_day: Paged
    spans: dict[str, _Spans]


class _Reader:
    """The arrays of a snapshot, read from its blocks (``Blocks``): whole (``get``: a writable copy)
    or a block at a time when first needed (``paged``)."""

    def __init__(self, header: dict, blocks: Blocks) -> None:
        self.blocks = blocks
        self.entries = {e[0]: e for e in header["arrays"]}

    def _entry(self, name: str) -> tuple[np.dtype, list, int, int]:
        try:
            _, dtype, shape, offset, nbytes = self.entries[name]
            dt = np.dtype(dtype)
            count = int(np.prod(shape)) if shape else 1
            if count * dt.itemsize != nbytes or offset < 0:
                raise ValueError("size mismatch")
            return dt, shape, offset, count
        except (KeyError, ValueError, TypeError) as exc:
            raise SnapshotError(f"snapshot array {name!r} unreadable: {exc}") from exc

    def get(self, name: str) -> np.ndarray:
        dt, shape, offset, count = self._entry(name)
        try:  # writable: centroid values change in place as articles are added
            return np.frombuffer(bytearray(self.blocks.read(offset, count * dt.itemsize)), dtype=dt).reshape(shape)
        except ValueError as exc:
            raise SnapshotError(f"snapshot array {name!r} unreadable: {exc}") from exc

    def paged(self, name: str) -> Paged:
        """A 1-d array read a block at a time when first needed."""
        dt, shape, offset, count = self._entry(name)
        if len(shape) != 1 or offset + count * dt.itemsize > self.blocks.size:
            raise SnapshotError(f"snapshot array {name!r} unreadable: outside the data")
        out = Paged(self.blocks, offset, dt, count)
        if name + ".fence" in self.entries:
            out.fence = self.get(name + ".fence")
            if len(out.fence) != -(-count // FENCE):
                raise SnapshotError(f"snapshot array {name!r} of another fence")
        return out

    def spans(self, name: str, count: int, paged_ends: bool = False) -> _Spans:
        flat = self.paged(name)
        ends = self.paged(name + ".end") if paged_ends else self.get(name + ".end")
        if len(ends) != count or (count and int(ends[count - 1]) != len(flat)):
            raise SnapshotError(f"snapshot array {name!r} does not add up")
        return _Spans(flat, ends)

    def texts(self, name: str) -> lazy.Texts:
        """Strings stored by ``_Columns.texts``, decoded one at a time."""
        try:
            return lazy.Texts(self.paged(name), self.paged(name + ".end"))
        except ValueError as exc:
            raise SnapshotError(f"snapshot strings {name!r} unreadable: {exc}") from exc

    def strings(self, name: str) -> list[str]:
        try:
            out = json.loads(self.get(name).tobytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SnapshotError(f"snapshot strings {name!r} unreadable: {exc}") from exc
        if not isinstance(out, list):
            raise SnapshotError(f"snapshot strings {name!r} are not a list")
        return out


def _day_value(d: np.int64) -> int | None:
    return None if d == _NONE_DAY else int(d)


def loads(buf: bytes | bytearray | memoryview, into: StreamClusterer) -> StreamClusterer:
    """Fill the fresh clusterer ``into`` with the state in ``buf``; returns it.

    ``into`` gives the settings and model; a snapshot taken under others (or by
    other code) raises SnapshotError, as does a damaged one. The arrays of the
    state are views of one writable copy of ``buf`` (centroid values change in
    place as articles are added).
    """
    from .stream import StoryLink  # stream.py imports this module

    header = read_header(buf)
    data = buf if isinstance(buf, bytearray) else bytearray(buf)
    at, size = header["_data_at"], header.get("size")
    if not isinstance(size, int) or len(data) != at + size:
        raise SnapshotError(f"snapshot truncated: {len(data) - at} bytes of data, header says {size}")
    return _load(_Reader(header, _blocks_in(data, header)), header, into, StoryLink)


def _blocks_in(data: bytes | bytearray | memoryview, header: dict) -> Blocks:
    """The blocks of a snapshot held whole in memory."""
    at, size, block = header["_data_at"], header["size"], header["block"]
    mv = memoryview(data)
    return Blocks(lambda b: mv[at + b * block : at + min((b + 1) * block, size)], header["_crcs"], size, block)


def load_chain(latest: int, part: Callable[[int, int], bytes | None], into: StreamClusterer,
               part_range: Callable[[int, int, int], list[bytes]] | None = None) -> StreamClusterer:
    """``loads`` of the stored snapshot ``latest``: ``part(id, i)`` reads the i-th part of stored row
    ``id`` (``part_range(id, i, j)`` the i-th to the j-th, if given).

    A full snapshot stored by ``parts`` is read a block at a time as the run
    needs it (``load_stored``), one stored whole is read whole; a delta
    (snapshot_delta.py) is read whole and applied, with the deltas before it,
    over its base. SnapshotError as ``loads``; a damaged block found later
    raises SnapshotBlockError from whatever reads it.
    """
    from . import snapshot_delta as delta
    from .stream import StoryLink

    head = part(latest, 0)
    if head is None:
        raise SnapshotError("snapshot chunks missing")
    header = read_header(head)
    chain = header["scalars"].get("chain") if header["scalars"].get("kind") == "delta" else None
    if chain is not None and (not isinstance(chain, list) or not chain or not all(isinstance(x, int) for x in chain)):
        raise SnapshotError("delta without its chain")
    base_id = chain[0] if chain else latest
    base_head = head if base_id == latest else part(base_id, 0)
    if base_head is None:
        raise SnapshotError("the base of the snapshot's deltas is missing")
    base_header = read_header(base_head)
    if base_header["scalars"].get("kind", "base") != "base":
        raise SnapshotError("the base of the snapshot's deltas is a delta")
    if len(base_head) == base_header["_data_at"]:
        in_range = (lambda a, b: part_range(base_id, a + 1, b + 1)) if part_range is not None else None
        c = load_stored(base_head, lambda i: part(base_id, i), into, in_range)
    else:  # stored whole, in chunks of another size
        c = loads(_read_whole(part, base_id, part_range), into)
    delta.start(c, [base_id], base_header["size"])
    if chain:
        deltas = []
        for sid in chain[1:] + [latest]:
            buf = _read_whole(part, sid, part_range)
            h = read_header(buf)
            if h.get("fingerprint") != base_header.get("fingerprint") or h["scalars"].get("kind") != "delta":
                raise SnapshotError("a delta of another snapshot")
            if len(buf) != h["_data_at"] + h["size"]:
                raise SnapshotError("delta truncated")
            h["_id"] = sid
            deltas.append((h, _Reader(h, _blocks_in(buf, h)), len(buf)))
        try:
            with _no_gc():
                delta.apply(c, deltas, StoryLink)
                loaded(c).n_loaded = len(c._by_idx)
        except SnapshotError:
            raise
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise SnapshotError(f"delta inconsistent: {type(exc).__name__}: {exc}") from exc
    return c


def _read_whole(part: Callable[[int, int], bytes | None], sid: int,
                part_range: Callable[[int, int, int], list[bytes]] | None = None) -> bytearray:
    """Every part of stored row ``sid`` up to the first missing one: one query with ``part_range``."""
    if part_range is not None:
        rows = part_range(sid, 0, 2**62)
        out, i = bytearray(b"".join(rows)), len(rows)
    else:
        out, i = bytearray(), 0
        while (got := part(sid, i)) is not None:
            out += got
            i += 1
    if not i:
        raise SnapshotError(f"snapshot {sid} missing")
    return out


def load_stored(head: bytes, part: Callable[[int], bytes | None], into: StreamClusterer,
                blocks_range: Callable[[int, int], list[bytes]] | None = None) -> StreamClusterer:
    """``loads`` of a stored format-3 snapshot: ``head`` is its first part, ``part(i)`` its i-th
    (the data's block i - 1), read only when the run first needs it (``Blocks``)."""
    from .stream import StoryLink

    header = read_header(head)
    if len(head) != header["_data_at"] or not isinstance(header.get("size"), int):
        raise SnapshotError("snapshot head of the wrong length")
    blocks = Blocks(lambda b: part(b + 1), header["_crcs"], header["size"], header["block"], blocks_range)
    return _load(_Reader(header, blocks), header, into, StoryLink)


def _load(r: _Reader, header: dict, into: StreamClusterer, StoryLink: type) -> StreamClusterer:
    if header.get("fingerprint") != fingerprint(into):
        raise SnapshotError("snapshot taken with other settings, model or code")
    try:
        with _no_gc():
            c = _fill(r, header["scalars"], into, StoryLink)
            loaded(c).n_loaded = len(c._by_idx)
            return c
    except SnapshotError:
        raise
    except (KeyError, IndexError, ValueError, TypeError) as exc:  # consistent CRC, inconsistent content
        raise SnapshotError(f"snapshot inconsistent: {type(exc).__name__}: {exc}") from exc


def _stories_of(r: _Reader) -> tuple[list[str], Callable[[int, int], Story], _Base]:
    """The stories of a snapshot (or a delta): their ids, ``story(j, idx)`` building the j-th
    stored one as the story at position ``idx``, and the columns as stored."""
    ids = r.texts("story.id")
    n = len(ids)
    # per story, read a block at a time as stories are built: a start reads none of them
    sizes, checks = r.paged("story.size"), r.paged("story.checks")
    first, last = r.paged("story.first_day"), r.paged("story.last_day")
    norm_sq = r.paged("story.norm_sq")
    spans = {f"story.{f}": r.spans(f"story.{f}", n, paged_ends=True) for f in ("ids", "vals", "names", "emb", "temb")}
    cents, vals, names = spans["story.ids"], spans["story.vals"], spans["story.names"]
    embs, tembs = spans["story.emb"], spans["story.temb"]
    n_members, m_start = r.paged("story.n_members"), r.paged("story.member_start")
    if not len(sizes) == len(checks) == len(first) == len(last) == len(norm_sq) == len(n_members) == len(m_start) == n:
        raise SnapshotError("snapshot story columns differ in length")
    m_ids = r.texts("member.article")
    k = len(m_ids)
    m_day = r.paged("member.day")
    fields = ("ids", "tf", "names", "nums", "emb", "temb", "lead")
    spans.update({f"member.{f}": r.spans(f"member.{f}", k, paged_ends=True) for f in fields})
    m_cols = [spans[f"member.{f}"] for f in fields]
    if len(m_day) != k or (int(m_start[n - 1]) + max(int(n_members[n - 1]), 0) if n else 0) != k:
        raise SnapshotError("snapshot members do not add up")

    def members(start: int, count: int) -> list[Member]:
        names, days = m_ids.many(start, count), m_day[start : start + count].tolist()
        cols = [col.many(start, count) for col in m_cols]
        out = []
        for j in range(count):
            m = Member.__new__(Member)
            m.article_id, m.day = names[j], _day_value(days[j])
            m.ids, m.tf, m.names, m.nums, m.emb, m.temb, m.lead = (col[j] for col in cols)
            out.append(m)
        return out

    def story(i: int, idx: int) -> Story:
        s = Story(ids[i], idx)
        s.ids, s.vals = cents(i, EMPTY_IDS), vals(i, EMPTY_VALS)
        s.norm_sq, s.size, s.checks_done = float(norm_sq[i]), int(sizes[i]), int(checks[i])
        s.first_day, s.last_day = _day_value(first[i]), _day_value(last[i])
        s.names = names(i, EMPTY_IDS)
        s.emb, s.temb = embs(i, EMPTY_EMB), tembs(i, EMPTY_EMB)
        s.emb_unit, s.temb_unit = unit(s.emb), unit(s.temb)
        count = int(n_members[i])
        start = int(m_start[i])
        s.members = None if count < 0 else members(start, count)
        return s

    return ids, story, _Base(n, ids, sizes, checks, first, last, norm_sq, n_members, m_start, m_ids, m_day, spans)


def _fill(r: _Reader, sc: dict, c: StreamClusterer, StoryLink: type) -> StreamClusterer:
    if c._by_idx or c._article_story or c.stats.n_docs:
        raise SnapshotError("loads needs a fresh clusterer")
    # Stories, their members, the postings and the article table are not built
    # here: each story (with its members) when first asked for, each postings
    # list when first read, each article, live story, link or copy looked up alone
    # (snapshot_lazy.py). A run touches a few hundred stories, whatever the store's size.
    ids, story, base = _stories_of(r)
    n = len(ids)
    digests: dict[int, bytes] = {}
    by_idx = lazy.LazyList(n, tracked(lambda i: story(i, i), digests))
    c._by_idx = by_idx
    order, rank = r.paged("stories.order"), r.paged("stories.rank")
    if len(rank) != n or len(order) > n:
        raise SnapshotError("snapshot story order of another length")
    try:
        index = lazy.TextIndex(ids, r.paged("story.id.crc"), r.paged("story.id.pos"))
    except ValueError as exc:
        raise SnapshotError(f"snapshot inconsistent: {exc}") from exc

    def live_at(sid: str) -> int:
        p = index.find(sid)
        return -1 if p < 0 else int(rank[p])

    def every_live() -> list[tuple[str, int]]:
        names = ids.all()
        return [(names[i], i) for i in whole(order).tolist()]

    c._stories = lazy.LiveStories(lazy.StoredDict(len(order), live_at, lambda j: int(order[j]), every_live), by_idx)
    c._hot = OrderedDict.fromkeys(r.strings("hot.id"))
    try:
        c._postings = lazy.Postings(r.paged("postings.term"), r.paged("postings.story.end"), r.paged("postings.story"))
        texts = lazy.Texts(r.paged("article.id"), r.paged("article.id.end"))
        codes = r.paged("article.story")
        c._article_story = lazy.ArticleStories(
            lazy.TextIndex(texts, r.paged("article.id.crc"), r.paged("article.id.pos")), texts, codes,
            r.texts("article.story_table"))
    except ValueError as exc:
        raise SnapshotError(f"snapshot inconsistent: {exc}") from exc
    # copies, links, merges, links made to each
    for name, kind in _DICTS.items():
        setattr(c, "_" + name, _dict_from(r, name, kind, StoryLink))
    # statistics
    if sc["df_size"] != len(c.stats._df):
        raise SnapshotError("snapshot document-frequency table of another size")
    df_slot, df_count = r.get("df.slot"), r.get("df.count")
    c.stats._df[df_slot] = df_count
    c.stats.n_docs = sc["n_docs"]
    # copy index (at most its window of articles, whatever the store's size)
    d = c._dups
    if (sc["dups_bits"], sc["dups_window"], sc["dups_num_perm"]) != (d._bits, d.window, d.num_perm) or d._bits > 32:
        raise SnapshotError("snapshot copy index of another shape")
    dups_slot, dups_serial = r.get("dups.slot"), r.get("dups.serial")
    d._table[dups_slot] = dups_serial
    sigs = r.get("dups.sigs")
    d._sigs = np.zeros((sc["dups_capacity"], d.num_perm), dtype=np.uint32)
    d._sigs[: len(sigs)] = sigs
    d._ids = r.strings("dups.ids")
    d._serial = serial = sc["dups_serial"]
    if len(d._ids) != len(sigs) or len(d._ids) != min(serial, d.window):
        raise SnapshotError("snapshot copy index does not add up")
    d._serial_of = serials(d)
    c._sums = np.zeros(sc["sums"], dtype=np.float64)
    c._next = sc["next"]
    # the two tables as stored, for a delta's differences from them (snapshot_delta.py)
    _LOADED[c] = Loaded(base, r.blocks, (df_slot, df_count, dups_slot, dups_serial), digests)
    return c


def serials(d) -> dict[str, int]:
    """Each article in the copy index's window at its serial, oldest first (an article is inserted once):
    the ring of ids rotated to start at the oldest, not a lookup per serial."""
    first = max(d._serial - d.window, 0)
    at = first % d.window
    return dict(zip(d._ids[at:] + d._ids[:at], range(first, d._serial)))


@dataclass
class Loaded:
    """What a clusterer loaded from a snapshot keeps of it, beside the clusterer (``loaded``)."""

    base: _Base  # the stories as stored: a full snapshot copies those never built since
    blocks: Blocks  # read whole before a new snapshot replaces the rows they come from (dumps)
    tables: tuple  # (df slots, counts, copy-index slots, serials) as stored: a delta's differences from them
    digests: dict[int, bytes]  # each story built since the load, as it was built: a delta writes the changed
    n_loaded: int = -1  # stories at the end of the load (those past it were made by the run)
    chain: object = None  # the stored rows loaded, for a delta over them (snapshot_delta.Chain)


_LOADED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def loaded(c: StreamClusterer) -> Loaded | None:
    """The snapshot state ``c`` was loaded with (None: not loaded from a snapshot)."""
    return _LOADED.get(c)


def digest(s: Story) -> bytes:
    """The state of a story, to tell one a run changed from one it only read (members are never changed
    in place: a story's are told by their ids and objects)."""
    h = hashlib.blake2b(digest_size=16)
    for a in (s.ids, s.vals, s.names, s.emb, s.temb):
        h.update(a.dtype.str.encode() + len(a).to_bytes(8, "little"))
        h.update(np.ascontiguousarray(a).view(np.uint8))
    members = None if s.members is None else [(m.article_id, id(m)) for m in s.members]
    h.update(repr((s.id, s.idx, s.size, s.checks_done, s.norm_sq, s.first_day, s.last_day, members)).encode())
    return h.digest()


def tracked(build: Callable[[int], Story], digests: dict[int, bytes]) -> Callable[[int], Story]:
    """``build`` that notes the digest of each story it builds."""

    def built(i: int) -> Story:
        s = build(i)
        digests[i] = digest(s)
        return s

    return built
