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
(article and story ids, link details) are JSON lists. Two tables are mostly
zeros and stored sparse: the document frequencies (2**24 counts) and the copy
index's band slots (a slot holding an article that has left the window acts as
an empty one, see ``kernels.nearest_copy``, so it is stored as empty).

Anything wrong (truncated, flipped bits, another version) raises SnapshotError,
never returns a half-built clusterer.
"""

from __future__ import annotations

import gc
import hashlib
import json
import struct
import zlib
from collections import OrderedDict
from array import array
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import metadata, resources
from typing import TYPE_CHECKING

import numpy as np

from ..errors import StoryscopeError
from .story import EMPTY_EMB, EMPTY_IDS, EMPTY_VALS, Member, Story, unit

if TYPE_CHECKING:
    from .stream import StreamClusterer

FORMAT = 1
_MAGIC = b"SSSNAP01"
_FIXED = struct.Struct("<II")  # header length, CRC-32 of the arrays
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
_CODE = ("cluster", ("evidence.py", "kernels.py", "same_event_model.json", "settings.py", "snapshot.py",
                     "split.py", "story.py", "stream.py", "syndication.py", "vectors.py"))
_FEATURE_CODE = ("features", ("__init__.py", "record.py", "text.py"))


class SnapshotError(StoryscopeError):
    """A snapshot cannot be used: truncated, corrupt, or of another version or settings.

    The caller rebuilds the clusterer by replaying the stored articles instead.
    """


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
        "format": FORMAT, "version": __version__, "code": _code_hash(),
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

    def ragged(self, name: str, parts: list[np.ndarray], dtype: str) -> None:
        """Arrays of any lengths as one array and their lengths (a mixed dtype upcasts: caught by ``put``)."""
        self.put(name + ".len", np.fromiter(map(len, parts), np.int64, len(parts)), "int64")
        full = [p for p in parts if len(p)]
        self.put(name, np.concatenate(full) if full else np.zeros(0, dtype), dtype)

    def halves(self, name: str, parts: list[np.ndarray]) -> None:
        """Float32 vectors as float16 when that loses nothing: an article's embeddings were stored
        as float16 (features/record.py), so its members' are, and they are half the snapshot."""
        self.ragged(name, parts, "float32")
        flat = self.arrays[name]
        half = flat.astype(np.float16)
        if np.array_equal(half.astype(np.float32), flat):
            self.arrays[name] = half

    def strings(self, name: str, values: Iterable[str]) -> None:
        self.put(name, np.frombuffer(json.dumps(list(values)).encode("utf-8"), np.uint8), "uint8")


def _days(values: Iterable[int | None]) -> np.ndarray:
    return np.array([_NONE_DAY if d is None else d for d in values], dtype=np.int64)


def dumps(clusterer: StreamClusterer) -> bytearray:
    """The clusterer's whole state as one buffer (see the module docstring)."""
    with _no_gc():
        return _dumps(clusterer)


def _dumps(clusterer: StreamClusterer) -> bytearray:
    c = clusterer
    cols = _Columns()
    by_idx: list[Story] = c._by_idx
    # stories: every one ever made (the postings point at them by position), the
    # merged-away ones too, empty
    cols.strings("story.id", (s.id for s in by_idx))
    cols.put("story.size", [s.size for s in by_idx], "int64")
    cols.put("story.checks", [s.checks_done for s in by_idx], "int64")
    cols.put("story.first_day", _days(s.first_day for s in by_idx), "int64")
    cols.put("story.last_day", _days(s.last_day for s in by_idx), "int64")
    cols.put("story.norm_sq", [s.norm_sq for s in by_idx], "float64")
    cols.ragged("story.ids", [s.ids for s in by_idx], "uint32")
    cols.ragged("story.vals", [s.vals for s in by_idx], "float64")
    cols.ragged("story.names", [s.names for s in by_idx], "uint32")
    cols.ragged("story.emb", [s.emb for s in by_idx], "float32")
    cols.ragged("story.temb", [s.temb for s in by_idx], "float32")
    # members, story after story; -1 for a story that holds none (None, not [])
    cols.put("story.n_members", [-1 if s.members is None else len(s.members) for s in by_idx], "int64")
    members = [m for s in by_idx if s.members for m in s.members]
    cols.strings("member.article", (m.article_id for m in members))
    cols.put("member.day", _days(m.day for m in members), "int64")
    for field, dtype in (("ids", "uint32"), ("tf", "float32"), ("names", "uint32"), ("nums", "uint32"),
                         ("lead", "uint32")):
        cols.ragged(f"member.{field}", [getattr(m, field) for m in members], dtype)
    cols.halves("member.emb", [m.emb for m in members])
    cols.halves("member.temb", [m.temb for m in members])
    # which stories are live, in the dict's order; the hot ones, oldest first
    cols.put("stories.order", [s.idx for s in c._stories.values()], "int64")
    cols.put("hot.order", [c._stories[sid].idx for sid in c._hot], "int64")
    # inverted index
    cols.put("postings.term", np.fromiter(c._postings.keys(), np.uint32, len(c._postings)), "uint32")
    cols.put("postings.story.len", np.fromiter(map(len, c._postings.values()), np.int64, len(c._postings)), "int64")
    cols.put("postings.story", np.frombuffer(b"".join(c._postings.values()), np.int32), "int32")
    # article -> story, as positions in a table of the distinct story ids
    table = list(dict.fromkeys(c._article_story.values()))
    code = {sid: i for i, sid in enumerate(table)}
    cols.strings("article.id", c._article_story.keys())
    cols.strings("article.story_table", table)
    cols.put("article.story", [code[s] for s in c._article_story.values()], "int32")
    cols.strings("syndicated.article", c._syndicated_root.keys())
    cols.strings("syndicated.root", c._syndicated_root.values())
    # links: (story, related, score, reason, detail) per link, grouped by story
    links = [k for group in c._links.values() for k in group]
    cols.strings("links.key", c._links.keys())
    cols.put("links.count", [len(g) for g in c._links.values()], "int64")
    cols.strings("links.text", [x for k in links for x in (k.story_id, k.related_id, k.reason, k.detail)])
    cols.put("links.score", [k.score for k in links], "float64")
    cols.strings("merged.story", c._merged_into.keys())
    cols.strings("merged.into", c._merged_into.values())
    cols.strings("incoming.story", c._incoming.keys())
    cols.put("incoming.count", list(c._incoming.values()), "int64")
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
    cols.scalars.update(
        n_docs=c.stats.n_docs, next=c._next, sums=len(c._sums), df_size=len(df),
        dups_serial=dups._serial, dups_bits=dups._bits, dups_capacity=len(dups._sigs),
        dups_window=dups.window, dups_num_perm=dups.num_perm,
    )
    return _pack(fingerprint(c), cols)


def _pack(fp: str, cols: _Columns) -> bytearray:
    entries = []
    offset = 0
    for name, arr in cols.arrays.items():
        entries.append([name, arr.dtype.str, list(arr.shape), offset, arr.nbytes])
        offset += -(-arr.nbytes // _ALIGN) * _ALIGN
    header = json.dumps({"format": FORMAT, "fingerprint": fp, "size": offset, "scalars": cols.scalars,
                         "arrays": entries}).encode("utf-8")
    at = len(_MAGIC) + _FIXED.size + len(header)
    at += -at % _ALIGN
    out = bytearray(at + offset)  # written once, in place: at a million articles it is the largest object
    data = np.frombuffer(out, dtype=np.uint8, offset=at)
    for (_, _, _, where, nbytes), arr in zip(entries, cols.arrays.values()):
        data[where : where + nbytes] = arr.reshape(-1).view(np.uint8)
    out[: len(_MAGIC)] = _MAGIC
    _FIXED.pack_into(out, len(_MAGIC), len(header), zlib.crc32(data))
    out[len(_MAGIC) + _FIXED.size : len(_MAGIC) + _FIXED.size + len(header)] = header
    return out


# -- reading ------------------------------------------------------------------------------


def read_header(buf: bytes | bytearray | memoryview) -> dict:
    """The header of a snapshot buffer (its fingerprint, scalars, arrays); SnapshotError if unreadable."""
    mv = memoryview(buf)
    start = len(_MAGIC) + _FIXED.size
    if len(mv) < start or bytes(mv[: len(_MAGIC)]) != _MAGIC:
        raise SnapshotError("not a storyscope clusterer snapshot (bad magic)")
    n, crc = _FIXED.unpack_from(mv, len(_MAGIC))
    try:
        header = json.loads(bytes(mv[start : start + n]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"snapshot header unreadable: {exc}") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise SnapshotError(f"snapshot format {header.get('format') if isinstance(header, dict) else '?'}, "
                            f"this version reads {FORMAT}")
    header["_data_at"] = start + n + (-(start + n) % _ALIGN)
    header["_crc"] = crc
    return header


class _Reader:
    def __init__(self, buf: bytearray | memoryview, header: dict) -> None:
        self.buf = buf
        self.at = header["_data_at"]
        self.entries = {e[0]: e for e in header["arrays"]}

    def get(self, name: str) -> np.ndarray:
        try:
            _, dtype, shape, offset, nbytes = self.entries[name]
            arr = np.frombuffer(self.buf, dtype=np.dtype(dtype), count=int(np.prod(shape)) if shape else 1,
                                offset=self.at + offset)
            if arr.nbytes != nbytes:
                raise ValueError("size mismatch")
            return arr.reshape(shape)
        except (KeyError, ValueError, TypeError) as exc:
            raise SnapshotError(f"snapshot array {name!r} unreadable: {exc}") from exc

    def ragged(self, name: str, count: int) -> list[np.ndarray]:
        lens = self.get(name + ".len")
        flat = self.get(name)
        if flat.dtype == np.float16:  # see _Columns.halves
            flat = flat.astype(np.float32)
        if len(lens) != count or int(lens.sum()) != len(flat) or (lens < 0).any():
            raise SnapshotError(f"snapshot array {name!r} does not add up")
        ends = np.cumsum(lens).tolist()
        starts = [0, *ends[:-1]]
        return [flat[a:b] for a, b in zip(starts, ends)]

    def strings(self, name: str) -> list[str]:
        try:
            out = json.loads(self.get(name).tobytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SnapshotError(f"snapshot strings {name!r} unreadable: {exc}") from exc
        if not isinstance(out, list):
            raise SnapshotError(f"snapshot strings {name!r} are not a list")
        return out


def _day_values(arr: np.ndarray) -> list[int | None]:
    return [None if d == _NONE_DAY else d for d in arr.tolist()]


def loads(buf: bytes | bytearray | memoryview, into: StreamClusterer) -> StreamClusterer:
    """Fill the fresh clusterer ``into`` with the state in ``buf``; returns it.

    ``into`` gives the settings and model; a snapshot taken under others (or by
    other code) raises SnapshotError, as does a damaged one. The arrays of the
    state are views of one writable copy of ``buf`` (centroid values change in
    place as articles are added).
    """
    from .stream import StoryLink  # stream.py imports this module

    header = read_header(buf)
    if header.get("fingerprint") != fingerprint(into):
        raise SnapshotError("snapshot taken with other settings, model or code")
    data = buf if isinstance(buf, bytearray) else bytearray(buf)
    at, size = header["_data_at"], header.get("size")
    if len(data) != at + size:
        raise SnapshotError(f"snapshot truncated: {len(data) - at} bytes of data, header says {size}")
    if zlib.crc32(memoryview(data)[at:]) != header["_crc"]:
        raise SnapshotError("snapshot corrupt: CRC-32 mismatch")
    try:
        with _no_gc():
            return _fill(_Reader(data, header), header["scalars"], into, StoryLink)
    except SnapshotError:
        raise
    except (KeyError, IndexError, ValueError, TypeError) as exc:  # consistent CRC, inconsistent content
        raise SnapshotError(f"snapshot inconsistent: {type(exc).__name__}: {exc}") from exc


def _fill(r: _Reader, sc: dict, c: StreamClusterer, StoryLink: type) -> StreamClusterer:
    if c._by_idx or c._article_story or c.stats.n_docs:
        raise SnapshotError("loads needs a fresh clusterer")
    # stories
    ids = r.strings("story.id")
    n = len(ids)
    sizes = r.get("story.size").tolist()
    checks = r.get("story.checks").tolist()
    first, last = _day_values(r.get("story.first_day")), _day_values(r.get("story.last_day"))
    norm_sq = r.get("story.norm_sq").tolist()
    cents = r.ragged("story.ids", n)
    vals = r.ragged("story.vals", n)
    names = r.ragged("story.names", n)
    embs, tembs = r.ragged("story.emb", n), r.ragged("story.temb", n)
    n_members = r.get("story.n_members").tolist()
    if not len(sizes) == len(checks) == len(first) == len(norm_sq) == len(n_members) == n:
        raise SnapshotError("snapshot story columns differ in length")
    m_ids = r.strings("member.article")
    k = len(m_ids)
    m_day = _day_values(r.get("member.day"))
    m_cols = [r.ragged(f"member.{f}", k) for f in ("ids", "tf", "names", "nums", "emb", "temb", "lead")]
    if len(m_day) != k or sum(x for x in n_members if x > 0) != k:
        raise SnapshotError("snapshot members do not add up")
    members = []
    for aid, day, m_i, m_tf, m_n, m_num, m_e, m_t, m_l in zip(m_ids, m_day, *m_cols):
        m = Member.__new__(Member)
        m.article_id, m.ids, m.tf, m.names, m.nums, m.day, m.emb, m.temb = aid, m_i, m_tf, m_n, m_num, day, m_e, m_t
        m.lead = m_l
        members.append(m)
    by_idx = []
    pos = 0
    for i in range(n):
        s = Story(ids[i], i)
        s.ids, s.vals, s.norm_sq, s.size = cents[i] if len(cents[i]) else EMPTY_IDS, vals[i] if len(
            vals[i]) else EMPTY_VALS, norm_sq[i], sizes[i]
        s.first_day, s.last_day, s.checks_done = first[i], last[i], checks[i]
        s.names = names[i] if len(names[i]) else EMPTY_IDS
        s.emb = embs[i] if len(embs[i]) else EMPTY_EMB
        s.temb = tembs[i] if len(tembs[i]) else EMPTY_EMB
        s.emb_unit, s.temb_unit = unit(s.emb), unit(s.temb)
        if n_members[i] < 0:
            s.members = None
        else:
            s.members = members[pos : pos + n_members[i]]
            pos += n_members[i]
        by_idx.append(s)
    c._by_idx = by_idx
    c._stories = {by_idx[i].id: by_idx[i] for i in r.get("stories.order").tolist()}
    c._hot = OrderedDict((by_idx[i].id, None) for i in r.get("hot.order").tolist())
    # postings
    terms = r.get("postings.term").tolist()
    lens = r.get("postings.story.len")
    raw = r.get("postings.story").tobytes()
    if len(lens) != len(terms) or 4 * int(lens.sum()) != len(raw) or (lens < 0).any():
        raise SnapshotError("snapshot postings do not add up")
    ends = (4 * np.cumsum(lens)).tolist()
    c._postings = {t: array("i", raw[a:b]) for t, a, b in zip(terms, [0, *ends[:-1]], ends)}
    # article -> story, copies, links, merges
    table = r.strings("article.story_table")
    codes = r.get("article.story").tolist()
    articles = r.strings("article.id")
    if len(codes) != len(articles):
        raise SnapshotError("snapshot article columns differ in length")
    c._article_story = dict(zip(articles, [table[i] for i in codes]))
    c._syndicated_root = _pairs(r, "syndicated.article", "syndicated.root")
    keys, counts = r.strings("links.key"), r.get("links.count").tolist()
    text, scores = r.strings("links.text"), r.get("links.score").tolist()
    if len(keys) != len(counts) or sum(counts) != len(scores) or len(text) != 4 * len(scores):
        raise SnapshotError("snapshot links do not add up")
    flat = [StoryLink(text[4 * j], text[4 * j + 1], scores[j], text[4 * j + 2], text[4 * j + 3])
            for j in range(len(scores))]
    c._links = {}
    pos = 0
    for key, count in zip(keys, counts):
        c._links[key] = tuple(flat[pos : pos + count])
        pos += count
    c._merged_into = _pairs(r, "merged.story", "merged.into")
    inc_keys, inc = r.strings("incoming.story"), r.get("incoming.count").tolist()
    if len(inc_keys) != len(inc):
        raise SnapshotError("snapshot incoming counts differ in length")
    c._incoming = dict(zip(inc_keys, inc))
    # statistics
    if sc["df_size"] != len(c.stats._df):
        raise SnapshotError("snapshot document-frequency table of another size")
    c.stats._df[r.get("df.slot")] = r.get("df.count")
    c.stats.n_docs = sc["n_docs"]
    # copy index
    d = c._dups
    if (sc["dups_bits"], sc["dups_window"], sc["dups_num_perm"]) != (d._bits, d.window, d.num_perm) or d._bits > 32:
        raise SnapshotError("snapshot copy index of another shape")
    d._table[r.get("dups.slot")] = r.get("dups.serial")
    sigs = r.get("dups.sigs")
    d._sigs = np.zeros((sc["dups_capacity"], d.num_perm), dtype=np.uint32)
    d._sigs[: len(sigs)] = sigs
    d._ids = r.strings("dups.ids")
    d._serial = serial = sc["dups_serial"]
    if len(d._ids) != len(sigs) or len(d._ids) != min(serial, d.window):
        raise SnapshotError("snapshot copy index does not add up")
    # each article in the window at its serial (an article is inserted once)
    d._serial_of = {d._ids[s % d.window]: s for s in range(max(serial - d.window, 0), serial)}
    c._sums = np.zeros(sc["sums"], dtype=np.float64)
    c._next = sc["next"]
    return c


def _pairs(r: _Reader, keys: str, values: str) -> dict[str, str]:
    k, v = r.strings(keys), r.strings(values)
    if len(k) != len(v):
        raise SnapshotError(f"snapshot {keys!r} and {values!r} differ in length")
    return dict(zip(k, v))
