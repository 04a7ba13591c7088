"""`storyscope serve`: its defaults keep it on this machine, and it never creates a store."""

from __future__ import annotations

from storyscope.cli import build_parser, main


def test_serve_defaults_to_loopback_and_a_body_cap():
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.max_body, args.token_file) == ("127.0.0.1", 8000, 1_000_000, None)


def test_serve_refuses_a_missing_store(tmp_path, capsys):
    missing = tmp_path / "none.db"
    assert main(["serve", "--db", str(missing)]) == 1
    assert "no store at" in capsys.readouterr().err and not missing.exists()


def test_serve_refuses_an_unreadable_token_file(tmp_path, capsys):
    assert main(["serve", "--db", str(tmp_path / "x.db"), "--token-file", str(tmp_path / "nope")]) == 1
    assert "--token-file" in capsys.readouterr().err
