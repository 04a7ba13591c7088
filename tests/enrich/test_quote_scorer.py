"""The PolNeAR scorer's referent guess for a gold he/she (benchmarks/quotes.py, v4), on text written for the test."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def bench():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "quotes.py"
    spec = importlib.util.spec_from_file_location("quotes_bench", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    try:
        spec.loader.exec_module(mod)
    finally:
        del sys.modules[spec.name]
    return mod


def _gold_pronoun(text: str, sources: list[str], pronoun_at: str) -> tuple[dict, list]:
    """A gold "he" at ``pronoun_at`` and the earlier gold sources, as load_gold builds them."""
    placed = sorted((text.index(s), s) for s in sources)
    start = text.index(pronoun_at)
    g = dict(source="he", source_start=start, content=[(start + 10, start + 20)], text="")
    return g, placed


def test_a_definite_description_also_accepts_the_person_named_before_it(bench):
    text = (
        "Senator Walter Brandt spoke in Concord. \"We will win,\" Brandt said.\n"
        "The Vermont senator repeated the pledge. \"We are close,\" he told the crowd.\n"
    )
    g, placed = _gold_pronoun(text, ["Brandt", "The Vermont senator"], "he told")
    v3 = bench._accepted(g, placed, text, {}, persons_only=True)
    v4 = bench._accepted(g, placed, text, {}, persons_only=True, v4=True)
    assert not bench.speaker_matches("Walter Brandt", v3)
    assert bench.speaker_matches("Walter Brandt", v4)
    assert bench.speaker_matches("the Vermont senator", v4)


def test_a_group_is_not_what_he_means(bench):
    text = (
        "Mayor Tom Ellery met the press. Clara Voss and husband Dan handed out leaflets.\n"
        "\"The numbers are right,\" he said.\n"
    )
    g, placed = _gold_pronoun(text, ["Mayor Tom Ellery", "Clara Voss and husband Dan"], "he said")
    v3 = bench._accepted(g, placed, text, {}, persons_only=True)
    v4 = bench._accepted(g, placed, text, {}, persons_only=True, v4=True)
    assert not bench.speaker_matches("Tom Ellery", v3)
    assert bench.speaker_matches("Tom Ellery", v4)
    assert bench._group("five Hispanic-Americans") and bench._group("by thousands of protesters")
    assert not bench._group("by Sen. Warren") and not bench._group("Marcus Jones")


def _write_polnear(root: Path, text: str, spans: dict[str, tuple[int, str]], links: list[dict[str, str]]) -> None:
    """A one-article PolNeAR split in BRAT standoff: ``spans`` id -> (offset, text),
    ``links`` the E lines' roles."""
    (root / "dev" / "text").mkdir(parents=True)
    (root / "dev" / "attributions").mkdir(parents=True)
    (root / "dev" / "text" / "a1.txt").write_text(text, encoding="utf-8")
    lines = []
    for tid, (at, s) in spans.items():
        lines.append(f"{tid}\tSpan {at} {at + len(s)}\t{s}")
    for i, roles in enumerate(links, 1):
        lines.append(f"E{i}\tAttribution " + " ".join(f"{k}:{v}" for k, v in roles.items()))
    (root / "dev" / "attributions" / "a1_ann1.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_hand_label_replaces_the_guess_for_its_pronoun_only(bench, tmp_path, monkeypatch):
    # the guess (v4) takes the nearest earlier gold source, Kessler; the article says
    # "he" is Marlow, who was never a gold source before it
    text = (
        'Judge Ann Kessler said, "The case is closed."\n'
        "Tom Marlow stood up after the ruling. \"I will appeal,\" he said.\n"
        'Later, "We are not done," he added.\n'
    )
    he1, he2 = text.index("he said"), text.index("he added")
    spans = {k: (text.index(s), s) for k, s in
             {"T1": "Judge Ann Kessler", "T2": '"The case is closed."', "T4": '"I will appeal,"', "T5": '"We are not done,"'}.items()}
    spans |= {"T3": (he1, "he"), "T6": (he2, "he")}
    _write_polnear(tmp_path, text, spans, [
        {"Source": "T1", "Content": "T2"}, {"Source": "T3", "Content": "T4"}, {"Source": "T6", "Content": "T5"}])
    labels = tmp_path / "polnear_referents_dev.tsv"
    labels.write_text(f"# header\na1\t{he1}\t{he1 + 2}\the\tTom Marlow | Marlow\n", encoding="utf-8")
    monkeypatch.setattr(bench, "REFERENTS", tmp_path / "polnear_referents_{split}.tsv")
    (_, _, golds), = bench.load_gold(tmp_path, "dev")
    first, second = [g for g in golds if g["source"] == "he"]
    assert first["labelled"] and not second["labelled"]
    assert bench.speaker_matches("Kessler", first["accept_v4"])  # the guess: wrong
    assert not bench.speaker_matches("Kessler", first["accept"])  # v5: the label
    assert bench.speaker_matches("Tom Marlow", first["accept"])
    assert second["accept"] == second["accept_v4"]  # unlabelled: v4's guess stays


def test_the_labelling_printout_shows_article_text_only(tmp_path):
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "polnear_referents.py"
    spec = importlib.util.spec_from_file_location("polnear_referents_bench", path)
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(path.parent))
    text = "Mayor Lena Ortiz opened the bridge.\n\"It is finished,\" she said. Then she left.\n"
    at = text.index("she said")
    lead, rest = mod.context(text, at, at + 3, 200)
    assert lead == 'Mayor Lena Ortiz opened the bridge. ¶ "It is finished,"'
    assert rest == "said."


def test_v6_accepts_an_acronym_for_its_expansion_both_ways(bench):
    # the DNC's statement, answered with the committee's full name, and the reverse
    assert not bench.speaker_matches("Democratic National Committee", ["the DNC"], v6=False)
    assert bench.speaker_matches("Democratic National Committee", ["the DNC"])
    assert bench.speaker_matches("DNC", ["the Democratic National Committee"])
    assert bench.speaker_matches("the RNC's", ["Republican National Committee"])
    assert bench.speaker_matches("NAACP", ["the National Association for the Advancement of Colored People"])
    assert bench.speaker_matches("the ADL", ["the Anti-Defamation League"])
    assert bench.speaker_matches("S&P", ["Standard & Poor's"])
    assert bench.speaker_matches("U.S.", ["US"]) and bench.speaker_matches("the United States", ["U.S."])


def test_v6_accepts_one_entity_only(bench):
    # another organisation with other initials
    assert not bench.speaker_matches("DNC", ["the Republican National Committee"])
    # a name that holds more than the acronym or its expansion is someone else
    assert not bench.speaker_matches("Democratic National Committee", ["DNC chair Debbie Wasserman Schultz"])
    assert not bench.speaker_matches("DNC", ["Democratic National Committee officials"])
    assert not bench.speaker_matches("DNC", ["the Democratic nominee"])
    # a person whose initials spell an organisation's acronym is not it
    assert bench.speaker_matches("AP", ["the Associated Press"])
    assert not bench.speaker_matches("AP", ["Amy Parker"])
    assert not bench.speaker_matches("JFK", ["John F. Kennedy"])
    # one word in capitals is not an acronym of a single word
    assert not bench.same_by_acronym("NATO", "Nato")


def test_v6_drops_diacritics_only(bench):
    assert not bench.speaker_matches("President Pena", ["Enrique Peña"], v6=False)
    assert bench.speaker_matches("President Pena", ["Enrique Peña"])
    assert not bench.speaker_matches("President Pena", ["Enrique Pérez"])


def test_score_reports_v5_and_the_judgments_v6_changes(bench):
    text = 'In a statement, the DNC said it was "completely unacceptable". Jones said "no".'
    def gold(source, quote):
        at = text.index(quote)
        accept = [source]
        return dict(content=[(at, at + len(quote))], text=quote, source=source, source_start=text.index(source),
                    source_end=text.index(source) + len(source), accept=accept, accept_v1=accept, accept_v2=accept,
                    accept_v3=accept, accept_v4=accept, labelled=False)
    golds = [gold("the DNC", '"completely unacceptable"'), gold("Jones", '"no"')]
    a, b = golds[0]["content"][0]
    c, d = golds[1]["content"][0]
    found = [[(a, b, "completely unacceptable", "Democratic National Committee"), (c, d, "no", "Jones")]]
    s = bench.score(found, [("a1", text, golds)])
    assert s["named"][0] == 1.0 and s["named_v5"] == 0.5 and s["named_v4"] == 0.5
    assert s["v6_changed"] == 1
