"""The split check at 24 articles: a story holding both events of a topic is cut along them.

Real reports from the bundled ECB+ sample (tests/data/ecbplus_sample.jsonl): topic 13
holds two different events of one kind, 13ecb and 13ecbplus. With a join probability
near 0 every article joins the first story, as a single pass can do once a story holds
both events (docs/benchmarks.md, "ecb (session 11)": most wrong joins of ECB+ go into
such a mixed story). The second event's reports arrive after sixteen of the first event's, so
the checks at 8 and 16 see one event only (and leave it whole); the check at 24
must find the second. (With checks at 8, 16, 32 and 64 only, the 24 stay one story.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyscope.cluster import StreamClusterer
from storyscope.features import compute
from storyscope.model import Article

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ecbplus_sample.jsonl"


@pytest.fixture(scope="module")
def topic13():
    rows = [json.loads(line) for line in SAMPLE.open(encoding="utf-8")]
    first = [r for r in rows if r["story"] == "13ecb"]
    second = [r for r in rows if r["story"] == "13ecbplus"]
    feats = {r["id"]: compute(Article(id=r["id"], title=r["title"], text=r["text"])) for r in first + second}
    return first, second, feats


def test_check_at_24_moves_the_second_event_off(topic13):
    first, second, feats = topic13
    assert len(first) >= 16 and len(second) >= 8
    clusterer = StreamClusterer(threshold=1e-6)
    stream = first[:16] + second[:8]
    got = {r["id"]: clusterer.add(r["id"], feats[r["id"]]) for r in stream}
    # nothing was split before: the first 23 articles are one story
    assert not any("split" in g.reason for g in list(got.values())[:-1])
    last = got[stream[-1]["id"]]
    assert last.moved and "split" in last.reason, last.reason
    final = {r["id"]: clusterer.story_of(r["id"]) for r in stream}
    second_stories = {final[r["id"]] for r in second[:8]}
    first_stories = {final[r["id"]] for r in first[:16]}
    assert len(second_stories) == 1 and len(first_stories) == 1 and not second_stories & first_stories
    # the store's view: the earlier assignments with the moves applied give the clusterer's stories
    stored = {i: g.story_id for i, g in got.items()}
    for g in got.values():
        stored.update(dict(g.moved))
    assert stored == final
