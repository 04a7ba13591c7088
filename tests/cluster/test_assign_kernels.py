"""The compiled forms of the clusterer's per-article reading equal the Python forms they replace.

``kernels.name_hashes`` (an article's name hashes and sets, from the blob's names)
against ``stream._names_python`` (zlib.crc32 and sets), and ``kernels.read_blob``'s
float16 conversion against numpy's, on every float16 value.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import numba
import pytest

from storyscope.cluster import kernels, stream
from storyscope.cluster.vectors import Incoming
from storyscope.features import compute_many
from storyscope.model import Article

ROOT = Path(__file__).resolve().parents[2]
ECB = ROOT / "tests" / "data" / "ecbplus_sample.jsonl"


def _names_of(names: tuple[str, ...]) -> tuple[np.ndarray, ...]:
    raw = np.frombuffer("\x1f".join(names).encode("utf-8"), np.uint8)
    out, n, a, b, c, ok = kernels.name_hashes(raw, 0, len(raw), kernels.CRC_TABLE, stream._ARTICLE_NAMES,
                                              stream._LEAD_NAMES)
    assert ok == all(not x or x[0].isascii() for x in names)
    return out[:n], out[n:a], out[a:b], out[b:c]


def _same(got: tuple, want: tuple) -> bool:
    """The same hashes in order (a list or an array), and the same sets (uint32 arrays)."""
    return list(map(int, got[0])) == list(map(int, want[0])) and all(
        g.dtype == w.dtype == np.uint32 and np.array_equal(g, w) for g, w in zip(got[1:], want[1:]))


def test_crc_table_is_zlibs():
    import zlib

    for text in (b"", b"#", b"obama", b"white house", "s\u00e3o paulo".encode()):
        crc = np.uint32(0xFFFFFFFF)
        for byte in text:
            crc = kernels.CRC_TABLE[(crc ^ np.uint32(byte)) & np.uint32(0xFF)] ^ (crc >> np.uint32(8))
        assert int(crc ^ np.uint32(0xFFFFFFFF)) == zlib.crc32(text)


def test_name_hashes_are_the_python_sets_on_real_articles():
    rows = [json.loads(line) for line in ECB.open(encoding="utf-8")]
    records = compute_many([Article(id=r["id"], title=r.get("title"), text=r.get("text") or "") for r in rows])
    assert sum(len(f.names) > stream._ARTICLE_NAMES for f in records) > 5  # the cut takes part
    assert any(n[:1].isdigit() for f in records for n in f.names)  # and numbers
    for f in records:
        assert _same(_names_of(f.names), stream._names_python(f.names))
        # as the clusterer reads a blob
        assert _same(stream._article_names(Incoming(f.to_bytes())), stream._names_python(f.names))


@pytest.mark.parametrize("seed", range(5))
def test_name_hashes_with_repeats_numbers_and_empty_names(seed):
    rng = np.random.default_rng(seed)
    for _ in range(200):
        names = tuple(
            str(rng.integers(0, 40)) if rng.random() < 0.3 else ("" if rng.random() < 0.05 else f"name {rng.integers(0, 15)}")
            for _ in range(int(rng.integers(1, 60)))
        )
        if names == ("",):
            continue  # a blob holds no such record: its names are read back as ()
        assert _same(_names_of(names), stream._names_python(names))


def test_a_name_starting_outside_ascii_goes_the_python_way():
    # "\u0663" (Arabic-Indic three) is a digit to str.isdigit, not to a byte test
    names = ("\u0663", "\u00e9mile zola", "paris", "12")
    f = compute_many([Article(id="a", title="Zola", text="Emile Zola in Paris.")])[0]
    inc = Incoming(f.to_bytes())
    assert _names_of(names) is not None  # ok is False there (checked inside)
    inc.names = names
    raw = np.frombuffer("\x1f".join(names).encode("utf-8"), np.uint8)
    inc.raw, inc.names_at = raw, (0, len(raw))
    assert _same(stream._article_names(inc), stream._names_python(names))
    assert stream._names_python(names)[3].size == 2  # the Arabic-Indic digit counted as a number


def test_float16_conversion_is_numpys_on_every_value():
    @numba.njit
    def convert(bits):
        out = np.empty(len(bits), np.uint32)
        for i in range(len(bits)):
            out[i] = kernels.f16_bits_to_f32_bits(bits[i])
        return out

    bits = np.arange(1 << 16, dtype=np.uint32)
    want = bits.astype(np.uint16).view(np.float16).astype(np.float32).view(np.uint32)
    assert np.array_equal(convert(bits), want)  # bit for bit: zeros, subnormals, infinities, NaN payloads


@pytest.mark.parametrize("seed", range(3))
def test_found_in_is_isin(seed):
    rng = np.random.default_rng(seed)
    for _ in range(200):
        values = np.unique(rng.integers(0, 60, size=int(rng.integers(0, 30)))).astype(np.uint32)
        wanted = rng.integers(0, 70, size=int(rng.integers(0, 25))).astype(np.uint32)
        assert kernels.found_in(wanted, values).astype(bool).tolist() == np.isin(wanted, values).tolist()


def test_shared_names_are_the_searchsorted_form():
    rows = [json.loads(line) for line in ECB.open(encoding="utf-8")]
    records = compute_many([Article(id=r["id"], title=r.get("title"), text=r.get("text") or "") for r in rows[:40]])
    seen = 0
    for f, g in zip(records, records[1:]):
        hashes = stream._names_python(f.names)[0]
        story = stream._name_set(stream._hash_names(g.names))
        wanted = np.array(hashes, dtype=np.uint32)
        at = np.minimum(np.searchsorted(story, wanted), max(len(story) - 1, 0))
        want = [n for n, hit in zip(f.names, (story[at] == wanted).tolist()) if hit] if len(story) and f.names else []
        assert stream._shared_names(f.names, hashes, story) == want
        seen += bool(want)
    assert seen > 5


def _explain_parts(x: tuple[float, ...]) -> str:
    """``stream._explain`` as it was written, a dict and a join of parts (the form it replaced)."""
    e = dict(zip(stream.EVIDENCE, x))
    parts = [f"terms {e['terms']:.2f}", f"semantic {e['semantic']:.2f}", f"title {e['title']:.2f}",
             f"names {int(round(math.expm1(e['names'])))}",
             f"{e['lead_names_missing']:.0%} of its main names new to the story",
             f"numbers {int(round(math.expm1(e['numbers'])))}"]
    if e["log_days"] or e["same_day"]:
        parts.append(f"{int(round(math.expm1(e['log_days'])))} days apart")
    return ", ".join(parts)


@pytest.mark.parametrize("seed", range(3))
def test_explain_is_the_dict_form(seed):
    rng = np.random.default_rng(seed)
    for _ in range(300):
        x = tuple(rng.random(len(stream.EVIDENCE)) * rng.choice([0.0, 1.0, 3.0], size=len(stream.EVIDENCE)))
        assert stream._explain(x) == _explain_parts(x)


def test_add_unit_is_the_numpy_sum_and_unit_on_real_embeddings():
    from storyscope.cluster.story import unit

    rows = [json.loads(line) for line in ECB.open(encoding="utf-8")]
    records = compute_many([Article(id=r["id"], title=r.get("title"), text=r.get("text") or "") for r in rows[:60]])
    for get in (lambda f: f.vector(), lambda f: f.title_vector()):
        total = want = np.zeros(0, np.float32)
        for f in records:
            vec = get(f)
            want = vec.copy() if not len(want) else want + vec
            total, direction = kernels.add_unit(total, vec)
            assert total.dtype == direction.dtype == np.float32
            assert np.array_equal(total, want) and np.array_equal(direction, unit(want))  # bit for bit
    # a zero sum has no direction
    total, direction = kernels.add_unit(np.zeros(0, np.float32), np.zeros(4, np.float32))
    assert len(total) == 4 and len(direction) == 0 and len(unit(total)) == 0
