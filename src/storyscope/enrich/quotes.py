"""Quotes and their speakers in one article.

``find_quotes(doc, entities)`` steps:
1. split the text into paragraphs and pair quotation marks inside each paragraph
   (straight and curly, misdirected marks decided by the characters around them, a
   nested quote of the other family kept inside its outer quote, a quote opened with
   one family and closed with the other accepted); a quote still open at the end of a
   paragraph runs to that end;
2. for each quoted piece find its cue: a reporting verb outside any quote in the
   sentences around it (kept inside the piece's paragraph, or the one before when that
   ends with a colon), preferring the verb the quote hangs from in the parse ("said the
   threats were “increasing and specific”"), then the nearest one; its subject is the
   speaker, read off the word order when the parse has none (“...,” Ramos, 58, told
   AFP); a colon after any verb ("addressed the crowd: “...”") and a dash after the
   quote (“...” ― Carla Sanchez) attribute too; a reporting verb inside a reported
   clause gives way to the one above it when its subject is a thing or it reports no
   speech yet ("declared that any deal would demand “...”", "expects X to announce “...”");
3. one unit per quote: a piece joins the one before it in the same paragraph when only
   that one's attribution stands between them (“...,” he said, “...” / “...,” said
   Caddell. “...”), and a piece that opens a paragraph continues a quote left open at
   the end of the paragraph before (the newspaper convention for a quote that spans
   paragraphs) unless it brings an attribution of its own;
4. classify: ``direct`` when the quote opens a sentence (or follows "said," or a colon)
   with a capital letter, ``partial`` when it is a fragment inside the writer's sentence;
5. find indirect speech: a reporting verb with a that-clause outside any quote
   ("X said (that) ...") gives a quote of kind ``indirect`` whose content is the clause;
   so does a clause told before its verb or around it, when it holds no quotation
   ("Injured people were taken away in two trucks, she said.", "The bridge, the
   spokesman said, will need new supports"); such a report's pronoun is named only when
   it names someone quoted in the few hundred characters before (``_spoke_just_before``),
   and its speaker is not remembered for the quotes after it;
6. name the speakers in document order (``speakers.SpeakerResolver``), so that "he said"
   and "the official said" resolve to the last matching speaker; a quote with no cue
   that fills its paragraph, or follows an attributed quote in the same paragraph,
   continues the previous quote's speaker; drop what holds no speech (markup attribute
   values, titles of shows and books, scare quotes nobody is credited with).

A quote made of several pieces (split around its attribution, or spread over
paragraphs) is one ``Quote``: ``start``/``end`` cover all of it and ``text`` is the
pieces joined by a space, so ``text`` is not ``doc.text[start:end]`` for those.
``speaker_start``/``speaker_end`` are the mention that names the speaker ("he",
"Secretary of State Mike Pompeo"); a quote that continues an earlier speaker points at
that quote's mention.

Without a parse (a tokenizer-only ``Doc``) direct quotes are still found, with no cue or
speaker (partial ones, credited to nobody, are dropped). Cost is linear in the text:
every search is bounded to a window of tokens around a quote or pronoun."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from spacy.symbols import VERB

from ..model import EntityMention, Quote
from .speakers import CUE_LEMMAS, INDIRECT_LEMMAS, SpeakerResolver, can_speak, is_person_word, subject_of

_OPEN_ONLY = "“„«‘‚"
_CLOSE_ONLY = "”»"
# two apostrophes (or backticks) stand for a double quotation mark in text from typewriter
# conventions and tokenisers: “...,'' he said” / ''It's ...'' (the straight family)
_MARKS = re.compile("''|``|[\"“”„«»‟]")
_LEFT_PUNCT = "([{—–-/"
_RIGHT_PUNCT = ".,;:!?)]}—–-…"
_STRIP = " \t\r\n\u00a0"
_BLANK_LINE = re.compile(r"\n[ \t\r\u00a0]*\n")
_MAX_GAP = 160  # chars between two pieces of one quote: an attribution, not a new sentence pair
_WINDOW = 80  # tokens either side of a quote searched for its cue: bounded work per quote
_SHORT_SENT = 14  # tokens: "he said, adding that ..." after a quote belongs to the quote


@dataclass
class _Piece:
    start: int  # content offsets (without the marks)
    end: int
    open_pos: int
    close_pos: int | None  # None: unclosed at the end of its paragraph
    para: int
    cue: object = None  # spaCy tokens
    subject: object = None


@dataclass
class _Unit:
    pieces: list[_Piece]
    cue: object = None  # spaCy token
    subject: object = None
    kind: str = "direct"
    speaker: object = None
    told_after: bool = False  # reported speech told before its verb ("..., she said.")

    @property
    def start(self) -> int:
        return self.pieces[0].start

    @property
    def end(self) -> int:
        return self.pieces[-1].end


# -- 1. quotation marks ---------------------------------------------------------------


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: blank-line separated when the text has blank lines, else lines."""
    # Hard-wrapped text (short lines, blank lines between paragraphs) keeps its
    # blank-line paragraphs; otherwise every line is a paragraph, as extracted news text
    # and PolNeAR have it (one paragraph a line, sometimes blank lines between).
    sep = re.compile(r"\n")
    if _BLANK_LINE.search(text):
        lines = [ln for ln in text[:200_000].split("\n") if ln.strip()]
        if lines and sum(len(ln) for ln in lines) / len(lines) < 90 and len(lines) > 2 * len(_BLANK_LINE.findall(text[:200_000])):
            sep = _BLANK_LINE
    spans, pos = [], 0
    for m in sep.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip(_STRIP)]


def _family(mark: str) -> str:
    return "straight" if mark in ("\"", "‟", "''", "``") else "curly"


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    return start, end


def _scan_paragraph(text: str, ps: int, pe: int, para: int) -> list[_Piece]:
    pieces: list[_Piece] = []
    # (family, position of the opening mark, of its last character: a mark may be two)
    stack: list[tuple[str, int, int]] = []
    for m in _MARKS.finditer(text, ps, pe):
        i, mark = m.start(), m.group()
        j = m.end() - 1  # a closing mark's position is its last character
        prev = text[i - 1] if i > ps else " "
        nxt = text[j + 1] if j + 1 < pe else " "
        left = (prev.isspace() or prev in _LEFT_PUNCT or prev in _OPEN_ONLY) and not nxt.isspace()
        right = not prev.isspace() and (nxt.isspace() or nxt in _RIGHT_PUNCT or nxt in _CLOSE_ONLY or nxt in "\"")
        fam = _family(mark)
        if not stack:
            if right and not left:
                continue  # a stray closing mark ("... a pillow." ending a paragraph)
            stack.append((fam, i, j))
            continue
        if fam == stack[0][0] and len(stack) == 1:
            if mark in _OPEN_ONLY and left and not right:
                # a new opening mark while one is open: the first was never closed
                s, e = _trimmed(text, stack[0][2] + 1, i)
                if e > s:
                    pieces.append(_Piece(s, e, stack[0][1], None, para))
                stack = [(fam, i, j)]
                continue
            s, e = _trimmed(text, stack[0][2] + 1, i)
            if e > s:
                pieces.append(_Piece(s, e, stack[0][1], j, para))
            stack = []
            continue
        if fam != stack[-1][0] and len(stack) == 1 and right and not left:
            # closed with the other family's mark (“... FBI," Chaffetz said)
            s, e = _trimmed(text, stack[0][2] + 1, i)
            if e > s:
                pieces.append(_Piece(s, e, stack[0][1], j, para))
            stack = []
        elif fam != stack[-1][0] and (left or mark in _OPEN_ONLY) and not (right and mark in _CLOSE_ONLY):
            stack.append((fam, i, j))  # a nested quote of the other family
        elif fam == stack[-1][0] and len(stack) > 1:
            stack.pop()
        elif fam == stack[0][0]:
            # closes the outer quote; an inner one of the other family was left open
            s, e = _trimmed(text, stack[0][2] + 1, i)
            if e > s:
                pieces.append(_Piece(s, e, stack[0][1], j, para))
            stack = []
    if stack:
        s, e = _trimmed(text, stack[0][2] + 1, pe)
        if e > s:
            pieces.append(_Piece(s, e, stack[0][1], None, para))
    return pieces


def _scan(text: str) -> tuple[list[_Piece], list[tuple[int, int]]]:
    paras = _paragraphs(text)
    pieces: list[_Piece] = []
    for n, (ps, pe) in enumerate(paras):
        pieces.extend(_scan_paragraph(text, ps, pe, n))
    return pieces, paras


# -- 2. cues ----------------------------------------------------------------------------


class _Tokens:
    """Char offset -> token index look-ups and sentence bounds that survive a doc
    without a parse."""

    def __init__(self, doc):
        self.doc = doc
        # token attributes read as arrays: building a Token object per token costs more
        # than everything else this module does
        arr = doc.to_array(["IDX", "POS", "LEMMA"]) if len(doc) else None
        self.starts = arr[:, 0].tolist() if arr is not None else []
        self.pos = arr[:, 1].tolist() if arr is not None else []
        self.lemma = arr[:, 2].tolist() if arr is not None else []
        self.parsed = doc.has_annotation("DEP")
        self.sent_starts: list[int] = []
        if self.parsed or doc.has_annotation("SENT_START"):
            self.sent_starts = [s.start for s in doc.sents]
        self.inside = bytearray(len(doc))  # 1 for tokens inside quote content

    def index(self, char: int) -> int:
        """Index of the token at or after ``char``."""
        return bisect_left(self.starts, char)

    def index_before(self, char: int) -> int:
        """Index of the last token starting before ``char``."""
        return bisect_left(self.starts, char) - 1

    def sentence(self, i: int) -> tuple[int, int]:
        """[start, end) token range of the sentence holding token ``i``."""
        if not self.sent_starts:
            return max(0, i - 30), min(len(self.doc), i + 30)
        k = bisect_right(self.sent_starts, i) - 1
        start = self.sent_starts[max(k, 0)]
        end = self.sent_starts[k + 1] if k + 1 < len(self.sent_starts) else len(self.doc)
        return start, end


# Reporting verbs that report only with their particle (lemma -> particle): "X shot back,
# “...”", "Y fired back", "Z chimed in"
_PHRASAL_CUES = {"shoot": "back", "fire": "back", "hit": "back", "strike": "back", "chime": "in", "weigh": "in"}


def _is_cue(tok) -> bool:
    if tok.lower_ == "according":
        return tok.nbor(1).lower_ == "to" if tok.i + 1 < len(tok.doc) else False
    if tok.lower_ == "read" and tok.dep_ == "ROOT" and tok.pos_ == "NOUN" and tok.i > 0:
        # “...,” the email read.: the tagger reads "email read" as one noun
        return tok.doc[tok.i - 1].pos_ in ("NOUN", "PROPN")
    if tok.pos_ == "VERB" and tok.lemma_.lower() in _PHRASAL_CUES:
        # "shot back", "fired back", "chimed in": the verb speaks only with its particle
        # (active only: "the rocket was fired back into the sea" reports nothing)
        kids = list(tok.children)
        return not any(c.dep_ == "auxpass" for c in kids) and any(
            c.lower_ == _PHRASAL_CUES[tok.lemma_.lower()] and c.dep_ in ("prt", "advmod") for c in kids
        )
    if tok.pos_ != "VERB" or tok.lemma_.lower() not in CUE_LEMMAS:
        return False
    if tok.dep_ == "amod":
        return False  # an adjectival participle: "the self-described Islamic State"
    if tok.lemma_.lower() in ("continue", "read", "post", "order", "point"):
        # "continues to “cross”", "ordered the evacuation of ...": not speech; "he
        # continued.", "Caddell continued:", "the statement read" are
        return not any(c.dep_ in ("xcomp", "dobj") and not c.is_quote for c in tok.children)
    return True


def _find_cue(first: _Piece, toks: _Tokens, text: str, paras):
    """(cue, subject) tokens for one quoted piece, either may be None."""
    if not toks.parsed or not len(toks.doc):
        return None, None
    doc = toks.doc
    ti = toks.index(first.start)
    tj = max(ti, toks.index_before(first.end))
    if ti >= len(doc):
        return None, None
    lo, _ = toks.sentence(max(ti - 1, 0))
    _, hi = toks.sentence(min(tj + 1, len(doc) - 1))
    # a colon before the quote points back at its attribution ("Caddell continued:")
    colon = text[max(0, first.open_pos - 200) : first.open_pos].rstrip(_STRIP).endswith(":")
    if colon:
        lo = toks.sentence(max(toks.index_before(first.open_pos) - 1, 0))[0]
    # "... ,” he said." parsed as a sentence of its own
    if hi < len(doc) and hi - tj <= 3:
        nlo, nhi = toks.sentence(hi)
        if nhi - nlo <= _SHORT_SENT:
            hi = nhi
    # spaCy's sentences can run over paragraph breaks: the attribution stays in the
    # quote's paragraph (or the one before it, when that one ends with a colon)
    plo = toks.index(paras[first.para][0])
    if colon and first.para > 0:
        plo = toks.index(paras[first.para - 1][0])
    lo, hi = max(lo, plo, ti - _WINDOW), min(hi, toks.index(paras[first.para][1]), tj + _WINDOW)
    cands = [t for t in doc[lo:hi] if not toks.inside[t.i] and _is_cue(t)]
    words = _in_words_of(first, toks, text, lo)
    if words is not None:
        return words
    if colon:
        named = _name_before_colon(first, toks, lo)
        if named is not None:
            return None, named
    if colon and toks.sent_starts:
        # "When Trump suggested ..., Rubio fired back: “...”": the colon hangs the quote on
        # its own sentence's main verb, not on a reporting verb in a clause beside it
        k = toks.index_before(first.open_pos)
        while k >= lo and (doc[k].is_punct or doc[k].is_space):
            k -= 1
        # the last verb before the colon, when it is no reporting verb itself
        root = next((t for t in reversed(doc[max(lo, doc[k].sent.start) : k + 1]) if t.pos_ == "VERB"), None)
        if root is not None and not toks.inside[root.i] and root not in cands and (
            root.dep_ not in _EMBEDDED or toks.inside[root.head.i] or root.head.i > k
        ):
            subj = subject_of(root)
            if subj is not None and not toks.inside[subj.i] and lo <= subj.i < hi and _voice(subj) and can_speak(subj):
                return root, subj
    if not cands and colon:
        # "She then addressed the supporters again: “...”": a colon introduces speech
        # whatever the verb before it
        k = toks.index_before(first.open_pos)
        while k >= lo and (doc[k].is_punct or doc[k].is_space):
            k -= 1
        if k >= lo:
            root = doc[k].sent.root if toks.sent_starts else None
            if root is not None and root.pos_ in ("VERB", "AUX") and not toks.inside[root.i]:
                subj = subject_of(root)
                if subj is not None and not toks.inside[subj.i] and lo <= subj.i < hi and can_speak(subj):
                    return root, subj
    if not cands:
        return None, None
    # (a) the cue the quote hangs from in the parse
    ranked = []
    seen = set()
    for k in range(ti, tj + 1):
        t = doc[k]
        for _ in range(12):
            if t.head.i == t.i or t.i in seen:
                break
            seen.add(t.i)
            t = t.head
            if not toks.inside[t.i] and t in cands:
                if t not in ranked:
                    ranked.append(_outer_cue(t, cands, toks))
                break
    # (b) the nearest one
    for t in sorted(cands, key=lambda c: min(abs(c.i - ti), abs(c.i - tj))):
        if t not in ranked:
            ranked.append(t)
    for cue in ranked:
        # a subject that cannot speak ("Conceding ..., he warned") passes the quote on
        subj = subject_of(cue)
        if subj is not None and not toks.inside[subj.i] and lo <= subj.i < hi and can_speak(subj):
            return cue, subj
        subj = _surface_subject(cue, first, toks)
        if subj is not None and can_speak(subj):
            return cue, subj
    return ranked[0], None


def _name_before_colon(first: _Piece, toks: _Tokens, lo: int):
    """The person's name that alone introduces a quote with a colon, as a transcript or a
    digest does ("... - Philip Bump: “...”", "Carl Bialik: “...”"): the name's last
    token, when the name stands at the start of its clause (after a dash, a sentence
    start or a paragraph start); else None."""
    doc = toks.doc
    k = toks.index_before(first.open_pos)
    while k >= lo and (doc[k].is_space or doc[k].is_quote or doc[k].text in "“‘\"'"):
        k -= 1
    if k < lo or doc[k].text != ":":
        return None
    end = k - 1
    if end < lo or doc[end].ent_type_ != "PERSON" or toks.inside[end]:
        return None
    start = end
    while start > lo and doc[start].ent_iob_ == "I":
        start -= 1
    before = doc[start - 1] if start > 0 else None
    if before is None or before.is_sent_end or before.is_space or before.text in ("-", "—", "–", "--", "―"):
        return doc[end]
    if doc[start].is_sent_start:
        return doc[end]
    return None


def _in_words_of(first: _Piece, toks: _Tokens, text: str, lo: int):
    """("words", speaker) when the quote follows "in the words of X," or "in X's words,"
    ("Mrs. Clinton was, in the words of a senior adviser, “the torchbearer”"): the
    phrase names whose words they are, whatever verb the sentence has; else None."""
    doc = toks.doc
    k = toks.index_before(first.open_pos)
    while k >= lo and (doc[k].is_punct or doc[k].is_space):
        k -= 1
    for t in doc[max(lo, k - 12) : k + 1]:
        if t.lower_ != "words" or t.dep_ != "pobj" or t.head.lower_ != "in" or toks.inside[t.i]:
            continue
        prep = t.head
        if max(x.i for x in prep.subtree) != k:
            continue  # the phrase must end right before the opening mark
        poss = next((c for c in t.children if c.dep_ == "poss" and c.lower_ not in _OWN_WORDS), None)
        if poss is not None:
            return t, poss
        of = next((c for c in t.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if obj is not None and can_speak(obj):
            return t, obj
    return None


# "in his own words", "in other words": the speaker is no new one
_OWN_WORDS = frozenset("his her their its my our your other".split())


def _outer_cue(cue, cands, toks: _Tokens):
    """``cue``, or the reporting verb it is reported under when ``cue``'s subject is a
    thing, not a voice: in "Fiorina declared that any new deal would demand “absolute
    secrecy”" and "he wants a platform that calls for “...”" the words are the outer
    speaker's; a person or a name inside the reported clause keeps the inner cue
    ("X said Y called it “crazy”": Y's word)."""
    subj = subject_of(cue)
    if subj is None or toks.inside[subj.i] or _voice(subj) and not _unsaid(cue):
        return cue
    t = cue
    for _ in range(8):
        if t.head.i == t.i:
            break
        t = t.head
        if t in cands and not toks.inside[t.i]:
            outer = subject_of(t)
            # a bare capitalised singular noun ("Sanders, meanwhile, ..., said that fact
            # speaks volumes ...") is a name the tagger missed
            if outer is not None and not toks.inside[outer.i] and (
                _voice(outer) or outer.tag_ in ("NN", "NNP") and outer.text[:1].isupper()
                and not any(c.dep_ == "det" for c in outer.children)
            ):
                return t
            break
    return cue


# a verb in a relative or reported clause ("a phrase that could have come from ...:",
# "asserted that France had lost its identity:") is not who speaks after the colon
_EMBEDDED = frozenset({"relcl", "acl", "ccomp", "pcomp", "xcomp", "csubj"})
_NOT_YET = frozenset("to will would could should might may can must".split())


def _unsaid(cue) -> bool:
    """A reporting verb that reports no speech yet: an infinitive or a modal one ("she
    expects Obama to announce an “intensification”", "said Americans will say “no”"):
    the words are the reporter's of the clause above."""
    return cue.dep_ == "xcomp" or any(c.dep_ == "aux" and c.lower_ in _NOT_YET for c in cue.children)


def _voice(tok) -> bool:
    """Whether a subject token can be someone speaking: a name, a pronoun, a person
    word ("the official"), an organisation or a people. A relative pronoun is what it
    stands for ("a plan that calls for ...": the plan)."""
    if tok.lower_ in ("that", "which") and tok.head.dep_ == "relcl" and tok.head.head.i != tok.i:
        tok = tok.head.head
    if tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or tok.pos_ in ("PROPN", "PRON"):
        return True
    return is_person_word(tok)


def _surface_subject(cue, piece: _Piece, toks: _Tokens):
    """The speaker read off the word order when the parse has none: the noun phrase
    between the closing mark and the cue (“...,” Ramos, 58, told AFP) or right after
    the cue (“...,” said Rep. Jim Clyburn (D-S.C.), ...)."""
    if piece.close_pos is None:
        return None
    doc = toks.doc
    after = toks.index(piece.close_pos + 1)
    if after < cue.i <= after + 6:
        span = doc[after : cue.i]
    elif cue.i == after and cue.tag_ != "VBG":
        # the inverted "said Caddell"; a participle's clause ("..., saying the city
        # embodied ...") has its own subject, who is not the speaker
        span = doc[cue.i + 1 : min(len(doc), cue.i + 8)]
    else:
        return None
    head = None
    for t in span:
        if toks.inside[t.i] or t.is_quote:
            break
        if t.is_punct and head is not None and t.text != "-":  # not the hyphens of "43-year-old"
            break
        if t.pos_ in ("PROPN", "NOUN", "PRON") or is_person_word(t):  # "the 43-year-old"
            head = t
    if head is not None and head.dep_ in ("nsubj", "nsubjpass") and head.head.i != cue.i and head.head.i > cue.i:
        return None  # the subject of a clause after the cue ("said the city embodied ...")
    return head


_DASH = re.compile(r"[ \t\u00a0]*[―—–-]{1,2}[ \t\u00a0]*")


def _dash_byline(piece: _Piece, toks: _Tokens, text: str):
    """The name after a dash that closes a quote (“...” ― Pamela Padilla), or None."""
    if piece.close_pos is None or not toks.parsed:
        return None
    m = _DASH.match(text, piece.close_pos + 1)
    if m is None or m.end() == piece.close_pos + 1:
        return None
    i = toks.index(m.end())
    doc = toks.doc
    if i >= len(doc) or doc[i].idx != m.end() or not (doc[i].ent_type_ in ("PERSON", "ORG") or doc[i].pos_ == "PROPN"):
        return None
    j = i
    while j + 1 < len(doc) and (doc[j + 1].ent_iob_ == "I" or doc[j + 1].pos_ == "PROPN" and doc[j].pos_ == "PROPN"):
        j += 1
    return doc[j]


# -- 4. kinds --------------------------------------------------------------------------


def _kind(unit: _Unit, text: str, toks: _Tokens, paras) -> str:
    """``direct`` for a quote that is a sentence of the speaker's, ``partial`` for words
    quoted inside the writer's sentence."""
    if len(unit.pieces) > 1:
        return "direct"
    first = unit.pieces[0]
    content = text[first.start : first.end].lstrip(" .…'‘")
    if not content or not (content[0].isupper() or content[0].isdigit()):
        return "partial"
    before = text[max(0, first.open_pos - 40) : first.open_pos].rstrip(_STRIP)
    para_start = _trimmed(text, *paras[first.para])[0]
    if first.open_pos == para_start or not before or before[-1] in ",:.!?;—–-":
        return "direct"
    if unit.cue is not None and first.open_pos - 3 <= unit.cue.idx + len(unit.cue) <= first.open_pos:
        return "direct"  # said “We ...
    words = before.split()
    if words and words[-1].lower().strip(",") in ("said", "says", "added", "wrote", "told", "asked", "tweeted"):
        return "direct"
    # a sentence-long quote that starts a sentence of its own
    ti = toks.index(first.start)
    if toks.sent_starts and ti < len(toks.doc):
        s0, _ = toks.sentence(ti)
        if s0 >= ti - 1:
            return "direct"
    return "partial"


# -- 5. indirect speech ----------------------------------------------------------------


def _indirect(toks: _Tokens, text: str) -> list[_Unit]:
    if not toks.parsed:
        return []
    found = []
    doc = toks.doc
    wanted = {doc.vocab.strings[lemma] for lemma in INDIRECT_LEMMAS}
    for i, (pos, lemma) in enumerate(zip(toks.pos, toks.lemma)):
        if pos != VERB or lemma not in wanted or toks.inside[i]:
            continue
        tok = doc[i]
        clause = next((c for c in tok.rights if c.dep_ == "ccomp"), None)
        if clause is None:
            unit = _reported_before(tok, toks, text)
            if unit is not None:
                found.append(unit)
            continue
        sub = list(clause.subtree)
        if sub[0].dep_ == "mark" and sub[0].lower_ in ("that", "whether", "if"):
            sub = sub[1:]
        while sub and (sub[-1].is_punct or sub[-1].is_quote) and not sub[-1].text in "”\"":
            sub = sub[:-1]
        if len(sub) < 3:
            continue
        inside = sum(toks.inside[t.i] for t in sub)
        if inside * 2 > len(sub):
            continue  # the clause is a direct quote
        subj = subject_of(tok)
        if subj is None or toks.inside[subj.i] or not can_speak(subj):
            continue
        start, end = sub[0].idx, sub[-1].idx + len(sub[-1])
        start, end = _trimmed(text, start, end)
        unit = _Unit([_Piece(start, end, start, end, -1)], cue=tok, subject=subj, kind="indirect")
        found.append(unit)
    return found


def _reported_before(tok, toks: _Tokens, text: str) -> _Unit | None:
    """Reported speech told before its reporting verb, or around it: "Injured people had
    been taken to hospital in two trucks, she said." (the clause hangs from "said" on its
    left), "The road, the spokesman said, will stay closed." ("said" set into the clause
    it reports: the content is the clause's two sides). A sentence that holds a
    quotation is left to the quotes (its words are someone's own)."""
    clause = next((c for c in reversed(list(tok.lefts)) if c.dep_ == "ccomp"), None)
    if clause is not None:
        parts = [list(clause.subtree)]
    elif tok.dep_ == "parataxis" and tok.head.pos_ in ("VERB", "AUX"):
        around = list(tok.head.subtree)
        parts = [[t for t in around if t.i < tok.left_edge.i], [t for t in around if t.i > tok.right_edge.i]]
    else:
        return None
    parts = [p for p in (_no_edge_punct(p) for p in parts) if p]
    if sum(len(p) for p in parts) < 3 or any(toks.inside[t.i] or t.is_quote for p in parts for t in p):
        return None
    subj = subject_of(tok)
    # the verb's own subject, after the clause or set in it with the verb ("..., she said")
    if subj is None or not tok.left_edge.i <= subj.i <= tok.right_edge.i or subj.i < parts[0][-1].i:
        return None
    if toks.inside[subj.i] or not can_speak(subj):
        return None
    pieces = []
    for p in parts:
        start, end = _trimmed(text, p[0].idx, p[-1].idx + len(p[-1]))
        pieces.append(_Piece(start, end, start, end, -1))
    return _Unit(pieces, cue=tok, subject=subj, kind="indirect", told_after=True)


def _no_edge_punct(tokens: list) -> list:
    """``tokens`` without the punctuation and spaces at either end."""
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    return tokens


# -- the orchestrator ------------------------------------------------------------------


def _strip_marks(s: str) -> str:
    return s.strip(_STRIP + "\"“”„«»‟")


def find_quotes(doc, entities: tuple[EntityMention, ...] = ()) -> tuple[Quote, ...]:
    """Direct, partial and indirect quotes of a spaCy ``Doc``, each with its speaker."""
    text = doc.text
    # 1. marks and multi-paragraph quotes
    pieces, paras = _scan(text)
    toks = _Tokens(doc)
    for piece in pieces:
        a, b = toks.index(piece.start), toks.index(piece.end)
        toks.inside[a:b] = b"\x01" * (b - a)
    # 2. cues
    for piece in pieces:
        piece.cue, piece.subject = _find_cue(piece, toks, text, paras)
        if piece.subject is None:
            piece.subject = _dash_byline(piece, toks, text)
    # 3. one unit per quote: pieces split around their attribution, or continued
    #    in the next paragraph
    grouped: list[_Unit] = []
    for piece in pieces:
        prev = grouped[-1] if grouped else None
        if prev is not None and (_continues(prev, piece, text) or _next_paragraph(prev, piece, text, paras)):
            prev.pieces.append(piece)
            if prev.subject is None and piece.subject is not None:
                prev.cue, prev.subject = piece.cue, piece.subject
            continue
        grouped.append(_Unit([piece], cue=piece.cue, subject=piece.subject))
    # 4. kinds
    for unit in grouped:
        unit.kind = _kind(unit, text, toks, paras)
    # 5. indirect speech
    events = grouped + _indirect(toks, text)
    events.sort(key=lambda u: min(u.start, u.subject.idx if u.subject is not None else u.start))
    # 6. speakers, in document order
    resolver = SpeakerResolver(doc, entities, toks.inside, text)
    quotes: list[Quote] = []
    last: _Unit | None = None
    reported: _Unit | None = None  # the last indirect quote with a speaker
    para_starts = [a for a, _ in paras]
    voices: list[_Unit] = []  # the units, of any kind, given a speaker
    for unit in events:
        if unit.subject is not None:
            # a report told before its verb is kept out of the resolver's history, so the
            # quotes' speakers stay as they were (remembered, these speakers changed five
            # quote speakers on PolNeAR train: two right, two wrong, one the same)
            unit.speaker = resolver.resolve(unit.subject, remember=not unit.told_after)
        elif unit.cue is None and unit.kind != "indirect" and last is not None and last.speaker is not None:
            first = unit.pieces[0]
            last_para = last.pieces[-1].para
            fills = _fills_paragraph(text, paras, first) and first.para == last_para + 1
            if first.para == last_para or fills:
                unit.speaker = last.speaker
                unit.cue = last.cue
        if (unit.speaker is None and unit.cue is None and unit.kind == "direct" and reported is not None
                and (last is None or last.end < reported.start) and reported.end <= unit.start
                and bisect_right(para_starts, reported.start) - 1 == unit.pieces[0].para):
            # "Ghazala Khan says she received a call from her niece ... “She called me,
            # ...”": a direct quote with no attribution of its own, after the writer
            # reported someone's words in the same paragraph, goes on in that voice
            unit.speaker, unit.cue = reported.speaker, reported.cue
        if unit.told_after and unit.subject.pos_ == "PRON" and not _spoke_just_before(voices, unit):
            continue  # "..., he said." naming no one who has just spoken: left unnamed
        if unit.speaker is not None:
            voices.append(unit)
        if unit.kind == "indirect" and unit.speaker is not None and not unit.told_after:
            # (a report told before its verb hands its voice to no quote after it: "...,
            # The Hill reported. “Which is why ...”" goes on in the voice quoted before)
            reported = unit
        if unit.kind != "indirect":
            if _not_speech(unit, text):
                continue
            if unit.speaker is not None:
                last = unit
            if unit.kind == "partial" and unit.speaker is None and unit.cue is None:
                continue  # scare quotes, titles, nicknames: nobody is quoted
        quotes.append(_to_quote(unit, text))
    return tuple(quotes)


# characters between the last speaker's words and a "..., she said." that goes on in
# that voice: about a paragraph or two of news copy
_SAME_VOICE_CHARS = 600


def _spoke_just_before(voices: list[_Unit], unit: _Unit) -> bool:
    """Whether the pronoun of a "..., she said." names someone whose words the article
    gave in the last few hundred characters. A pronoun that tells the reported words of
    someone who has not just spoken is often resolved to the wrong person (someone the
    clause itself names: "Mr. Trump ... fits that bill for many people, he added."):
    benchmarks/reported.py on PolNeAR train."""
    if unit.speaker is None:
        return False
    for voice in reversed(voices):
        if unit.start - voice.end > _SAME_VOICE_CHARS:
            return False
        if voice.speaker.name == unit.speaker.name and voice.end <= unit.start:
            return True
    return False


_TITLE_SMALL = frozenset("a an and at by for from in of on or the to with vs".split())


def _not_speech(unit: _Unit, text: str) -> bool:
    """Quotation marks that hold no speech: markup left in the text (tweet_id="672..."),
    and the titles of shows, books and films (told “Fareed Zakaria GPS”)."""
    first = unit.pieces[0]
    if first.open_pos > 0 and text[first.open_pos - 1] == "=":
        return True
    content = " ".join(text[p.start : p.end] for p in unit.pieces)
    if not any(ch.isalpha() for ch in content):
        return True
    if len(unit.pieces) > 1:
        return False
    if unit.kind != "partial":
        # a headline or a cover line credited to a thing ("the cover", a magazine): the
        # words of a title, not a quote of anyone's speech ("The Queen of Rage")
        if unit.speaker is not None and unit.speaker.is_person:
            return False
        return _title(content, min_words=2) and not content.rstrip(_STRIP + "\"“”").endswith((".", "!", "?", ","))
    return _title(content)


def _title(content: str, min_words: int = 1) -> bool:
    """Up to six words, each capitalised or a small word of a title."""
    words = [w.strip(",.;:!?’'()") for w in content.split()]
    words = [w for w in words if any(ch.isalpha() for ch in w)]
    if not min_words <= len(words) <= 6:
        return False
    capitals = sum(w[0].isupper() for w in words)
    return all(w[0].isupper() or w.lower() in _TITLE_SMALL for w in words) and words[0][0].isupper() and capitals >= min_words


def _fills_paragraph(text, paras, piece: _Piece) -> bool:
    ps, pe = _trimmed(text, *paras[piece.para])
    end = piece.close_pos + 1 if piece.close_pos is not None else piece.end
    return piece.open_pos == ps and len(text[end:pe].strip(_STRIP + ".,")) == 0


def _continues(prev: _Unit, piece: _Piece, text: str) -> bool:
    """True when ``piece`` is the second half of ``prev``, split by its attribution."""
    a = prev.pieces[-1]
    cue = prev.cue
    if cue is None or a.para != piece.para or a.close_pos is None:
        return False
    if piece.cue is not None and piece.cue.i != cue.i:
        return False
    gap = text[a.close_pos + 1 : piece.open_pos]
    if len(gap) > _MAX_GAP or not (a.close_pos < cue.idx < piece.open_pos):
        return False
    # only the attribution in between: no sentence ends before the gap does
    body = gap.strip(_STRIP)
    return not re.search(r"[.!?;]\s", body[:-1])


def _next_paragraph(prev: _Unit, piece: _Piece, text: str, paras) -> bool:
    """True when ``piece`` continues a quote left open at the end of the paragraph before,
    unless it brings an attribution of its own."""
    a = prev.pieces[-1]
    if a.close_pos is not None or piece.para != a.para + 1:
        return False
    if piece.open_pos != _trimmed(text, *paras[piece.para])[0]:
        return False
    return piece.subject is None


def _joined(unit: _Unit, text: str) -> str:
    """The pieces' words as one text. A piece that ends on the comma English puts before
    an attribution, when the attribution closes its own sentence ("“... the consulate,”
    the official said. “This is ...”"), ends with a full stop in the join, so that two
    sentences do not run into one ("the consulate, This is")."""
    parts = [_strip_marks(text[p.start : p.end]) for p in unit.pieces]
    for k in range(len(parts) - 1):
        gap = _strip_marks(text[unit.pieces[k].end : unit.pieces[k + 1].start])
        if parts[k].endswith(",") and gap.endswith((".", "!", "?")):
            parts[k] = parts[k][:-1] + "."
    return " ".join(parts)


def _to_quote(unit: _Unit, text: str) -> Quote:
    content = _joined(unit, text)
    sp = unit.speaker
    return Quote(
        speaker=sp.name if sp is not None else None,
        text=content,
        kind=unit.kind,
        start=unit.start,
        end=unit.end,
        cue=unit.cue.lower_ if unit.cue is not None else None,
        speaker_start=sp.start if sp is not None and sp.end > sp.start else None,
        speaker_end=sp.end if sp is not None and sp.end > sp.start else None,
    )
