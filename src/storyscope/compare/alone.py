"""Does a sentence stand alone: can a reader who sees only it tell who did or said what?

The summary and the list of facts are read without the articles, so a sentence shown
there should not lean on one the reader never sees.
"""

from __future__ import annotations

import re

# A sentence that stands alone has no pronoun subject or speaker whose name was in a
# sentence the reader never sees ("He said that Washington is working with ...";
# "..., he said."), no connective that answers a sentence the reader never sees ("Still,
# ...", "However, ..."), and no quotation that opens the sentence (the reporter's own
# words tell what happened; quotes have their own section) or that it holds only a part of.
_PRONOUN_START_RE = re.compile(
    r"(?:he|she|they|it|his|her|their|its|this|these|that|those|we|i)\b", re.IGNORECASE
)
_CONNECTIVE_START_RE = re.compile(
    r"(?:still|however|meanwhile|nevertheless|nonetheless|instead|also|yet|besides|moreover|"
    r"furthermore|likewise|similarly|otherwise|then|thus|therefore|hence|even so|in addition|"
    r"by contrast|in contrast|on the other hand|as a result)\s*,", re.IGNORECASE
)
_PRONOUN_SPEAKER_RE = re.compile(r"\b(?:he|she|they|it)\s+(?:said|says|added|told|stated|explained)\b")
_OPEN_QUOTES = "\"\u201c\u201d'\u2018"


def _splits_a_quotation(text: str) -> bool:
    """Does the sentence hold only part of a quotation: a straight quotation mark without
    its pair, or curly ones that do not pair up? A quotation of several sentences is cut
    into sentences, and its last ("Moving forward, we will monitor the situation.\u201d")
    reads as the reporter's own words though someone else said it."""
    return text.count('"') % 2 == 1 or text.count("\u201c") != text.count("\u201d")


def stands_alone(text: str) -> bool:
    """Can a reader who sees only this sentence tell who did or said what?"""
    text = text.strip()
    return bool(text) and not (
        text[0] in _OPEN_QUOTES or _PRONOUN_START_RE.match(text) or _CONNECTIVE_START_RE.match(text)
        or _PRONOUN_SPEAKER_RE.search(text) or _splits_a_quotation(text)
    )
