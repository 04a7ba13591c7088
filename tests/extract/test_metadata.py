"""Publication dates: where the page's stated timestamps correct htmldate's pick, and where they must not."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from storyscope.extract.html import extract_html
from storyscope.extract.metadata import Structured, refine_published, structured_metadata

PARAGRAPHS = [
    "Flood waters receded on Sunday across the river valley, leaving thousands of homes damaged "
    "and roads blocked by mud and fallen trees, regional officials said.",
    "Emergency crews evacuated more than 2,000 people from low-lying neighbourhoods on Saturday, "
    "and the army sent boats and helicopters to reach villages cut off by the water.",
    "The weather service warned that more rain was expected in the mountains later in the week, "
    "which could push the river above its banks again before the clean-up is finished.",
]


def stated(published: str | None, modified: str | None = None) -> Structured:
    return Structured(published_stamp=published, modified_stamp=modified)


def page(url_date_ld: dict, meta: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<html><head><title>River flood</title>" + meta
        + '<script type="application/ld+json">' + json.dumps(url_date_ld) + "</script></head>"
        + f"<body><article><h1>River flood</h1>{body}</article></body></html>"
    )


def test_structured_metadata_keeps_the_stamps():
    found = structured_metadata(page({
        "@type": "NewsArticle", "headline": "River flood",
        "datePublished": "2019-10-19T03:00:00.000Z", "dateModified": "2019-10-18T20:00:25Z",
    }))
    assert found.published == "2019-10-19"
    assert found.published_stamp == "2019-10-19T03:00:00.000Z"
    assert found.modified_stamp == "2019-10-18T20:00:25Z"
    only_meta = structured_metadata(
        '<head><meta property="article:published_time" content="2021-11-04T23:00Z">'
        '<meta property="article:modified_time" content="2021-11-05T12:42Z"></head>'
    )
    assert only_meta.published_stamp == "2021-11-04T23:00Z"
    assert only_meta.modified_stamp == "2021-11-05T12:42Z"


def test_local_midnight_written_in_utc_is_the_next_day():
    assert refine_published("2021-11-04", stated("2021-11-04T23:00Z")) == "2021-11-05"
    assert refine_published("2022-11-06", stated("2022-11-06T23:00:00.000Z")) == "2022-11-07"
    assert refine_published("2022-03-26", stated("2022-03-26T22:00:00+00:00")) == "2022-03-27"
    # not on the hour, not UTC, or not the day htmldate picked: left alone
    assert refine_published("2018-12-31", stated("2018-12-31T23:11:59+00:00")) == "2018-12-31"
    assert refine_published("2022-11-06", stated("2022-11-06T23:00:00+01:00")) == "2022-11-06"
    assert refine_published("2022-11-01", stated("2022-11-06T23:00:00Z")) == "2022-11-01"


def test_draft_saved_before_release_gives_way_to_the_publication():
    # "modified" the evening before the stated publication: htmldate took the draft's day
    assert refine_published("2022-12-20", stated("2022-12-21T05:49:28+00:00", "2022-12-20T16:55:21+00:00")) == "2022-12-21"
    # modified after published is an update: htmldate's earlier pick stands
    assert refine_published("2020-01-03", stated("2020-01-03T09:48:24Z", "2020-01-06T09:22:36Z")) == "2020-01-03"


def test_stated_local_publication_after_htmldates_pick():
    # a URL made on the 2nd, the story published on the 8th in the publisher's own zone
    assert refine_published("2022-05-02", stated("2022-05-08T06:00:00-05:00")) == "2022-05-08"
    assert refine_published("2020-02-18", stated("2020-02-19T18:37:32+01:00")) == "2020-02-19"
    # a UTC stamp a day later is the same evening in the Americas
    assert refine_published("2020-02-24", stated("2020-02-25T02:25:54Z")) == "2020-02-24"
    # a republication two years later keeps the original date
    assert refine_published("2017-07-12", stated("2019-06-17T18:28:00+0200")) == "2017-07-12"
    # a stated publication before htmldate's pick is not this rule's business
    assert refine_published("2020-01-20", stated("2020-01-19T12:25:36+01:00")) == "2020-01-20"
    assert refine_published(None, stated("2020-01-19T12:25:36+01:00")) is None
    assert refine_published("2020-01-20", stated(None)) == "2020-01-20"


def test_url_date_before_the_stated_release_on_a_whole_page():
    html = page({
        "@type": "NewsArticle", "headline": "River flood",
        "datePublished": "2020-02-19T18:37:32+01:00", "dateModified": "2020-02-19T18:37:32+01:00",
    })
    result = extract_html(html, "https://news.example/2020/02/18/ciencia/river-flood.html")
    assert result.published == "2020-02-19"
    # the same page whose URL carries the stated day is untouched
    same = extract_html(html, "https://news.example/2020/02/19/ciencia/river-flood.html")
    assert same.published == "2020-02-19"


def test_benchmark_reads_gold_dates_as_written():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "extraction.py"
    spec = importlib.util.spec_from_file_location("extraction_bench", path)
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # its dataclasses look their module up
    try:
        spec.loader.exec_module(bench)
    finally:
        del sys.modules[spec.name]
    assert bench.gold_date("2020-01-19") == "2020-01-19"
    assert bench.gold_date("2022-29-11") == "2022-11-29"  # the gold's own day-before-month entries
    assert bench.gold_date("2022-11-1") == "2022-11-01"
    assert bench.gold_date("2022-02-30") is None and bench.gold_date(None) is None
    # an ambiguous value is read as written, never swapped
    assert bench.gold_date("2023-05-06") == "2023-05-06"
