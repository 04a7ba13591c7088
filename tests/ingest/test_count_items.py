"""count_items: the number of items a progress line's ETA is computed from."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from storyscope.ingest import iter_inputs
from storyscope.ingest.files import count_items

ECB = Path(__file__).parents[1] / "data" / "ecbplus_sample.jsonl"


def test_counts_jsonl_lines_and_files(tmp_path):
    shutil.copy(ECB, tmp_path / "a.jsonl")
    (tmp_path / "b.txt").write_text("One article.\n\nIts text.", encoding="utf-8")
    items = list(iter_inputs([tmp_path], 10_000_000))
    assert count_items([tmp_path]) == len(items) > 10


def test_unknown_when_reading_through_would_be_needed(tmp_path):
    with gzip.open(tmp_path / "a.jsonl.gz", "wb") as f:
        f.write(ECB.read_bytes())
    assert count_items([tmp_path]) is None
    assert count_items([ECB], limit_bytes=100) is None
