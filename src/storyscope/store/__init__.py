"""The embedded SQLite store (see sqlite.py)."""

from .sqlite import Store

__all__ = ["Store"]
