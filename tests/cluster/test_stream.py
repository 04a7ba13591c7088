import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from news_fixtures import (  # noqa: E402
    BASRA_RFERL,
    BASRA_WAPO,
    NEPAL_A,
    NEPAL_A_COPY,
    NEPAL_B,
    NEPAL_C,
    TEIXEIRA,
    TURKEY_A,
    TURKEY_B,
    TURKEY_MONTH_LATER,
    SULAWESI,
)

from storyscope.cluster import Assignment, ClusterSettings, ClusterSettingsError, StreamClusterer  # noqa: E402
from storyscope.features import compute  # noqa: E402
from storyscope.model import Article  # noqa: E402

STREAM = [SULAWESI, TURKEY_A, NEPAL_A, BASRA_RFERL, TEIXEIRA, TURKEY_B, NEPAL_B, BASRA_WAPO, NEPAL_A_COPY]


def run(articles, clusterer=None, dates=True):
    clusterer = StreamClusterer() if clusterer is None else clusterer  # an empty one is falsy (len 0)
    out = {}
    for art in articles:
        out[art.id] = clusterer.add(art.id, compute(art), art.published if dates else None)
    return clusterer, out


@pytest.mark.parametrize("dates", [True, False])
def test_same_event_from_two_outlets_is_one_story(dates):
    _, got = run(STREAM, dates=dates)
    assert got["basra-wapo"].story_id == got["basra-rferl"].story_id
    assert not got["basra-wapo"].is_new
    assert got["basra-wapo"].syndicated_of is None  # two outlets' own reports, not a copy
    assert "basra" in got["basra-wapo"].reason


@pytest.mark.parametrize("dates", [True, False])
def test_two_different_earthquakes_are_two_stories(dates):
    _, got = run(STREAM, dates=dates)
    turkey = {got["quake-turkey-a"].story_id, got["quake-turkey-b"].story_id}
    nepal = {got["quake-nepal-a"].story_id, got["quake-nepal-b"].story_id}
    assert len(turkey) == 1 and len(nepal) == 1
    assert turkey != nepal
    assert got["quake-sulawesi"].story_id not in turkey | nepal
    assert got["teixeira-yankees"].story_id not in turkey | nepal


def test_near_identical_copy_is_marked_syndicated():
    _, got = run(STREAM)
    copy = got["quake-nepal-a-copy"]
    assert copy.syndicated_of == "quake-nepal-a"
    assert copy.story_id == got["quake-nepal-a"].story_id
    assert not copy.is_new
    # a copy of the copy points at the first original
    clusterer, _ = run(STREAM)
    again = Article(id="copy-2", text=NEPAL_A_COPY.text, title=NEPAL_A_COPY.title)
    assert clusterer.add("copy-2", compute(again), None).syndicated_of == "quake-nepal-a"


@pytest.mark.parametrize("text,title", [("", None), ("Breaking", None), ("   \n ", ""), ("the of and", "A")])
def test_empty_or_tiny_article_does_not_crash(text, title):
    clusterer, _ = run(STREAM[:4])
    feats = compute(Article(id="tiny", text=text, title=title))
    got = clusterer.add("tiny", feats, None)
    assert isinstance(got, Assignment)
    assert got.story_id.startswith("s")
    # and the stream goes on
    assert not clusterer.add("basra-wapo", compute(BASRA_WAPO), None).is_new


def test_scores_leave_a_margin_around_the_threshold():
    clusterer = StreamClusterer(threshold=0.99)  # never joins: shows each article's best score
    _, got = run(STREAM[:-1], clusterer, dates=False)
    different = [got[i].score for i in ("quake-turkey-a", "quake-nepal-a", "teixeira-yankees", "basra-rferl")]
    same = [got[i].score for i in ("quake-turkey-b", "quake-nepal-b", "basra-wapo")]
    threshold = ClusterSettings().threshold
    # measured: 0.47 (two 7.8 quakes at the cold start of a stream) and 0.58
    assert max(different) < threshold - 0.02 < threshold + 0.02 < min(same)


def test_first_article_of_empty_clusterer():
    got = StreamClusterer().add("x", compute(TURKEY_A), "2023-02-06")
    assert got == Assignment("s000001", 0.0, True, None, got.reason)
    assert got.reason


def test_restore_then_add_gives_consistent_ids():
    original, got = run(STREAM[:7])
    restored = StreamClusterer()
    for art in STREAM[:7]:
        feats = type(compute(art)).from_bytes(compute(art).to_bytes())  # as the store keeps them
        restored.restore(art.id, got[art.id].story_id, feats, art.published)
    assert len(restored) == len(original)
    for art in STREAM[7:]:
        a = original.add(art.id, compute(art), art.published)
        b = restored.add(art.id, compute(art), art.published)
        assert (a.story_id, a.is_new, a.syndicated_of) == (b.story_id, b.is_new, b.syndicated_of)
    # a new story after a restore does not reuse an id
    fresh = restored.add("other", compute(Article(id="other", text="Zyxwv qwerty plonk.")), None)
    assert fresh.is_new and fresh.story_id not in {g.story_id for g in got.values()}


def test_restore_keeps_foreign_story_ids():
    clusterer = StreamClusterer()
    clusterer.restore("basra-rferl", "story-basra", compute(BASRA_RFERL), "2018-09-29")
    got = clusterer.add("basra-wapo", compute(BASRA_WAPO), "2018-09-28")
    assert got.story_id == "story-basra"


def test_time_window_separates_distant_dates():
    clusterer = StreamClusterer(window_days=3)
    clusterer.add("a", compute(BASRA_RFERL), "2018-09-29")
    far = clusterer.add("b", compute(BASRA_WAPO), "2019-03-01")
    assert far.is_new
    clusterer = StreamClusterer(window_days=3)
    clusterer.add("a", compute(BASRA_RFERL), "2018-09-29")
    near = clusterer.add("c", compute(BASRA_WAPO), "2018-09-28")
    assert near.story_id == "s000001"


def test_adding_the_same_id_twice_changes_nothing():
    clusterer, got = run(STREAM[:4])
    again = clusterer.add("quake-turkey-a", compute(TURKEY_A), None)
    assert again.story_id == got["quake-turkey-a"].story_id and not again.is_new
    assert len(clusterer) == 4


@pytest.mark.parametrize(
    "kwargs",
    [{"threshold": 0}, {"threshold": 1.5}, {"window_days": 0}, {"probe_terms": 2.5}, {"syndication_threshold": 0}],
)
def test_bad_settings_are_refused_with_a_message(kwargs):
    with pytest.raises(ClusterSettingsError, match=next(iter(kwargs))):
        StreamClusterer(**kwargs)


def test_unknown_setting_and_wrong_settings_type():
    with pytest.raises(ClusterSettingsError, match="unknown"):
        StreamClusterer(treshold=0.3)
    with pytest.raises(ClusterSettingsError, match="ClusterSettings"):
        StreamClusterer({"threshold": 0.3})
    assert StreamClusterer(ClusterSettings(threshold=0.4)).settings.threshold == 0.4


def test_wrong_inputs_raise_named_errors():
    from storyscope.errors import InputError

    clusterer = StreamClusterer()
    with pytest.raises(InputError, match="compute"):
        clusterer.add("a", {"terms": []}, None)
    with pytest.raises(InputError, match="article_id"):
        clusterer.add("", compute(TURKEY_A), None)
    with pytest.raises(InputError, match="story_id"):
        clusterer.restore("a", "", compute(TURKEY_A), None)
    # an unreadable date is ignored, not fatal
    assert clusterer.add("b", compute(TURKEY_A), "next Tuesday").is_new


def test_follow_up_weeks_later_is_linked_not_merged():
    clusterer, got = run(STREAM + [TURKEY_MONTH_LATER])
    later, turkey = got["quake-turkey-month-later"], got["quake-turkey-a"].story_id
    # the Turkey story was last updated a month earlier: closed to new articles
    assert later.is_new and later.story_id != turkey
    assert later.related_story_ids == (turkey,)
    (link,) = clusterer.links(later.story_id)
    assert (link.story_id, link.related_id, link.reason) == (later.story_id, turkey, "closed")
    assert link.score >= ClusterSettings().related_threshold
    assert turkey in later.reason and "closed" in later.reason


@pytest.mark.parametrize("dates", [True, False])
def test_unrelated_stories_are_not_linked(dates):
    # two earthquakes of the same magnitude years apart share topic words, not names
    _, got = run(STREAM, dates=dates)
    assert all(g.related_story_ids == () for g in got.values())


def test_open_story_scoring_below_threshold_is_linked_as_related():
    clusterer = StreamClusterer(threshold=0.99)  # never joins
    _, got = run(STREAM[:-1], clusterer, dates=False)
    assert got["quake-turkey-b"].related_story_ids == (got["quake-turkey-a"].story_id,)
    assert clusterer.links(got["quake-turkey-b"].story_id)[0].reason == "related"
    assert got["quake-nepal-a"].related_story_ids == ()
    # joined articles and syndicated copies carry no links
    _, got = run(STREAM)
    assert got["quake-turkey-b"].related_story_ids == () and got["quake-nepal-a-copy"].related_story_ids == ()


@pytest.mark.parametrize("value", [0, 1.0, -0.2])
def test_related_threshold_is_checked(value):
    with pytest.raises(ClusterSettingsError, match="related_threshold"):
        StreamClusterer(related_threshold=value)


# Two earthquakes forced into one story by a low threshold, as a single pass can do
# when an early article of one event joins the other's story.
MERGED_EARLY = [TURKEY_A, NEPAL_A, TURKEY_B, NEPAL_B, SULAWESI, TURKEY_MONTH_LATER, NEPAL_A_COPY, NEPAL_C]


def test_split_check_separates_two_events_merged_early():
    clusterer, got = run(MERGED_EARLY, StreamClusterer(threshold=1e-6), dates=False)
    assert len({g.story_id for g in got.values()}) == 1  # everything joined the first story
    final = {i: clusterer.story_of(i) for i in got}
    turkey = {final[i] for i in ("quake-turkey-a", "quake-turkey-b", "quake-turkey-month-later")}
    nepal = {final[i] for i in ("quake-nepal-a", "quake-nepal-b", "quake-nepal-a-copy", "quake-nepal-c")}
    assert len(turkey) == 1 and len(nepal) == 1 and turkey != nepal
    # the eighth article triggered the check; applying its moves to the earlier
    # assignments gives the clusterer's stories, as the store does
    last = got["quake-nepal-c"]
    assert last.moved and "split" in last.reason
    stored = {i: g.story_id for i, g in got.items()}
    stored.update(dict(last.moved))
    assert stored == final
    (new_story,) = {sid for _, sid in last.moved}
    (link,) = clusterer.links(new_story)
    assert link.reason == "split" and link.score < ClusterSettings().split_threshold


def test_split_check_leaves_one_event_alone():
    clusterer, got = run(MERGED_EARLY, StreamClusterer(threshold=1e-6, split_threshold=0.2), dates=False)
    assert len({clusterer.story_of(i) for i in got}) == 1
    assert all(g.moved == () for g in got.values())


def test_split_threshold_is_checked():
    with pytest.raises(ClusterSettingsError, match="split_threshold"):
        StreamClusterer(split_threshold=0)
