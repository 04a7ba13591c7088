"""The streaming clusterer on bad input: stories stay sane, nothing crashes, nothing is lost.

From the project issue: "Empty or one-word articles, a thousand copies of one
article, articles without dates, a clock that jumps backwards: stories stay sane,
nothing crashes, nothing is lost." Every test checks concrete outcomes (which
story each article is in, counts that add up), not only the absence of an error.
Only the public API is used (StreamClusterer, features.compute, the store and the
ingest runner), so the tests hold across rewrites of the clusterer's internals.
"""

from __future__ import annotations

import copy
import statistics
import sys
import time
from collections import Counter
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
    SULAWESI,
    TEIXEIRA,
    TURKEY_A,
    TURKEY_B,
    TURKEY_MONTH_LATER,
)

from storyscope.cluster import StreamClusterer  # noqa: E402
from storyscope.config import build_config  # noqa: E402
from storyscope.features import Features, compute  # noqa: E402
from storyscope.model import Article, RawDoc  # noqa: E402
from storyscope.run.ingest import ingest_raw  # noqa: E402
from storyscope.store import Store  # noqa: E402

# The order of test_stream.py: two 7.8 earthquakes (Turkey, Nepal) early in a cold
# stream are the hardest pair to keep apart, and the project's tests rely on it.
STREAM = [SULAWESI, TURKEY_A, NEPAL_A, BASRA_RFERL, TEIXEIRA, TURKEY_B, NEPAL_B, BASRA_WAPO, NEPAL_A_COPY]
DATELINES = ["KATHMANDU, Nepal (AP) \u2014 ", "KATHMANDU (Reuters) - ", "", "NEW DELHI (AFP) \u2014 ", "(UPI) "]
KEEP = object()  # "use the article's own date"


def _add(clusterer, art, published=KEEP):
    return clusterer.add(art.id, compute(art), art.published if published is KEEP else published)


def _assert_nothing_lost(clusterer, ids):
    """Every article is in exactly one story, and the story sizes add up to the articles."""
    ids = list(ids)
    assert len(set(ids)) == len(ids)
    sizes = clusterer.story_sizes()
    assert sum(sizes.values()) == len(ids)
    assert len(sizes) == len(clusterer)
    assert all(n >= 1 for n in sizes.values())
    members = Counter(clusterer.story_of(i) for i in ids)
    assert None not in members
    assert dict(members) == sizes


def _partition(clusterer, ids):
    """The stories as sorted lists of article ids (story ids aside)."""
    stories: dict[str, list[str]] = {}
    for i in ids:
        stories.setdefault(clusterer.story_of(i), []).append(i)
    return sorted(sorted(s) for s in stories.values())


def _wire_copy(i: int, source: Article = NEPAL_A, prefix: str = "copy") -> Article:
    """Copy i of a report as outlet i ran it: own id, headline prefix and dateline; copy 0 is the original."""
    if i == 0:
        return Article(id=f"{prefix}-0000", title=source.title, text=source.text, published=source.published)
    text = DATELINES[i % len(DATELINES)] + source.text
    if i % 3 == 0:  # some outlets cut the last sentence
        text = text.rsplit(". ", 1)[0] + "."
    return Article(id=f"{prefix}-{i:04d}", title=f"Update {i}: {source.title}", text=text, published=source.published)


# -- 1. a thousand copies of one article -------------------------------------------------------

PRELUDE = [SULAWESI, TURKEY_A, TEIXEIRA]  # unrelated reports before the copies arrive


@pytest.fixture(scope="module")
def thousand_copies():
    """1,000 lightly edited copies of the Nepal report after three unrelated ones, timed per article."""
    clusterer = StreamClusterer()
    for art in PRELUDE:
        _add(clusterer, art)
    copies = [_wire_copy(i) for i in range(1000)]
    got, per_add = [], []
    # the total in CPU seconds: on a loaded machine (CI shares it) wall time measures the other jobs
    start = time.process_time()
    for art in copies:
        feats = compute(art)
        t = time.perf_counter()
        got.append(clusterer.add(art.id, feats, art.published))
        per_add.append(time.perf_counter() - t)
    total = time.process_time() - start
    return clusterer, copies, got, per_add, total


def test_thousand_copies_are_one_story_rooted_at_the_first(thousand_copies):
    clusterer, copies, got, _, total = thousand_copies
    first = got[0]
    assert first.is_new and first.syndicated_of is None and first.moved == ()
    story = first.story_id
    assert story not in {clusterer.story_of(a.id) for a in PRELUDE}
    for art, a in zip(copies[1:], got[1:]):
        assert (a.story_id, a.is_new, a.syndicated_of, a.moved) == (story, False, "copy-0000", ()), art.id
        assert a.related_story_ids == ()
        assert clusterer.story_of(art.id) == story
    assert clusterer.story_sizes()[story] == 1000
    assert len(clusterer) == len(PRELUDE) + 1
    _assert_nothing_lost(clusterer, [a.id for a in PRELUDE] + [c.id for c in copies])
    # features and clustering of all 1,000: measured 1.6 s (3.8 s before the LSH
    # rewrite, which compared each copy with every earlier one) on a 2-core machine
    assert total < 20.0, f"1,000 copies took {total:.1f} CPU s"


def test_thousand_copies_cost_the_same_per_copy_at_the_end_as_at_the_start(thousand_copies):
    # each copy must not be compared with every earlier copy (quadratic): the old
    # LSH index took about 9x longer per copy for the last 200 than the first 200
    _, _, _, per_add, _ = thousand_copies
    early, late = statistics.median(per_add[10:210]), statistics.median(per_add[-200:])
    assert late <= max(4 * early, 0.002), f"median per copy {early * 1e3:.2f} ms early, {late * 1e3:.2f} ms late"


def test_after_a_thousand_copies_other_articles_go_their_own_way(thousand_copies):
    clusterer, copies, got, _, _ = thousand_copies
    clusterer = copy.deepcopy(clusterer)  # the fixture's stays as the copies left it
    copies_story = got[0].story_id
    before = set(clusterer.story_sizes())
    rferl = _add(clusterer, BASRA_RFERL)
    assert rferl.is_new and rferl.syndicated_of is None and rferl.story_id not in before
    wapo = _add(clusterer, BASRA_WAPO)
    assert wapo.story_id == rferl.story_id and not wapo.is_new
    # an identical copy under yet another id still finds the root, not the latest copy
    again = clusterer.add("copy-again", compute(copies[500]), None)
    assert (again.story_id, again.syndicated_of) == (copies_story, "copy-0000")
    assert clusterer.story_sizes()[copies_story] == 1001
    _assert_nothing_lost(
        clusterer, [a.id for a in PRELUDE] + [c.id for c in copies] + ["basra-rferl", "basra-wapo", "copy-again"]
    )


def test_identical_text_under_many_ids_is_one_story():
    clusterer = StreamClusterer()
    feats = compute(TURKEY_A)
    got = [clusterer.add(f"turkey-{i}", feats, TURKEY_A.published if i % 2 else None) for i in range(300)]
    assert got[0].is_new
    assert {(a.story_id, a.syndicated_of, a.score) for a in got[1:]} == {(got[0].story_id, "turkey-0", 1.0)}
    assert clusterer.story_sizes() == {got[0].story_id: 300}
    other = _add(clusterer, NEPAL_A)
    assert other.is_new and other.syndicated_of is None and len(clusterer) == 2


# Copies leave the document frequencies alone: otherwise a few copies make the
# event's own words look common and another outlet's report falls below threshold.
@pytest.mark.parametrize("n_copies", [1, 10, 200])
def test_a_second_report_still_joins_a_story_of_many_copies(n_copies):
    clusterer = StreamClusterer()
    for art in PRELUDE:
        _add(clusterer, art)
    for i in range(n_copies):  # copy 0 is the original report
        assert _add(clusterer, _wire_copy(i)).syndicated_of == (None if i == 0 else "copy-0000")
    # same event, next day, another outlet's own words; measured: 0.58 after the original
    # alone, 0.52 after 3 copies, 0.41 after 10, 0.0 after 200 (not even a candidate)
    b = _add(clusterer, NEPAL_B)
    assert b.story_id == clusterer.story_of("copy-0000"), b.reason
    assert not b.is_new and b.syndicated_of is None


# -- 2. empty, one-word and junk articles among real ones ---------------------------------------

# id -> (title, text); none of these has a content word: each is a story of its own
NO_CONTENT = {
    "junk-empty": (None, ""),
    "junk-whitespace": ("  ", "   \n\t \u00a0\u2003 \r\n"),
    "junk-punctuation": ("...", "!!! ... ??? \u2014 \u2013 ,,, ;;; \u00ab\u00bb \u201c\u201d *** ###"),
    "junk-stopwords": ("The And", "the of and to a in is it that was for on are with as " * 5),
    "junk-control": (None, "\x00\x00 \x00\x07\x1b[0m"),
    "junk-emoji": ("\U0001f6a8", "\U0001f525\U0001f525\U0001f525 \U0001f600"),
}
# these have a term or two; where they go is not asserted, only that they stay out of the real stories
TINY = {
    "junk-one-word": (None, "Breaking"),
    "junk-one-word-again": ("", "Breaking"),
    "junk-numbers": ("42", "1 2 3 4 5 6 7 8 9 10 2023 1,800 7.8"),
    "junk-title-only": ("Breaking news", ""),
    "junk-one-word-quake": ("Earthquake", "Earthquake"),
}


def _junk_stream():
    junk = [Article(id=i, title=t, text=x) for i, (t, x) in {**NO_CONTENT, **TINY}.items()]
    out = []
    for k, art in enumerate(STREAM):  # a junk article before each real one, the rest at the end
        if k < len(junk):
            out.append(junk[k])
        out.append(art)
    return out + junk[len(STREAM):]


@pytest.mark.parametrize("dates", [True, False])
def test_junk_articles_do_not_crash_or_pollute_real_stories(dates):
    clusterer = StreamClusterer()
    stream = _junk_stream()
    got = {a.id: _add(clusterer, a, a.published if dates else None) for a in stream}
    final = {i: clusterer.story_of(i) for i in got}
    # the real articles cluster as without the junk
    assert final["basra-wapo"] == final["basra-rferl"]
    assert final["quake-turkey-b"] == final["quake-turkey-a"]
    assert final["quake-nepal-b"] == final["quake-nepal-a"] == final["quake-nepal-a-copy"]
    assert final["quake-turkey-a"] != final["quake-nepal-a"]
    assert final["quake-sulawesi"] not in {final["quake-turkey-a"], final["quake-nepal-a"]}
    assert got["quake-nepal-a-copy"].syndicated_of == "quake-nepal-a"
    # no junk article is in a real article's story, and no real article in a junk one
    real_stories = {final[a.id] for a in STREAM}
    junk_ids = set(NO_CONTENT) | set(TINY)
    assert not {i for i in junk_ids if final[i] in real_stories}
    # an article without a content word is a story of its own
    sizes = clusterer.story_sizes()
    for i in NO_CONTENT:
        assert got[i].is_new and got[i].syndicated_of is None and sizes[final[i]] == 1, i
    assert len({final[i] for i in NO_CONTENT}) == len(NO_CONTENT)
    _assert_nothing_lost(clusterer, [a.id for a in stream])


def test_many_empty_articles_then_real_ones():
    clusterer = StreamClusterer()
    empty = compute(Article(id="e", text=""))
    got = [clusterer.add(f"empty-{i}", empty, "2018-09-29") for i in range(200)]
    assert all(a.is_new and a.syndicated_of is None for a in got)
    assert len({a.story_id for a in got}) == 200 == len(clusterer)
    rferl, wapo = _add(clusterer, BASRA_RFERL), _add(clusterer, BASRA_WAPO)
    assert rferl.is_new and wapo.story_id == rferl.story_id
    _assert_nothing_lost(clusterer, [f"empty-{i}" for i in range(200)] + ["basra-rferl", "basra-wapo"])


# -- 3. missing dates and a clock that jumps ----------------------------------------------------


def test_undated_and_clock_jumping_dates_in_one_stream():
    clusterer = StreamClusterer()
    stream = [
        (TURKEY_A, "2023-02-06"),
        (NEPAL_A, None),  # no date
        (BASRA_RFERL, "yesterday"),  # unreadable: as if undated
        (TEIXEIRA, "2018-13-45"),  # month 13: as if undated
        (NEPAL_B, "2015-04-26"),  # eight years back; its story has no date yet
        (TURKEY_B, None),
        (BASRA_WAPO, "2018-09-28"),  # back again, and a day before its story's (unreadable) date
        (SULAWESI, "0001-01-01"),  # before everything
        (NEPAL_C, "2099-12-31"),  # the same event, dated far in the future
        (TURKEY_MONTH_LATER, "2023-03-06"),
        (NEPAL_A_COPY, "1900-01-01"),
    ]
    got = {a.id: clusterer.add(a.id, compute(a), d) for a, d in stream}
    final = {i: clusterer.story_of(i) for i in got}
    # same event, close dates or no date: joined
    assert final["quake-turkey-b"] == final["quake-turkey-a"]
    assert final["quake-nepal-b"] == final["quake-nepal-a"]
    assert final["basra-wapo"] == final["basra-rferl"]
    assert final["quake-nepal-a-copy"] == final["quake-nepal-a"]
    assert got["quake-nepal-a-copy"].syndicated_of == "quake-nepal-a"
    # different events stay apart whatever the dates
    assert len({final[i] for i in ("quake-turkey-a", "quake-nepal-a", "basra-rferl", "teixeira-yankees",
                                   "quake-sulawesi")}) == 5
    # outside the 14-day window (documented): a new story, linked to the closed one
    for late, story in (("quake-nepal-c", "quake-nepal-a"), ("quake-turkey-month-later", "quake-turkey-a")):
        assert got[late].is_new and final[late] != final[story], late
        assert final[story] in got[late].related_story_ids, late
        assert [k.reason for k in clusterer.links(final[late]) if k.related_id == final[story]] == ["closed"]
    _assert_nothing_lost(clusterer, got)


def test_clock_going_back_months_then_forward_again():
    clusterer = StreamClusterer()  # window_days 14
    a = _add(clusterer, NEPAL_A, "2015-04-25")
    yankees = _add(clusterer, TEIXEIRA, "2014-12-01")  # the clock jumps back five months
    b = _add(clusterer, NEPAL_B, "2015-04-26")  # and forward again: the day after the first
    assert yankees.is_new and b.story_id == a.story_id and not b.is_new
    back = _add(clusterer, NEPAL_C, "2014-11-20")  # the same event dated five months back: window closed
    assert back.is_new and back.story_id not in (a.story_id, yankees.story_id)
    assert back.related_story_ids == (a.story_id,)
    turkey_a, turkey_b = _add(clusterer, TURKEY_A), _add(clusterer, TURKEY_B)  # eight years on
    assert turkey_b.story_id == turkey_a.story_id != a.story_id
    assert clusterer.story_sizes() == {a.story_id: 2, yankees.story_id: 1, back.story_id: 1, turkey_a.story_id: 2}


@pytest.mark.parametrize(
    "bad", [None, "", "   ", "yesterday", "next Tuesday", "2018-13-45", "2018-02-30", "29 September 2018",
            "2018/09/29", "\x00", "0000-01-01"]
)
def test_unreadable_date_counts_as_no_date(bad):
    def run(date):
        clusterer = StreamClusterer(window_days=3)
        out = [_add(clusterer, BASRA_RFERL, "2019-06-01")]
        out += [_add(clusterer, art, date) for art in (BASRA_WAPO, NEPAL_A, NEPAL_B)]
        return [(g.story_id, g.is_new, g.syndicated_of, g.related_story_ids) for g in out]

    got = run(bad)
    assert got == run(None)
    # undated: the Basra report eight months earlier is not kept out of its story by the window
    assert got[1][0] == got[0][0] and got[3][0] == got[2][0]


@pytest.mark.parametrize("date", ["0001-01-01", "1970-01-01", "9999-12-31", "2018-09-29T23:59:59+14:00",
                                  "2018-09-29T00:00:00Z"])
def test_extreme_and_full_datetimes(date):
    clusterer = StreamClusterer(window_days=3)
    first = _add(clusterer, BASRA_RFERL, date)
    same_day = _add(clusterer, BASRA_WAPO, date)
    assert same_day.story_id == first.story_id and not same_day.is_new
    # another report of the event (not a copy) dated far away: its own story, linked
    far = "2018-09-29" if date[:4] != "2018" else "2019-09-29"
    short = Article(id="w", title=BASRA_WAPO.title, text=BASRA_WAPO.text[:300] + " Officials gave no more details.")
    other = clusterer.add("wapo-short", compute(short), far)
    assert other.syndicated_of is None and other.is_new
    assert other.related_story_ids == (first.story_id,)
    _assert_nothing_lost(clusterer, ["basra-rferl", "basra-wapo", "wapo-short"])


def test_time_window_separates_distant_reports_even_backwards():
    for far in ("2019-03-01", "2018-03-01"):  # five months later, and seven months earlier
        clusterer = StreamClusterer(window_days=3)
        a = _add(clusterer, BASRA_RFERL, "2018-09-29")
        b = _add(clusterer, BASRA_WAPO, far)
        assert b.is_new and b.story_id != a.story_id, far
        assert b.related_story_ids == (a.story_id,), far
        assert clusterer.story_sizes() == {a.story_id: 1, b.story_id: 1}


# A copy's date does not stretch its story's time span (a repost with a clock jump).
def test_one_copy_with_a_wrong_date_does_not_hold_a_story_open():
    clusterer = StreamClusterer()  # window_days 14
    original = _add(clusterer, TURKEY_A, "2023-02-06")
    copy = Article(id="turkey-copy", title="Turkey quake kills thousands", text="ANKARA (AP) \u2014 " + TURKEY_A.text)
    assert clusterer.add("turkey-copy", compute(copy), "2099-01-01").syndicated_of == "quake-turkey-a"
    # a month later the story is quiet (its real articles are from 2023-02-06): without
    # the bad copy this follow-up is a new story linked to it (test_stream.py)
    later = _add(clusterer, TURKEY_MONTH_LATER, "2023-03-06")
    assert later.is_new and later.related_story_ids == (original.story_id,), later.reason


# -- 4. restore after a crash -------------------------------------------------------------------

RESTORE_STREAM = [
    TURKEY_A, NEPAL_A, Article(id="junk-empty", text=""), TURKEY_B, NEPAL_B, SULAWESI, TURKEY_MONTH_LATER,
    NEPAL_A_COPY, NEPAL_C, Article(id="junk-one-word", text="Breaking"), BASRA_RFERL, BASRA_WAPO, TEIXEIRA,
    _wire_copy(1), _wire_copy(2, source=BASRA_WAPO, prefix="wapo"),
]
RESTORE_DATES = {"quake-nepal-a": None, "basra-rferl": "yesterday", "quake-turkey-b": "2023-01-30"}


def _date(art):
    return RESTORE_DATES.get(art.id, art.published)


@pytest.mark.parametrize("settings", [{}, {"threshold": 0.2}], ids=["default", "split"])
@pytest.mark.parametrize("crash_at", [1, 5, 7, 8, 11])
def test_restore_after_a_crash_continues_as_if_nothing_happened(settings, crash_at):
    ids = [a.id for a in RESTORE_STREAM]
    reference = StreamClusterer(**settings)
    expected = [_add(reference, a, _date(a)) for a in RESTORE_STREAM]

    before = StreamClusterer(**settings)
    stored: dict[str, tuple[str, str | None]] = {}  # what the store holds: story and copy root
    for art in RESTORE_STREAM[:crash_at]:
        a = _add(before, art, _date(art))
        stored[art.id] = (a.story_id, a.syndicated_of)
        for moved_id, new_story in a.moved:  # a split moves earlier articles, as the store does
            stored[moved_id] = (new_story, stored[moved_id][1])
    # the crash: a fresh clusterer, rebuilt from the stored assignments in arrival order
    after = StreamClusterer(**settings)
    for art in RESTORE_STREAM[:crash_at]:
        story, root = stored[art.id]
        after.restore(art.id, story, Features.from_bytes(compute(art).to_bytes()), _date(art), root)
    assert {i: after.story_of(i) for i in stored} == {i: s for i, (s, _) in stored.items()}
    assert after.story_sizes() == before.story_sizes()
    # restoring or adding an article already held changes nothing, even with other features
    sizes = after.story_sizes()
    after.restore(ids[0], "s999999", compute(TEIXEIRA), None)
    again = after.add(ids[0], compute(TEIXEIRA), "2008-12-23")
    assert (again.story_id, again.is_new) == (stored[ids[0]][0], False)
    assert after.story_sizes() == sizes and after.story_of(ids[0]) == stored[ids[0]][0]
    # the rest of the stream: the same assignments as without the crash
    rest = [_add(after, a, _date(a)) for a in RESTORE_STREAM[crash_at:]]
    key = [(g.story_id, g.is_new, g.syndicated_of, g.moved) for g in rest]
    assert key == [(g.story_id, g.is_new, g.syndicated_of, g.moved) for g in expected[crash_at:]]
    assert {i: after.story_of(i) for i in ids} == {i: reference.story_of(i) for i in ids}
    # new stories after the restart did not reuse a stored story id
    new_ids = [g.story_id for g in rest if g.is_new]
    assert len(set(new_ids)) == len(new_ids) and not set(new_ids) & {s for s, _ in stored.values()}
    _assert_nothing_lost(after, ids)


def test_restore_in_any_order_loses_nothing():
    clusterer = StreamClusterer()
    got = {a.id: _add(clusterer, a) for a in STREAM}
    restored = StreamClusterer()
    for art in reversed(STREAM):
        restored.restore(art.id, got[art.id].story_id, compute(art), art.published, got[art.id].syndicated_of)
    assert restored.story_sizes() == clusterer.story_sizes()
    c = _add(restored, NEPAL_C)  # the Nepal story is found after the reversed rebuild
    assert c.story_id == got["quake-nepal-a"].story_id
    fresh = restored.add("other", compute(Article(id="other", text="Zyxwv qwerty plonk.")), None)
    assert fresh.is_new and fresh.story_id not in {g.story_id for g in got.values()}
    _assert_nothing_lost(restored, [a.id for a in STREAM] + ["quake-nepal-c", "other"])


# -- 5. long articles, other scripts, odd ids ---------------------------------------------------

ALL_TEXT = " ".join(a.text for a in STREAM).split()


def test_a_hundred_thousand_word_article():
    words = [ALL_TEXT[(i * 7919) % len(ALL_TEXT)] for i in range(100_000)]
    big = Article(id="huge", title="Everything at once", text=" ".join(words))
    clusterer = StreamClusterer()
    for art in STREAM[:4]:
        _add(clusterer, art)
    start = time.perf_counter()
    got = clusterer.add("huge", compute(big), None)
    took = time.perf_counter() - start
    assert took < 10.0, f"{took:.1f} s"  # measured 0.5 s
    assert clusterer.story_of("huge") == got.story_id
    # a report repeated 700 times (66k words) is a copy of it, in its story
    rep = Article(id="wapo-x700", title=BASRA_WAPO.title, text=(BASRA_WAPO.text + " ") * 700)
    assert _add(clusterer, BASRA_WAPO).story_id == clusterer.story_of("basra-rferl")
    long = clusterer.add("wapo-x700", compute(rep), None)
    assert long.story_id == clusterer.story_of("basra-rferl")
    _assert_nothing_lost(clusterer, [a.id for a in STREAM[:4]] + ["huge", "basra-wapo", "wapo-x700"])


NON_LATIN = [
    Article(id="ru-1", title="\u0417\u0435\u043c\u043b\u0435\u0442\u0440\u044f\u0441\u0435\u043d\u0438\u0435 \u0432 "
            "\u041d\u0435\u043f\u0430\u043b\u0435",
            text="\u0412 \u041d\u0435\u043f\u0430\u043b\u0435 \u043f\u0440\u043e\u0438\u0437\u043e\u0448\u043b\u043e "
            "\u0437\u0435\u043c\u043b\u0435\u0442\u0440\u044f\u0441\u0435\u043d\u0438\u0435 \u043c\u0430\u0433\u043d"
            "\u0438\u0442\u0443\u0434\u043e\u0439 7,8. \u0412 \u041a\u0430\u0442\u043c\u0430\u043d\u0434\u0443 "
            "\u0440\u0430\u0437\u0440\u0443\u0448\u0435\u043d\u044b \u0437\u0434\u0430\u043d\u0438\u044f, "
            "\u043f\u043e\u0433\u0438\u0431\u043b\u0438 \u0431\u043e\u043b\u0435\u0435 1800 \u0447\u0435\u043b"
            "\u043e\u0432\u0435\u043a."),
    Article(id="ru-2", title="\u041d\u0435\u043f\u0430\u043b: \u0447\u0438\u0441\u043b\u043e \u0436\u0435\u0440"
            "\u0442\u0432 \u0437\u0435\u043c\u043b\u0435\u0442\u0440\u044f\u0441\u0435\u043d\u0438\u044f "
            "\u0440\u0430\u0441\u0442\u0451\u0442",
            text="\u0427\u0438\u0441\u043b\u043e \u043f\u043e\u0433\u0438\u0431\u0448\u0438\u0445 \u043f\u0440"
            "\u0438 \u0437\u0435\u043c\u043b\u0435\u0442\u0440\u044f\u0441\u0435\u043d\u0438\u0438 \u043c\u0430"
            "\u0433\u043d\u0438\u0442\u0443\u0434\u043e\u0439 7,8 \u0432 \u041d\u0435\u043f\u0430\u043b\u0435 "
            "\u043f\u0440\u0435\u0432\u044b\u0441\u0438\u043b\u043e 2200 \u0447\u0435\u043b\u043e\u0432\u0435"
            "\u043a, \u0441\u043e\u043e\u0431\u0449\u0438\u043b\u0430 \u043f\u043e\u043b\u0438\u0446\u0438\u044f "
            "\u041a\u0430\u0442\u043c\u0430\u043d\u0434\u0443."),
    Article(id="zh-1", title="\u5c3c\u6cca\u5c14\u53d1\u751f7.8\u7ea7\u5730\u9707",
            text="\u5c3c\u6cca\u5c14\u5f53\u5730\u65f6\u95f44\u670825\u65e5\u53d1\u751f7.8\u7ea7\u5730\u9707\uff0c"
            "\u9996\u90fd\u52a0\u5fb7\u6ee1\u90fd\u591a\u5ea7\u5efa\u7b51\u5012\u584c\uff0c\u6b7b\u4ea1\u4eba"
            "\u6570\u8d85\u8fc71800\u4eba\u3002"),
    Article(id="ar-1", title="\u0632\u0644\u0632\u0627\u0644 \u0628\u0642\u0648\u0629 7.8 \u064a\u0636\u0631"
            "\u0628 \u0646\u064a\u0628\u0627\u0644",
            text="\u0636\u0631\u0628 \u0632\u0644\u0632\u0627\u0644 \u0628\u0642\u0648\u0629 7.8 \u062f\u0631"
            "\u062c\u0627\u062a \u0646\u064a\u0628\u0627\u0644 \u064a\u0648\u0645 \u0627\u0644\u0633\u0628\u062a "
            "\u0645\u0645\u0627 \u0623\u0633\u0641\u0631 \u0639\u0646 \u0645\u0642\u062a\u0644 \u0623\u0643\u062b"
            "\u0631 \u0645\u0646 1800 \u0634\u062e\u0635 \u0641\u064a \u0643\u0627\u062a\u0645\u0627\u0646\u062f"
            "\u0648."),
]


def test_non_latin_scripts():
    clusterer = StreamClusterer()
    got = {}
    for art in STREAM[:5] + NON_LATIN + STREAM[5:]:
        got[art.id] = _add(clusterer, art, None)
    final = {i: clusterer.story_of(i) for i in got}
    assert final["ru-2"] == final["ru-1"]  # two Russian reports of the Nepal quake: shared Cyrillic names
    assert final["zh-1"] != final["ru-1"] and final["ar-1"] != final["ru-1"]
    assert final["quake-nepal-b"] == final["quake-nepal-a"] and final["basra-wapo"] == final["basra-rferl"]
    assert not {final[a.id] for a in NON_LATIN} & {final[a.id] for a in STREAM}
    _assert_nothing_lost(clusterer, got)


ODD_IDS = ["\u200b", " ", "\n", "\ud800", "a\x00b", "\U0001f525" * 100, "x" * 10_000, "s000001", "S000001",
           "\u0645\u0642\u0627\u0644", "../../etc/passwd", "'; DROP TABLE articles; --"]


def test_odd_article_ids():
    clusterer = StreamClusterer()
    for art in STREAM[:4]:
        _add(clusterer, art)
    wapo = compute(BASRA_WAPO)
    got = {i: clusterer.add(i, wapo, "2018-09-28") for i in ODD_IDS}
    basra = clusterer.story_of("basra-rferl")
    assert basra == "s000004"
    # the first is another outlet's report of the Basra story, the rest are identical copies of it
    assert all(g.story_id == basra for g in got.values())
    assert {g.syndicated_of for g in list(got.values())[1:]} == {ODD_IDS[0]}
    # an id that looks like a story id is still an article id
    assert clusterer.story_of("s000001") == basra and clusterer.story_sizes()["s000001"] == 1
    for i in ODD_IDS:  # each can be asked for, and added again without effect
        assert clusterer.story_of(i) == basra
        assert clusterer.add(i, compute(TEIXEIRA), None).story_id == basra
    assert clusterer.story_sizes()[basra] == 1 + len(ODD_IDS)
    _assert_nothing_lost(clusterer, [a.id for a in STREAM[:4]] + ODD_IDS)


# -- the same through the store and the ingest runner -------------------------------------------


def _raw(art, *, id=None, text=None, title=KEEP, published=KEEP):
    return RawDoc(id=id or art.id, source=f"test:{id or art.id}", text=art.text if text is None else text,
                  title=art.title if title is KEEP else title, published=art.published if published is KEEP else published)


STOP_WORDS = "the of and to a in is it that was for on are with as at by from this " * 12  # 200+ characters
STORE_ITEMS = (
    [_raw(NEPAL_A)]
    + [_raw(NEPAL_A, id=f"wire-{i:03d}", text=DATELINES[i % len(DATELINES)] + f"({i}) " + NEPAL_A.text)
       for i in range(150)]
    + [
        _raw(NEPAL_A, id="same-text-other-id"),  # the store dedupes identical text
        _raw(BASRA_RFERL, id="empty", text="", title=None),
        _raw(BASRA_RFERL, id="whitespace", text="  \n\t ", title=None),
        _raw(BASRA_RFERL, id="one-word", text="Breaking", title=None),
        _raw(BASRA_RFERL, id="numbers", text="1 2 3 4 5", title=None),
        _raw(BASRA_RFERL, id="stop-words", text=STOP_WORDS, title=None),
        _raw(BASRA_RFERL, id="digits", text=" ".join(str(i) for i in range(100)), title=None),
        _raw(BASRA_RFERL, published="yesterday"),
        _raw(TURKEY_A, published="2099-12-31"),
        _raw(BASRA_WAPO, published=None),
        _raw(TURKEY_B, published="2023-02-06"),
        _raw(NEPAL_B, published="0001-01-01"),
    ]
)


def _stories(store):
    return sorted(sorted(ids) for _, ids in store.story_rows())


def test_store_ingest_of_copies_junk_and_bad_dates(tmp_path):
    config = build_config(db=str(tmp_path / "s.db"))
    with Store(config.db) as store:
        statuses = list(ingest_raw(store, STORE_ITEMS, config))
        by_id = {s.item.split(":", 1)[1]: s for s in statuses}
        assert len(statuses) == len(STORE_ITEMS)
        assert by_id["same-text-other-id"].status == "duplicate"
        assert by_id["same-text-other-id"].article_id == "quake-nepal-a"
        for junk in ("empty", "whitespace", "one-word", "numbers"):
            assert by_id[junk].status == "rejected" and by_id[junk].reason, junk
        stored = [s.article_id for s in statuses if s.status == "stored"]
        assert store.count_articles() == len(stored) == len(set(stored))
        stories = list(store.story_rows())
        assert sorted(i for _, ids in stories for i in ids) == sorted(stored)  # each in exactly one story
        by_article = {i: sid for sid, ids in stories for i in ids}
        wires = [f"wire-{i:03d}" for i in range(150)]
        assert {by_article[w] for w in wires} == {by_article["quake-nepal-a"]}
        assert len(store.story_article_ids(by_article["quake-nepal-a"])) == 151
        assert set(store.syndication(wires).values()) == {"quake-nepal-a"}
        assert by_article["basra-wapo"] == by_article["basra-rferl"]
        assert by_article["quake-turkey-b"] != by_article["quake-turkey-a"]  # 2099 vs 2023: closed window
        assert store.get_article("basra-rferl").published is None  # "yesterday" is not kept as a date
        for junk in ("stop-words", "digits"):  # long enough to be stored, without a word of news: each alone
            assert by_id[junk].status == "stored", junk
            assert store.story_article_ids(by_article[junk]) == [junk], junk


@pytest.mark.parametrize("crash_at", [80, len(STORE_ITEMS) - 6])  # among the copies; among the bad dates
def test_store_ingest_interrupted_and_resumed_gives_the_same_stories(tmp_path, crash_at):
    one_go = build_config(db=str(tmp_path / "one.db"))
    with Store(one_go.db) as store:
        first = [s.status for s in ingest_raw(store, STORE_ITEMS, one_go)]
        expected = _stories(store)
    config = build_config(db=str(tmp_path / "two.db"))
    with Store(config.db) as store:
        assert [s.status for s in ingest_raw(store, STORE_ITEMS[:crash_at], config)] == first[:crash_at]
    with Store(config.db) as store:  # a new process: the clusterer is rebuilt from the store
        again = [s.status for s in ingest_raw(store, STORE_ITEMS, config)]  # everything again, as after a crash
        # what was stored before the crash is a duplicate now; the rest goes as in one go
        assert again[:crash_at] == ["rejected" if s == "rejected" else "duplicate" for s in first[:crash_at]]
        assert again[crash_at:] == first[crash_at:]
        assert _stories(store) == expected
        assert store.count_articles() == first.count("stored") == sum(len(s) for s in expected)
