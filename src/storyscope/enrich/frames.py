"""Who did what to whom: per clause, the predicate's lemma with its subject and object heads,
read off spaCy's dependency parse (issue 13, facts told in other words).

Two outlets that tell one event in their own words ("A police station was firebombed" /
"Youths firebombed the police station") share few words but the same predicate and the
same participants. A frame is one verb with the heads of its arguments, the passive
turned active ("X was firebombed by Y" = Y firebomb X): the passive's subject is the
object, the "by" phrase's noun the subject. An argument is kept only when it says who or
what (a noun, a name, a figure), not a pronoun; a name is kept whole as the entity text
the recogniser found ("Wladimir Klitschko"), so that the compare stage can fold it to its
alias group. Verbs that carry no event of their own (reporting and auxiliary-like verbs:
"say", "be", "have") give no frame: "police said" is in every story.
"""

from __future__ import annotations

from ..model import Frame

# Lemmas whose frames tell nothing about the event: reporting verbs (every outlet's
# "police said") and light or auxiliary-like verbs.
NO_EVENT = frozenset(
    """say tell add state report note explain claim announce according be have do get make go
    come take give know think believe want seem appear become remain keep let include""".split()
)
_SUBJECT = frozenset(("nsubj",))
_OBJECT = frozenset(("dobj", "nsubjpass", "attr", "dative"))
_KEEP_POS = frozenset(("NOUN", "PROPN", "NUM"))


def find_frames(doc, text: str) -> tuple[Frame, ...]:
    """The frames of ``doc`` (a spaCy Doc of ``text``, parsed), in text order: one per verb
    with a subject or object worth keeping; offsets are the verb's, in ``text``."""
    from spacy.attrs import DEP, HEAD, IDX, LEMMA, LENGTH, POS

    n = len(doc)
    if not n:
        return ()
    arr = doc.to_array([POS, DEP, HEAD, LEMMA, IDX, LENGTH])
    strings = doc.vocab.strings
    pos = [strings[int(h)] for h in arr[:, 0].astype("uint64")]
    dep = [strings[int(h)] for h in arr[:, 1].astype("uint64")]
    head = [k + int(r) for k, r in enumerate(arr[:, 2].astype("int64"))]
    ents = {}
    for span in doc.ents:
        for k in range(span.start, span.end):
            ents[k] = span.text
    subj: dict[int, str] = {}
    obj: dict[int, str] = {}
    for k in range(n):
        d = dep[k]
        if d == "pobj" and dep[head[k]] == "agent":  # "by Y" of a passive: Y did it
            role, verb = subj, head[head[k]]
        elif d in _SUBJECT:
            role, verb = subj, head[k]
        elif d in _OBJECT:
            role, verb = obj, head[k]
        else:
            continue
        if pos[k] not in _KEEP_POS or verb in role or pos[verb] != "VERB":
            continue
        # a name as the recogniser found it, else a proper noun as written ("Cheeks", not
        # the lemma "cheek"), else the lemma
        word = ents.get(k) or (doc[k].text if pos[k] == "PROPN" else strings[int(arr[k, 3])].lower())
        role[verb] = word
    out = []
    for verb in sorted(subj.keys() | obj.keys()):
        lemma = strings[int(arr[verb, 3])].lower()
        if lemma in NO_EVENT or not lemma.isalpha():
            continue
        start = int(arr[verb, 4])
        out.append(Frame(start, start + int(arr[verb, 5]), lemma, subj.get(verb), obj.get(verb)))
    return tuple(out)
