"""Runners: the stages wired to the store (local, in-process)."""
