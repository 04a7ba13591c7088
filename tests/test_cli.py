"""The CLI contract: commands, formats, exit codes and one-line errors."""

from __future__ import annotations

import json
import os

import jsonschema
import pytest

from storyscope.cli import main

from seed_ids import SEED_RFERL, SEED_WAPO


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def db(tmp_path_factory, samples):
    path = tmp_path_factory.mktemp("cli") / "cli.db"
    assert main(["ingest", "--db", str(path), str(samples)]) == 0
    return str(path)


def test_stories_json_contract(capsys, db):
    code, out, _ = run(capsys, "stories", "--db", db, "--format", "json")
    assert code == 0
    stories = json.loads(out)
    assert len(stories) == 3
    for s in stories:
        assert {"id", "title", "article_ids", "outlets", "first_published", "last_published"} <= set(s)
    seed = next(s for s in stories if SEED_WAPO in s["article_ids"])
    assert sorted(seed["article_ids"]) == [SEED_RFERL, SEED_WAPO]
    assert set(seed["outlets"]) == {"RFE/RL", "The Washington Post"}
    code, out, _ = run(capsys, "stories", "--db", db)
    assert code == 0 and seed["id"] in out


def test_brief_in_three_formats(capsys, db, brief_schema):
    _, out, _ = run(capsys, "stories", "--db", db, "--format", "json")
    story_id = next(s["id"] for s in json.loads(out) if SEED_WAPO in s["article_ids"])
    code, out, _ = run(capsys, "brief", story_id, "--db", db, "--format", "json")
    assert code == 0
    jsonschema.validate(json.loads(out), brief_schema)
    code, md, _ = run(capsys, "brief", story_id, "--db", db)
    assert code == 0 and md.startswith("# ")
    code, html, _ = run(capsys, "brief", story_id, "--db", db, "--format", "html")
    assert code == 0 and html.startswith("<!doctype html>")


def test_articles_jsonl_contract(capsys, db):
    code, out, _ = run(capsys, "articles", "--db", db, "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 6
    wapo = next(r for r in rows if r["id"] == SEED_WAPO)
    assert set(wapo) == {"id", "title", "published", "author", "outlet", "url", "language", "text"}
    assert wapo["published"] == "2018-09-28" and wapo["language"] == "en"
    assert "Democracy Dies in Darkness" not in wapo["text"]
    assert "reinforce our message to Iran" in wapo["text"]


def test_bad_input_reports_each_item_and_the_run_goes_on(capsys, tmp_path, samples):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "lines.jsonl").write_text(
        '{"id": "ok", "text": "Flooding closed the main highway north of the city on Monday, officials said, '
        'and crews expect to reopen two lanes by Wednesday evening after clearing debris. The storm dropped '
        'more than six inches of rain in twelve hours, the weather service said."}\n{not json}\n')
    db = str(tmp_path / "bad.db")
    code, _, err = run(capsys, "ingest", "--db", db, str(tmp_path / "nope.txt"), str(tmp_path / "empty.txt"),
                       str(tmp_path / "blob.txt"), str(tmp_path / "lines.jsonl"), str(samples / f"{SEED_WAPO}.txt"))
    assert code == 1
    assert "rejected" in err and "nope.txt: no such file or folder" in err
    assert "empty.txt: empty file" in err
    assert "blob.txt: binary content" in err
    assert "lines.jsonl:2: malformed JSON" in err
    assert "Traceback" not in err
    code, out, _ = run(capsys, "articles", "--db", db, "--format", "jsonl")
    assert {json.loads(line)["id"] for line in out.splitlines()} == {"ok", SEED_WAPO}


def test_user_errors_are_one_line_with_exit_1_and_usage_errors_exit_2(capsys, db, tmp_path):
    code, _, err = run(capsys, "brief", "no-such-story", "--db", db)
    assert code == 1 and err.startswith("storyscope: error: no story") and err.count("\n") == 1
    notdb = tmp_path / "text.db"
    notdb.write_text("hello " * 1000)
    code, _, err = run(capsys, "stories", "--db", str(notdb))
    assert code == 1 and "cannot open store" in err
    with pytest.raises(SystemExit) as exc:
        main(["brief"])
    assert exc.value.code == 2


def test_db_from_environment(capsys, db, monkeypatch):
    monkeypatch.setenv("STORYSCOPE_DB", db)
    code, out, _ = run(capsys, "stories", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 3


def test_extract_command(capsys, samples):
    code, out, _ = run(capsys, "extract", str(samples / f"{SEED_RFERL}.txt"))
    art = json.loads(out)
    assert code == 0
    assert art["title"] == "US Closes Consulate In Iraq, Citing \u2018Threats\u2019 From Iran"
    assert art["published"] == "2018-09-29"
    assert "Leave a Reply" not in art["text"] and "Pompeo" in art["text"]


def test_ingest_url_refuses_loopback_unless_allowed(capsys, tmp_path, samples):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = (samples / f"{SEED_WAPO}.txt").read_text().split("\n\n")
    page = ("<html><head><title>U.S. orders evacuation of diplomats from Basra</title>"
            '<meta property="og:site_name" content="The Washington Post"></head><body><article>'
            + "".join(f"<p>{p}</p>" for p in body[3:]) + "</article></body></html>").encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200 if self.path == "/basra" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    db = str(tmp_path / "web.db")
    try:
        code, _, err = run(capsys, "ingest", "--db", db, "--url", f"{base}/basra")
        assert code == 1 and "rejected" in err and "127.0.0.1" in err
        code, _, err = run(capsys, "ingest", "--db", db, "--allow-private", "--url", f"{base}/basra",
                           "--url", f"{base}/gone")
        assert code == 1 and "HTTP 404" in err
        code, out, _ = run(capsys, "articles", "--db", db, "--format", "jsonl")
        rows = [json.loads(line) for line in out.splitlines()]
        assert len(rows) == 1 and rows[0]["outlet"] == "The Washington Post"
        assert "reinforce our message to Iran" in rows[0]["text"]
    finally:
        server.shutdown()


def test_recluster_rebuilds_the_same_stories(capsys, tmp_path, samples):
    db = str(tmp_path / "re.db")
    assert main(["ingest", "--db", db, str(samples)]) == 0
    _, before, _ = run(capsys, "stories", "--db", db, "--format", "json")
    code, _, err = run(capsys, "cluster", "--db", db, "--recluster")
    assert code == 0 and "reclustered 6 articles" in err
    _, after, _ = run(capsys, "stories", "--db", db, "--format", "json")
    groups = lambda out: sorted(sorted(s["article_ids"]) for s in json.loads(out))  # noqa: E731
    assert groups(before) == groups(after)


def test_quotes_and_dates_of_one_file(capsys, samples):
    code, out, _ = run(capsys, "quotes", str(samples / f"{SEED_WAPO}.txt"))
    quotes = json.loads(out)
    assert code == 0
    shared = [q for q in quotes if q["text"].startswith("We look to all international parties")]
    assert len(shared) == 1 and shared[0]["speaker"] == "Mike Pompeo" and shared[0]["kind"] == "direct"
    code, out, _ = run(capsys, "dates", str(samples / f"{SEED_WAPO}.txt"))
    values = {d["text"]: d["value"] for d in json.loads(out)}
    assert code == 0  # published comes from the sample's sidecar: 2018-09-28
    assert values["Friday"] == "2018-09-28" and values["November"] == "2018-11"


def test_quotes_and_dates_batch_offsets_index_the_record_text(capsys, tmp_path):
    batch = tmp_path / "batch.jsonl"
    records = [
        {"id": "r1", "published": "2018-09-29",
         "text": "U.S. Secretary of State Mike Pompeo said in the announcement late on September 28 that "
                 "he would hold Iran directly responsible. \u201cWe look to all international parties to "
                 "reinforce our message,\u201d he said."},
        {"id": "r2", "published": "2018-09-28", "text": "No quotes here, only a meeting on Tuesday."},
    ]
    batch.write_text("\n".join(json.dumps(r) for r in records) + "\n{broken\n")
    code, out, err = run(capsys, "quotes", str(batch))
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and "line 3" in err  # the broken line is reported, the others answered
    assert [x["id"] for x in lines] == ["r1", "r2"] and lines[1]["quotes"] == []
    kinds = {q["kind"]: q for q in lines[0]["quotes"]}
    assert {q["speaker"] for q in kinds.values()} == {"Mike Pompeo"}
    assert records[0]["text"][kinds["direct"]["start"]:kinds["direct"]["end"]].startswith("We look to all")
    assert "hold Iran directly responsible" in kinds["indirect"]["text"]
    code, out, _ = run(capsys, "dates", str(batch))
    lines = [json.loads(line) for line in out.splitlines()]
    d1 = {d["value"] for d in lines[0]["dates"]}
    assert "2018-09-28" in d1
    d2 = lines[1]["dates"][0]
    assert d2["value"] == "2018-09-25" and records[1]["text"][d2["start"]:d2["end"]] == "Tuesday"


def test_stories_link_a_follow_up_weeks_later_in_both_directions(capsys, tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "cluster"))
    from news_fixtures import BASRA_RFERL, BASRA_WAPO, TURKEY_A, TURKEY_B, TURKEY_MONTH_LATER

    batch = tmp_path / "quakes.jsonl"
    batch.write_text("\n".join(
        json.dumps({"id": a.id, "title": a.title, "published": a.published, "text": a.text})
        for a in (TURKEY_A, BASRA_RFERL, TURKEY_B, BASRA_WAPO, TURKEY_MONTH_LATER)) + "\n")
    db = str(tmp_path / "links.db")
    assert main(["ingest", "--db", db, str(batch)]) == 0
    capsys.readouterr()
    for step in ("first", "after recluster"):
        _, out, _ = run(capsys, "stories", "--db", db, "--format", "json")
        by_article = {a: s for s in json.loads(out) for a in s["article_ids"]}
        quake, later, basra = (by_article[i] for i in ("quake-turkey-a", "quake-turkey-month-later", "basra-wapo"))
        assert quake["id"] != later["id"], step  # closed: linked, not merged
        assert sorted(quake["article_ids"]) == ["quake-turkey-a", "quake-turkey-b"], step
        assert later["related_story_ids"] == [quake["id"]] and quake["related_story_ids"] == [later["id"]], step
        assert basra["related_story_ids"] == [] and basra["independent_sources"] == 2, step
        # the reason for the link: outside the window, the specific names both name, how far apart
        (link,) = later["related"]
        assert link["id"] == quake["id"] and link["reason"].startswith("closed: shares "), link
        assert "turkey" in link["reason"] and "days apart" in link["reason"], link
        assert basra["related"] == []
        assert main(["cluster", "--db", db, "--recluster"]) == 0
        capsys.readouterr()
    _, out, _ = run(capsys, "stories", "--db", db)
    assert "related" in out.splitlines()[0]


def test_a_split_moves_stored_articles_and_links_the_halves(capsys, tmp_path, monkeypatch):
    import functools
    import sys
    from pathlib import Path

    import storyscope.run.ingest as ingest_module
    from storyscope.cluster import StreamClusterer

    sys.path.insert(0, str(Path(__file__).parent / "cluster"))
    from test_stream import MERGED_EARLY

    # a join probability near 0 merges two earthquakes until the split check separates them
    monkeypatch.setattr(ingest_module, "StreamClusterer", functools.partial(StreamClusterer, threshold=1e-6))
    batch = tmp_path / "quakes.jsonl"
    batch.write_text("\n".join(json.dumps({"id": a.id, "title": a.title, "text": a.text}) for a in MERGED_EARLY))
    db = str(tmp_path / "split.db")
    for step in ("ingest", "recluster"):
        if step == "ingest":
            assert main(["ingest", "--db", db, str(batch)]) == 0
        else:
            assert main(["cluster", "--db", db, "--recluster"]) == 0
        capsys.readouterr()
        _, out, _ = run(capsys, "stories", "--db", db, "--format", "json")
        by_article = {a: s for s in json.loads(out) for a in s["article_ids"]}
        turkey, nepal = by_article["quake-turkey-b"], by_article["quake-nepal-b"]
        assert turkey["id"] != nepal["id"], step
        assert {"quake-turkey-a", "quake-turkey-month-later"} <= set(turkey["article_ids"]), step
        assert {"quake-nepal-a", "quake-nepal-c"} <= set(nepal["article_ids"]), step
        assert turkey["related_story_ids"] == [nepal["id"]] and nepal["related_story_ids"] == [turkey["id"]], step


@pytest.mark.parametrize("argv", [["stories"], ["brief", "s000001"], ["articles"], ["enrich"], ["cluster", "--recluster"]])
def test_commands_other_than_ingest_on_a_missing_store_fail_and_create_nothing(capsys, tmp_path, argv):
    typo = tmp_path / "typo.db"
    code, out, err = run(capsys, *argv, "--db", str(typo))
    assert code == 1 and out == ""
    assert err.startswith(f"storyscope: error: no store at {typo}") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_file_name_cannot_forge_lines_or_drive_the_terminal(capsys, tmp_path):
    evil = tmp_path / "a\nrejected passwd: forged\x1b[2J.txt"
    evil.write_text("")
    code, _, err = run(capsys, "ingest", "--db", str(tmp_path / "s.db"), str(evil))
    assert code == 1
    rejected = [line for line in err.splitlines() if line.startswith("rejected ")]
    assert rejected == [f"rejected {tmp_path}/a\\nrejected passwd: forged\\x1b[2J.txt: empty file"]
    assert "\x1b" not in err
    from storyscope.cli import safe

    assert safe("caf\u00e9 \u2028 \x9b \udcff") == "caf\u00e9 \\u2028 \\x9b \\udcff"  # undecodable name bytes too


def test_a_store_of_a_newer_schema_is_one_line_and_untouched(capsys, tmp_path, samples):
    import sqlite3

    db = tmp_path / "new.db"
    assert run(capsys, "ingest", "--db", str(db), str(samples / f"{SEED_WAPO}.txt"))[0] == 0
    con = sqlite3.connect(db)
    con.execute("INSERT INTO schema_version (version) VALUES (99)")
    con.commit()
    con.close()
    for argv in (["ingest", str(samples / f"{SEED_RFERL}.txt")], ["stories"]):
        code, _, err = run(capsys, *argv, "--db", str(db))
        assert code == 1 and err.count("\n") == 1 and "schema version 99" in err and "upgrade storyscope" in err
    assert sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0] == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files")
def test_a_read_only_store_is_one_line_and_exit_1(capsys, tmp_path, samples):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "s.db"
    assert run(capsys, "ingest", "--db", str(db), str(samples / f"{SEED_WAPO}.txt"))[0] == 0
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        code, _, err = run(capsys, "ingest", "--db", str(db), str(samples / f"{SEED_RFERL}.txt"))
        assert code == 1 and err.startswith("storyscope: error: ") and "Traceback" not in err
        code, out, _ = run(capsys, "stories", "--db", str(db))
        assert code == 0 and "Basra" in out  # reading still works
    finally:
        folder.chmod(0o755)


def test_wait_must_be_seconds(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["ingest", "--wait", "soon", "x.txt"])
    assert exc.value.code == 2 and "--wait" in capsys.readouterr().err
