"""Speaker rules of issue 13 (seventh pass), on sentences written for the test."""

from __future__ import annotations

from quote_helpers import nlp, quotes_of, speaker_of  # noqa: F401 (nlp: a fixture) tests/enrich/quote_helpers.py


def test_who_after_a_description_in_apposition_is_the_person_described(nlp):
    # the parser hangs "who added" on "spokeswoman", the description beside the name
    text = (
        "''We are ready,'' said Nora Field, a spokeswoman for the Coastal Alliance for Clean Water, who added "
        "that the group would ''fight on.''\n"
    )
    assert speaker_of(nlp, text, "fight on") == "Nora Field"
    text = (
        "''If you don't have a positive, constructive tone, you will have a hard time getting support from "
        "farmers,'' said Pedro Alvarez, the executive director of the Rural Partnership for Conservative "
        "Principles, who also said that the two men, and Mr. Hale in particular, must do more to address rural "
        "sensitivities. ''Farmers won't vote for someone just because they're farmers.''\n"
    )
    assert speaker_of(nlp, text, "Farmers won't vote") == "Pedro Alvarez"


def test_who_answers_a_question_is_whom_it_was_put_to(nlp):
    text = (
        "Last month, Politico's Sam Reed asked Sanders whether questions about his health were fair game. "
        "\"Sure it is. I would not have run if I was not blessed,\" he said.\n"
    )
    assert speaker_of(nlp, text, "Sure it is") == "Sanders"
    text = "\"Is it time for your strategy to change?\" Tom Reed asked Mayor Alan Cobb. \"No,\" he said.\n"
    assert speaker_of(nlp, text, "Is it time") == "Tom Reed"
    assert speaker_of(nlp, text, "No") == "Alan Cobb"


def test_the_asker_stays_when_whom_he_asked_is_not_of_the_pronouns_gender(nlp):
    text = (
        "Senator Ruth Baker met reporters on Monday. Mr. Tom Reed asked Ms. Baker about the bill. "
        "\"I was not satisfied,\" he said.\n"
    )
    assert speaker_of(nlp, text, "I was not satisfied") == "Tom Reed"


def test_a_capitalised_group_in_a_headline_is_not_whom_a_question_was_put_to(nlp):
    text = (
        "Actress Zoe Vance Asked Men Everywhere To Rethink Their Habits.\n"
        "Zoe Vance posted a message on Monday. “Men, you will not lose anything,” she wrote.\n"
    )
    assert speaker_of(nlp, text, "Men, you will not") == "Zoe Vance"


def test_a_name_with_a_capital_inside_that_the_tagger_took_for_a_noun(nlp):
    # the tagger reads an unknown name written with a curly apostrophe as a common noun
    # ("..., D’Souza replied" tagged NN): the capital inside the word marks a name; a
    # capitalised word of a title-case run (a headline) or all capitals does not
    from spacy.tokens import Doc

    from storyscope.enrich.speakers import _untagged_name

    words = ["After", "the", "talk", ",", "D’Vora", "replied", ",", "and", "NASA", "agreed", "."]
    tags = ["IN", "DT", "NN", ",", "NN", "VBD", ",", "CC", "NN", "VBD", "."]
    doc = Doc(nlp.vocab, words=words, tags=tags, sent_starts=[True] + [False] * 10)
    assert _untagged_name(doc[4])  # D’Vora
    assert not _untagged_name(doc[2])  # talk
    assert not _untagged_name(doc[8])  # NASA
    words = ["Ravi", "McVey", "Makes", "Huge", "BlueSky", "Prediction"]
    doc = Doc(nlp.vocab, words=words, tags=["NNP", "NNP", "VBZ", "JJ", "NN", "NN"], sent_starts=[True] + [False] * 5)
    assert not _untagged_name(doc[4])  # inside a title-case headline


def test_of_two_subjects_the_person_not_the_place_the_parser_added(nlp):
    text = (
        "In their new book ''Concrete Plans'' (Harvard Business Review Press), Stephen S. Colburn and "
        "J. Bradford DeLane of the University of California, Berkeley suggest that ultimately, it was the "
        "fault of American ''policy choices.''\n"
    )
    assert speaker_of(nlp, text, "ultimately") == "Stephen S. Colburn"
