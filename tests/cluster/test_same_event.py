"""The same-event score across outlets (issue 11): other words, one event; one kind, two events.

The texts were written for these tests. The candidacy texts describe a fictional
governor, Dana Whitlock, announcing a presidential run, as three outlets of
different slant would: each its own headline, framing and quotes. The storms are
two fictional tornado outbreaks of one kind, a day apart, in different states.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from storyscope.cluster import StreamClusterer
from storyscope.cluster import evidence
from storyscope.cluster.evidence import EVIDENCE, ModelFileError, SameEventModel, default_model
from storyscope.features import compute
from storyscope.model import Article

LEFT = Article(
    id="run-left",
    title="Whitlock jumps into White House race, promising to 'fix what's broken'",
    published="2015-06-30",
    text=(
        "New Jersey Governor Dana Whitlock on Tuesday launched a bid for the Republican presidential "
        "nomination at her old high school in Livingston, telling supporters she would 'fix what's broken' "
        "in Washington. Whitlock, whose approval ratings at home have slumped amid a budget fight with "
        "teachers' unions, enters a crowded field. Critics pointed to the state's pension shortfall and "
        "credit downgrades under her watch. Whitlock said she would tell voters hard truths about "
        "entitlements."
    ),
)
CENTRE = Article(
    id="run-centre",
    title="Dana Whitlock announces 2016 presidential campaign",
    published="2015-06-30",
    text=(
        "Dana Whitlock, the two-term governor of New Jersey, announced on Tuesday that she is running for "
        "president in 2016, making her the fourteenth Republican to enter the race. Speaking in the gym of "
        "Livingston High School, where she was class president, Whitlock cast herself as a blunt leader "
        "who would level with Americans about Social Security and Medicare. She will campaign in New "
        "Hampshire on Wednesday."
    ),
)
RIGHT = Article(
    id="run-right",
    title="Telling it like it is: Governor Whitlock makes her 2016 bid official",
    published="2015-07-01",
    text=(
        "Straight-talking New Jersey Gov. Dana Whitlock made it official: she wants to be the next "
        "commander in chief. 'I mean what I say and I say what I mean,' Whitlock told a cheering crowd in "
        "her hometown of Livingston. The Republican governor vowed to rein in spending and stand up to "
        "union bosses, and said her record of working with a Democratic legislature shows she can get "
        "things done in Washington."
    ),
)
STORM_KANSAS = Article(
    id="storm-kansas",
    title="Tornadoes tear through Kansas, killing 4",
    published="2019-05-20",
    text=(
        "At least 4 people were killed when tornadoes swept across central Kansas on Monday evening, "
        "flattening homes in the town of Hesston and overturning rail cars near Salina, officials said. "
        "The National Weather Service confirmed at least 11 twisters. Governor Laura Kelly declared a state "
        "of emergency for Harvey and Saline counties as crews searched the debris."
    ),
)
STORM_OHIO = Article(
    id="storm-ohio",
    title="Tornadoes strike Ohio overnight, 2 dead near Dayton",
    published="2019-05-21",
    text=(
        "Two people died after a line of tornadoes crossed western Ohio late on Tuesday, tearing roofs off "
        "houses in Trotwood and Beavercreek near Dayton, officials said. The National Weather Service said "
        "at least 8 tornadoes touched down. Governor Mike DeWine declared a state of emergency in Montgomery "
        "and Greene counties as about 60,000 homes were left without power."
    ),
)


def _stream(articles):
    clusterer = StreamClusterer()
    got = {a.id: clusterer.add(a.id, compute(a), a.published) for a in articles}
    return clusterer, got


@pytest.mark.parametrize("order", list(itertools.permutations([LEFT, CENTRE, RIGHT])))
def test_three_outlets_in_their_own_words_make_one_story(order):
    clusterer, got = _stream(order)
    assert len({clusterer.story_of(a.id) for a in order}) == 1, [g.reason for g in got.values()]
    # the reason says what weighed: the probability and its evidence
    joined = [g for g in got.values() if not g.is_new]
    assert all("same-event probability" in g.reason and "semantic" in g.reason for g in joined)


SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ecbplus_sample.jsonl"


@pytest.fixture(scope="module")
def news_day():
    """The 145 articles of the bundled ECB+ sample (twelve other events), as features: other news."""
    rows = [json.loads(line) for line in SAMPLE.open(encoding="utf-8")]
    return [(r["id"], compute(Article(id=r["id"], title=r["title"], text=r["text"]))) for r in rows]


@pytest.mark.parametrize("order", [[STORM_KANSAS, STORM_OHIO], [STORM_OHIO, STORM_KANSAS]])
def test_two_events_of_one_kind_a_day_apart_stay_two_stories(order, news_day):
    # After other news has been counted, as in any real stream. (When these two are
    # the only articles seen, the statistics cannot yet tell "tornadoes" and "National
    # Weather Service" from names, and the second scores 0.37-0.44: docs/benchmarks.md.)
    clusterer = StreamClusterer()
    for article_id, features in news_day:
        clusterer.add(article_id, features)
    got = {a.id: clusterer.add(a.id, compute(a), a.published) for a in order}
    assert len({clusterer.story_of(a.id) for a in order}) == 2, [g.reason for g in got.values()]
    # and the three outlets' reports of one event, in the same stream, still make one
    for a in (RIGHT, LEFT, CENTRE):
        clusterer.add(a.id, compute(a), a.published)
    assert len({clusterer.story_of(a.id) for a in (LEFT, CENTRE, RIGHT)}) == 1


def test_the_same_reports_undated_still_group_by_event():
    undated = [Article(id=a.id, text=a.text, title=a.title) for a in (LEFT, STORM_KANSAS, CENTRE, STORM_OHIO, RIGHT)]
    clusterer, _ = _stream(undated)
    stories = {a.id: clusterer.story_of(a.id) for a in undated}
    assert stories["run-left"] == stories["run-centre"] == stories["run-right"]
    assert len({stories["storm-kansas"], stories["storm-ohio"], stories["run-left"]}) == 3


def test_time_is_graded_evidence():
    """The same pair of reports is less likely one event the further apart they are."""
    model = default_model()
    clusterer = StreamClusterer()
    a, b = compute(LEFT), compute(CENTRE)
    for f in (a, b):
        clusterer.stats.add(f)
    ps = [model.probability(clusterer.pair_evidence(a, b, "2015-06-30", day)) for day in
          ("2015-06-30", "2015-07-01", "2015-07-03", "2015-07-07", "2015-07-28")]
    # never more likely further apart; the same day counts for it (how much further
    # days count against is what the training data could not yet tell: see train_same_event.py)
    assert ps == sorted(ps, reverse=True) and ps[0] > ps[1], ps


def test_the_shipped_model_is_the_evidence_this_version_computes():
    model = default_model()
    assert model.evidence == EVIDENCE and len(model.weights) == len(EVIDENCE)
    terms = EVIDENCE.index("terms")
    assert model.weights[terms] > 0  # more shared specific words: more likely one event
    assert model.weights[EVIDENCE.index("log_days")] <= 0  # further apart: never more likely


def test_a_model_for_other_evidence_is_refused(tmp_path):
    data = default_model().to_dict()
    data["evidence"] = data["evidence"][:-1]
    data["weights"] = data["weights"][:-1]
    with pytest.raises(ModelFileError, match="refit"):
        SameEventModel.from_dict(json.loads(json.dumps(data)))
    with pytest.raises(ModelFileError, match="not a same-event model"):
        SameEventModel.from_dict({"weights": [1.0]})


def test_probability_is_bounded_for_extreme_evidence():
    model = default_model()
    assert 0.0 < model.probability(np.full(len(EVIDENCE), -1e6)) < 1e-9
    assert 1.0 - 1e-9 < model.probability(np.full(len(EVIDENCE), 1e6)) <= 1.0


def test_the_default_join_threshold_is_the_one_the_model_was_fitted_with():
    from storyscope.cluster import ClusterSettings

    fitted = json.loads((Path(evidence.__file__).with_name("same_event_model.json")).read_text())["fitted"]
    assert ClusterSettings().threshold == fitted["threshold"]


def test_links_need_specific_names_not_the_ones_every_story_has(news_day):
    """A name in many of the articles seen links nothing; a name in a few does."""
    from collections import Counter

    clusterer = StreamClusterer()
    for article_id, features in news_day:
        clusterer.add(article_id, features)
    counts = Counter(n for _, f in news_day for n in set(f.names) if not n[:1].isdigit())
    common = [n for n, k in counts.most_common() if k > 0.05 * len(news_day)]
    rare = [n for n, k in counts.items() if k == 1 and " " in n]
    assert common and rare
    assert not any(clusterer._is_specific(n) for n in common), common
    assert all(clusterer._is_specific(n) for n in rare[:20])


def test_compute_many_equals_compute_of_each(news_day):
    from storyscope.features import compute_many

    rows = [json.loads(line) for line in SAMPLE.open(encoding="utf-8")][:40]
    articles = [Article(id=r["id"], title=r["title"], text=r["text"]) for r in rows]
    articles += [Article(id="empty", text=""), Article(id="untitled", text="Only a body, no title at all.")]
    many = compute_many(articles)
    assert many == [compute(a) for a in articles]
    assert many[-2].embedding == b"" and many[-1].title_embedding == b"" and many[-1].embedding
