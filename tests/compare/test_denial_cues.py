"""Every kind of denial cue, on sentences written for this test (none from the gold
stories of benchmarks/gold or the seed articles), and sentences that must not count."""

from __future__ import annotations

import pytest

from storyscope.compare.text import DENIAL_RE, asserts_denial, main_clause


@pytest.mark.parametrize("text", [
    # a denial verb, in any form
    "The airline denied that the pilot had been drinking.",
    "A spokesman for the club denies any wrongdoing.",
    "The senator is denying the report.",
    "The union rejected the offer as an insult.",
    "The court dismissed the claim on Tuesday.",
    "Researchers refuted the study's central finding.",
    "The mayor's office disputes the estimate of the crowd.",
    "Her lawyer issued a flat denial on Friday.",
    "The party repudiated the remarks of its candidate.",
    # a claim judged false
    "The ministry said the report was not true.",
    "Police called the rumours untrue.",
    "The company said the figures were false.",
    "The governor described the accusation as baseless.",
    "The charges are groundless, his attorney said.",
    "The minister said the story was unfounded and fabricated.",
    "The agency said the reports were without foundation.",
    # evidence said to be absent
    "Investigators found no evidence of foul play.",
    "There was no indication that the dam had been damaged.",
    "The army said there was no sign of an attack.",
    "Officials said there was no credible threat to the stadium.",
    # professed ignorance
    "The coach said he was not aware of any injury.",
    "The hospital was unaware of the complaint.",
    "Neighbours had no idea what had happened.",
    "The firm said it had no knowledge of the payments.",
    # a hedged denial
    "The outage did not appear to be caused by hackers.",
    # a contradiction
    "Contrary to earlier reports, the bridge remains open.",
    # a party's claims named to be rejected
    "The embassy called the newspaper's allegations absurd.",
    "The player called the doping charges a smear.",
])
def test_each_kind_of_denial_cue_is_found(text):
    assert DENIAL_RE.search(text), text


@pytest.mark.parametrize("text", [
    "The mayor called for calm after the storm.",
    "She called on insurers to pay the claims quickly.",
    "The team is going to be a factor in the race.",
    "We are not going to be offering any comment today.",  # declining to comment is no denial
    "The singer appeared on stage at nine.",
    "The council approved the budget on Monday.",
    "The firm claimed the prize for the third year.",
])
def test_ordinary_sentences_carry_no_denial_cue(text):
    assert not DENIAL_RE.search(text), text


@pytest.mark.parametrize("text", [
    # the cue in the main clause: the sentence denies
    "The airline denied that the pilot had been drinking, but said it would review the flight.",
    "Investigators found no evidence of foul play, although the inquiry continues.",
    "Police called the rumours untrue.",
    # a concession first does not move the main clause's denial
    "Although the ship was late, the port denied that it had been turned away.",
])
def test_a_denial_in_the_main_clause_asserts_a_denial(text):
    assert asserts_denial(text), text


@pytest.mark.parametrize("text", [
    # the rejection in a contrast after the main clause: the sentence still tells the claim
    "The new bridge was praised by the city as a triumph of engineering but dismissed by residents as an eyesore.",
    "The company said sales rose by a fifth, although analysts disputed the figure.",
    "The mayor announced a curfew, while opposition leaders called the measure baseless.",
    "Rescuers said two climbers were missing. But the park service denied the report.",
    # ... or in a concession before it
    "Although the club denied the rumours, the striker signed a new contract on Monday.",
    # refusing a demand or an offer is no claim judged false
    "The prime minister dismissed calls to resign.",
    "The board rejected the takeover bid on Friday.",
    "The judge denied the request for a delay.",
])
def test_a_rejection_outside_the_main_clause_leaves_a_claim(text):
    assert DENIAL_RE.search(text), text  # a cue is there (disputes.py still reads it)
    assert not asserts_denial(text), text


def test_but_also_continues_the_main_clause():
    assert asserts_denial("The minister denied the report and not only that but also the earlier one.")
    assert main_clause("The team won not only the league but also the cup.") == (
        "The team won not only the league but also the cup.")
