"""Named entities of one article, each mention mapped to one canonical name.

Steps:
1. take spaCy's PERSON / ORG / GPE / LOC / NORP / FAC / EVENT spans, stripped of a
   leading article ("the U.S. Embassy" -> "U.S. Embassy") and of titles ("Secretary of
   State Mike Pompeo" is already split by the NER; "President Trump" -> "Trump");
2. within the article, a shorter PERSON mention whose tokens are the tail of a longer
   one ("Pompeo" of "Mike Pompeo") takes the longer name as its canonical form.
"""

from __future__ import annotations

from ..model import EntityMention

KEPT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART", "LAW"})
_LEADING_DROP = frozenset({"the", "a", "an"})


def _clean(text: str) -> str:
    words = text.replace("\n", " ").split()
    while words and words[0].lower() in _LEADING_DROP:
        words = words[1:]
    # possessive: "Iran's" -> "Iran"
    if words and (words[-1].endswith("'s") or words[-1].endswith("\u2019s")):
        words[-1] = words[-1][:-2]
    return " ".join(words).strip(" ,.;:")


def find_entities(doc) -> tuple[EntityMention, ...]:
    """Return the entity mentions of a spaCy ``Doc`` with article-level canonical names."""
    raw: list[tuple[str, str, int, int]] = []
    for ent in doc.ents:
        if ent.label_ not in KEPT_LABELS:
            continue
        name = _clean(ent.text)
        if not name or not any(ch.isalpha() for ch in name):
            continue
        raw.append((name, ent.label_, ent.start_char, ent.end_char))

    # 2. longest full name for each surname within the article
    full_names: dict[str, str] = {}
    for name, label, _, _ in raw:
        if label != "PERSON":
            continue
        parts = name.split()
        for i in range(1, len(parts)):
            tail = " ".join(parts[i:])
            if len(name) > len(full_names.get(tail, "")):
                full_names[tail] = name
    return tuple(
        EntityMention(
            text=name,
            label=label,
            start=start,
            end=end,
            canonical=full_names.get(name, name) if label == "PERSON" else name,
        )
        for name, label, start, end in raw
    )
