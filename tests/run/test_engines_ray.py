"""The Ray engine on a local Ray with 2 workers: the results of the local engine.

Ray is the optional extra storyscope[ray]; ``make test`` installs it. Without it these tests
are skipped, except in CI (CI=true), where a missing Ray is a failure.
"""

from __future__ import annotations

import os

import pytest

from storyscope.run.engines import Engine

from .engine_helpers import result, run, small_corpus

try:
    import ray
    import ray.data  # noqa: F401
except ImportError:
    if os.environ.get("CI") == "true":
        raise  # CI installs the extra: a missing Ray is a failure there
    pytest.skip('Ray is not installed (pip install "storyscope[ray]")', allow_module_level=True)


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    """One local Ray for the module (starting one takes seconds)."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_ray_with_two_workers_gives_the_results_of_one_process(tmp_path):
    corpus = [small_corpus(tmp_path, 24)]
    local = run(tmp_path / "local.db", corpus, Engine("local", 1), enrich=True)
    on_ray = run(tmp_path / "ray.db", corpus, Engine("ray", 2), enrich=True)
    assert local == on_ray
    assert result(tmp_path / "local.db") == result(tmp_path / "ray.db")
    assert len(result(tmp_path / "ray.db")[2]) == sum(s == "stored" for s, _ in on_ray) > 20
