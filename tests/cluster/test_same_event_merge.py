"""The merge check at every size from 2 to 6 (stream._MERGE_AT, session 9).

A story that reaches 3 articles is checked too (before, only 2 and 4): a report
of one event that stayed apart (here restored apart, as a store would hold a part
the split check moved off) is merged into the larger story of its event when the
third report arrives. Texts: tests/cluster/news_fixtures.py.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from news_fixtures import BASRA_RFERL, NEPAL_A, NEPAL_A_COPY, NEPAL_B, NEPAL_C, SULAWESI, TEIXEIRA, TURKEY_A  # noqa: E402

from storyscope.cluster import StreamClusterer  # noqa: E402
from storyscope.features import compute  # noqa: E402


def test_a_story_reaching_three_articles_is_merge_checked():
    c = StreamClusterer()
    for a in (SULAWESI, TEIXEIRA, BASRA_RFERL, TURKEY_A):  # other news: the document frequencies
        c.add(a.id, compute(a))
    c.restore(NEPAL_A.id, "s000100", compute(NEPAL_A))
    c.restore(NEPAL_C.id, "s000101", compute(NEPAL_C))
    c.restore(NEPAL_A_COPY.id, "s000101", compute(NEPAL_A_COPY))
    got = c.add(NEPAL_B.id, compute(NEPAL_B))
    # it joins the two-article story, which then has 3 and finds the lone report
    assert got.story_id == "s000101" and got.merged_from == "s000100", got.reason
    assert got.moved == ((NEPAL_A.id, "s000101"),)
    assert got.move_reason.startswith("merge check:")
    assert {c.story_of(a.id) for a in (NEPAL_A, NEPAL_C, NEPAL_A_COPY, NEPAL_B)} == {"s000101"}
    # the other events stay where they were
    assert len({c.story_of(a.id) for a in (SULAWESI, TEIXEIRA, BASRA_RFERL, TURKEY_A, NEPAL_B)}) == 5
