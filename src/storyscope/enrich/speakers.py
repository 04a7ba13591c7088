"""Who is speaking: the subject of a reporting verb, named the way the article names it.

Steps:
1. ``subject_of(cue)`` finds the grammatical speaker of a cue verb: its ``nsubj``, the
   subject of the verb it hangs from ("..., saying ..."; "X accused ... and called ..."),
   the post-verbal subject of "said Caddell", or the object of "according to";
2. ``SpeakerResolver.resolve(token)`` turns that token into a canonical name, in
   document order so that it can look back:
   - a token inside a named entity takes the entity's article-level ``canonical``
     ("Pompeo", "Secretary of State Mike Pompeo" -> "Mike Pompeo");
   - "he"/"she" take the person their own sentence's syntax points to; across
     sentences the rules' guess (the last person who spoke or was the subject of a
     sentence nearby) is weighed against the other people of that gender in view by a
     ranker fitted on PolNeAR train (``_ranked``); "they"/"it" the last group;
     "who"/"which" the noun their relative clause hangs from;
   - a definite description ("the official", "the department") takes an earlier speaker
     or organisation with the same head word ("a senior Iraqi security official",
     "U.S. State Department");
   - anything else is kept as described ("a senior Iraqi security official", "sources").
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass

from ..model import EntityMention
from .given_names import name_gender

# Reporting verbs (lemmas). textacy's list plus the verbs of quoted characterisation
# ("called the allegations “astonishing”", "described it as ...") and of news speech
# ("tweeted", "posted", "wrote"); internal-state verbs (think, hope, fear) stay in
# because PolNeAR and PARC count them as attribution cues.
CUE_LEMMAS = frozenset(
    """according accuse acknowledge add admit agree allege announce argue ask assert
    believe blame boast brag call caution charge cite claim comment complain concede
    conclude confirm contend continue counter criticize criticise declare decline
    decry demand deny describe disagree disclose dismiss dub emphasize emphasise
    estimate explain fear hope indicate insist joke label lament maintain mention
    note observe order pledge point post praise predict proclaim promise question
    quip read recall recommend reiterate remark reply report respond say scream shout
    slam speak state stress suggest tell term testify think tout tweet urge vow warn
    wonder worry write yell
    chant exclaim speculate imply insinuate intimate mutter muse opine reaffirm recount retort
    scoff snipe whisper
    assure bemoan beg confess gripe grouse grumble gush lambaste marvel mock plead ponder
    rail rant remind ridicule taunt tease underscore""".split()
)
# The subset that introduces reported speech in a that-clause ("X said (that) ...").
INDIRECT_LEMMAS = frozenset(
    """acknowledge add admit agree allege announce argue assert believe boast charge
    claim complain concede conclude confirm contend declare deny disclose emphasize
    emphasise estimate explain indicate insist maintain note predict promise recall
    remark reply report respond say state stress suggest tell testify tweet warn
    write""".split()
)

# "spokesman" and "chairman" are not here: house styles write them of women too ("Trump
# spokesman Hope Hicks ... she said"; PolNeAR train 0.9284 -> 0.9287 without them)
_TITLE_GENDER = {
    "mr.": "m", "mr": "m", "sir": "m", "congressman": "m",
    "ms.": "f", "ms": "f", "mrs.": "f", "mrs": "f", "miss": "f", "spokeswoman": "f",
    "congresswoman": "f", "chairwoman": "f", "madam": "f",
}
_PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f", "her": "f"}
_LOOK_BACK = 100  # tokens searched for an antecedent: bounded work per pronoun
# tokens searched back for the last sentence subject that a he/she may mean: news sentences
# run long, and the quote between name and pronoun counts (100 on PolNeAR train: 0.9267;
# 120 / 150 / 200 / 250: 0.9276 / 0.9279 / 0.9275 / 0.9274)
_SUBJECT_LOOK_BACK = 150
# The ranker of he/she antecedents across sentences (``SpeakerResolver._ranked``): one
# linear score per candidate person; the highest is who the pronoun means.
RANKER_FEATURES = (
    "rule",  # the rules' own guess (last speaker / last subject / addressee / last named)
    "last_speaker",  # the last person of the pronoun's gender who spoke
    "spoke",  # spoke before in the article
    "last_subject",  # the last main-clause subject person before it
    "log_chars",  # log(1 + characters back to the nearest mention / 100)
    "log_sentences",  # log(1 + sentences back to it, at most 10)
    "same_paragraph",  # the nearest mention is in the pronoun's paragraph
    "subject",  # the nearest mention is a subject
    "gender_known",  # the article (title, given name, own pronouns) gives the gender
    "log_mentions",  # log(1 + mentions in the article before the pronoun)
    "most_mentioned",  # the person named most so far
    "nearest",  # named or speaking nearest before the pronoun of all candidates
    "paragraph_subject",  # a subject (outside quotes) in the pronoun's paragraph
    "paragraph_speaker",  # spoke in the pronoun's paragraph
    "quoted_here",  # named inside the quotation marks of the pronoun's sentence or the one before
)
# Fitted on PolNeAR train's hand-labelled pronoun referents (conditional logit, L2 3 chosen
# by 5-fold cross-validation over articles): ``python benchmarks/speaker_ranker.py --data
# PolNeAR --cache DIR --l2 1,3,10 --labelled-only``. The last-subject and the rules' own
# guess weigh most; distance in sentences counts against; who is named inside the quote
# being attributed is seldom who says it.
RANKER_WEIGHTS: tuple[float, ...] = (
    0.736, 0.019, 0.153, 1.969, -0.244, -0.770, 0.461, 0.265, 0.326, 0.126, 0.270, -0.091, 0.433, 0.060, -0.470
)
_RANK_WINDOW = 3000  # characters before the pronoun in which candidates are named
# set to a list by benchmarks/speaker_ranker.py to record (pronoun offset, candidates)
RANKER_LOG: list | None = None
_SUBJ_DEPS = frozenset({"nsubj", "nsubjpass"})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_GROUP_PRONOUNS = frozenset({"they", "it", "them"})
_RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
# NP modifiers kept in a described speaker; appositions and relative clauses are dropped
# ("A senior Iraqi security official, who spoke on the condition ..." -> the first five words).
_NP_KEEP = frozenset({"det", "amod", "compound", "nummod", "poss", "case", "nmod", "quantmod", "advmod", "npadvmod"})
# a date, a time or a number parsed as a subject ("Saturday at the convention Sen. Warren
# said") is not who speaks
_NOT_SPEAKERS = frozenset({"DATE", "TIME", "PERCENT", "CARDINAL", "MONEY", "QUANTITY", "ORDINAL"})
# who speak for someone named inside their description ("a spokesman for Trump", "the
# Clinton campaign"): the name is not the speaker
_FOR_SOMEONE = frozenset(
    "campaign spokesman spokeswoman spokesperson aide aides adviser advisers lawyer lawyers attorney".split()
)
# person words that name an office one person holds: "the governor" is someone named before
_OFFICES = frozenset(
    """governor senator president candidate nominee mayor congressman congresswoman chairman
    chairwoman secretary minister ambassador businessman billionaire""".split()
)
_PERSON_WORDS = frozenset(
    """official officials spokesman spokeswoman spokesperson source sources aide aides
    adviser advisers advisor minister secretary president senator lawmaker lawmakers
    diplomat diplomats officer commander analyst analysts expert experts leader leaders
    man woman people resident residents witness witnesses candidate nominee governor
    mayor chairman chairwoman director ambassador envoy representative congressman
    congresswoman judge lawyer attorney prosecutor general colonel member members
    voter voters supporter supporters critic critics activist activists protester
    protesters worker workers student students author researcher researchers blogger
    bloggers writer writers columnist columnists editor editors reporter reporters
    correspondent correspondents host anchor commentator commentators contributor
    founder professor pollster pollsters strategist strategists""".split()
)
# More words for people by trade, role or kin (general English, as a dictionary lists
# them), for a name only: "Maryam Violet, an Iranian journalist, told ..." is a person
# whom a later "she" may mean, whatever label the NER gave the name. Not for a
# description alone: "his mother", "the designer" as antecedents of a later he/she cost
# more than they gave on PolNeAR train (0.9264 -> 0.9260 with them in ``_PERSON_WORDS``).
_ROLE_WORDS = frozenset(
    """
    journalist economist historian scholar scientist sociologist psychologist
    psychiatrist physician doctor surgeon neurosurgeon nurse dentist teacher coach
    pastor priest preacher rabbi imam cleric bishop minister pope nun monk
    sheriff policeman policewoman detective trooper sergeant lieutenant captain admiral
    soldier veteran marine
    consultant lobbyist organizer volunteer campaigner fundraiser donor delegate
    superdelegate politician legislator councilman councilwoman councilmember
    commissioner
    executive businesswoman entrepreneur investor banker engineer designer
    architect farmer owner manager employee staffer intern producer filmmaker actor
    actress comedian singer musician artist athlete
    citizen immigrant refugee retiree graduate teenager resident neighbor
    mother father wife husband son daughter sister brother grandmother grandfather
    uncle aunt cousin friend child boy girl mom dad widow
    victim suspect defendant plaintiff
    fan follower opponent rival demonstrator heckler attendee participant commenter
    user""".split()
)


# the head word of a street's or a building's name ("Hermenegildo Galeana Street") and of an
# institution's ("Sandy Hook Elementary School"): the name so ended is a place (FAC) or an
# organisation (ORG, as the NER labels schools), not a person
PLACE_HEADS = {
    **dict.fromkeys("""street avenue boulevard road drive lane highway square plaza bridge
        stadium arena airport station park""".split(), "FAC"),
    **dict.fromkeys("school elementary academy college university hospital church cathedral".split(), "ORG"),
}


def is_person_word(tok) -> bool:
    """Whether a token is a word for a person or people ("official", "aides"), by its
    form or its lemma, or an age that stands for one ("the 43-year-old"): the one test
    of it for speakers and quotes."""
    return tok.lower_ in _PERSON_WORDS or tok.lemma_.lower() in _PERSON_WORDS or _age_noun(tok)


def _age_noun(tok) -> bool:
    """"old" ending "the 43-year-old": an age used as a noun, which the NER reads as a
    date."""
    doc = tok.doc
    return (
        tok.lower_ == "old" and tok.i >= 2 and doc[tok.i - 1].text == "-"
        and doc[tok.i - 2].lower_ in ("year", "years")
    )


def can_speak(tok) -> bool:
    """Whether the subject token of a reporting verb can be who speaks at all: not a
    participle the parser made a subject ("Conceding that ..., he warned"; "the
    self-described ...") nor a preposition or a conjunction ("Of Carson, Levine ...
    said"; "a statement that ... accused": a "that" the parser did not hang a relative
    clause on names no one)."""
    if tok.tag_ == "VBG" or tok.pos_ == "VERB":
        return False
    if (tok.pos_ in ("ADP", "SCONJ", "CCONJ") and not tok.ent_type_
            and (tok.i == tok.sent.start or not tok.text[:1].isupper())):
        return False  # (capitalised inside a sentence it is a name: "..., From said" of Al From)
    return not (tok.i == tok.sent.start and tok.lower_.endswith("ing") and not tok.ent_type_)




@dataclass(frozen=True)
class Speaker:
    name: str  # canonical name or description
    start: int
    end: int
    head: str  # lower-cased head word, used to resolve "the official"
    is_person: bool


def subject_of(cue):
    """The token naming who speaks through ``cue`` (a spaCy verb token), or ``None``."""
    if cue.lower_ == "according":
        # "according to X": X is the object of "to"
        return _object_of(cue, lambda child: child.lower_ == "to")
    subj = _own_subject(cue)
    if subj is not None and subj.dep_ == "nsubjpass":
        # "his salespeople were told, “...”", "Trump was called a “chicken”": who is told or
        # called is not who speaks; the agent is ("was told by X"), when there is one
        return _agent(cue)
    if subj is not None:
        return subj
    if (cue.dep_ == "acl" and cue.tag_ in ("VBD", "VBZ", "VBP") and cue.head.i == cue.i - 1
            and cue.head.pos_ in ("NOUN", "PROPN")):
        # "a man yelled “Stay there!”" parsed as a noun with a clause hanging from it: a
        # finite verb right after a noun has that noun as its subject ("the man called
        # ..." is a passive participle, VBN, and stays)
        return cue.head
    if cue.tag_ == "VBN" and cue.dep_ in ("advcl", "acl") and not any(c.dep_ in ("aux", "auxpass") for c in cue.children):
        # a bare past participle is passive: "Mr. Trump, asked about ..., had said" is
        # asked, he does not ask; who speaks is its agent, when there is one
        return _agent(cue)
    if cue.tag_ == "VBG" and cue.head.lower_ == "as" and cue.head.head.pos_ == "VERB":
        # "The website quoted blogger Noah Rothman as saying ...": who is quoted speaks,
        # not who quotes; "Rothman was quoted as saying ...": the passive subject
        verb = cue.head.head
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if obj is not None:
            return obj
        passive = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if passive is not None:
            return passive
    agent = _agent(cue)  # passive with agent: "was told by X" is rare; "as quoted by"
    if agent is not None:
        return agent
    # "X accused ... and called ...", "X renewed its advisory, saying ..."
    verb = cue
    participle = cue.tag_ == "VBG"
    for _ in range(8):
        if verb.head.i == verb.i:
            break
        if verb.dep_ in ("conj", "xcomp", "advcl"):
            verb = verb.head
        elif participle and verb.dep_ in ("relcl", "acl", "dobj", "pobj", "prep", "ccomp") and verb.i > verb.head.i:
            # "defensive when forced to defend not paying an architect who said ...,
            # saying “...”": the parser hung "saying" on the relative clause; the
            # speaker is the subject of the main clause
            verb = verb.head
            if verb.pos_ in ("VERB", "AUX") and verb.dep_ not in ("relcl", "acl") and _own_subject(verb) is not None:
                # "... and he has battled with X ..., at one point calling the mayor a
                # “liar”": the first clause reached with a subject of its own is the
                # participle's, not the clause it is joined to ("the effort stalled")
                return _own_subject(verb)
            continue
        else:
            break
        subj = _own_subject(verb)
        if subj is not None:
            if participle and verb.dep_ in ("relcl", "acl"):
                continue
            if (participle and verb.dep_ == "ccomp" and verb.head.lemma_.lower() in CUE_LEMMAS
                    and verb.lemma_.lower() not in CUE_LEMMAS):
                # (a reporting verb reached has its own speaker: "Comey cannot say that
                # ..., Lewandowski added, saying it should be “...”")
                # "Trump told Newsmax that Romney “had ...,” adding, “...”": the parser hung
                # "adding" on the reported clause; who adds is who told ("She ...,
                # telling CNN that Trump is a “faker” and questioning how he ...": who
                # questions is who tells, whose own subject may lie further up)
                return subject_of(verb.head) or subj
            return subj
    return None


def _agent(verb):
    """The "by" object of a passive verb ("was told by X": X), or ``None``."""
    return _object_of(verb, lambda child: child.dep_ == "agent")


def _object_of(token, is_preposition):
    """The object of the first child of ``token`` that ``is_preposition`` picks, or ``None``."""
    for child in token.children:
        if is_preposition(child):
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
    return None


def _main_clause(verb) -> bool:
    """A sentence's main verb (or one joined to it by "and"), not an embedded clause:
    "Fowler said he expects Clinton to recover" makes Fowler, not Clinton, the subject."""
    if verb.dep_ == "conj":
        verb = verb.head
    if verb.dep_ == "parataxis" and verb.lemma_.lower() in CUE_LEMMAS and verb.head.dep_ == "ROOT":
        return True
    return verb.dep_ == "ROOT"


def _own_subject(verb):
    """The verb's subject; of two, the one that is a word ("―" can be parsed as one)."""
    subjects = [
        c for c in verb.children
        if c.dep_ in _SUBJ_DEPS and any(ch.isalpha() for ch in c.text)
        and (c.ent_type_ not in _NOT_SPEAKERS or _age_noun(c))
    ]
    if not subjects:
        return None
    people = [c for c in subjects if c.ent_type_ == "PERSON"]
    if people and all(c.ent_type_ in ("PERSON", "GPE", "LOC", "ORG") for c in subjects):
        # "Stephen Colburn and J. Bradford DeLane of the University of California,
        # Berkeley suggest": the parser made the place a second subject; who speaks is
        # the person (a plain noun beside a name stays: "Another commenter said, “Never,
        # Hillary.” ... ")
        subjects = people
    return min(subjects, key=lambda c: abs(c.i - verb.i))


def _plural(speaker: Speaker) -> bool:
    """A described group ("Analysts", "five former aides"): a plural noun, whose head
    (its lemma) is not the word as written; a name's head is its own last word
    ("Reuters")."""
    words = speaker.name.lower().split()
    return bool(words) and words[-1] != speaker.head and words[-1].endswith("s")


def _described_as_person(tok) -> bool:
    """A name with an apposition that is a word for one person ("Eswar Prasad, a
    professor of ...", "Jones, the attorney general"): a person, whatever its label."""
    return any(c.dep_ == "appos" and c.pos_ == "NOUN"
               and (is_person_word(c) or c.lower_ in _OFFICES or c.lemma_.lower() in _ROLE_WORDS)
               for c in tok.rights)


def _another_first_name(tok, canonical: str) -> bool:
    """A surname the NER left untagged, written after a first name that the person the
    article named with that surname does not have: "Ivanka Trump" where the article's
    Trump is Donald Trump is another person of the family, not him."""
    if tok.i == 0:
        return False
    first = tok.doc[tok.i - 1]
    return (first.dep_ == "compound" and first.head.i == tok.i and first.tag_ == "NNP"
            and not first.ent_type_ and first.is_title and first.is_alpha and len(first) > 2
            and first.lower_ not in _NAME_TITLES and first.lower_ not in canonical.lower().split())


def _untagged_name(tok) -> bool:
    """A proper noun the NER left untagged, not merely a capitalised first word
    ("Loyalty, he noted, ...")."""
    if tok.ent_type_ or tok.lower_ in PLACE_HEADS:
        return False  # "Wall Street", "Pennsylvania Avenue": a place's name, not a person's
    if tok.tag_ != "NNP":
        # a capitalised word the tagger took for a common noun mid-sentence, its
        # capital inside it: a name it did not know ("..., D’Souza replied",
        # "McAdoo said")
        return (tok.tag_ == "NN" and tok.i != tok.sent.start and tok.text[:1].isupper()
                and any(ch.isupper() for ch in tok.text[1:]) and not tok.text.isupper()
                and not tok.doc[tok.i - 1].is_title)
    if tok.i == tok.sent.start or tok.doc[tok.i - 1].is_punct and tok.doc[tok.i - 1].text in "\"“‘'(":
        return any(t.tag_ == "NNP" for t in (tok.doc[tok.i + 1 : tok.i + 2]))
    return True


def _np_tokens(head):
    """Tokens of the noun phrase headed by ``head``, without appositions and clauses."""
    keep = [head]

    def left(tok):
        for child in tok.lefts:
            if child.dep_ in _NP_KEEP or child.dep_ == "punct" and child.text in ".'’-":
                keep.extend(t for t in child.subtree)

    left(head)
    # "deputy commander of Iraq's coalition", "Secretary of State": a short "of" phrase
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            sub = list(child.subtree)
            if len(sub) <= 6 and not any(t.is_punct and t.text in ",;:(" for t in sub):
                keep.extend(sub)
        elif child.dep_ in ("compound", "flat"):
            keep.extend(child.subtree)
        break
    keep.sort(key=lambda t: t.i)
    # keep the contiguous run containing the head
    i = keep.index(head)
    lo, hi = i, i
    while lo > 0 and keep[lo - 1].i == keep[lo].i - 1:
        lo -= 1
    while hi + 1 < len(keep) and keep[hi + 1].i == keep[hi].i + 1:
        hi += 1
    return keep[lo : hi + 1]


# titles written before a person's name ("CEO Carly Fiorina", "Sen. Tim Kaine")
_NAME_TITLES = frozenset(
    """mr. mrs. ms. dr. sen. rep. gov. gen. lt. col. sgt. capt. prof. rev. pres. ceo cfo
    president senator governor secretary chairman chairwoman director spokesman
    spokeswoman judge justice mayor ambassador minister rabbi pastor reverend""".split()
)


def _after_title(text: str, start: int) -> bool:
    words = text[max(0, start - 20) : start].split()
    return bool(words) and words[-1].lower() in _NAME_TITLES


_GENDER_WORDS = {"he": "m", "his": "m", "him": "m", "himself": "m",
                 "she": "f", "her": "f", "hers": "f", "herself": "f"}


def _pronoun_gender(doc, entities, inside) -> dict[str, str]:
    """Gender of the article's people as its own pronouns show it: the he/his/him and
    she/her outside quotes in a sentence that names one person (outside quotes), and in
    the sentence after it when that one names nobody. A person gets a gender when the
    evidence is at least two to none ("Reynolds says ... she says" makes Reynolds "she",
    so a later "she said" is not credited to a man the article called "he")."""
    if not doc.has_annotation("SENT_START") and not doc.has_annotation("DEP"):
        return {}
    starts = [e.start for e in entities]
    tok_starts = doc.to_array("IDX").tolist()
    counts: dict[str, list[int]] = {}
    carry: str | None = None
    for sent in doc.sents:
        lo, hi = sent.start_char, sent.end_char
        # a name inside quotation marks is not whom the narrator's pronouns mean
        people = {
            e.canonical
            for e in entities[bisect_right(starts, lo - 1) : bisect_right(starts, hi - 1)]
            if e.label == "PERSON" and not inside[max(0, bisect_right(tok_starts, e.start) - 1)]
        }
        # whom the sentence is about: the one person who is a subject in it ("Asked by
        # Matt Lauer whether she had practiced, she said" tells nothing of Lauer)
        subjects = {
            e.canonical
            for t in sent
            if t.dep_ in _SUBJ_DEPS and not inside[t.i]
            for e in entities[bisect_right(starts, t.idx - 200) : bisect_right(starts, t.idx)]
            if e.canonical in people and e.start <= t.idx < e.end
        }
        if len(people) == 1 and not subjects:
            carry = None
            continue
        if len(people) > 1:
            carry = None
            continue
        who = next(iter(people)) if people else carry
        carry = next(iter(people)) if people else None
        if who is None:
            continue
        c = counts.setdefault(who, [0, 0])
        for t in sent:
            g = _GENDER_WORDS.get(t.lower_)
            if g is not None and not inside[t.i]:
                c[g == "f"] += 1
    out = {}
    for name, (m, f) in counts.items():
        if m >= 2 and f == 0:
            out[name] = "m"
        elif f >= 2 and m == 0:
            out[name] = "f"
    return out


class SpeakerResolver:
    """Names speakers in document order, remembering who spoke for later pronouns."""

    def __init__(
        self, doc, entities: tuple[EntityMention, ...], inside: bytearray | None = None, text: str | None = None
    ):
        self.doc = doc
        self.text = doc.text if text is None else text  # Doc.text joins every token: once
        # 1 for tokens inside quotation marks: a name inside a quote is not a subject
        # the narrator's pronouns can point back to
        self.inside = inside if inside is not None else bytearray(len(doc))
        # a name after a person's title that the NER tagged ORG ("Former Hewlett-Packard
        # CEO Carly Fiorina") is a person
        entities = tuple(
            EntityMention(e.text, "PERSON", e.start, e.end, e.canonical)
            if e.label == "ORG" and _after_title(self.text, e.start) and len(e.text.split()) >= 2
            or e.label in ("ORG", "GPE", "FAC") and self._named_person(e)
            else e
            for e in entities
        )
        # a surname the NER tagged as ORG/GPE once ("Pompeo said") is still the person
        person_tails: dict[str, str] = {}
        for e in entities:
            if e.label == "PERSON":
                for tail in (e.text, e.canonical, e.canonical.split()[-1]):
                    if len(e.canonical) > len(person_tails.get(tail, "")):
                        person_tails[tail] = e.canonical
        fixed = [
            EntityMention(e.text, "PERSON", e.start, e.end, person_tails[e.text])
            if e.label != "PERSON" and e.text in person_tails
            else e
            for e in entities
        ]
        self.entities = sorted(fixed, key=lambda e: e.start)
        self.person_tails = person_tails
        # what "he" and "she" may point at: from titles ("Mr. Obama", "Ms. Palmieri"),
        # then from the pronouns already resolved to a name
        self.gender: dict[str, str] = {}
        for e in self.entities:
            if e.label == "PERSON":
                words = self.text[max(0, e.start - 16) : e.start].split()
                g = _TITLE_GENDER.get(words[-1].lower()) if words else None
                if g is not None:
                    self.gender.setdefault(e.canonical, g)
        self._ent_starts = [e.start for e in self.entities]
        for e in self.entities:
            if e.label == "PERSON":
                g = name_gender(e.canonical)
                if g is not None:
                    self.gender.setdefault(e.canonical, g)
        for name, g in _pronoun_gender(doc, self.entities, self.inside).items():
            self.gender.setdefault(name, g)
        self.history: list[Speaker] = []
        # people the pronoun being resolved cannot mean (``_not_them``)
        self._excluded: frozenset[str] = frozenset()
        self._tok_starts: list[int] | None = None  # token offsets, read once when needed
        self._sent_starts: list[int] | None = None  # sentences' first tokens, likewise

    def _named_person(self, e: EntityMention) -> bool:
        """A name of two words or more the NER gave another label, which an apposition
        describes as a person ("Maryam Violet, an Iranian journalist, told ...")."""
        if len(e.text.split()) < 2:
            return False
        span = self.doc.char_span(e.start, e.end)
        return span is not None and _described_as_person(span.root)

    # -- entity look-ups ------------------------------------------------------------
    def entity_at(self, start: int, end: int) -> EntityMention | None:
        """The entity mention overlapping ``[start, end)``, the longest if several."""
        i = bisect_right(self._ent_starts, end) - 1
        best = None
        while i >= 0 and self.entities[i].start >= start - 200:
            ent = self.entities[i]
            if ent.start < end and ent.end > start and (best is None or ent.end - ent.start > best.end - best.start):
                best = ent
            i -= 1
        return best

    def _last_entity_before(self, pos: int, labels: frozenset[str], window: int = 1500, outside_quotes: bool = False):
        """The last entity of ``labels`` ending before ``pos``; with ``outside_quotes``
        not one named inside a quote (“... who helped Jesse Jackson win ...,” he said:
        the words' speaker is not whom they name)."""
        i = bisect_right(self._ent_starts, pos) - 1
        while i >= 0 and self.entities[i].start >= pos - window:
            ent = self.entities[i]
            if ent.label in labels and ent.end <= pos and not (outside_quotes and self._quoted(ent.start)):
                return ent
            i -= 1
        return None

    def _quoted(self, char: int) -> bool:
        """Whether the token at ``char`` lies inside a quote."""
        if self._tok_starts is None:
            self._tok_starts = self.doc.to_array("IDX").tolist() if len(self.doc) else []
        k = bisect_right(self._tok_starts, char) - 1
        return k >= 0 and bool(self.inside[k])

    def _fits(self, name: str, gender: str | None) -> bool:
        if name in self._excluded:
            return False
        return gender is None or self.gender.get(name, gender) == gender

    def _not_them(self, tok) -> frozenset[str]:
        """The people a he/she cannot mean, by where it stands (binding): the noun its
        relative clause hangs from ("Christie, whom he describes as ...": he is not
        Christie), and a person named after it in its own clause ("He insisted Curiel
        had ...", "he told Hannity": he is neither)."""
        out = set()
        if tok.dep_ not in _SUBJ_DEPS:
            return frozenset()
        verb = tok.head
        # the subject of a relative clause is not the noun the clause hangs from
        names = [verb.head] if verb.dep_ == "relcl" else []
        # nor the verb's object, the object of its preposition or the subject of the clause
        # it reports; not a name deeper down ("He said the Cruz campaign's move, which
        # was meant to get Carson supporters ...": he may be Carson)
        # (only after the verb: "Mook said X, which is an outcome, he said" hangs the
        # clause before it on the parenthetical "he said", whose speaker is Mook)
        for c in verb.rights:
            if c.dep_ in ("dobj", "dative", "iobj"):
                names.append(c)
            elif c.dep_ == "prep":
                names.extend(o for o in c.children if o.dep_ == "pobj")
            elif c.dep_ == "ccomp":
                # not past a quotation: "“...,” she said, but added “...” “...,” Ms.
                # Sherry said" is two sentences the parser joined, the second "said" a
                # reported clause of the first; its subject may well be "she"
                names.extend(o for o in c.children if o.dep_ in _SUBJ_DEPS
                             and not any(self.inside[verb.i + 1 : o.i]))
        for t in names:
            if t.ent_type_ == "PERSON" and not self.inside[t.i]:
                ent = self.entity_at(t.idx, t.idx + len(t))
                if ent is not None and ent.label == "PERSON":
                    out.add(ent.canonical)
        return frozenset(out)

    def _last_subject_person(self, tok, gender: str | None = None):
        """The last PERSON entity that was the subject of a sentence shortly before."""
        doc = self.doc
        lo = max(0, tok.i - _SUBJECT_LOOK_BACK)
        best = None
        for j in range(tok.i - 1, lo - 1, -1):
            t = doc[j]
            if t.dep_ in _SUBJ_DEPS and not self.inside[t.i] and _main_clause(t.head):
                person = self._person(t, gender)
                if person is not None:
                    # keep looking to the sentence's start: its first subject is the one
                    # the sentence is about ("Anderson agreed with McLenny and seemed ...")
                    best = person
            if best is not None and t.is_sent_start:
                break
        return best

    def _last_subject_people(self, tok) -> Speaker | None:
        """The main-clause subject of the last sentence before ``tok``'s, when it names
        people: names joined by "and", or a plural word for people ("analysts")."""
        doc = self.doc
        sent_start = tok.sent.start
        for j in range(sent_start - 1, max(0, tok.i - _LOOK_BACK) - 1, -1):
            t = doc[j]
            if t.dep_ not in _SUBJ_DEPS or self.inside[t.i] or not _main_clause(t.head):
                continue
            conj = [c for c in t.subtree if c.dep_ == "conj" and c.head.i == t.i
                    and (c.ent_type_ == "PERSON" or c.pos_ == "PROPN")]
            names = t.ent_type_ == "PERSON" or t.pos_ == "PROPN" or is_person_word(t)
            if conj and names:
                lo_tok = _np_tokens(t)[0]
                hi_tok = _np_tokens(conj[-1])[-1]
                text = " ".join(self.text[lo_tok.idx : hi_tok.idx + len(hi_tok)].split())
                return Speaker(text, lo_tok.idx, hi_tok.idx + len(hi_tok), conj[-1].lower_, False)
            if t.tag_ in ("NNS", "NNPS") and is_person_word(t):
                return self._resolve_np(t)
            return None  # the last sentence's subject is no group of people
        return None

    def _last_subject_org(self, tok):
        """The organisation that was the main-clause subject of the last sentence before
        ``tok`` that had one, within the look-back window."""
        doc = self.doc
        for j in range(tok.i - 1, max(0, tok.i - _LOOK_BACK) - 1, -1):
            t = doc[j]
            if t.dep_ in _SUBJ_DEPS and not self.inside[t.i] and _main_clause(t.head) and t.tag_ not in ("NNS", "NNPS"):
                if t.ent_type_ == "ORG":
                    sp = self._resolve_np(t)
                    return sp if sp is not None and not sp.is_person else None
                if (t.ent_type_ == "PERSON" or t.lower_ in _PERSON_PRONOUNS or is_person_word(t)
                        or any(c.dep_ == "appos" and c.ent_type_ == "PERSON" for c in t.rights)):
                    return None  # a person came between: "it" is no longer about the organisation
        return None

    def _person(self, t, gender: str | None):
        """The person a subject token names: a PERSON entity, or a name the NER left
        untagged ("Fields said"); None for anything else."""
        if t.ent_type_ != "PERSON" and t.text not in self.person_tails:
            # "One delegate, state party chairwoman Nancy Worley, pledged her vote", "The
            # Podesta Group's CEO, Kimberley Fritts, said": the name in apposition to the
            # subject
            appos = next((c for c in t.rights if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)
            if appos is not None:
                t = appos
            elif t.pos_ != "PROPN":
                return None
        ent = self.entity_at(t.idx, t.idx + len(t))
        if (ent is None and t.text[:1].isupper() and t.text in self.person_tails
                and not _another_first_name(t, self.person_tails[t.text])):
            ent = EntityMention(t.text, "PERSON", t.idx, t.idx + len(t), self.person_tails[t.text])
        if ent is not None:
            # the article's entities, where a surname once tagged ORG is still the person
            if (ent.label == "PERSON" or _described_as_person(t)) and self._fits(ent.canonical, gender):
                return Speaker(ent.canonical, t.idx, t.idx + len(t), ent.canonical.split()[-1].lower(), True)
            return None
        if _untagged_name(t):
            sp = self._resolve_np(t)
            if sp is not None and sp.is_person and self._fits(sp.name, gender):
                return Speaker(sp.name, t.idx, t.idx + len(t), sp.head, True)
        return None

    def _person_in_sentence(self, head, before: int) -> EntityMention | None:
        """The one person named (outside quotes) in ``head``'s sentence before ``before``,
        not in the clause its verb reports ("Mr. Trump is so reckless, the vice president
        said": whom the words are about is not who says them)."""
        sent = head.sent
        reported = set()
        if head.dep_ in _SUBJ_DEPS:
            verb = head.head
            for c in verb.children:
                if c.dep_ == "ccomp":
                    reported.update(t.i for t in c.subtree)
            if verb.dep_ == "parataxis" and verb.head.i < verb.i:
                # the verb hung beside the clause it reports ("X is ..., the senator said")
                reported.update(t.i for t in verb.head.subtree if t.i < verb.left_edge.i)
        found = {}
        for t in self.doc[sent.start : head.i]:
            if t.idx >= before or self.inside[t.i] or t.ent_type_ != "PERSON" or t.i in reported:
                continue
            ent = self.entity_at(t.idx, t.idx + len(t))
            if ent is not None and ent.label == "PERSON":
                found[ent.canonical] = ent
        return next(iter(found.values())) if len(found) == 1 else None

    # -- resolution -----------------------------------------------------------------
    def resolve(self, tok, remember: bool = True) -> Speaker | None:
        """Name the speaker whose (head) token is ``tok``; remember it for later unless
        ``remember`` is False (a report the later quotes should not look back to)."""
        speaker = self._resolve(tok)
        if speaker is not None and remember:
            self.history.append(speaker)
        return speaker

    def _resolve(self, tok) -> Speaker | None:
        low = tok.lower_
        tstart, tend = tok.idx, tok.idx + len(tok)
        if low in _RELATIVE_PRONOUNS and tok.head.dep_ == "relcl":
            noun = tok.head.head
            if noun.dep_ == "appos" and not noun.ent_type_ and noun.head.ent_type_ == "PERSON":
                # "said Nora Field, a spokeswoman for the Coastal Alliance, who added":
                # the clause hangs on the description in apposition; who speaks is the
                # person it describes
                return self._resolve_np(noun.head)
            return self._resolve_np(noun)
        if tok.pos_ == "PRON" or low in _PERSON_PRONOUNS or low in _GROUP_PRONOUNS:
            if low in _PERSON_PRONOUNS:
                self._excluded = self._not_them(tok)
                try:
                    return self._resolve_person_pronoun(tok, low)
                finally:
                    self._excluded = frozenset()
            if low in _GROUP_PRONOUNS:
                # a group that is the subject earlier in the same sentence ("The
                # protesters ... shouting denunciations of what they said ...")
                for t in self.doc[max(tok.sent.start, tok.i - _LOOK_BACK) : tok.i]:
                    if not self.inside[t.i] and t.dep_ in _SUBJ_DEPS and (t.tag_ in ("NNS", "NNPS") or t.ent_type_ in ("ORG", "NORP")):
                        if (low == "it") == (t.tag_ not in ("NNS", "NNPS")):
                            found = self._resolve_np(t)
                            if found is not None:
                                return Speaker(found.name, tstart, tend, found.head, found.is_person)
                # not many for "it": "Analysts noted ... “...,” it said" is not the analysts
                prev = next((p for p in reversed(self.history[-3:])
                             if not p.is_person and not (low == "it" and _plural(p))), None)
                if low != "it":
                    # "Professors Foner and Alba suggest ... In the United States, they
                    # write": the people who were the subject of the sentence before,
                    # when they come after the last group that spoke
                    people = self._last_subject_people(tok)
                    if people is not None and (prev is None or people.start > prev.start):
                        return Speaker(people.name, tstart, tend, people.head, False)
                if prev is not None:
                    return Speaker(prev.name, tstart, tend, prev.head, False)
                if low == "it":
                    # "Acme Corp. reported a loss. “...,” it said": the organisation that
                    # was the subject of a sentence shortly before
                    org = self._last_subject_org(tok)
                    if org is not None:
                        return Speaker(org.name, tstart, tend, org.head, False)
                return None
            return None  # I, we, you: the writer or an unresolved voice
        return self._resolve_np(tok)

    def _resolve_person_pronoun(self, tok, low: str) -> Speaker | None:
        """he/she (him/her): the person it points back to, of its gender."""
        tstart, tend = tok.idx, tok.idx + len(tok)
        gender = _PRONOUN_GENDER[low]
        found = None
        # the person who is the subject earlier in the same sentence, of a clause
        # that holds the pronoun ("Rohani denounced ... what he called ..."), not
        # of one beside it ("In the event that Clinton faces Trump, she replied")
        above = {a.i for a in tok.ancestors}
        # a main clause's pronoun subject after a clause the parser hung beside it
        # ("Clinton on Monday hit Sanders on immigration, she hit him on guns"):
        # failing the above, the person subject of that earlier clause, when it is
        # neither subordinate ("if Clinton wins, she ...") nor a relative clause.
        # One pass over the window finds both.
        beside_ok = tok.dep_ in _SUBJ_DEPS and _main_clause(tok.head)
        beside = None
        for t in self.doc[max(tok.sent.start, tok.i - _LOOK_BACK) : tok.i]:
            if t.dep_ not in _SUBJ_DEPS or self.inside[t.i]:
                continue
            if t.head.i in above:
                found = self._person(t, gender)
                if found is not None:
                    break
            elif (beside_ok and beside is None and t.head.dep_ in ("ccomp", "conj")
                    and not any(c.dep_ == "mark" for c in t.head.children)):
                beside = self._person(t, gender)
        if found is None:
            # "Erin Brockovich, ..., saying she had not called for ...", "Ruiz, who said
            # she ...": a pronoun in what a participle or a relative clause hanging from a
            # person reports is that person (not its own clause's noun: binding, above)
            found = self._reporting_person(tok, gender)
        if found is None:
            found = beside
        if found is None and beside_ok:
            found = self._topic_person(tok, gender)
        if found is None:
            # across sentences the rules below give one guess, and a ranker fitted on
            # PolNeAR train (``_ranked``) weighs it against the other people in view
            # the last person who spoke, unless another person has been the subject
            # of a sentence since ("Governor Lopez visited the site. “...,” she said.")
            spoke = next(
                (p for p in reversed(self.history) if p.is_person and self._fits(p.name, gender)), None
            )
            subject = self._last_subject_person(tok, gender)
            found = subject
            if spoke is not None and (found is None or spoke.start >= found.start):
                found = spoke
            # "Reed asked Sanders whether ... “Sure it is,” he said": who answers a
            # question is whom it was put to, as the syntax says; not weighed
            asked = self._addressee(found, tok, gender) if found is not None else None
            if asked is not None:
                found = asked
            else:
                if found is None:
                    ent = self._last_entity_before(tstart, frozenset({"PERSON"}), outside_quotes=True)
                    # a person merely mentioned (not the subject, not a speaker) in an
                    # earlier paragraph is no antecedent for "he said" in this one
                    # (unless the article shows it is of the pronoun's gender: "... met with
                    # President Daniel Ruiz. // “...,” he told reporters")
                    if (ent is not None and "\n" in self.text[ent.end : tstart]
                            and self.gender.get(ent.canonical) != gender):
                        ent = None
                    if ent is not None and self._fits(ent.canonical, gender):
                        found = Speaker(ent.canonical, 0, 0, ent.canonical.split()[-1].lower(), True)
                found = self._ranked(tok, gender, found, spoke, subject)
        if found is not None:
            self.gender.setdefault(found.name, gender)
            return Speaker(found.name, tstart, tend, found.head, True)
        return None

    def _ranked(self, tok, gender: str, rule: Speaker | None, spoke: Speaker | None,
                subject: Speaker | None) -> Speaker | None:
        """The person a he/she means across sentences: the rules' guess ``rule`` weighed
        against every person of the pronoun's gender named or speaking before it, by the
        linear score ``RANKER_WEIGHTS`` (fitted, ``benchmarks/speaker_ranker.py``)."""
        if rule is None:
            return None  # no one in view the rules would take: the ranker adds no one
        cands = self._candidates(tok, gender, rule, spoke, subject)
        if len(cands) < 2:
            return rule
        if RANKER_LOG is not None:
            RANKER_LOG.append((tok.idx, [(name, feats) for name, (feats, _) in cands.items()]))
        best = max(cands.items(), key=lambda kv: sum(w * x for w, x in zip(RANKER_WEIGHTS, kv[1][0])))
        name = best[0]
        if name == rule.name:
            return rule
        return Speaker(name, 0, 0, best[1][1], True)

    def _candidates(self, tok, gender: str, rule: Speaker | None, spoke: Speaker | None,
                    subject: Speaker | None) -> dict[str, tuple[tuple[float, ...], str]]:
        """name -> (features in ``RANKER_FEATURES`` order, head word) of each person the
        pronoun ``tok`` may mean: named (outside quotes) or speaking in the
        ``_RANK_WINDOW`` characters before it, of its gender, not excluded by binding."""
        tstart = tok.idx
        if self._tok_starts is None:
            self._tok_starts = self.doc.to_array("IDX").tolist() if len(self.doc) else []
        if self._sent_starts is None:
            self._sent_starts = [s.start for s in self.doc.sents]
        lo = tstart - _RANK_WINDOW
        last: dict[str, int] = {}  # nearest mention's start
        heads: dict[str, str] = {}
        counts: dict[str, int] = {}
        para_start = self.text.rfind("\n", 0, tstart) + 1
        para_subjects: set[str] = set()
        # the quote a "he said" attributes is in its sentence or the one before: whom
        # its words name is seldom who says them
        k_tok = bisect_right(self._tok_starts, tstart) - 1
        s_tok = bisect_right(self._sent_starts, k_tok) - 1
        here_lo = self.doc[self._sent_starts[max(0, s_tok - 1)]].idx
        here_hi = tok.sent.end_char
        near = self.entities[bisect_right(self._ent_starts, here_lo - 1) : bisect_right(self._ent_starts, here_hi - 1)]
        quoted_here = {e.canonical for e in near if e.label == "PERSON" and self._quoted(e.start)}
        for e in self.entities[: bisect_right(self._ent_starts, tstart - 1)]:
            if e.label != "PERSON" or e.end > tstart:
                continue
            counts[e.canonical] = counts.get(e.canonical, 0) + 1
            if e.start >= lo and not self._quoted(e.start) and self._fits(e.canonical, gender):
                last[e.canonical] = e.start
                heads[e.canonical] = e.canonical.split()[-1].lower()
                if e.start >= para_start and self._is_subject(e.start):
                    para_subjects.add(e.canonical)
        spoken: dict[str, int] = {}
        para_speakers: set[str] = set()
        for p in self.history:
            if p.is_person and self._fits(p.name, gender):
                spoken[p.name] = spoken.get(p.name, 0) + 1
                if p.end > p.start and lo <= p.start < tstart:
                    last[p.name] = max(last.get(p.name, -1), p.start)
                    if p.start >= para_start:
                        para_speakers.add(p.name)
                heads.setdefault(p.name, p.head)
        for sp in (rule, spoke, subject):
            if sp is not None:
                last.setdefault(sp.name, -1)
                heads.setdefault(sp.name, sp.head)
        if not last:
            return {}
        top = max(counts.values()) if counts else 0
        nearest = max(last.values())
        out = {}
        for name, pos in last.items():
            if pos >= 0:
                k = bisect_right(self._tok_starts, pos) - 1
                sents = s_tok - (bisect_right(self._sent_starts, k) - 1)
                chars = tstart - pos
                para = "\n" not in self.text[pos:tstart]
                is_subj = self._is_subject(pos)
            else:
                sents, chars, para, is_subj = 10, _RANK_WINDOW, False, False
            n = counts.get(name, 0)
            feats = (
                1.0 if rule is not None and name == rule.name else 0.0,
                1.0 if spoke is not None and name == spoke.name else 0.0,
                1.0 if name in spoken else 0.0,
                1.0 if subject is not None and name == subject.name else 0.0,
                math.log1p(chars / 100),
                math.log1p(min(sents, 10)),
                1.0 if para else 0.0,
                1.0 if is_subj else 0.0,
                1.0 if self.gender.get(name) == gender else 0.0,
                math.log1p(n),
                1.0 if n and n == top else 0.0,
                1.0 if pos >= 0 and pos == nearest else 0.0,
                1.0 if name in para_subjects else 0.0,
                1.0 if name in para_speakers else 0.0,
                1.0 if name in quoted_here else 0.0,
            )
            out[name] = (feats, heads[name])
        return out

    def _is_subject(self, char: int) -> bool:
        """Whether the name starting at ``char`` is a subject: its token, or the head of
        the name it begins ("Mike Pompeo said": "Pompeo" is the subject)."""
        t = self.doc[bisect_right(self._tok_starts, char) - 1]
        return t.dep_ in _SUBJ_DEPS or (t.head.dep_ in _SUBJ_DEPS and 0 < t.head.i - t.i <= 2)

    def _addressee(self, asker: Speaker, tok, gender: str | None) -> Speaker | None:
        """The person ``asker`` put a question to ("Reed asked Sanders whether ...",
        "“...?” Reed asked Sanders"), when the pronoun ``tok`` is in a later sentence:
        the one who answers. None when the asking verb has no person object of the
        pronoun's gender."""
        if self._tok_starts is None:
            self._tok_starts = self.doc.to_array("IDX").tolist() if len(self.doc) else []
        k = bisect_right(self._tok_starts, asker.start) - 1
        if k < 0 or k >= len(self.doc) or self._tok_starts[k] != asker.start:
            return None
        subj = self.doc[k]
        verb = subj.head
        if subj.dep_ not in _SUBJ_DEPS or verb.lemma_.lower() != "ask" or verb.sent.start == tok.sent.start:
            return None
        for obj in verb.children:
            # a name the NER tagged as a person (a headline's "Asked Men Everywhere" is none)
            if obj.dep_ in ("dobj", "dative") and not self.inside[obj.i] and obj.ent_type_ == "PERSON":
                found = self._person(obj, gender)
                if found is not None and found.name != asker.name:
                    return found
        return None

    def _topic_person(self, tok, gender: str | None) -> Speaker | None:
        """The person a sentence's opening "As for X," / "As to X," names, for a he/she
        that is the subject of its main clause ("As for Trump, he said he's not
        worried"): the phrase says whom the sentence is about. None otherwise."""
        words = [t for t in tok.sent if not (t.is_space or t.is_punct)][:2]
        if len(words) < 2 or words[0].lower_ != "as" or words[1].lower_ not in ("for", "to"):
            return None
        for t in self.doc[words[1].i + 1 : tok.i]:
            if t.dep_ == "pobj" and t.head.i == words[1].i and not self.inside[t.i]:
                return self._person(t, gender)
        return None

    def _reporting_person(self, tok, gender: str | None) -> Speaker | None:
        """The person whose participle or relative clause reports the clause holding
        ``tok`` ("X, saying she ...", "X, who said she ..."), or None."""
        reported = False
        for a in tok.ancestors:
            if self.inside[a.i]:
                return None
            if a.dep_ == "ccomp":
                reported = True
            elif reported and a.dep_ in ("acl", "relcl") and a.lemma_.lower() in CUE_LEMMAS:
                head = a.head
                if head.ent_type_ == "PERSON" and not self.inside[head.i]:
                    return self._person(head, gender)
                return None
        return None

    def _resolve_np(self, head) -> Speaker | None:
        tokens = _np_tokens(head)
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        hstart, hend = head.idx, head.idx + len(head)
        # 1. the head is (part of) a named entity, or a surname of a person the article
        #    named in full that the NER missed here ("Fields said")
        ent = self.entity_at(hstart, hend)
        if ent is not None and ent.label in _NOT_SPEAKERS:
            ent = None  # "the 43-year-old": an age the NER reads as a date
        if (ent is None and head.text[:1].isupper() and head.text in self.person_tails and len(tokens) <= 2
                and not _another_first_name(head, self.person_tails[head.text])):
            ent = EntityMention(head.text, "PERSON", hstart, hend, self.person_tails[head.text])
        if ent is None:
            # 2. "Secretary of State Mike Pompeo" parsed with a title as head; "his
            #    spokesman, John Kirby" (apposition)
            inner = [self.entity_at(t.idx, t.idx + len(t)) for t in tokens]
            # a person described by where they work ("a blogger for the website Gawker",
            # "the RNC member") is not that organisation: only a name can stand for them
            person_head = is_person_word(head)
            labels = ("PERSON",) if person_head else ("PERSON", "ORG")
            inner = [e for e in inner if e is not None and e.label in labels and e.start >= start]
            appos = next((c for c in head.rights if c.dep_ == "appos"), None)
            named = self.entity_at(appos.idx, appos.idx + len(appos)) if appos is not None else None
            if named is not None and named.label == "PERSON" and not any(e.label == "PERSON" for e in inner):
                # "The Podesta Group's CEO, Kimberley Fritts, said": the person named
                # beside the description, not the organisation inside it
                inner = []
            if inner and head.lower_ not in _FOR_SOMEONE:
                ent = inner[-1]
            else:
                for child in head.rights:
                    if child.dep_ == "appos":
                        e = self.entity_at(child.idx, child.idx + len(child))
                        if e is not None and e.label == "PERSON":
                            ent = e
                        break
        # a nationality or place inside a description ("a senior Iraqi security official")
        # does not name the speaker; one that is the head ("Iran said") does
        if ent is not None and (ent.label not in ("NORP", "GPE") or ent.start <= hstart < ent.end):
            # "Eswar Prasad, a professor of ...": a name described as a person is one,
            # though the NER called it an organisation
            is_person = ent.label == "PERSON" or (ent.start <= hstart < ent.end and _described_as_person(head))
            return Speaker(ent.canonical, start, end, ent.canonical.split()[-1].lower(), is_person)
        # 3. a description
        head_word = head.lemma_.lower() if head.pos_ == "NOUN" else head.lower_
        # one person: "he"/"she" can point back to it; a plural ("analysts") is a group
        is_person = is_person_word(head) and head.tag_ not in ("NNS", "NNPS")
        # a name the NER did not tag ("Fields said"): a speaker named so is most often a
        # person, whom "he"/"she" may point back to
        is_person = is_person or (_untagged_name(head) and tokens[0].lower_ != "the")
        first = tokens[0].lower_
        if first in ("the", "this", "that") and head.pos_ == "NOUN":
            # 3a. "the official" -> an earlier speaker with the same head word
            for prev in reversed(self.history):
                if prev.head == head_word and prev.name.lower() != "the " + head_word:
                    return Speaker(prev.name, start, end, prev.head, prev.is_person)
            # 3b. "the department" -> "U.S. State Department"
            i = bisect_right(self._ent_starts, start) - 1
            while i >= 0 and self.entities[i].start >= start - 3000:
                e = self.entities[i]
                if e.label in ("ORG", "FAC") and e.canonical.split()[-1].lower() == head.lower_:
                    return Speaker(e.canonical, start, end, head_word, False)
                i -= 1
            # 3c. "Sarah Palin ... the former governor said": the one person named earlier
            # in the same sentence is who an office points back to. (Reaching back to the
            # sentence before as well was tried on PolNeAR train: a quarter of the names
            # it gave were wrong, "the president" -> a candidate.)
            if is_person and head.lemma_.lower() in _OFFICES:
                named = self._person_in_sentence(head, start)
                if named is not None:
                    return Speaker(named.canonical, start, end, named.canonical.split()[-1].lower(), True)
        text = " ".join(self.text[start:end].split())
        if first == "the" and (head.pos_ == "PROPN" or all(t.is_title or t.is_punct or t.lower_ == "the" for t in tokens)):
            text = text[4:]
        if text.split(" ", 1)[0] in ("A", "An", "The"):
            text = text[0].lower() + text[1:]  # "a senior Iraqi security official"
        if not any(ch.isalpha() for ch in text):
            return None
        return Speaker(text, start, end, head_word, is_person)
