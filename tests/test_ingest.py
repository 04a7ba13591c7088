"""Ingest of files, folders and JSONL: ids, metadata, duplicates and bad input per item."""

from __future__ import annotations

import gzip
import json

from storyscope.config import build_config
from storyscope.ingest import Rejected, iter_inputs
from storyscope.model import RawDoc
from storyscope.run.ingest import ingest_paths
from storyscope.store import Store

from seed_ids import SEED_RFERL, SEED_WAPO

BODY = (
    "The city council approved the new budget on Tuesday after a six-hour debate, "
    "raising spending on schools by four percent. The mayor said the plan protects "
    "libraries and parks while keeping property taxes flat for a third year.\n\n"
    "Opponents said the budget relies on optimistic revenue forecasts. \u201cThese numbers "
    "will not hold,\u201d said council member Ana Ruiz, who voted against it."
)


def _items(paths, max_bytes=1_000_000):
    return list(iter_inputs(paths, max_bytes))


def test_sample_folder_yields_each_article_with_its_sidecar_metadata(samples):
    items = _items([samples])
    docs = {i.id: i for i in items if isinstance(i, RawDoc)}
    assert not [i for i in items if isinstance(i, Rejected)]  # SOURCES.md and sidecars are not articles
    assert {SEED_RFERL, SEED_WAPO} <= set(docs)
    assert docs[SEED_WAPO].published == "2018-09-28"
    assert docs[SEED_RFERL].published == "2018-09-29"
    assert docs[SEED_RFERL].outlet == "RFE/RL"
    assert docs[SEED_WAPO].text.startswith("The Washington Post")


def test_jsonl_lines_become_articles_and_a_bad_line_is_reported_alone(tmp_path):
    path = tmp_path / "batch.jsonl"
    good = {"id": "a1", "text": BODY, "published": "2024-03-05T10:00:00Z", "outlet": "Daily"}
    path.write_bytes(
        json.dumps(good).encode() + b"\n"
        + b'{"id": "broken", "text": \n'
        + b"\n"
        + json.dumps({"id": "a2", "html": "<html><body><p>" + BODY + "</p></body></html>"}).encode() + b"\n"
        + b'{"id": "bad-utf8", "text": "caf\xe9 au lait"}\n'
        + json.dumps({"text": "   "}).encode() + b"\n"
        + json.dumps({"id": "a3", "text": BODY, "published": "last Tuesday"}).encode() + b"\n"
    )
    items = _items([path])
    docs = [i for i in items if isinstance(i, RawDoc)]
    rejected = {r.item.rsplit(":", 1)[1]: r.reason for r in items if isinstance(r, Rejected)}
    assert [d.id for d in docs] == ["a1", "a2"]
    assert docs[0].published == "2024-03-05" and docs[0].outlet == "Daily"
    assert docs[1].html and docs[1].text is None
    assert "malformed JSON" in rejected["2"]
    assert "UTF-8" in rejected["5"]
    assert "no 'text' or 'html'" in rejected["6"]
    assert "not a date" in rejected["7"]


def test_missing_empty_binary_unsupported_and_oversized_inputs_are_rejected_with_reasons(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "big.txt").write_text("word " * 300_000)
    (tmp_path / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    reasons = {r.item.rsplit("/", 1)[-1]: r.reason for r in _items([
        tmp_path / "missing.txt", tmp_path / "empty.txt", tmp_path / "image.html",
        tmp_path / "notes.pdf", tmp_path / "big.txt", tmp_path / "broken.txt.gz"])}
    assert reasons["missing.txt"] == "no such file or folder"
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["image.html"]
    assert "unsupported file type" in reasons["notes.pdf"]
    assert "too large" in reasons["big.txt"]
    assert "cannot read" in reasons["broken.txt.gz"]


def test_gzipped_html_and_legacy_encoded_text_are_read(tmp_path):
    html = f"<html><head><title>Budget passes</title></head><body><article><p>{BODY}</p></article></body></html>"
    with gzip.open(tmp_path / "page.html.gz", "wt", encoding="utf-8") as f:
        f.write(html)
    (tmp_path / "latin.txt").write_bytes(("Caf\u00e9 owners protest\n\n" + BODY).encode("cp1252"))
    docs = {d.id: d for d in _items([tmp_path]) if isinstance(d, RawDoc)}
    assert "six-hour debate" in docs["page"].html
    assert docs["latin"].text.startswith("Caf\u00e9 owners")


def test_reingest_is_a_noop_and_a_bad_item_does_not_stop_the_run(tmp_path, samples):
    seed = samples / f"{SEED_WAPO}.txt"
    (tmp_path / "ok.txt").write_text("Budget approved\n\n" + BODY)
    (tmp_path / "empty.txt").write_text("")
    config = build_config(db=str(tmp_path / "s.db"))
    with Store(config.db) as store:
        first = list(ingest_paths(store, [tmp_path / "empty.txt", seed, tmp_path / "ok.txt"], config))
        assert [s.status for s in first] == ["rejected", "stored", "stored"]
        again = list(ingest_paths(store, [seed, tmp_path / "ok.txt"], config))
        assert [s.status for s in again] == ["duplicate", "duplicate"]
        # the same text under another name is the same article
        (tmp_path / "copy.txt").write_text("Budget approved\n\n" + BODY)
        copy = list(ingest_paths(store, [tmp_path / "copy.txt"], config))
        assert copy[0].status == "duplicate" and "ok" in copy[0].reason
        assert store.count_articles() == 2


def test_a_deeply_nested_line_and_a_lone_surrogate_are_rejected_and_later_lines_still_load(tmp_path):
    path = tmp_path / "hostile.jsonl"
    good = json.dumps({"id": "after", "text": BODY + " The vote was seven to two."})
    path.write_text(
        "[" * 100_000 + "]" * 100_000 + "\n"
        + '{"id": "deep", "text": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}\n"
        + '{"id": "lone", "text": ' + json.dumps(BODY)[:-1] + ' \\ud800"}\n'
        + '{"id": "lone-title", "title": "x \\udfff y", "text": ' + json.dumps(BODY) + '}\n'
        + '{"id": "pair", "text": ' + json.dumps(BODY)[:-1] + ' \\ud83d\\ude00"}\n'
        + good + "\n"
    )
    items = _items([path])
    rejected = {r.item.rsplit(":", 1)[1]: r.reason for r in items if isinstance(r, Rejected)}
    assert "nested too deeply" in rejected["1"] and "nested too deeply" in rejected["2"]
    assert "lone surrogate" in rejected["3"] and "lone surrogate" in rejected["4"]
    assert [d.id for d in items if isinstance(d, RawDoc)] == ["pair", "after"]  # a valid pair is text
    # the whole run: each bad line is one rejection, the good ones are stored
    with Store(tmp_path / "s.db") as store:
        statuses = list(ingest_paths(store, [path], build_config(db=str(tmp_path / "s.db"))))
        assert [s.status for s in statuses] == ["rejected"] * 4 + ["stored", "stored"]
        assert store.has_article("after")


def test_a_library_caller_raw_doc_with_a_lone_surrogate_is_rejected_not_raised(tmp_path):
    from storyscope.run.ingest import ingest_raw

    docs = [RawDoc(id="bad", source="api", text=BODY + " \ud800", title="t"),
            RawDoc(id="good", source="api", text=BODY)]
    with Store(tmp_path / "s.db") as store:
        statuses = list(ingest_raw(store, docs, build_config(db=str(tmp_path / "s.db"))))
        assert [s.status for s in statuses] == ["rejected", "stored"]
        assert "lone surrogate" in statuses[0].reason and store.count_articles() == 1


def test_a_compressed_jsonl_bomb_is_cut_off_by_lines_and_by_inflation(tmp_path):
    import time

    lines = tmp_path / "newlines.jsonl.gz"
    with gzip.open(lines, "wb", 9) as f:
        f.write(b"\n" * 3_000_000)  # a few KB that inflate to 3 MB of blank lines
        f.write(json.dumps({"id": "late", "text": BODY}).encode() + b"\n")
    start = time.perf_counter()
    items = list(iter_inputs([lines], 1_000_000, max_lines=100_000))
    assert time.perf_counter() - start < 2.0
    assert items == [Rejected(f"{lines}:100001", "more than 100,000 lines in a compressed file (max_lines setting); "
                                                  "the rest of the file is skipped")]
    spaces = tmp_path / "spaces.jsonl.gz"
    with gzip.open(spaces, "wb", 9) as f:
        f.write(json.dumps({"id": "first", "text": BODY}).encode() + b"\n")
        for _ in range(20):
            f.write(b" " * 500_000 + b"\n")  # 10 MB from about 10 KB
    items = list(iter_inputs([spaces], 1_000_000))
    assert [i.id for i in items if isinstance(i, RawDoc)] == ["first"]
    (bomb,) = [i for i in items if isinstance(i, Rejected)]
    assert "100x its compressed size (max_inflation setting)" in bomb.reason
    # a normal compressed batch is well inside both caps
    normal = tmp_path / "normal.jsonl.gz"
    with gzip.open(normal, "wb") as f:
        for n in range(50):
            f.write(json.dumps({"id": f"n{n}", "text": f"{n} {BODY}"}).encode() + b"\n\n")
    assert len([i for i in iter_inputs([normal], 1_000_000) if isinstance(i, RawDoc)]) == 50


def test_features_of_an_older_format_are_recomputed_on_the_next_ingest(tmp_path, samples):
    """A store written before the embeddings (features format 1) gains them, and its stories stay."""
    import struct

    from storyscope.features import Features

    config = build_config(db=str(tmp_path / "s.db"))
    with Store(config.db) as store:
        assert {s.status for s in ingest_paths(store, [samples], config)} == {"stored"}
        stories = dict(store.story_rows())
        blobs = dict(store.iter_article_features_blobs())
        # what version 1 left: the same header but its version number (and no embeddings),
        # and no clusterer snapshot (snapshots came later)
        with store.transaction() as db:
            store.drop_snapshots(db)
            for article_id, blob in blobs.items():
                old = blob[:4] + struct.pack("<H", 1) + blob[6:]
                store.set_features(db, article_id, old)
        assert not any(Features.is_current(b) for _, b in store.iter_article_features_blobs())
        assert [s.status for s in ingest_paths(store, [samples], config)] == ["duplicate"] * len(blobs)
        upgraded = dict(store.iter_article_features_blobs())
        assert upgraded == blobs  # recomputed from the stored articles: the very same features
        assert dict(store.story_rows()) == stories
