"""Quotes and speakers on the two real seed articles and on small edge cases."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from storyscope.enrich.nlp import load_nlp
from storyscope.enrich.quotes import find_quotes

from quote_helpers import quotes_of, the_quote  # tests/enrich/quote_helpers.py

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()




@pytest.fixture(scope="module")
def wapo(nlp):
    return quotes_of(nlp, (DATA / "004_30c83ec27df2ac6c.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rferl(nlp):
    return quotes_of(nlp, (DATA / "000_a660c4176bf93f53.txt").read_text(encoding="utf-8"))


# -- the Washington Post article (004) ----------------------------------------------


def test_wapo_pompeo_he_said(wapo):
    q = the_quote(wapo, "We look to all international parties interested in peace")
    assert (q.speaker, q.kind, q.cue) == ("Mike Pompeo", "direct", "said")
    assert q.text.endswith("the unacceptability of their behavior,")


def test_wapo_given_the_increasing_threats(wapo):
    q = the_quote(wapo, "Given the increasing and specific threats")
    assert q.speaker == "Mike Pompeo" and q.kind == "direct"


def test_wapo_anonymous_official_resolved_from_earlier_sentence(wapo):
    q = the_quote(wapo, "We are not aware of any intention by Iran")
    assert q.speaker == "a senior Iraqi security official"
    # the second sentence after "the official said." belongs to the same quote
    assert "This is another unfortunate move" in q.text
    assert q.speaker_start is not None and q.speaker_end is not None


def test_wapo_offsets_point_at_the_content(wapo, nlp):
    text = (DATA / "004_30c83ec27df2ac6c.txt").read_text(encoding="utf-8")
    for q in wapo:
        if q.kind != "indirect" and "  " not in q.text:
            assert text[q.start : q.end].startswith(q.text[:20])
        if q.speaker_start is not None:
            assert 0 <= q.speaker_start < q.speaker_end <= len(text)


def test_wapo_caption_is_not_a_quote(wapo):
    # "With insults like “Nazi-disposition” and “brutal,” ..." has no speaker or cue
    assert not [q for q in wapo if q.text.startswith("Nazi-disposition")]


# -- the RFE/RL article (000) -----------------------------------------------------------


def test_rferl_multi_sentence_pompeo_quotes(rferl):
    for beginning in (
        "Threats to our personnel and facilities in Iraq",
        "I have advised the government of Iran",
        "We look to all international parties",
    ):
        q = the_quote(rferl, beginning)
        assert q.speaker == "Mike Pompeo" and q.kind == "direct", beginning


def test_rferl_paragraph_that_is_only_a_quote_continues_the_speaker(rferl):
    q = the_quote(rferl, "I have made clear that Iran should understand")
    assert q.speaker == "Mike Pompeo"


def test_rferl_partial_quote(rferl):
    q = the_quote(rferl, "increasing and specific")
    assert (q.speaker, q.kind, q.cue) == ("Mike Pompeo", "partial", "said")
    assert q.text == "increasing and specific"


def test_rferl_organisation_speaks(rferl):
    q = the_quote(rferl, "astonishing, provocative, and irresponsible")
    assert (q.speaker, q.cue, q.kind) == ("Iranian Foreign Ministry", "called", "partial")


def test_rferl_indirect_speech(rferl):
    indirect = [q for q in rferl if q.kind == "indirect"]
    q = the_quote(indirect, "he would hold Iran directly responsible")
    assert q.speaker == "Mike Pompeo" and q.cue == "said"
    q = the_quote(indirect, "Washington is working with Iraqi forces")
    assert q.speaker == "Mike Pompeo"  # "He said that ..." resolved


def test_rferl_boilerplate_does_not_crash_or_quote(rferl):
    assert not [q for q in rferl if "Leave a Reply" in q.text]


# -- edge cases ---------------------------------------------------------------------------


def test_straight_quotes_split_around_attribution_are_one_quote(nlp):
    text = (
        'Senator Jane Smith spoke on Monday.\n\n'
        '"We will not back down," Smith said, "and we will win this fight."'
    )
    [q] = [q for q in quotes_of(nlp, text) if q.kind != "indirect"]
    assert q.speaker == "Jane Smith"
    assert q.text == "We will not back down, and we will win this fight."
    assert text[q.start : q.start + 5] == "We wi" and text[q.end - 5 : q.end] == "ight."


def test_quote_resumed_after_an_attribution_that_ends_its_sentence_keeps_two_sentences(nlp):
    # the first sentence ends on the comma before "Jones said."; joined, it ends with a stop
    text = (
        "Mayor Bill Jones opened the meeting.\n\n"
        "“The budget is tight this year,” Jones said. “We have cut what we could.”"
    )
    [q] = [q for q in quotes_of(nlp, text) if q.kind != "indirect"]
    assert q.text == "The budget is tight this year. We have cut what we could."


def test_multi_paragraph_quote(nlp):
    text = (
        "Mayor Bill Jones opened the meeting.\n\n"
        "“The budget is tight this year,” Jones said. “We have cut what we could.\n\n"
        "“Nobody wanted this, but the numbers do not lie.”\n\n"
        "The council voted later."
    )
    qs = [q for q in quotes_of(nlp, text) if q.kind != "indirect"]
    assert len(qs) == 1
    assert qs[0].speaker == "Bill Jones"
    assert qs[0].text.endswith("the numbers do not lie.")


def test_pronoun_and_description_resolve_to_last_matching_speaker(nlp):
    text = (
        "A senior police official, who was not authorized to speak, said the bridge was closed.\n\n"
        "“It will stay closed until Monday,” the official said.\n\n"
        "Governor Maria Lopez visited the site.\n\n"
        "“We are doing everything we can,” she said."
    )
    qs = quotes_of(nlp, text)
    assert the_quote(qs, "It will stay closed").speaker == "a senior police official"
    assert the_quote(qs, "We are doing everything").speaker == "Maria Lopez"
    indirect = the_quote(qs, "the bridge was closed")
    assert indirect.kind == "indirect" and indirect.speaker == "a senior police official"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "“",
        "”",
        '"',
        "He said “this never closes.\n\nAnd neither does “this",
        "A line with ” a stray mark and “ another ” and ” more.",
        "no sentence at all just words and “marks",
        "Президент сказал: «Мы не отступим». 他说：“我们不会退缩。” قال “لن نتراجع”",
        "„Wir bleiben“, sagte er. «Nous restons», a-t-il dit.",
        "\u200b“\u00a0”\u200b",
    ],
)
def test_no_crash_on_odd_text(nlp, text):
    for q in quotes_of(nlp, text):
        assert 0 <= q.start <= q.end <= len(text)


def test_unparsed_five_megabyte_text(nlp):
    # A 5 MB text through the tokenizer only: no parse, no sentences. Quotes are still
    # paired (no speakers without a parse) and the run stays linear.
    para = "“This is a quote,” he said. Then some narrative text follows here without marks.\n\n"
    text = para * (5_000_000 // len(para))
    doc = nlp.tokenizer(text)  # make_doc refuses texts over nlp.max_length
    t0 = time.perf_counter()
    qs = find_quotes(doc, ())
    assert time.perf_counter() - t0 < 60
    assert len(qs) == text.count("“")
    assert all(q.speaker is None for q in qs[:10])


def test_quote_closed_with_the_other_family_of_mark(nlp):
    text = "“Immunity deals should not be a requirement for cooperating with the FBI,\" Chairman Jason Chaffetz said."
    [q] = [q for q in quotes_of(nlp, text) if q.kind != "indirect"]
    assert q.text == "Immunity deals should not be a requirement for cooperating with the FBI,"
    assert q.speaker == "Jason Chaffetz"


def test_colon_and_dash_attributions(nlp):
    text = (
        "Senator Ann Brown took the microphone and addressed the crowd: “We will win this.”\n\n"
        "“The most unqualified candidate ever.” ― Carla Sanchez\n"
    )
    qs = quotes_of(nlp, text)
    assert the_quote(qs, "We will win this").speaker == "Ann Brown"
    assert the_quote(qs, "The most unqualified candidate").speaker == "Carla Sanchez"


def test_markup_and_titles_are_not_quotes(nlp):
    text = (
        '<blockquote class="twitter-tweet" data-id="672152791717158917">\n\n'
        "Smith told CNN’s “State of the Union” that the plan was dead."
    )
    qs = [q for q in quotes_of(nlp, text) if q.kind != "indirect"]
    assert qs == []


def test_she_skips_a_more_recent_man(nlp):
    # titles give the gender: "she" passes over Mr. Obama, the later sentence subject
    text = (
        "Ms. Jennifer Palmieri spoke after Mr. Obama arrived.\n\n"
        "Mr. Obama greeted the crowd and thanked the volunteers.\n\n"
        "“This is a great day for the party,” she said."
    )
    assert the_quote(quotes_of(nlp, text), "This is a great day").speaker == "Jennifer Palmieri"


# -- speakers in real PolNeAR train paragraphs (copied here; the benchmark reads the corpus) --


def test_an_office_is_the_person_its_sentence_names(nlp):
    text = (
        "\u201cHe looked me right in the eye and said you need to tell me what does it take to win in "
        "this county,\u201d Deborah Tamargo, the chairwoman of Florida\u2019s Hillsborough County GOP, "
        "recalled of a June conversation she had with Trump at the Tampa Convention Center."
    )
    q = the_quote(quotes_of(nlp, text), "He looked me right in the eye")
    assert q.speaker == "Deborah Tamargo"


def test_an_untagged_surname_is_the_person_named_before(nlp):
    text = (
        "They had asserted that Lewandowski never touched the reporter, Michelle Fields.\n\n"
        "Asked about it after a Republican debate, Trump told CNN that he believed Fields had "
        "fabricated the story.\n\n"
        "\"This was, in my opinion, made up,\" Trump told CNN then. \"Everybody said nothing happened. "
        "Perhaps she made the story up. I think that's what happened.\"\n\n"
        "Fields said she was spurred to file a criminal complaint to show that she had not lied.\n\n"
        "\"I didn't want to file a criminal complaint. I never wanted to do that,\" she told Megyn "
        "Kelly of Fox News on March 14."
    )
    quotes = quotes_of(nlp, text)
    assert the_quote(quotes, "This was, in my opinion").speaker == "Trump"
    assert the_quote(quotes, "I didn't want to file").speaker == "Michelle Fields"


def test_a_date_is_not_a_speaker(nlp):
    text = (
        "Saturday at the Massachusetts Democratic state\u2019s party convention Sen. Elizabeth Warren "
        "(D-MA) said presumptive Republican presidential nominee Donald Trump was a \u201cproven "
        "failure\u201d in business."
    )
    assert all(q.speaker != "Saturday" for q in quotes_of(nlp, text))


def test_a_headline_credited_to_a_thing_is_no_quote(nlp):
    # the headline named in issue 13 (a magazine cover), in a sentence of our own; a
    # person's words in the same form stay a quote
    quotes = quotes_of(nlp, "The magazine's cover reads: \u201cThe Queen of Rage\u201d\n\n"
                            "Sarah Palin said: \u201cThe Queen of Rage\u201d")
    assert [q.speaker for q in quotes] == ["Sarah Palin"]


def test_adding_belongs_to_who_told_not_to_the_reported_clause(nlp):
    text = (
        "To wit, Trump told Newsmax that Mitt Romney \u201chad a crazy policy of self-deportation which "
        "was maniacal,\u201d adding, \u201cHe lost all of the Latino vote \u2026 he lost everybody who is "
        "inspired to come into this country.\u201d"
    )
    q = the_quote(quotes_of(nlp, text), "He lost all of the Latino vote")
    assert q.speaker == "Trump"
