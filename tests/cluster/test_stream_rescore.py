"""StreamClusterer._rescore (cluster/stream.py): which candidates the precise stage may rescore."""

from __future__ import annotations

import sys
from pathlib import Path

from storyscope.cluster import StreamClusterer
from storyscope.cluster.precise import PreciseStage, article_text
from storyscope.features import compute

sys.path.insert(0, str(Path(__file__).parent))

from test_precise import encoder, needs_model  # noqa: E402,F401  (the fixture and the marker)
from test_same_event import CENTRE, LEFT, RIGHT  # noqa: E402


@needs_model
def test_a_closed_candidate_keeps_its_fast_probability_and_an_open_one_is_rescored(encoder):  # noqa: F811
    """A closed candidate (outside the time window) goes to the stage without members, so
    even with a probability in the stage's band it keeps its fast probability."""
    texts = {a.id: article_text(a.title, a.text) for a in (LEFT, CENTRE, RIGHT)}
    stage = PreciseStage(texts.get, encoder=encoder)
    clusterer = StreamClusterer(precise=stage)
    for a in (LEFT, CENTRE):
        clusterer.add(a.id, compute(a), a.published)
    story_id = clusterer.story_of(LEFT.id)
    story = clusterer._stories[story_id]
    (x,) = [x for sid, x, _ in clusterer.evidence_for(compute(RIGHT), RIGHT.published) if sid == story_id]
    lo, hi = stage.precise.band
    p = (lo + hi) / 2
    best, best_p, scored = clusterer._rescore(RIGHT.id, [(p, story, True, tuple(x)), (p, story, False, tuple(x))])
    assert scored[0][0] == p and scored[0][2] is True  # closed: unchanged
    assert stage.rescored == 1 and scored[1][0] != p  # open: rescored with MiniLM
    assert best is story and best_p == scored[1][0]
