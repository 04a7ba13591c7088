"""The compiled byte walk of extract/language.py finds what py3langid finds, score for score."""

from __future__ import annotations

import json
from pathlib import Path

ECB = Path(__file__).parents[1] / "data" / "ecbplus_sample.jsonl"


def test_compiled_identifier_scores_as_py3langid():
    from py3langid import langid

    from storyscope.extract.language import _identifier

    texts = [json.loads(x)["text"] for x in ECB.read_text().splitlines() if x.strip()]
    samples = [" ".join(t.split())[:n] for t in texts for n in (30, 200, 1000)]
    samples += ["La ciudad aprobó ayer un nuevo presupuesto para el transporte público.",
                "Die Stadt hat gestern einen neuen Haushalt beschlossen.", "12 34 56", ""]
    reference = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE)
    fast = _identifier()
    assert [fast(s) for s in samples] == [reference.classify(s) for s in samples]
    assert {fast(s)[0] for s in samples[-4:-2]} == {"es", "de"}
