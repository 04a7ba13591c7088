"""One entity, many spellings: group the canonical names of a story's articles.

``group_aliases(rows)`` takes ``(canonical_name, label, article_id)`` rows (one per
mention, from ``find_entities`` over the articles of one story) and returns
``AliasGroup`` records: outlets spell "Hassan Rohani" and "Hassan Rouhani", write "U.S.",
"US" or "United States", and one names "Pompeo" where another names "Mike Pompeo".

The rule (two names join one group when one of these holds):
1. same type and the same normal form: case, accents, periods, apostrophes, a leading
   "the" and an Arabic article ("al-") ignored ("U.S." = "US", "al-Halbousi" =
   "Halbousi");
2. same type, same number of words, and every word pair *transliteration-equal*: after
   folding common romanisation variants (q/k, kh/k, ph/f, doubled letters, ou/u, ee/i)
   the two words have the same consonant skeleton, the same first letter and a string
   similarity of at least 0.7 (0.85 for a two-consonant skeleton): "Rohani" / "Rouhani",
   "Qasem" / "Qassem", "Mohamed" / "Muhammad". Edit distance alone is never enough:
   "Iran" / "Iraq" differ in a consonant, so they never merge; nor do "Mike Pompeo" and
   "Mike Pence" (a shared first name with different surnames). A one-word place or
   organisation shorter than seven letters is an English word more often than a
   transliteration ("Angels" / "Angeles"): it merges only with itself or its plural;
   acronyms are compared by their letters only ("U.S." = "US", but not the word "Us");
3. an acronym ("IRGC", "US", "UN") and the one multi-word name of the same type family
   whose initials it spells ("Islamic Revolutionary Guard Corps"), when exactly one does;
   and a name opening with an acronym and one spelling it out before the same words
   ("U.S. Geological Survey" / "United States Geological Survey");
4. a one-word PERSON name and the one full-name person group whose surname is
   transliteration-equal to it ("Rouhani" -> "Hassan Rohani"); with two candidates
   ("Bill Clinton", "Hillary Clinton") the surname stays on its own;
5. two PERSON names with transliteration-equal first words and surnames and the same
   generational suffix ("Jr.", "Sr.", "III"), one with middle names or initials the
   other lacks or spells out ("Jacob Lew" / "Jacob J. Lew", "Hillary Clinton" /
   "Hillary Rodham Clinton", "George H.W. Bush" / "George Herbert Walker Bush"; a
   middle word only in a name whose first or middle word is a common given name, as the
   small model calls some firms PERSON; a quoted nickname is no middle), when neither
   could also be someone else: with "George H.W. Bush" and "George W. Bush" in the
   story a bare "George Bush" joins neither, and "Donald Trump" never joins "Donald
   Trump Jr." (runs before rule 4, so "Lew" then has one "Jacob Lew" to join).
"Same type" is the spaCy label, except that the small model's confusions GPE/LOC and
ORG/FAC count as one family ("United Nations" FAC, "UN" ORG); the group's type is its
majority label.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..disjoint import DisjointSets
from .entities import acronym_key
from .given_names import given_name_gender

__all__ = ["AliasGroup", "group_aliases"]


@dataclass(frozen=True)
class AliasGroup:
    """One entity of a story under all the names the articles give it."""

    # the most frequent full form: a full name over a surname, a name over an acronym, a
    # capitalised spelling over a lowercase one; ties go to the longer spelling
    name: str
    type: str  # the majority spaCy label
    aliases: tuple[str, ...]  # the other spellings, sorted
    article_ids: tuple[str, ...]  # sorted, unique
    mentions: int


_FAMILY = {"GPE": "GPE", "LOC": "GPE", "ORG": "ORG", "FAC": "ORG"}
_ARABIC_ARTICLE = re.compile(r"^(?:al|el|al|ul|as|ash|ad|an|ar|at|az)[-\u2010\u2011']", re.I)
_MINOR = frozenset({"of", "the", "and", "for", "de", "du", "la", "on", "in", "&"})
# romanisation variants folded before comparing words (Arabic, Persian, Russian names)
_FOLDS = [("kh", "k"), ("q", "k"), ("ck", "k"), ("ph", "f"), ("ou", "u"), ("oo", "u"),
          ("ee", "i"), ("dh", "d"), ("gh", "g"), ("w", "u"), ("y", "i")]
_SIMILARITY = 0.7  # Rohani/Rouhani 0.92, Mohamed/Muhammad 0.71, Mike/Mika 0.75 (accepted)
_SHORT_SIMILARITY = 0.85
# One-word places and organisations are mostly English words, not transliterations:
# "Angels" / "Angeles" share a skeleton. They need this many letters to be compared by
# skeleton ("Turkmenistan" / "Turkeminstan" are; "Tehran" / "Teheran" are not).
_MIN_LONE_WORD = 7


def _family(label: str) -> str:
    return _FAMILY.get(label, label)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _words(name: str) -> list[str]:
    """Lowercased words without accents, periods, apostrophes, "the" or an Arabic article."""
    text = _ascii(name).replace("\u2019", "'").lower()
    words = [w for w in re.split(r"[\s]+", text) if w]
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    out = []
    for w in words:
        w = _ARABIC_ARTICLE.sub("", w)
        w = re.sub(r"[.'\-]", "", w)
        if w:
            out.append(w)
    return out


@functools.lru_cache(maxsize=1 << 16)
def _fold(word: str) -> str:
    # cached: a big story compares every pair of names of one length, so each word is
    # folded hundreds of times (about 15% of a 1,000-article brief before the cache)
    for a, b in _FOLDS:
        word = word.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", word)


@functools.lru_cache(maxsize=1 << 16)
def _skeleton(word: str) -> str:  # cached as _fold is
    return re.sub(r"[aeiou]", "", word)


def translit_equal(a: str, b: str, plural: bool = False) -> bool:
    """Two words that are spellings of one name in different romanisations.

    With ``plural`` (names of organisations and places) a final "s" is ignored:
    "Guards Corps" / "Guard Corps".
    """
    if a == b:
        return True
    if plural and len(a) > 3 and len(b) > 3 and a.rstrip("s") == b.rstrip("s"):
        return True
    fa, fb = _fold(a), _fold(b)
    if fa == fb:
        return True
    ska, skb = _skeleton(fa), _skeleton(fb)
    if ska != skb or len(ska) < 2 or fa[0] != fb[0]:
        return False
    # a two-consonant skeleton says little ("Dar" / "Dairy"): ask for more similarity
    need = _SIMILARITY if len(ska) > 2 else _SHORT_SIMILARITY
    return difflib.SequenceMatcher(None, fa, fb).ratio() >= need


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", _ascii(name)) if w]
    return "".join(w[0].upper() for w in words if w.lower() not in _MINOR and w[0].isalpha())


def group_aliases(names: Iterable[tuple[str, str, str]]) -> list[AliasGroup]:
    """Group (canonical_name, label, article_id) rows of one story into ``AliasGroup``s.

    Steps: 1. count mentions and articles per (name, label); 2. join names by the rules of
    the module docstring (normal form, transliteration, acronym, surname); 3. name each
    group by its most frequent full form. Groups come out by how many articles name them,
    then by mentions, then by name.
    """
    mentions, articles = _count_names(names)
    nodes = sorted(mentions)
    if not nodes:
        return []
    # an acronym is keyed by its letters, so "U.S." = "US" but not the word "Us"
    words = [[f"#{key}"] if (key := acronym_key(n)) else _words(n) for n, _ in nodes]
    fams = [_family(lab) for _, lab in nodes]
    uf = DisjointSets(len(nodes))
    _join_same_names(words, fams, uf)
    _join_acronyms(nodes, words, fams, uf)
    _join_acronym_heads(nodes, words, fams, uf)
    _join_middle_names(nodes, fams, uf)
    _join_surnames(words, fams, uf)

    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(nodes)):
        members[uf.find(i)].append(i)
    groups = [_named_group([nodes[i] for i in idx], mentions, articles) for idx in members.values()]
    groups.sort(key=lambda g: (-len(g.article_ids), -g.mentions, g.name))
    return groups


def _count_names(
    names: Iterable[tuple[str, str, str]],
) -> tuple[Counter[tuple[str, str]], dict[tuple[str, str], set[str]]]:
    """Step 1: mentions and article ids per (name, label), whitespace-normalised; empty names skipped."""
    mentions: Counter[tuple[str, str]] = Counter()
    articles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in names:
        if not isinstance(row, (tuple, list)) or len(row) != 3:
            raise TypeError(
                f"group_aliases expects (canonical_name, label, article_id) tuples, got {row!r}")
        name, label, article_id = row
        name = " ".join(str(name).split())
        if not name:
            continue
        mentions[(name, str(label))] += 1
        articles[(name, str(label))].add(str(article_id))
    return mentions, articles


def _join_same_names(words: list[list[str]], fams: list[str], uf: DisjointSets) -> None:
    """Rules 1 and 2: join names of one family and word count by normal form or transliteration."""
    by_len: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, w in enumerate(words):
        by_len[(fams[i], len(w))].append(i)
    for idx in by_len.values():
        for x, i in enumerate(idx):
            for j in idx[x + 1:]:
                plural = fams[i] != "PERSON"
                if words[i] == words[j]:
                    uf.join(i, j)
                    continue
                if words[i][0].startswith("#") or words[j][0].startswith("#"):
                    continue
                if plural and len(words[i]) == 1 and min(len(words[i][0]), len(words[j][0])) < _MIN_LONE_WORD:
                    if words[i][0].rstrip("s") == words[j][0].rstrip("s"):  # "Indian" / "Indians"
                        uf.join(i, j)
                    continue
                if all(translit_equal(a, b, plural) for a, b in zip(words[i], words[j])):
                    uf.join(i, j)


def _join_acronyms(
    nodes: list[tuple[str, str]], words: list[list[str]], fams: list[str], uf: DisjointSets
) -> None:
    """Rule 3: an acronym joins the one multi-word group of its family whose initials it spells."""
    spelled: dict[tuple[str, str], set[int]] = defaultdict(set)
    for i, (name, _) in enumerate(nodes):
        if len(words[i]) > 1 and fams[i] != "PERSON":
            spelled[(fams[i], _initials(name))].add(uf.find(i))
    for i, (name, _) in enumerate(nodes):
        key = acronym_key(name)
        if key and len(words[i]) == 1:
            targets = spelled.get((fams[i], key), set())
            if len(targets) == 1:
                uf.join(i, next(iter(targets)))


def _join_acronym_heads(
    nodes: list[tuple[str, str]], words: list[list[str]], fams: list[str], uf: DisjointSets
) -> None:
    """Rule 3b: a name that opens with an acronym joins the name of its family that spells the
    acronym out before the same words ("U.S. Geological Survey" / "United States Geological
    Survey", "U.N. Security Council" / "United Nations Security Council")."""
    spelled: dict[tuple, set[int]] = defaultdict(set)
    for i in range(len(nodes)):
        w = words[i]
        if fams[i] != "PERSON" and not w[0].startswith("#"):
            for k in range(2, len(w)):
                spelled[(fams[i], "".join(x[0] for x in w[:k]).upper(), tuple(w[k:]))].add(uf.find(i))
    for i, (name, _) in enumerate(nodes):
        head = name.split()[0]
        key = acronym_key(head) if len(words[i]) > 1 and fams[i] != "PERSON" else None
        targets = spelled.get((fams[i], key, tuple(words[i][1:])), set()) if key else set()
        if len(targets) == 1:  # (as rule 3: one spelling out, or none is sure)
            uf.join(i, next(iter(targets)))


# Generational suffixes: "Donald Trump Jr." is not "Donald Trump"
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_NICKNAME = re.compile(r"^[\"'\u2018\u201c].+[\"'\u2019\u201d],?$")
_INITIALS = re.compile(r"^(?:[A-Za-z]\.)+$|^[A-Z]{1,2}$")  # "J.", "H.W.", "J", "HW"


@dataclass(frozen=True)
class _PersonName:
    """A person's name as first word, middle letters, surname and suffix, for rule 5."""

    first: str
    last: str
    suffix: str
    # one entry per middle letter: (letter, the full word or "" for an initial);
    # "H.W." -> (("h", ""), ("w", "")), "Herbert Walker" -> (("h", "herbert"), ("w", "walker"))
    middle: tuple[tuple[str, str], ...]


def _person_name(name: str) -> _PersonName | None:
    """The parts of a person's name of two words or more (a suffix not counted); else None."""
    # a nickname in quotation marks is no middle name: "Vincent 'Chin' Gigante" = "Vincent Gigante"
    tokens = [t for t in name.split() if not _NICKNAME.match(t)]
    tokens = [t for t in _ascii(" ".join(tokens)).split() if t.strip(".,")]
    # words as rule 2 compares them: lowercase, no periods or apostrophes, no "al-"
    words = [re.sub(r"[.'\-,]", "", _ARABIC_ARTICLE.sub("", t.lower())) for t in tokens]
    if any(w in ("and", "&") for w in words):  # "John and Mary Smith" is two people
        return None
    suffix = ""
    if len(words) > 2 and words[-1] in NAME_SUFFIXES:
        suffix = words[-1]
        tokens, words = tokens[:-1], words[:-1]
    if len(words) < 2 or not all(words):
        return None
    middle: list[tuple[str, str]] = []
    for token, word in zip(tokens[1:-1], words[1:-1]):
        if _INITIALS.match(token):
            middle.extend((letter, "") for letter in word)
        else:
            middle.append((word[0], word))
    # The small model labels organisations PERSON ("Matanuska Maid Creamery"), and an
    # organisation's two names are often two organisations ("Matanuska Creamery" is the
    # later firm): a middle *word* counts only in a name that reads as a person's, its
    # first word or a middle word a common given name ("Hillary Rodham Clinton",
    # "LuAnn Marie Johnson"); initials only ("Jacob J. Lew") are a person's name as they are.
    full = [w for _, w in middle if w]
    if full and not any(given_name_gender(w) for w in (words[0], *full)):
        return None
    return _PersonName(words[0], words[-1], suffix, tuple(middle))


def _same_person_name(a: _PersonName, b: _PersonName) -> bool:
    """Could ``a`` and ``b`` name one person: the same first word, surname and suffix, and
    middles that agree wherever both give one (a missing middle agrees with any)."""
    if a.suffix != b.suffix or not translit_equal(a.first, b.first) or not translit_equal(a.last, b.last):
        return False
    if not a.middle or not b.middle:
        return True
    if len(a.middle) != len(b.middle):
        return False
    return all(la == lb and (not wa or not wb or translit_equal(wa, wb))
               for (la, wa), (lb, wb) in zip(a.middle, b.middle))


def _join_middle_names(nodes: list[tuple[str, str]], fams: list[str], uf: DisjointSets) -> None:
    """Rule 5: join person names that differ by a middle name or initial, when neither could
    also name someone else in the story.

    Each name's *matches* are the other names that could name the same person. A name is
    *sure* when its matches could all name one person among themselves too; "George Bush"
    beside "George H.W. Bush" and "George W. Bush" is not (the two middles differ). Two
    matching names join when both are sure, so a join never bridges two people.
    """
    parsed = {i: p for i, (name, _) in enumerate(nodes)
              if fams[i] == "PERSON" and (p := _person_name(name)) is not None}
    # candidates share the folded first letters of first word and surname (translit_equal asks that)
    buckets: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, p in parsed.items():
        buckets[(_fold(p.first)[:1], _fold(p.last)[:1], p.suffix)].append(i)
    for idx in buckets.values():
        if len(idx) < 2:
            continue
        matches = {i: [j for j in idx if j != i and _same_person_name(parsed[i], parsed[j])] for i in idx}
        sure = {i for i in idx
                if all(_same_person_name(parsed[a], parsed[b])
                       for x, a in enumerate(matches[i]) for b in matches[i][x + 1:])}
        for i in sure:
            for j in matches[i]:
                if j in sure:
                    uf.join(i, j)


def _join_surnames(words: list[list[str]], fams: list[str], uf: DisjointSets) -> None:
    """Rule 4: a lone surname joins the one full-name person group it ends."""
    full_groups: dict[int, list[str]] = defaultdict(list)  # root -> surnames
    for i in range(len(words)):
        if fams[i] == "PERSON" and len(words[i]) > 1:
            full_groups[uf.find(i)].append(words[i][-1])
    for i in range(len(words)):
        if fams[i] != "PERSON" or len(words[i]) != 1:
            continue
        targets = {root for root, surnames in full_groups.items()
                   if any(translit_equal(words[i][0], s) for s in surnames)}
        if len(targets) == 1:
            uf.join(i, next(iter(targets)))


def _named_group(
    members: list[tuple[str, str]],
    mentions: Counter[tuple[str, str]],
    articles: dict[tuple[str, str], set[str]],
) -> AliasGroup:
    """Step 3: one group's record, named by its most frequent full form, typed by its majority label."""
    spellings: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    ids: set[str] = set()
    for node in members:
        name, label = node
        spellings[name] += mentions[node]
        labels[label] += mentions[node]
        ids |= articles[node]
    label = max(labels, key=lambda lab: (labels[lab], lab))

    def full_form(n: str) -> tuple:
        is_full = acronym_key(n) is None and (label != "PERSON" or " " in n)
        return (is_full, n[:1].isupper(), spellings[n], len(n), n)

    name = max(spellings, key=full_form)
    return AliasGroup(
        name=name,
        type=label,
        aliases=tuple(sorted(n for n in spellings if n != name)),
        article_ids=tuple(sorted(ids)),
        mentions=sum(spellings.values()),
    )
