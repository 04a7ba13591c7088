"""The local engine: a process pool gives the very results of one process, and a run resumes."""

from __future__ import annotations

import pytest

from storyscope.errors import MissingDependency, SettingError
from storyscope.run import engines
from storyscope.run.engines import Engine, batched, ordered_map

from .engine_helpers import result, run, small_corpus


def _square_all(batch: list[int]) -> list[int]:
    return [x * x for x in batch]


def test_ordered_map_keeps_input_order_with_workers():
    batches = list(batched(range(1000), 7))
    assert list(ordered_map(_square_all, batches, Engine("local", 2))) == [_square_all(b) for b in batches]


_LOADED: list[int] = []  # the pid of the process that "loaded the model"


def _pid_and_loader(batch: list[int]) -> list[tuple[int, int]]:
    import os

    if not _LOADED:  # a model loaded once per process
        _LOADED.append(os.getpid())
    return [(os.getpid(), _LOADED[0]) for _ in batch]


def test_forked_workers_use_what_the_driver_loaded():
    import os

    fork = engines.can_fork()  # Linux and no other thread in this process
    out = list(ordered_map(_pid_and_loader, list(batched(range(60), 10)), Engine("local", 2)))
    assert len(out) == 6
    if fork:
        driver = os.getpid()
        assert {pid for pid, _ in out[0]} == {driver}  # the first batch in the driver
        later = {pid for batch in out[1:] for pid, _ in batch}
        assert driver not in later and later  # the rest in the workers,
        assert {loader for batch in out for _, loader in batch} == {driver}  # which did not load again


def test_a_warm_up_leaves_every_batch_to_the_forked_workers():
    import os

    batches = list(batched(range(60), 10))
    out = list(ordered_map(_pid_and_loader, batches, Engine("local", 2), warm=lambda b: _pid_and_loader(b[:1])))
    assert [len(b) for b in out] == [len(b) for b in batches]
    if engines.can_fork():
        driver = os.getpid()
        assert driver not in {pid for batch in out for pid, _ in batch}  # no batch in the driver,
        assert {loader for batch in out for _, loader in batch} == {driver}  # its warm-up loaded for all


def test_engine_settings_are_checked():
    with pytest.raises(SettingError):
        Engine("spark")
    with pytest.raises(SettingError):
        Engine("local", 0)
    with pytest.raises(SettingError):
        Engine("local", 2, address="auto")


def test_ray_engine_without_ray_says_how_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError("no ray here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(MissingDependency, match=r"storyscope\[ray\]"):
        engines.import_ray()


def test_two_workers_give_the_stories_and_enrichment_of_one(tmp_path):
    corpus = [small_corpus(tmp_path, 40)]
    one = run(tmp_path / "one.db", corpus, Engine("local", 1), enrich=True)
    two = run(tmp_path / "two.db", corpus, Engine("local", 2), enrich=True)
    assert one == two
    assert sum(s == "stored" for s, _ in one) >= 35  # real articles: nearly all are kept
    first, second = result(tmp_path / "one.db"), result(tmp_path / "two.db")
    assert first == second
    stories, _, enriched = first
    assert len(enriched) == sum(s == "stored" for s, _ in one)
    assert 1 < len(stories) < len(enriched)  # several events, several articles each


def test_a_resumed_run_redoes_nothing_and_ends_as_one_run(tmp_path):
    head, whole = small_corpus(tmp_path, 30), small_corpus(tmp_path, 60)
    first = run(tmp_path / "resumed.db", [head], Engine("local", 2))
    statuses = run(tmp_path / "resumed.db", [whole], Engine("local", 2))
    # what the first run stored is a duplicate now (found before any work), what it rejected still is
    assert [s for s, _ in statuses[:30]] == ["duplicate" if s == "stored" else s for s, _ in first]
    assert "stored" in {s for s, _ in statuses[30:]}
    run(tmp_path / "clean.db", [whole], Engine("local", 1))
    assert result(tmp_path / "resumed.db") == result(tmp_path / "clean.db")


def test_cli_refuses_zero_workers(capsys):
    from storyscope.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["enrich", "--workers", "0"])
    assert exit_.value.code == 2
    assert "whole number of workers" in capsys.readouterr().err
