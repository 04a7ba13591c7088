"""Speaker rules of issue 13's session 15, on sentences written for the test.

Some rules act on parses the parser gives news sentences now and then (two sentences
joined into one; a reporting verb hung beside the main clause; a preposition as a
subject): those tests build the parse by hand (``_parsed``), so that they do not depend on
what the model makes of a short text."""

from __future__ import annotations

from quote_helpers import nlp, speaker_of  # noqa: F401 (nlp: a fixture) tests/enrich/quote_helpers.py
from spacy.tokens import Doc

from storyscope.enrich import speakers
from storyscope.enrich.entities import find_entities
from storyscope.enrich.quotes import find_quotes
from storyscope.model import EntityMention

_LEMMAS = {"says": "say", "said": "say", "added": "add", "thinks": "think", "runs": "run", "signed": "sign"}
RULES_ALONE = (1.0,) + (0.0,) * (len(speakers.RANKER_FEATURES) - 1)


def _parsed(nlp, rows: list[tuple[str, int, str, str]], people: dict[str, str]):
    """A Doc from (word, head index, dependency, part of speech) rows, one space between
    words; ``people`` maps each PERSON mention (a run of words) to its canonical name.
    Returns the doc and its entity mentions."""
    words = [w for w, _, _, _ in rows]
    doc = Doc(nlp.vocab, words=words, heads=[h for _, h, _, _ in rows], deps=[d for _, _, d, _ in rows],
              pos=[p for _, _, _, p in rows], lemmas=[_LEMMAS.get(w, w.lower()) for w in words])
    ents, mentions = [], []
    for mention, canonical in people.items():
        n = len(mention.split())
        for i in range(len(words) - n + 1):
            if " ".join(words[i : i + n]) == mention and not any(s.start <= i < s.end for s in ents):
                span = doc[i : i + n]
                ents.append(doc.char_span(span.start_char, span.end_char, label="PERSON"))
                mentions.append(EntityMention(mention, "PERSON", span.start_char, span.end_char, canonical))
    doc.ents = sorted(ents, key=lambda s: s.start)
    return doc, tuple(sorted(mentions, key=lambda e: e.start))


def _inside(doc) -> bytearray:
    """1 for the tokens between a pair of quotation marks."""
    out, open_ = bytearray(len(doc)), False
    for t in doc:
        if t.text in ("\u201c", "\u201d"):
            open_ = t.text == "\u201c"
        elif open_:
            out[t.i] = 1
    return out


def test_a_reported_clause_past_a_quotation_does_not_bind_the_pronoun(nlp):
    # "“...,” she said, but added “...” “...,” Ms. Marsh said": the parser joined two
    # sentences and made the second "said" a clause the first reports. Binding (a "she
    # said" does not mean whom its own reported clause names) reached past the quotation
    # and ruled Ellen Marsh out, the only woman in view.
    rows = [
        ("Ellen", 1, "compound", "PROPN"), ("Marsh", 2, "nsubj", "PROPN"), ("runs", 2, "ROOT", "VERB"),
        ("the", 4, "det", "DET"), ("bakery", 2, "dobj", "NOUN"), (".", 2, "punct", "PUNCT"),
        ("\u201c", 14, "punct", "PUNCT"), ("I", 8, "nsubj", "PRON"), ("hate", 14, "ccomp", "VERB"),
        ("the", 10, "det", "DET"), ("leases", 8, "dobj", "NOUN"), (",", 14, "punct", "PUNCT"),
        ("\u201d", 14, "punct", "PUNCT"), ("she", 14, "nsubj", "PRON"), ("said", 14, "ROOT", "VERB"),
        (",", 14, "punct", "PUNCT"), ("but", 14, "cc", "CCONJ"), ("added", 14, "conj", "VERB"),
        ("\u201c", 17, "punct", "PUNCT"), ("We", 20, "nsubj", "PRON"), ("lost", 17, "ccomp", "VERB"),
        ("money", 20, "dobj", "NOUN"), (".", 20, "punct", "PUNCT"), ("\u201d", 17, "punct", "PUNCT"),
        ("\u201c", 32, "punct", "PUNCT"), ("Julia", 26, "nsubj", "PROPN"), ("thinks", 32, "ccomp", "VERB"),
        ("so", 26, "advmod", "ADV"), (",", 32, "punct", "PUNCT"), ("\u201d", 32, "punct", "PUNCT"),
        ("Ms.", 31, "compound", "PROPN"), ("Marsh", 32, "nsubj", "PROPN"), ("said", 14, "ccomp", "VERB"),
        (".", 14, "punct", "PUNCT"),
    ]
    doc, people = _parsed(nlp, rows, {"Ellen Marsh": "Ellen Marsh", "Marsh": "Ellen Marsh"})
    resolver = speakers.SpeakerResolver(doc, people, _inside(doc))
    she = doc[13]
    assert resolver._not_them(she) == frozenset()
    assert resolver.resolve(she).name == "Ellen Marsh"


def test_the_reported_clause_binds_without_a_quotation_between(nlp):
    # the rule above stays where no quotation stands between ("he said Hale had ...": he
    # is not Hale)
    rows = [
        ("He", 1, "nsubj", "PRON"), ("said", 1, "ROOT", "VERB"), ("Hale", 4, "nsubj", "PROPN"),
        ("had", 4, "aux", "AUX"), ("left", 1, "ccomp", "VERB"), (".", 1, "punct", "PUNCT"),
    ]
    doc, people = _parsed(nlp, rows, {"Hale": "Robert Hale"})
    resolver = speakers.SpeakerResolver(doc, people, _inside(doc))
    assert resolver._not_them(doc[0]) == frozenset({"Robert Hale"})


def test_the_subject_of_a_reporting_verb_beside_the_main_clause_is_a_sentence_subject(nlp, monkeypatch):
    # "4:40 p.m. Mark Reed says, win or lose, he is staying": the parser hung "says" beside
    # the main verb (parataxis); Reed is still whom the sentence is about, and whom the
    # next "he said" means, not the governor of the sentence before
    monkeypatch.setattr(speakers, "RANKER_WEIGHTS", RULES_ALONE)
    rows = [
        ("Tom", 1, "compound", "PROPN"), ("Ward", 2, "nsubj", "PROPN"), ("signed", 2, "ROOT", "VERB"),
        ("the", 4, "det", "DET"), ("budget", 2, "dobj", "NOUN"), (".", 2, "punct", "PUNCT"),
        ("Mark", 7, "compound", "PROPN"), ("Reed", 8, "nsubj", "PROPN"), ("says", 16, "parataxis", "VERB"),
        (",", 8, "punct", "PUNCT"), ("win", 16, "advcl", "VERB"), ("or", 10, "cc", "CCONJ"),
        ("lose", 10, "conj", "VERB"), (",", 16, "punct", "PUNCT"), ("he", 16, "nsubj", "PRON"),
        ("is", 16, "aux", "AUX"), ("staying", 16, "ROOT", "VERB"), (".", 16, "punct", "PUNCT"),
        ("\u201c", 24, "punct", "PUNCT"), ("We", 20, "nsubj", "PRON"), ("stay", 24, "ccomp", "VERB"),
        (",", 24, "punct", "PUNCT"), ("\u201d", 24, "punct", "PUNCT"),
        ("he", 24, "nsubj", "PRON"), ("said", 24, "ROOT", "VERB"), (".", 24, "punct", "PUNCT"),
    ]
    doc, people = _parsed(nlp, rows, {"Tom Ward": "Tom Ward", "Mark Reed": "Mark Reed"})
    assert speakers._main_clause(doc[8])
    resolver = speakers.SpeakerResolver(doc, people, _inside(doc))
    he = doc[23]
    assert resolver.resolve(he).name == "Mark Reed"


def test_a_topic_named_before_the_pronoun_is_whom_it_means(nlp):
    # "As for X, he said ...": the opening phrase names whom the sentence is about, not the
    # man who spoke last
    text = ("Carl Dunne and Peter Vance met the council on Monday. Vance spoke first and asked for more time. "
            "\u201cWe need another month,\u201d he said. As for Dunne, he said the plan was \u201cready to go.\u201d")
    assert speaker_of(nlp, text, "We need another month") == "Peter Vance"
    assert speaker_of(nlp, text, "ready to go") == "Carl Dunne"


def test_another_first_name_before_a_known_surname_is_another_person(nlp):
    # the NER tagged Robert Hale but not "Nora Hale": her "Hale" is not his (a man, whom
    # "she" cannot mean), so her quote went to nobody
    text = ("Robert Hale built a chain of hardware stores in the 1980s. \u201cNobody else would sell nails one at a "
            "time,\u201d he said. Nora Hale, 34, runs the company now. She has kept the old prices. \u201cWe sell "
            "to people who fix their own houses,\u201d she said.")
    doc = nlp(text)
    start = text.index("Robert Hale")
    doc.ents = [doc.char_span(start, start + len("Robert Hale"), label="PERSON")]
    quotes = {q.text[:10]: q.speaker for q in find_quotes(doc, find_entities(doc))}
    assert quotes["Nobody els"] == "Robert Hale"
    assert quotes["We sell to"] == "Nora Hale"


def test_a_preposition_the_parser_made_a_subject_speaks_for_no_one(nlp):
    # "Of Carson, Levine ... said": the parser made "Of" the subject; a quote is better
    # given no speaker than the speaker "Of"
    text = ("Eric Levine, a lawyer in New York, was at the dinner. Of Carson, Levine, who has given money to "
            "Rubio, said, \u201cHe is a kind man.\u201d")
    assert speaker_of(nlp, text, "He is a kind man") != "Of"


def test_a_capitalised_preposition_inside_a_sentence_is_a_name(nlp):
    # "“...,” From said" of a man named Al From, tagged a preposition: he still speaks; a
    # preposition opening the sentence ("Of Carson, ...") or in lower case does not
    rows = [
        ("\u201c", 6, "punct", "PUNCT"), ("We", 2, "nsubj", "PRON"), ("lost", 6, "ccomp", "VERB"),
        (",", 6, "punct", "PUNCT"), ("\u201d", 6, "punct", "PUNCT"), ("From", 6, "nsubj", "ADP"),
        ("said", 6, "ROOT", "VERB"), (".", 6, "punct", "PUNCT"),
        ("Of", 10, "nsubj", "ADP"), ("Carson", 8, "pobj", "PROPN"), ("spoke", 10, "ROOT", "VERB"),
        ("that", 12, "nsubj", "SCONJ"), ("accused", 10, "ccomp", "VERB"), (".", 10, "punct", "PUNCT"),
    ]
    doc, _ = _parsed(nlp, rows, {})
    assert speakers.can_speak(doc[5])
    assert not speakers.can_speak(doc[8])
    assert not speakers.can_speak(doc[11])


def test_an_office_does_not_point_back_to_whom_its_words_are_about(nlp):
    # "Mr. Hale is so careless, the senator said, that ...": the one person named before
    # "the senator" in the sentence is the subject of what the senator says, not the
    # senator
    text = ("The hearing ran late on Friday. Mr. Hale is so careless, the senator said, that "
            "\u201cnobody in this state should trust him with a budget.\u201d")
    speaker = speaker_of(nlp, text, "nobody in this state")
    assert speaker is not None and "Hale" not in speaker
