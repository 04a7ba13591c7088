"""Docs cannot drift: every command and every setting is documented."""

from __future__ import annotations

from pathlib import Path

from storyscope.cli import build_parser
from storyscope.config import SETTINGS

ROOT = Path(__file__).resolve().parents[1]


def _docs() -> str:
    return (ROOT / "README.md").read_text() + (ROOT / "docs" / "cli.md").read_text()


def test_every_command_is_documented():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse keeps them here
    docs = _docs()
    for name in commands:
        assert f"storyscope {name}" in docs, f"command {name!r} missing from README.md / docs/cli.md"


def test_every_setting_is_documented():
    docs = _docs()
    for s in SETTINGS:
        assert f"`{s.name}`" in docs, f"setting {s.name!r} missing from docs/cli.md"


def test_readme_quick_start_is_the_two_make_targets_and_ci_runs_the_same():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
