"""Attribution clashes: one quotation that outlets credit to different named people is a
disagreement; spellings of one name, a speaker guessed from a pronoun, a stock phrase two
people repeat and an outlet quoting one person through another are not."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from storyscope.compare import build_brief
from storyscope.model import Article, Story
from storyscope.render import RENDERERS

from compare_helpers import enrich

SCHEMA = json.loads((resources.files("storyscope") / "schema" / "brief.schema.json").read_text())

STATEMENT = ("We are deeply saddened by the damage to the collection, and we will rebuild what "
             "the fire took from this city")


def _brief(*texts: str):
    arts = [Article(id=f"a{i}", text=t, title=f"Report {i}", outlet=f"Outlet {i}", language="en")
            for i, t in enumerate(texts)]
    story = Story("s", "test", tuple(a.id for a in arts), tuple(a.outlet for a in arts), None, None)
    brief = build_brief(story, list(zip(arts, enrich(arts))))
    jsonschema.validate(brief.data, SCHEMA)
    return brief


def _clashes(brief) -> list[dict]:
    return [d for d in brief.data["disagreements"] if d["kind"] == "attribution"]


def test_one_quotation_credited_to_two_named_people_is_a_clash():
    brief = _brief(
        f'The museum will stay closed for a week. "{STATEMENT}," museum director Karen Holt said in a statement.',
        f'Firefighters worked through the night. "{STATEMENT}," museum director Karen Walsh said on Monday.',
    )
    clashes = _clashes(brief)
    assert len(clashes) == 1
    by_speaker = {p["speaker"]: p for p in clashes[0]["positions"]}
    assert set(by_speaker) == {"Karen Holt", "Karen Walsh"}
    # each side cites its outlet's own attribution sentence
    assert by_speaker["Karen Holt"]["article_ids"] == ["a0"]
    assert "museum director Karen Holt said in a statement" in by_speaker["Karen Holt"]["text"]
    assert by_speaker["Karen Walsh"]["article_ids"] == ["a1"]
    assert "Karen Walsh said on Monday" in by_speaker["Karen Walsh"]["text"]
    assert clashes[0]["topic"].startswith("who said \u201cWe are deeply saddened")
    # the fact of the attribution sentences is disputed, and every renderer carries the clash
    assert any(f["status"] == "disputed" and "Karen" in f["text"] for f in brief.data["facts"])
    for fmt in ("markdown", "html", "json"):
        out = RENDERERS[fmt](brief)
        assert "Karen Walsh" in out and "who said" in out


@pytest.mark.parametrize("first, second", [
    ("Secretary of State Mike Pompeo", "Pompeo"),
    ("Mike Pompeo", "Secretary Pompeo"),
    ("President Hassan Rohani", "Rouhani"),
    # a middle initial: the alias grouping keeps the two spellings apart (different word
    # counts), and a shared surname is never taken for two people
    ("Treasury Secretary Jacob J. Reed", "Jacob Reed"),
])
def test_spellings_of_one_name_are_no_clash(first, second):
    brief = _brief(
        f'Talks resumed on Friday. "{STATEMENT}," {first} said in a statement.',
        f'The meeting ended late. "{STATEMENT}," {second} said on Monday.',
    )
    assert not _clashes(brief)
    assert len(brief.data["quotes"]) == 1


def test_a_speaker_guessed_from_a_pronoun_is_no_clash():
    brief = _brief(
        f'The museum will stay closed for a week. "{STATEMENT}," museum director Karen Holt said in a statement.',
        f'Karen Walsh, a curator, arrived at the scene in the morning. "{STATEMENT}," she said on Monday.',
    )
    assert not _clashes(brief)


def test_a_short_phrase_two_people_repeat_is_no_clash():
    brief = _brief(
        'Senator Ann Marsh called the spending bill "a total disaster" on Tuesday.',
        'Governor Tom Reyes warned that the new tariff would be "a total disaster" for farmers.',
    )
    # the quote matcher joins the two (one wording) ...
    assert any(len(q["article_ids"]) == 2 for q in brief.data["quotes"])
    # ... but two words in common do not make one statement
    assert not _clashes(brief)


def test_an_outlet_quoting_one_person_through_another_is_no_clash():
    brief = _brief(
        f'The museum will stay closed for a week. "{STATEMENT}," museum director Karen Holt said in a statement.',
        f'The board met on Monday. "{STATEMENT}," Paul Evans said, quoting museum director Karen Holt.',
    )
    # the second outlet credits Evans, and its own sentence names Holt: the text joins them
    assert not _clashes(brief)


def test_a_name_from_the_next_sentence_is_no_attribution():
    brief = _brief(
        f'The museum will stay closed for a week. "{STATEMENT}," museum director Karen Holt said in a statement.',
        f'The board issued a statement on Monday: "{STATEMENT}." '
        'The alarm went off at midnight, fire chief Brad Cole said.',
    )
    assert not _clashes(brief)


def test_a_one_letter_slip_in_a_surname_is_one_person():
    brief = _brief(
        f'The museum will stay closed for a week. "{STATEMENT}," museum director Andrew Wetzler said on Monday.',
        f'Firefighters worked through the night. "{STATEMENT}," museum director Andrew Welzler said on Monday.',
    )
    assert not _clashes(brief)
