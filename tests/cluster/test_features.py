import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from news_fixtures import BASRA_RFERL, BASRA_WAPO, NEPAL_A, NEPAL_A_COPY, TURKEY_A  # noqa: E402

from storyscope.cluster import TermStats, same_event_score  # noqa: E402
from storyscope.features import Features, FeaturesFormatError, compute, minhash, term_id  # noqa: E402
from storyscope.features.text import is_title_case, names  # noqa: E402
from storyscope.model import Article  # noqa: E402


def test_bytes_round_trip_is_exact():
    feats = compute(BASRA_WAPO)
    blob = feats.to_bytes()
    assert isinstance(blob, bytes)
    assert Features.from_bytes(blob) == feats


def test_empty_article_round_trips():
    feats = compute(Article(id="e", text=""))
    assert feats.is_empty and feats.n_tokens == 0
    assert Features.from_bytes(feats.to_bytes()) == feats


@pytest.mark.parametrize("blob", [b"", b"junk", b"SSF1" + b"\x00" * 40])
def test_bad_blob_raises_named_error(blob):
    with pytest.raises(FeaturesFormatError):
        Features.from_bytes(blob)


def test_features_are_deterministic_and_stable():
    # crc32 ids and blake2b-derived MinHash coefficients do not depend on the process
    assert term_id("basra") == 3611418597
    assert compute(NEPAL_A) == compute(NEPAL_A)
    assert len(compute(NEPAL_A).minhash) == minhash.NUM_PERM


def test_names_and_numbers_are_found():
    feats = compute(BASRA_RFERL)
    assert any(name.endswith("mike pompeo") for name in feats.names)
    assert "basra" in feats.names
    assert "28" in feats.names
    got = names("Police said on Monday that Mark Teixeira met the Los Angeles Angels. The police left.")
    assert "mark teixeira" in got and "los angeles angels" in got
    assert "police" not in got and "monday" not in got


def test_title_case_headlines_are_not_names():
    assert is_title_case("Microsoft Releases Critical Patch For Internet Explorer Flaw")
    assert not is_title_case("Microsoft releases emergency patch for Internet Explorer")


def test_copy_has_high_minhash_similarity_and_other_reports_low():
    a, copy, other = compute(NEPAL_A), compute(NEPAL_A_COPY), compute(TURKEY_A)
    assert minhash.jaccard(a.minhash, copy.minhash) >= 0.6
    assert minhash.jaccard(a.minhash, other.minhash) < 0.1


def test_same_event_scores_higher_than_same_kind():
    stats = TermStats()
    feats = [compute(x) for x in (BASRA_RFERL, BASRA_WAPO, NEPAL_A, TURKEY_A)]
    for f in feats:
        stats.add(f)
    basra_rferl, basra_wapo, nepal, turkey = (stats.vector(f) for f in feats)
    same = same_event_score(basra_rferl, basra_wapo)
    assert 0.0 <= same <= 1.0
    assert same > same_event_score(nepal, turkey)
    assert same > same_event_score(basra_rferl, nepal)
