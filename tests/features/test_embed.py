"""The shipped static sentence embedding: shape, norms, offline load, meaning, errors."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from storyscope.errors import EmbeddingUnavailableError, StoryscopeError
from storyscope.features import embed as E

# Two differently worded reports of one event, one report of another event of
# the same kind, and one of something else entirely (written for this test).
QUAKE_1 = (
    "A magnitude 6.1 earthquake struck northern Chile on Tuesday, collapsing houses in the port "
    "city of Iquique and cutting power to thousands of homes, the emergency office said."
)
QUAKE_1_AGAIN = (
    "Homes fell down and electricity was lost across Iquique after a strong 6.1 quake shook the "
    "north of Chile on Tuesday, according to Chilean emergency officials."
)
QUAKE_2 = (
    "A magnitude 5.4 earthquake rattled central Italy near Perugia on Sunday morning, cracking the "
    "walls of a medieval church; no one was hurt, the civil protection agency said."
)
RATES = (
    "The central bank raised its main interest rate by a quarter point on Wednesday and said "
    "inflation was still too high, sending the currency to a two-year peak."
)


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


def test_shape_dtype_and_unit_rows():
    out = E.embed([QUAKE_1, RATES, "Short one."])
    assert out.shape == (3, E.dims())
    assert out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)


def test_deterministic_and_independent_of_batch():
    batch = E.embed([QUAKE_1, "tiny", RATES, QUAKE_2])
    again = E.embed([QUAKE_1, "tiny", RATES, QUAKE_2])
    assert np.array_equal(batch, again)
    alone = E.embed([RATES])
    np.testing.assert_allclose(batch[2], alone[0], atol=1e-6)


def test_blank_text_gives_zero_row_and_empty_list_gives_no_rows():
    out = E.embed(["", QUAKE_1, "  \n\t "])
    assert not out[0].any() and not out[2].any()
    assert np.isclose(np.linalg.norm(out[1]), 1.0, atol=1e-5)
    assert E.embed([]).shape == (0, E.dims())


def test_a_bare_string_is_refused():
    with pytest.raises(TypeError, match=r"\[text\]"):
        E.embed(QUAKE_1)  # type: ignore[arg-type]


def test_same_event_scores_above_other_events():
    q1, q1b, q2, rates = E.embed([QUAKE_1, QUAKE_1_AGAIN, QUAKE_2, RATES])
    same = cos(q1, q1b)
    # the hard case the clusterer faces: another event of the same kind
    assert same > cos(q1, q2) + 0.05
    assert same > cos(q1, rates) + 0.2
    assert cos(q1, q2) > cos(q1, rates)  # same kind of event is still nearer than finance


def test_article_text_takes_title_and_lead_once():
    body = " ".join(f"w{i}" for i in range(500))
    assert E.article_text("Quake hits Chile", "Quake hits Chile\n" + body) == E.article_text(
        "Quake hits Chile", body
    )
    lead = E.article_text("Quake hits Chile", body)
    assert lead.startswith("Quake hits Chile\n")
    assert lead.split()[-1] == f"w{E.ARTICLE_WORDS - 1}"
    assert E.article_text(None, "  one two  ") == "one two"


def test_embed_article_is_the_embedding_of_title_and_lead():
    vec = E.embed_article("Earthquake in Chile", QUAKE_1)
    assert vec.shape == (E.dims(),) and vec.dtype == np.float32
    np.testing.assert_allclose(vec, E.embed([E.article_text("Earthquake in Chile", QUAKE_1)])[0], atol=1e-6)
    assert not E.embed_article("", "").any()


def test_loads_offline_and_import_is_cheap(tmp_path):
    # A fresh process with the hub switched off, an empty cache and an endpoint
    # that refuses connections: any attempt to fetch would fail.
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_HOME=str(tmp_path), HF_ENDPOINT="http://127.0.0.1:9")
    code = (
        "import sys\n"
        "from storyscope.features import embed as E\n"
        "assert 'model2vec' not in sys.modules, 'model loaded at import'\n"
        "v = E.embed_article('Quake', 'A strong earthquake hit Chile.')\n"
        "print(v.shape[0], round(float(v @ v), 4))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(E.dims()), "1.0"]
    assert not any(tmp_path.iterdir()), "something was written to the hub cache"


def test_missing_model_dir_raises_named_error(tmp_path):
    with pytest.raises(EmbeddingUnavailableError, match="reinstall") as info:
        E.embed(["text"], model_dir=tmp_path / "nowhere")
    assert isinstance(info.value, StoryscopeError)


def test_corrupt_model_file_raises_named_error(tmp_path):
    broken = tmp_path / "model"
    shutil.copytree(E.MODEL_DIR, broken)
    (broken / "model.safetensors").write_bytes(b"\x00" * 64)
    with pytest.raises(EmbeddingUnavailableError, match="cannot be read"):
        E.load(broken)


def test_provenance_lists_the_shipped_files_with_their_sha256():
    provenance = (E.MODEL_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([\w.]+)` \| [\d,]+ \| `([0-9a-f]{64})` \|$", provenance, re.M))
    assert set(listed) == {"model.safetensors", "tokenizer.json", "config.json"}
    for name, digest in listed.items():
        assert hashlib.sha256((E.MODEL_DIR / name).read_bytes()).hexdigest() == digest, name
    assert "Apache License" in (E.MODEL_DIR / "LICENSE").read_text(encoding="utf-8")


def test_cached_word_pieces_give_model2vecs_rows_bit_for_bit():
    # The per-word cache (embed._WordPieces) against model2vec's own encode, on real
    # report-like text and on what could tell them apart: accents, CJK, a control
    # character that joins two words for the model but not for str.split, a text cut
    # by characters, a text cut by pieces, unknown pieces, emoji, no words.
    texts = [QUAKE_1, QUAKE_1_AGAIN, QUAKE_2, RATES, "Ünïcödé café naïve Zürich", "地震 struck 中文",
             "a\x85b c", "word\x0bjoined", "x" * 5000, " ".join(["earthquakes"] * 700),
             "e \u0301x \u200bzero", "\u00a0split\u3000here", "🙂 emoji", "", "  \n "]  # fmt: skip
    model = E.load()
    want = model.encode(texts, normalize=False, use_multiprocessing=False)
    cache = E._WordPieces(model)
    assert np.array_equal(cache.encode(texts), want)
    assert np.array_equal(cache.encode(texts[::-1]), want[::-1])  # from the filled cache too


def test_compiled_split_finds_the_words_str_split_finds():
    # _split (compiled split and lookup of known words) against the Python form it
    # replaced (str.split, then _ids), on white space of every kind str.split knows
    # (no-break, ideographic, em space, tab, the control separators), a cut through
    # a long text, a text left to model2vec whole, and emoji (the Python form's path)
    model = E.load()
    cut = model.max_length * model.median_token_length
    texts = [QUAKE_1, QUAKE_2, "\u00a0split\u3000here\u2003and\tthere\r\nnow", "a\x1cb c\x1fd",
             "e \u0301x \u200bzero", " ".join(["earthquakes"] * 1500), "x" * (cut + 10), "", "  \n ",
             "Ünïcödé café naïve Zürich 地震 struck"]  # fmt: skip
    texts += [" ".join(f"w{i}x{j}" for j in range(300)) for i in range(12)]  # past the first hash table size
    for batch in (texts, texts + ["🙂 emoji"]):
        whole = {i for i, t in enumerate(batch) if E._JOINING.search(t)}
        assert whole  # "a\x1cb c\x1fd" is left to model2vec: no words here
        fast, slow = E._WordPieces(model), E._WordPieces(model)
        for _ in range(2):  # with new words, then with all of them known
            ids, ends = fast._split(batch, whole, cut)
            words = [[] if i in whole else t[:cut].split() for i, t in enumerate(batch)]
            assert ids.tolist() == slow._ids(words).tolist()
            assert ends.tolist() == np.cumsum([len(w) for w in words]).tolist()


def test_the_default_folder_is_loaded_once_however_it_is_named(monkeypatch):
    # load() and load(MODEL_DIR) (or a relative spelling) must share one model in memory
    model = E.load()
    assert E.load(E.MODEL_DIR) is model
    monkeypatch.chdir(E.MODEL_DIR.parent)
    assert E.load(Path(E.MODEL_DIR.name)) is model


def test_asking_for_the_shipped_model_again_is_cheap():
    # every embed() asks for the model: resolving its folder each time costs about 90 us,
    # as much as embedding a short text
    import time

    E.load()
    began = time.perf_counter()
    for _ in range(10_000):
        E.load()
    assert time.perf_counter() - began < 0.2
