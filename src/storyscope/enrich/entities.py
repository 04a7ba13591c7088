"""Named entities of one article, each mention mapped to one canonical name.

``find_entities(doc)`` takes a spaCy ``Doc`` and returns ``EntityMention`` records whose
``text``/``start``/``end`` are the trimmed mention as it stands in the text and whose
``canonical`` is the article-level name that later stages group and count.

Steps:
1. spans: spaCy's PERSON / ORG / GPE / LOC / NORP / FAC / EVENT / WORK_OF_ART / LAW
   entities, trimmed of a leading article or title ("the U.S. Embassy" -> "U.S. Embassy",
   "President Trump" -> "Trump") and of a trailing possessive or punctuation ("U.S." keeps
   its period). Dropped: mentions without letters, the "State" of "Secretary of State",
   and mentions on scraped page chrome (one of the first three lines, with a glued word
   such as "PostDemocracy": a masthead run into its slogan);
2. labels: the small model labels the same name differently in one article ("Pompeo"
   PERSON and ORG); every mention of a name takes the name's majority label, a name
   that is a PERSON's full name or surname is a PERSON, and so is a two-word ORG whose
   last word is a PERSON's surname ("Carly Fiorina" ORG beside "Frank Fiorina"); a name
   tagged PERSON that the article uses as a place or an organisation, and never as a person,
   takes that label ("Hermenegildo Galeana Street"; "Sandy Hook" beside "Sandy Hook Elementary
   School"; "Xinhua, the official Chinese news agency"; "to Monterrey" beside "in Monterrey,
   Mexico" tagged GPE);
3. canonical names: a person's surname or shorter tail ("Pompeo", "Trump") takes the full
   name it ends ("Mike Pompeo", "Donald Trump"), when several share it the one named
   most often (the first named on a tie), never a partnership's name ("Davis Manafort"); an acronym ("IRGC", "U.S.", "UN") takes its expansion when the article
   defines it ("Islamic Revolutionary Guard Corps (IRGC)") or names exactly one entity
   whose initials it spells ("United States").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..model import EntityMention
from .given_names import given_name_gender, name_gender
from .speakers import CUE_LEMMAS, PLACE_HEADS, is_person_word

KEPT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART", "LAW"})
_LEADING_DROP = frozenset({"the", "a", "an"})
# Titles that the small model sometimes puts inside a PERSON span ("President Donald Trump").
_TITLES = frozenset({
    "president", "vice", "secretary", "sen.", "senator", "rep.", "representative", "gov.",
    "governor", "mr.", "mrs.", "ms.", "dr.", "prof.", "professor", "prime", "minister", "king",
    "queen", "prince", "princess", "gen.", "general", "col.", "colonel", "lt.", "lieutenant",
    "adm.", "admiral", "capt.", "captain", "sgt.", "ayatollah", "sheikh", "pope", "judge",
    "justice", "chancellor", "speaker", "mayor", "ambassador", "commander", "chairman",
    "chief", "director", "sir", "lord", "lady", "rev.", "cardinal", "sultan", "emir",
    "crown", "former", "supreme", "leader", "mr", "mrs", "ms", "dr",
})
# "Secretary of State", "Minister of Defence": the department word is no entity by itself
_OFFICE_BEFORE = frozenset({"secretary", "secretaries", "minister", "ministers"})
_ABBREV = re.compile(r"^(?:[A-Za-z]\.)+$")  # U.S. / U.N. / U.K.
_GLUED = re.compile(r"[a-z]{3,}[A-Z][a-z]{2,}")  # "PostDemocracy": scraped chrome
_ACRONYM = re.compile(r"^[A-Z](?:\.?[A-Z&])+\.?$")
_MINOR = frozenset({"of", "the", "and", "for", "de", "du", "la", "al", "&", "on", "in"})
_PAREN_DEF = re.compile(r"\(\s*([A-Z](?:\.?[A-Z&]){1,7}\.?)\s*\)")


def _norm_space(text: str) -> str:
    return " ".join(text.split())


def _trim(ent) -> tuple[int, int] | None:
    """Token range of the entity without leading articles/titles and trailing punctuation."""
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and doc[start].lower_ in _LEADING_DROP:
        start += 1
    # A sentence adverb or conjunction opening a sentence (or a quotation) is capitalised by
    # its place, and the small model sometimes takes it into the name that follows
    # ("“Certainly Donald Trump has gone ...": PERSON "Certainly Donald Trump"), which
    # then becomes the canonical name of every "Trump" in the article. Only at a sentence's
    # or quotation's start, and only before a proper noun: "Just Eat" mid-sentence stays.
    while (end - start > 1 and doc[start].tag_ in _OPENER_TAGS and _opens_sentence(doc, start)
           and doc[start + 1].pos_ == "PROPN"):
        start += 1
    if ent.label_ == "PERSON":
        # keep at least one token: "Pope" alone may be the name
        while end - start > 1 and doc[start].lower_ in _TITLES:
            start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "\u2019s", "'")):
        end -= 1
    return (start, end) if end > start else None


# Penn tags of words that open a sentence without being part of a name after them:
# adverbs ("Certainly"), conjunctions ("But"), interjections ("Well").
_OPENER_TAGS = frozenset({"RB", "RBR", "RBS", "CC", "UH"})


def _opens_sentence(doc, i: int) -> bool:
    """Is token ``i`` the first word of its sentence or of a quotation (after opening
    quotation marks or brackets only)?"""
    j = i - 1
    while j >= 0 and (doc[j].is_quote or doc[j].is_left_punct or doc[j].is_space):
        j -= 1
    return j < 0 or doc[i].is_sent_start or doc[j].text in (".", "!", "?", ":", ";") or j < i - 1


def _chrome_lines(text: str) -> list[tuple[int, int]]:
    """Character ranges of scraped chrome: among the first three non-empty lines, a short
    one with a glued word ("The Washington PostDemocracy Dies in Darkness", a masthead run
    into its slogan). Only the top of the text, so that "YouTube" in a body line is safe."""
    out = []
    pos = 0
    seen = 0
    for line in text.split("\n"):
        if line.strip():
            seen += 1
            if seen > 3:
                break
            if len(line) < 120 and _GLUED.search(line):
                out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", name) if w]
    return "".join(w[0].upper() for w in words if w.lower() not in _MINOR and w[0].isalpha())


def acronym_key(name: str) -> str | None:
    """"U.S." -> "US", "IRGC" -> "IRGC"; None when the name is no acronym."""
    compact = name.replace(" ", "")
    if _ACRONYM.match(compact) or _ABBREV.match(compact):
        key = compact.replace(".", "").upper()
        return key if 2 <= len(key) <= 8 else None
    return None


def find_entities(doc, text: str | None = None) -> tuple[EntityMention, ...]:
    """Return the entity mentions of a spaCy ``Doc`` with article-level canonical names.

    ``text`` is ``doc.text`` when the caller has it (``Doc.text`` joins every token anew)."""
    text = doc.text if text is None else text
    raw = _spans(doc, text)
    described = _described_people(doc, raw)
    for item in raw:
        if item[1] in ("ORG", "GPE", "LOC", "NORP", "FAC") and (item[0] in described or _given_name_first(item[0])):
            item[1] = "PERSON"
    speaking = _speaking_names(doc, raw)
    place_tagged = {name for name, label, _, _ in raw if label in _PLACE_LABELS - {"NORP"}}
    _vote_labels(raw, speaking)
    _unname_places(doc, text, raw, speaking, place_tagged)
    fulls = _full_names(raw)
    defined = _defined_acronyms(text)
    by_initials: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for name, label, _, _ in raw:
        if " " in name and label != "PERSON":
            by_initials[_initials(name)].add((name, label))

    out = []
    for name, label, start, end in raw:
        if label == "PERSON":
            before = text[max(0, start - 6) : start].split()
            gender = _COURTESY_GENDER.get(before[-1].lower()) if before and " " not in name else None
            canonical = _person_canonical(name, start, fulls, gender)
        else:
            canonical = _acronym_canonical(name, defined, by_initials)
        out.append(EntityMention(text=text[start:end], label=label, start=start, end=end,
                                 canonical=canonical))
    return tuple(out)


def _spans(doc, text: str) -> list[list]:
    """Step 1: kept entities as ``[name, label, start_char, end_char]``, trimmed, without
    letterless mentions, mentions on page chrome and the "State" of "Secretary of State"."""
    chrome = _chrome_lines(text)
    raw: list[list] = []
    for ent in doc.ents:
        if ent.label_ not in KEPT_LABELS:
            continue
        rng = _trim(ent)
        if rng is None:
            continue
        span = doc[rng[0]:rng[1]]
        s, e = span.start_char, span.end_char
        name = _norm_space(span.text)
        if not any(ch.isalpha() for ch in name):
            continue
        if any(cs <= s and e <= ce for cs, ce in chrome):
            continue
        if len(span) == 1 and span[0].pos_ == "VERB" and span[0].tag_ in ("VBG", "VBN"):
            continue  # a participle opening a sentence ("Conceding that ...") is no name
        if (len(span) == 1 and span.start >= 2 and doc[span.start - 1].lower_ == "of"
                and doc[span.start - 2].lower_ in _OFFICE_BEFORE):
            continue
        raw.append([name, ent.label_, s, e])
    return raw


# labels the small model gives a surname it does not know ("Kacong said": GPE)
_PLACE_LABELS = frozenset({"GPE", "LOC", "NORP", "FAC"})


def _speaking_names(doc, raw: list[list]) -> set[str]:
    """Names tagged as places or groups that the parse makes the subject of a reporting verb
    ("Kacong said", "said Kacong"): a place does not speak, a person does."""
    out: set[str] = set()
    for name, label, start, end in raw:
        if label not in _PLACE_LABELS or name in out:
            continue
        if _speaks(doc, start, end):
            out.add(name)
    return out


def _span(doc, start: int, end: int):
    """The tokens over ``[start, end)``; None when none are there."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return span if span is not None and len(span) else None


def _root(doc, start: int, end: int):
    """The syntactic head of the tokens over ``[start, end)``; None when none are there."""
    span = _span(doc, start, end)
    return span.root if span is not None else None


def _described_people(doc, raw: list[list]) -> set[str]:
    """Names not tagged PERSON that the article describes as one person in apposition
    ("Eswar Prasad, a professor of international economics, said"): people."""
    out: set[str] = set()
    for name, label, start, end in raw:
        if label == "PERSON" or name in out or len(name.split()) < 2:
            continue
        root = _root(doc, start, end)
        if root is not None and any(
            c.dep_ == "appos" and c.pos_ == "NOUN" and c.tag_ == "NN" and is_person_word(c) for c in root.rights
        ):
            out.add(name)
    return out


def _given_name_first(name: str) -> bool:
    """A two-word name of capitalised words opening with a common given name
    ("Jeff Weiner"): a person's name, whatever label the small model gave it."""
    words = name.split()
    return (len(words) == 2 and all(w[:1].isupper() and w.replace("-", "").replace(".", "").isalpha()
                                         and not w.isupper() for w in words)
            and name_gender(name) is not None)


def _vote_labels(raw: list[list], speaking: set[str] = frozenset()) -> None:
    """Step 2, in place: one label per name, the majority; a PERSON's name or surname is a PERSON,
    and so is a person's surname tagged as a place that speaks (``speaking``)."""
    person_tails: set[str] = set()  # the shorter names of full PERSON names ("Pompeo")
    for name, label, _, _ in raw:
        if label == "PERSON":
            person_tails.update(_tails(name))
    surnames = {name.split()[-1] for name, label, _, _ in raw if label == "PERSON" and " " in name}
    votes: dict[str, Counter] = defaultdict(Counter)
    for name, label, _, _ in raw:
        votes[name][label] += 1
    for item in raw:
        name, label = item[0], item[1]
        words = name.split()
        if (label == "ORG" and len(words) == 2 and words[1] in surnames and words[0] not in surnames
                and all(w[:1].isupper() and w.replace("-", "").isalpha() and not w.isupper() for w in words)):
            # "Carly Fiorina" tagged ORG beside "Frank Fiorina" PERSON: a given name and
            # a surname the article gives a person
            item[1] = "PERSON"
        elif name in person_tails and (votes[name]["PERSON"] or label == "ORG" or name in speaking):
            # "Pompeo said" tagged ORG while "Mike Pompeo" is a PERSON, "Kacong said" tagged GPE
            # while "Rahimin Kacong" is one; a GPE that is also a surname and does not speak
            # ("Jordan") keeps its majority label
            item[1] = "PERSON"
        elif votes[name]["PERSON"] and (name in speaking or not _mostly_a_place(votes[name])):
            # a name tagged PERSON somewhere is one ("Rihanna" tagged ORG elsewhere); not a
            # place the small model took for a person once in eight mentions ("Clarkston")
            item[1] = "PERSON"
        else:
            item[1] = max(votes[name].items(), key=lambda kv: (kv[1], kv[0] == label))[0]


# an organisation's word in apposition to a name ("Xinhua, the official Chinese news
# agency, wrote"): the name is the organisation's
_ORG_WORDS = frozenset(
    """agency newspaper paper magazine network channel broadcaster station outlet website
    company firm corporation group organization organisation association union party
    council committee institute foundation ministry department bank""".split()
)


def _unname_places(doc, text: str, raw: list[list], speaking: set[str], place_tagged: set[str]) -> None:
    """Step 2b, in place: a name tagged PERSON that the article itself uses as a place or an
    organisation, and never as a person (never the subject of a reporting verb, never after
    a title), takes the place's or the organisation's label: a name ending in a street's or a
    school's head word ("Hermenegildo Galeana Street"); a name of two words or more that opens
    a longer name so ended ("Sandy Hook" beside "Sandy Hook Elementary School"); a name with an
    organisation's word in apposition ("Xinhua, the official Chinese news agency")."""
    persons = {item[0] for item in raw if item[1] == "PERSON"}
    if not persons:
        return
    titled = {name for name, label, start, _ in raw
              if label == "PERSON" and text[max(0, start - 12):start].split()[-1:]
              and text[max(0, start - 12):start].split()[-1].lower() in _TITLES}
    place_longer = [name for name, label, _, _ in raw
                    if label != "PERSON" and len(name.split()) >= 3
                    and name.split()[-1].lower() in PLACE_HEADS]
    relabel: dict[str, str] = {}
    for name, label, start, end in raw:
        if label != "PERSON" or name in relabel or name in titled:
            continue
        words = name.split()
        if len(words) >= 2 and words[-1].lower() in PLACE_HEADS:
            relabel[name] = PLACE_HEADS[words[-1].lower()]
        elif len(words) >= 2 and any(longer.startswith(name + " ") for longer in place_longer):
            relabel[name] = "GPE"
        elif _org_apposition(doc, start, end):
            relabel[name] = "ORG"
    # a name the NER tagged a place elsewhere in the article and that the article puts where a
    # place goes ("operations in Monterrey, Mexico" beside "the factory move to Monterrey"
    # tagged PERSON), when it is no given name
    gpe_starts = {start for _, label, start, _ in raw if label == "GPE"}
    for name, label, start, end in raw:
        if (label == "PERSON" and name in place_tagged and name not in relabel and name not in titled
                and given_name_gender(name.split()[0]) is None and _used_as_place(doc, start, end, gpe_starts)):
            relabel[name] = "GPE"
    if not relabel:
        return
    # a PERSON's surname is kept: only a name no person's name ends in changes
    tails = {t for n in persons - relabel.keys() for t in _tails(n)}
    # a place does not speak; an organisation does ("Xinhua ... wrote"), so only a place
    # that is the subject of a reporting verb somewhere stays a person
    spoken = {item[0] for item in raw
              if relabel.get(item[0], "ORG") != "ORG" and (item[0] in speaking or _speaks(doc, item[2], item[3]))}
    for item in raw:
        if item[1] == "PERSON" and item[0] in relabel and item[0] not in tails and item[0] not in spoken:
            item[1] = relabel[item[0]]


# prepositions of place that take a town, not a person ("in", "near"; not "to", "from",
# "with", which take people as often)
_PLACE_PREPOSITIONS = frozenset({"in", "near", "outside", "inside", "across", "throughout"})


def _used_as_place(doc, start: int, end: int, gpe_starts: set[int]) -> bool:
    """Whether this mention stands where a place goes: after a preposition of place ("in
    Monterrey") or before a comma and a place that locates it ("Monterrey, Mexico"); not
    a possessive ("in Trump's campaign")."""
    span = _span(doc, start, end)
    if span is None:
        return False
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and after.tag_ == "POS":
        return False
    if span.start > 0 and doc[span.start - 1].lower_ in _PLACE_PREPOSITIONS:
        return True
    return (after is not None and after.text == "," and span.end + 1 < len(doc)
            and doc[span.end + 1].idx in gpe_starts)


def _speaks(doc, start: int, end: int) -> bool:
    """Whether this mention is the subject of a reporting verb ("Smith said")."""
    root = _root(doc, start, end)
    return root is not None and root.dep_ == "nsubj" and root.head.lemma_ in CUE_LEMMAS


def _org_apposition(doc, start: int, end: int) -> bool:
    """Whether the mention has an organisation's word in apposition ("Xinhua, the agency")."""
    span = _span(doc, start, end)
    root = span.root if span is not None else None
    if root is None or name_gender(span.text) is not None:
        return False  # "Josh Bivens, Economic Policy Institute": a given name says a person
    # the apposition that follows the name and its comma: not one hung on a phrase in
    # between ("Mujtaba Rahman of the Eurasia Group, a ... company")
    return any(c.dep_ == "appos" and c.lemma_.lower() in _ORG_WORDS and c.left_edge.i == span.end + 1
               and doc[span.end].text == "," for c in root.rights)


def _mostly_a_place(votes: Counter) -> bool:
    """Whether a name's mentions are mostly tagged as a place: at least three times as
    many place labels as PERSON ones."""
    places = votes["GPE"] + votes["LOC"] + votes["FAC"]
    return places >= 3 * votes["PERSON"]


def _full_names(raw: list[list]) -> dict[str, list[tuple[int, str]]]:
    """Each proper tail of a PERSON name ("Pompeo", "Trump") -> the (start, full name) mentions it ends."""
    fulls: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for name, label, start, _ in raw:
        if label != "PERSON":
            continue
        for tail in _tails(name):
            fulls[tail].append((start, name))
    return fulls


def _tails(name: str) -> list[str]:
    """The shorter names a person's full name ends in ("Mike Pompeo" -> "Pompeo"), and the
    first half of a double-barrelled surname ("Deborah Jordan Reynolds-Santilli", also
    tokenised "Reynolds - Santilli": "Reynolds says" is her; the second half is a tail)."""
    parts = name.split()
    out = [" ".join(parts[i:]) for i in range(1, len(parts))]
    if len(parts) >= 4 and parts[-2] == "-":
        first_half = parts[-3]
    elif len(parts) >= 2 and "-" in parts[-1].strip("-"):
        first_half = parts[-1].split("-")[0]
    else:
        return out
    if first_half[:1].isupper() and len(first_half) > 1 and first_half not in out:
        out.append(first_half)
    return out


# a courtesy title says whose surname it is: "Mrs. Clinton" is not Bill Clinton
_COURTESY_GENDER = {"mr.": "m", "mr": "m", "mrs.": "f", "mrs": "f", "ms.": "f", "ms": "f", "miss": "f"}


def _person_canonical(name: str, start: int, fulls: dict[str, list[tuple[int, str]]],
                      gender: str | None = None) -> str:
    """Step 3a: the full name a person's tail stands for. Of several full names that end
    in it, the one the article names most often, the first named on a tie: news style
    gives the bare surname to its main bearer and names the others in full ("Carly
    Fiorina ... her husband, Frank Fiorina ... Fiorina said" is Carly). A "full name"
    whose first word is the surname of another person in the article is a firm named
    after partners ("Davis Manafort", with "Rick Davis"), not a first name and surname,
    and one whose first word is in capitals is a title and a surname ("AG Mukasey").
    ``gender``: a courtesy title's ("Mrs. Clinton"), which a given name of the other
    gender rules out."""
    cands = fulls.get(name)
    if cands and gender is not None:
        # "Mrs. Clinton" where the article names Bill and Hillary Clinton: not a full
        # name whose given name is a man's
        cands = [c for c in cands if name_gender(c[1]) in (None, gender)]
    if not cands:
        return name
    longest = {n for _, n in cands if not any(n != m and m.endswith(" " + n) for _, m in cands)}
    if len(longest) > 1:
        # a firm named after partners, or a title the NER kept ("AG Mukasey"), is no
        # first name and surname
        people = {n for n in longest if n.split()[0] not in fulls and not n.split()[0].isupper()} or longest
        longest = people
    if len(longest) == 1:
        return next(iter(longest))
    counts = Counter(n for _, n in cands if n in longest)
    first = {}
    for s, n in sorted(cands):
        first.setdefault(n, s)
    return max(longest, key=lambda n: (counts[n], -first[n]))


def _defined_acronyms(text: str) -> dict[str, str]:
    """Acronyms the text defines in parentheses: "Islamic Revolutionary Guard Corps (IRGC)" -> {"IRGC": ...}."""
    defined: dict[str, str] = {}
    for m in _PAREN_DEF.finditer(text):
        key = m.group(1).replace(".", "")
        words = re.findall(r"[A-Za-z][\w'\u2019\-]*", text[max(0, m.start() - 120):m.start()])
        # walk back over the words before "(" until their initials spell the acronym
        for k in range(1, min(len(words), 12) + 1):
            cand = " ".join(words[-k:])
            if _initials(cand) == key and cand.split()[0].lower() not in _MINOR:
                defined[key] = cand
                break
    return defined


def _acronym_canonical(name: str, defined: dict[str, str], by_initials: dict[str, set[tuple[str, str]]]) -> str:
    """Step 3b: an acronym's expansion, defined in the text or the one name whose initials it spells."""
    key = acronym_key(name)
    if key and key in defined:
        return defined[key]
    if key and len(by_initials.get(key, ())) == 1:
        return next(iter(by_initials[key]))[0]
    return name
