"""Ids of the two seed articles in the bundled samples (a module of its own: a test that imports
them from ``conftest`` by name gets tests/web/conftest.py instead when pytest loaded that one last)."""

SEED_RFERL = "000_a660c4176bf93f53"
SEED_WAPO = "004_30c83ec27df2ac6c"
