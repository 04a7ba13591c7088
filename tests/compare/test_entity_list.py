"""The brief's entity list: places the small model files as people, groups or nationalities, told
apart by context; time zones and unpaired quotation marks left out."""

from __future__ import annotations

from storyscope.compare.entities import merge_entities
from storyscope.compare.place_cues import place_types
from storyscope.model import EntityMention, Enrichment, Sentence


def _story(*texts_and_names: tuple[str, list[tuple[str, str]]]) -> list[Enrichment]:
    """One article per (sentence, [(name, label)]) with the mentions where the names stand."""
    out = []
    for i, (text, names) in enumerate(texts_and_names):
        mentions = []
        for name, label in names:
            start = text.index(name)
            mentions.append(EntityMention(name, label, start, start + len(name), name))
        out.append(Enrichment(f"a{i}", (Sentence(0, len(text), text),), tuple(mentions)))
    return out


def test_locative_marks_make_a_misread_name_a_place():
    story = _story(
        ("People ran outside in Kotabaru as the tremor shook houses.", [("Kotabaru", "PERSON")]),
        ("Ten houses were damaged in Lhoksari, the capital of the district.", [("Lhoksari", "ORG")]),
        ("The epicentre lay near the town of Mereudu, officials said.", [("Mereudu", "ORG")]),
        ("The quake struck the western tip of Simeulue island on Tuesday.", [("Simeulue", "NORP")]),
    )
    assert place_types(story) == {"Kotabaru": "GPE", "Lhoksari": "GPE", "Mereudu": "GPE",
                                  "Simeulue": "LOC"}


def test_people_and_modifiers_keep_their_label():
    story = _story(
        # a person is also "in" things now and then; his own marks outweigh it
        ("Fans can have full faith in Thomas now.", [("Thomas", "PERSON")]),
        ("Thomas said the knee was fine.", [("Thomas", "PERSON")]),
        ("Mr Thomas, 31, trained on Monday.", [("Thomas", "PERSON")]),
        # possessives and names used as modifiers say nothing about the name
        ("It was the fifth win in Okafor's career and the first in NFL history.",
         [("Okafor", "PERSON"), ("NFL", "ORG")]),
        ("A sheriff's deputy, Sgt. Dale Moore, a Fulton County sheriff's deputy, was shot.",
         [("Dale Moore", "PERSON")]),
        # an organisation after "in" may well be one ("in Congress")
        ("Democratic leaders in Congress objected.", [("Congress", "ORG")]),
        # a nationality is an adjective before a place noun
        ("Navies patrol the Somali coast and this Iranian island.",
         [("Somali", "NORP"), ("Iranian", "NORP")]),
        # a name that is not a name ("post-Soviet")
        ("For the first time in post-Soviet history the vote was open.", [("post-Soviet", "NORP")]),
        # the place noun must end its phrase: "a Perth mountain climber" is a man from Perth
        ("A Perth mountain climber fell to his death.", [("Perth", "ORG")]),
    )
    assert place_types(story) == {}


def test_the_brief_lists_the_place_with_its_place_type():
    story = _story(
        ("People ran outside in Kotabaru as the tremor shook houses.", [("Kotabaru", "PERSON")]),
        ("Kotabaru lies on the coast.", [("Kotabaru", "PERSON")]),
    )
    entities, _ = merge_entities(story)
    assert [(e.name, e.type) for e in entities] == [("Kotabaru", "GPE")]


def test_the_demo_earthquake_places_are_places(sample_store):
    # the bundled ECB+ samples: the small model reads "Banda Aceh" as a person, "Takengon"
    # as an organisation and "Sumatra" as a nationality in every mention
    from storyscope.run.stories import iter_stories, story_brief

    store, config, _ = sample_store
    story = next(s for s, _ in iter_stories(store) if "ecbplus_37_13ecbplus" in s.article_ids)
    types = {e["name"]: e["type"] for e in story_brief(store, config, story.id).data["entities"]}
    assert types["Banda Aceh"] == "GPE"
    assert types["Takengon"] == "GPE"
    assert types["Sumatra"] in ("LOC", "GPE")
    assert types["Bensu Elianita"] == "PERSON"


def test_a_shared_possessive_is_a_possessive():
    story = _story(("He played Billy Bigelow in Rodgers and Hammerstein's musical.",
                    [("Rodgers", "PERSON")]))
    assert place_types(story) == {}


def test_time_zones_and_unpaired_quotation_marks_leave_the_entity_list():
    story = _story(('The quake struck at 0737 GMT near the Pacific "Ring of Fire" arc.',
                    [("GMT", "ORG"), ('Pacific "Ring of Fire', "ORG")]))
    entities, alias_of = merge_entities(story)
    assert [e.name for e in entities] == ["Pacific Ring of Fire"]
    # the other sections still find the name as the enrich stage wrote it
    assert alias_of['Pacific "Ring of Fire'] == "Pacific Ring of Fire"
