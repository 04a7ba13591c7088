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
