"""Time expressions of one article, normalised against its publication date.

``find_dates(text, published, doc=None)`` returns ``DateMention`` records whose
``value`` follows TimeML (TIMEX3 ``value``): ``2018-09-28``, ``2018-09``, ``2018-W39``,
``2018-W38-WE``, ``2018-Q3``, ``2018-H2``, ``2018-SU``, ``2018``, ``201`` (a decade),
``19`` (a century), ``PAST_REF``, ``PRESENT_REF``, ``FUTURE_REF``.

Steps:
1. candidates: the rules of ``_RULES`` (regular expressions for month and weekday names,
   numeric dates, "this/last/next <unit>", "<n> <units> ago", quarters, seasons, spelled
   years, reference words), each run only near its trigger words; with a spaCy ``doc``,
   its DATE entities that no rule covers are offered to the rules again and kept with
   the entity's extent when exactly one rule inside gives a value;
2. overlaps: the longest valued candidate wins, then the leftmost;
3. values: resolved against the publication date (the anchor) by the rule; anaphoric
   ones ("a year earlier", "the quarter", "the 1988 period") against the quarter the
   text named last (earnings news), else the anchor. Without an anchor only absolute
   expressions ("1998-01-08", "January 1998", "the 1990s") and the ``*_REF`` words get
   values; relative ones are dropped.

Conventions (news; calibrated on TempEval-3 TimeBank with ``benchmarks/dates.py``):
- a bare weekday ("Friday") is the most recent such day on or before publication;
  "last Friday" is strictly before, "next Friday" strictly after, and a bare weekday in a
  clause with a future marker ("will", "is to", "scheduled to") looks forward;
- part of day is dropped: "Tuesday night" -> ``2018-09-25`` (TimeML would write
  ``2018-09-25TNI``), because the brief's timeline works in days; "last night" is the
  day before publication;
- a month (and day) without a year ("in November", "since July", "Sept. 7") is in the
  publication year, unless "last"/"since" or "next"/"until"/a future marker say which
  side to take, or it lies within four months of publication across a year end
  ("December" read on 5 January is last December); see ``_year_for``;
- "N units ago" counts from publication at the unit's granularity ("two weeks ago" ->
  ``2018-W37``); "a week later"/"before" count from an event, not from publication, and
  are left out; vague counts ("several years ago") are ``PAST_REF``;
- a preposition is not part of the extent ("in November" -> "November"); modifiers are
  ("late on September 28", "earlier this month") and do not change the value (TimeML puts
  them in ``mod``);
- durations ("two weeks", "the past several weeks") are not returned;
- numeric dates are month first ("01/08/1998" -> 1998-01-08) unless the first number
  cannot be a month.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from ..errors import InputError
from ..model import DateMention

# ---------------------------------------------------------------------------------------
# vocabulary

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
             "saturday": 5, "sunday": 6}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100,
}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
             "fourth": 4, "4th": 4}
_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
# trigger words shared by several rules (see _rule)
_MONTH_WORDS = frozenset(_MONTHS)
_UNIT_WORDS = frozenset({"week", "weekend", "month", "year", "quarter", "decade", "century",
                         *_SEASONS})

# Capitalised month names; "May" alone is too often the verb, so it needs a day, a year
# or a preposition ("in May") next to it (see _BARE_MONTH).
_MON = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|"
        r"July?|Aug(?:ust|\.)?|Sep(?:tember|t\.?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|"
        r"Dec(?:ember|\.)?)")
_MON_FULL = (r"(?:January|February|March|April|June|July|August|September|October|"
             r"November|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9][0-9]{2}|20[0-9]{2})"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_TOD = r"(?:\s+(?:morning|afternoon|evening|night|midday|noon))"
_NUM = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|" \
       r"twenty|thirty|fifty|[0-9]{1,3}|several|a few|few|many|some|a couple of|a number of)"
_UNIT = r"(?:days?|weeks?|months?|years?|decades?|centuries|century)"
_MOD = r"(?:(?:early|earlier|late|later|mid|middle|end|beginning|start)(?:\s+|-))"
_NOT_YEAR_AFTER = r"(?![0-9]|,[0-9]|\.[0-9]|%|\s*(?:percent|people|troops|shares|feet|" \
                  r"miles|meters|metres|km|kilometers|tons|dollars|yen|members)\b)"

# future markers in the clause before an expression: a bare weekday or month looks forward
_FUTURE = re.compile(
    r"\b(?:will|won't|shall|'ll|is to|are to|to be held|scheduled|planned|plans? to|"
    r"expected to|due to|set to|set for|slated|going to|next|"
    # what an event is awaited by: "ahead of Thursday's debate", "preparing for Saturday"
    r"ahead of|in advance of|(?:in )?the run-up to|leading up to|upcoming|"
    r"prepar(?:e|es|ing) for|await(?:s|ing)?|looking ahead to)\b", re.I)
# after a possessive expression, the event it dates speaks of the future: "Thursday's
# debate will ...", "Saturday's straw poll, which is expected to ..."
_FUTURE_AFTER = re.compile(
    r"\s*(?:,\s*)?(?:will|'ll)\b|(?:'s|\u2019s)(?:\s+[\w-]+){1,3},?\s+(?:which\s+|that\s+)?"
    r"(?:will|is\s+(?:to|scheduled|set|expected|due))\b", re.I)


@dataclass(frozen=True)
class _Cand:
    start: int
    end: int
    value: str | None
    rule: int


# ---------------------------------------------------------------------------------------
# calendar helpers


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _quarter(d: date) -> int:
    return (d.month - 1) // 3 + 1


def _shift_month(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + month - 1 + n
    return k // 12, k % 12 + 1


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _month_no(word: str) -> int:
    key = word.lower().rstrip(".")
    return _MONTHS.get(key) or _MONTHS[key[:3]]


def _nearest_year(anchor: date, month: int, day: int = 15, direction: int = 0) -> int:
    """The year that puts (month, day) nearest to the anchor; direction -1/+1 forces side."""
    best = None
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            cand = date(y, month, min(day, 28) if month == 2 else day)
        except ValueError:
            cand = date(y, month, 28)
        delta = (cand - anchor).days
        if direction < 0 and delta > 0 and not (cand.month == anchor.month and day >= 28):
            continue
        if direction > 0 and delta < 0:
            continue
        if best is None or abs(delta) < abs(best[0]):
            best = (delta, y)
    return best[1] if best else anchor.year


# four months: calibrated on TimeBank (see _year_for)
_NEAR_DAYS = 125


def _year_for(anchor: date, month: int, day: int, text: str, start: int, end: int,
              pre: str = "") -> int:
    """The year of a month (and day) named without one.

    "last"/"since" look back and "next"/"until" or a future marker in the clause look
    forward to the nearest such date; otherwise a date within four months of publication
    takes the nearest year ("December" read in January is last December), and any other
    the publication year. Calibrated on TimeBank (value F1): nearest-within-six-months
    scored 0.788, publication year with a past-tense test 0.781, this rule higher.
    """
    if pre in ("last", "since"):
        return _nearest_year(anchor, month, day, -1)
    if pre in ("next", "until", "till") or _tense(text, start, end) > 0:
        return _nearest_year(anchor, month, day, 1)
    near = _nearest_year(anchor, month, day)
    try:
        gap = abs((date(near, month, min(day, 28)) - anchor).days)
    except ValueError:
        gap = 0
    return near if gap <= _NEAR_DAYS else anchor.year


def _clause_before(text: str, start: int) -> str:
    lo = max(0, start - 80)
    window = text[lo:start]
    cut = max(window.rfind(". "), window.rfind("\n"), window.rfind("; "))
    return window[cut + 1:] if cut >= 0 else window


def _tense(text: str, start: int, end: int) -> int:
    """+1 when the clause around the expression speaks of the future, else 0."""
    before = _clause_before(text, start)
    after = text[end:end + 40].split(". ")[0]
    # "had been scheduled to expire Friday" is a plan in the past
    before = re.sub(r"\b(?:had|was|were)\s+(?:been\s+)?(?:scheduled|planned|expected|due|set)\b", "",
                    before, flags=re.I)
    if _FUTURE.search(before) or _FUTURE_AFTER.match(after):
        return 1
    return 0


# ---------------------------------------------------------------------------------------
# rules: (pattern, resolver(match, anchor, text) -> value or None). A resolver is called
# with anchor None when the publication date is unknown and must return None then,
# unless the expression is absolute.

_Resolver = Callable[[re.Match, "date | None", str], "str | None"]


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern
    resolve: _Resolver
    # lower-cased words (or "#n" for a number of n digits, 5 = five or more) without one
    # of which the pattern cannot match: the rule runs only in windows around them
    triggers: frozenset[str]


_RULES: list[_Rule] = []


def _rule(triggers: frozenset[str], pattern: str, flags: int = 0):
    def register(fn: _Resolver) -> _Resolver:
        _RULES.append(_Rule(re.compile(pattern, flags), fn, frozenset(triggers)))
        return fn

    return register


def _num(word: str) -> int | None:
    w = word.lower()
    if w.isdigit():
        return int(w)
    return _NUMBERS.get(w)


@_rule(frozenset({"#4"}), r"\b(?P<y>[12][0-9]{3})-(?P<m>[01][0-9])-(?P<d>[0-3][0-9])\b")
def _iso(m, anchor, text):
    return _valid(int(m["y"]), int(m["m"]), int(m["d"]))


@_rule(
    frozenset({"#1", "#2"}),
    r"\b(?P<a>[0-9]{1,2})/(?P<b>[0-9]{1,2})/(?P<y>[0-9]{4}|[0-9]{2})\b(?!/)")
def _slash(m, anchor, text):
    # English-language news: month first; day first only when the first number cannot be
    # a month ("28/09/2018").
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    if len(m["y"]) == 2:
        century = (anchor.year if anchor else 2000) // 100 * 100
        y = century + y if century + y <= (anchor.year if anchor else 2050) + 10 else century - 100 + y
    if a > 12:
        a, b = b, a
    return _valid(y, a, b)


@_rule(
    _MONTH_WORDS,
    rf"\b(?:{_WD},?\s+)?(?:(?:the\s+)?{_MOD}(?:on\s+)?)?(?P<mon>{_MON})\s+(?P<d>{_DAY})"
    rf"(?:,?\s+(?P<y>{_YEAR}))?\b(?!\s*(?:%|percent)|[0-9.,][0-9])")
def _month_day(m, anchor, text):
    month, day = _month_no(m["mon"]), int(re.match(r"[0-9]+", m["d"]).group())
    if m["y"]:
        return _valid(int(m["y"]), month, day)
    if anchor is None:
        return None
    return _valid(_year_for(anchor, month, day, text, m.start(), m.end()), month, day)


@_rule(_MONTH_WORDS, rf"\b(?:{_WD},?\s+)?(?:the\s+)?(?P<d>{_DAY})\s+(?:of\s+)?(?P<mon>{_MON})"
    rf"(?:,?\s+(?P<y>{_YEAR}))?\b")
def _day_month(m, anchor, text):
    return _month_day(m, anchor, text)


@_rule(
    _MONTH_WORDS,
    rf"\b(?:(?:the\s+)?{_MOD}(?:of\s+)?)?(?P<mon>{_MON}),?\s+(?:of\s+)?(?P<y>{_YEAR})"
    rf"{_NOT_YEAR_AFTER}")
def _month_year(m, anchor, text):
    return f"{int(m['y']):04d}-{_month_no(m['mon']):02d}"


# A preposition before a bare month decides its year ("since July", "until March") but
# is not part of the extent (TimeML); "last", "next", "early", "mid-" are (group x).
_BARE_MONTH = (rf"(?:(?P<prep>(?i:since|until|till|in|by|from|through|during|before|after|"
               rf"of|on|and))\s+)?(?P<x>(?:(?P<pre>(?i:last|next|this|early|late|mid))(?:\s+|-))?"
               rf"(?:(?i:early|late|mid)(?:\s+|-))?(?P<mon>{_MON_FULL}|May)\b)(?!\s+[0-9])")


@_rule(_MONTH_WORDS, r"\b(?:the\s+(?:middle|end|beginning|start)\s+of\s+)?" + _BARE_MONTH)
def _bare_month(m, anchor, text):
    pre = (m["pre"] or m["prep"] or "").lower()
    if m["mon"] == "May" and not pre:
        return None
    if anchor is None:
        return None
    month = _month_no(m["mon"])
    if pre == "this":
        return f"{anchor.year:04d}-{month:02d}"
    if pre == "last" and month == anchor.month:
        return f"{anchor.year - 1:04d}-{month:02d}"
    if pre == "next" and month == anchor.month:
        return f"{anchor.year + 1:04d}-{month:02d}"
    return f"{_year_for(anchor, month, 15, text, m.start(), m.end(), pre):04d}-{month:02d}"


@_rule(
    frozenset({"#4"}),
    rf"\b(?:(?:the\s+)?(?:(?:end|beginning|start|middle|first\s+half|second\s+half|"
    rf"spring|summer|fall|autumn|winter)\s+of|(?:early|late|mid)(?:\s+|-)|fiscal\s+|"
    rf"calendar\s+)\s*)?(?<![$.,])(?P<y>{_YEAR}){_NOT_YEAR_AFTER}(?!-[0-9])")
def _year(m, anchor, text):
    season = re.search(r"spring|summer|fall|autumn|winter", m.group(), re.I)
    if season:
        return f"{m['y']}-{_SEASONS[season.group().lower()]}"
    return m["y"]


@_rule(
    frozenset({"#2", "#4"}),
    r"\b(?:the\s+)?(?:(?:early|late|mid)(?:\s+|-))?(?P<dec>(?:1[6-9]|20)[0-9]0|'[0-9]0)'?s\b")
def _decade(m, anchor, text):
    dec = m["dec"]
    if dec.startswith("'"):
        century = 1900 if anchor is None or int(dec[1]) * 10 + 1900 <= anchor.year else 1800
        if anchor and int(dec[1:]) + 2000 <= anchor.year:
            century = 2000
        return str(century + int(dec[1:]))[:3]
    return dec[:3]


@_rule(
    frozenset(_WEEKDAYS),
    rf"\b(?:(?P<rel>last|next|this|past|coming|previous|following)\s+)?(?P<wd>{_WD})"
    rf"(?:{_TOD})?\b(?!,?\s+{_MON}\s+[0-9])")
def _weekday(m, anchor, text):
    if anchor is None:
        return None
    target = _WEEKDAYS[m["wd"].lower()]
    rel = (m["rel"] or "").lower()
    back = (anchor.weekday() - target) % 7  # days back to the most recent such day
    if rel in ("next", "coming", "following") or (not rel and _tense(text, m.start(), m.end()) > 0):
        fwd = (target - anchor.weekday()) % 7
        d = anchor + timedelta(days=fwd or (7 if rel else 0))
    elif rel in ("last", "past", "previous"):
        d = anchor - timedelta(days=back or 7)
    else:
        d = anchor - timedelta(days=back)
    return d.isoformat()


@_rule(
    frozenset({"today", "yesterday", "tomorrow", "tonight", "night"}),
    rf"\b(?:(?:early|late)\s+)?(?P<w>today|yesterday|tomorrow|tonight|last\s+night)(?:{_TOD})?\b",
    re.I)
def _deictic_day(m, anchor, text):
    if anchor is None:
        return None
    w = m["w"].lower()
    off = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}.get(w, -1)
    return (anchor + timedelta(days=off)).isoformat()


@_rule(
    frozenset({"morning", "afternoon", "evening"}),
    r"\bthis\s+(?:morning|afternoon|evening)\b", re.I)
def _this_tod(m, anchor, text):
    return anchor.isoformat() if anchor else None


@_rule(
    _UNIT_WORDS,
    rf"\b(?:(?P<mod>earlier|later|early|late|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of)"
    rf"(?:\s+|-))?(?P<rel>this\s+past|this|last|next|the\s+past|the\s+coming|the\s+previous|the\s+current|"
    rf"the\s+same|the\s+next|the\s+following|the\s+prior)\s+(?P<unit>week(?:end)?|month|year|"
    rf"quarter|decade|century|spring|summer|fall|autumn|winter)\b", re.I)
def _this_unit(m, anchor, text):
    if anchor is None:
        return None
    rel = m["rel"].lower().split()[-1]
    unit = m["unit"].lower()
    n = {"this": 0, "current": 0, "same": 0, "last": -1, "past": -1, "previous": -1,
         "prior": -1, "next": 1, "coming": 1, "following": 1}[rel]
    if rel == "past" and unit not in ("week", "month", "year", "weekend"):
        return None
    return _shift(anchor, unit, n)


def _shift(anchor: date, unit: str, n: int) -> str | None:
    if unit == "week":
        return _week(anchor + timedelta(weeks=n))
    if unit == "weekend":
        # the weekend ending the ISO week; "last weekend" read on a Monday is the one just past
        d = anchor + timedelta(weeks=n)
        if n < 0 and anchor.weekday() == 0:
            d = anchor - timedelta(days=1)
        return _week(d) + "-WE"
    if unit in ("month",):
        y, mo = _shift_month(anchor.year, anchor.month, n)
        return f"{y:04d}-{mo:02d}"
    if unit == "year":
        return f"{anchor.year + n:04d}"
    if unit == "quarter":
        q = anchor.year * 4 + _quarter(anchor) - 1 + n
        return f"{q // 4:04d}-Q{q % 4 + 1}"
    if unit == "decade":
        return str(anchor.year // 10 + n)
    if unit == "century":
        return f"{anchor.year // 100 + n:02d}"
    if unit in _SEASONS:
        # seasons by meteorological quarters; "last summer" is the most recent finished one
        code = _SEASONS[unit]
        start_month = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
        y = anchor.year
        if n < 0 and anchor.month < start_month + 3 and anchor.month != 12:
            y -= 1
        if n > 0 and anchor.month >= start_month:
            y += 1
        return f"{y:04d}-{code}"
    return None


@_rule(
    frozenset({"ago", "earlier", "before", "later", "now", "hence"}),
    rf"\b(?P<n>{_NUM})\s+(?P<unit>{_UNIT})\s+(?P<dir>ago|earlier|before|later|from\s+now|hence)\b",
    re.I)
def _ago(m, anchor, text):
    if m["dir"].lower() in ("later", "before"):
        # "a week later" counts from an event named in the text, not from publication
        return None
    direction = 1 if m["dir"].lower() in ("from now", "hence") else -1
    n = _num(m["n"])
    if n is None:  # "several years ago"
        return "FUTURE_REF" if direction > 0 else "PAST_REF"
    if anchor is None:
        return None
    unit = m["unit"].lower().rstrip("s")
    if unit == "centurie":
        unit = "century"
    if unit == "year" and n == 1 and direction < 0:
        # "a year earlier" in a report on a quarter is that quarter a year before
        return f"@Q-4|{anchor.year - 1:04d}"
    if unit == "day":
        return (anchor + timedelta(days=direction * n)).isoformat()
    return _shift(anchor, unit, direction * n)


@_rule(
    frozenset({"quarter"}),
    r"\b(?:the\s+)?(?:(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)|"
    r"(?P<rel>latest|last|past|previous|current|next|year-earlier|year-ago|prior-year|"
    r"comparable|same|recent))(?:\s+|-)(?:fiscal\s+|calendar\s+)?quarter"
    rf"(?:\s+of\s+(?:fiscal\s+)?(?P<y>{{YEAR}}))?\b".replace("{YEAR}", _YEAR), re.I)
def _quarter_rule(m, anchor, text):
    if m["ord"]:
        q = _ORDINALS[m["ord"].lower()]
        if m["y"]:
            return f"{m['y']}-Q{q}"
        if anchor is None:
            return None
        y = anchor.year
        # a quarter well past (not the one just reported on), in a clause about the
        # future, is next year's: "expected to close in the first quarter" read in November
        if q <= _quarter(anchor) - 2 and _tense(text, m.start(), m.end()) > 0:
            y += 1
        return f"{y:04d}-Q{q}"
    if anchor is None:
        return None
    rel = m["rel"].lower()
    cur = anchor.year * 4 + _quarter(anchor) - 1
    # financial news reports on the last completed quarter: "the latest quarter"
    k = {"current": cur, "next": cur + 1, "same": cur - 1, "comparable": cur - 5,
         "year-earlier": cur - 5, "year-ago": cur - 5, "prior-year": cur - 5}.get(rel, cur - 1)
    return f"{k // 4:04d}-Q{k % 4 + 1}"


@_rule(
    frozenset({"quarter"}),
    rf"\b(?P<y>{_YEAR})(?:'s)?\s+(?P<ord>first|second|third|fourth)(?:\s+|-)(?:fiscal\s+)?quarter\b",
    re.I)
def _year_quarter(m, anchor, text):
    return f"{m['y']}-Q{_ORDINALS[m['ord'].lower()]}"


@_rule(
    frozenset({"quarter"}),
    r"\b(?:(?P<rel>this|last|next)\s+year's|the\s+year's)\s+(?P<ord>first|second|third|fourth)"
    r"(?:\s+|-)quarter\b", re.I)
def _rel_year_quarter(m, anchor, text):
    if anchor is None:
        return None
    off = {"this": 0, "last": -1, "next": 1}.get((m["rel"] or "this").lower(), 0)
    return f"{anchor.year + off:04d}-Q{_ORDINALS[m['ord'].lower()]}"


@_rule(
    frozenset({"quarter"}),
    r"\b(?:(?P<ord>first|second|third|fourth)-quarter|(?P<the>the\s+)?quarter)\b", re.I)
def _bare_quarter(m, anchor, text):
    if anchor is None:
        return None
    if m["ord"]:
        return f"{anchor.year:04d}-Q{_ORDINALS[m['ord'].lower()]}"
    if not m["the"]:
        return None
    prev = _before_word(text, m.start())
    if prev in ("a", "per", "each", "every", "one"):
        return None
    # "the quarter": the one last named, else the last completed one (earnings reports)
    k = anchor.year * 4 + _quarter(anchor) - 2
    return f"@Q+0|{k // 4:04d}-Q{k % 4 + 1}"


def _before_word(text: str, pos: int) -> str:
    w = re.search(r"(\w+)\W*$", text[max(0, pos - 20):pos])
    return w.group(1).lower() if w else ""


@_rule(
    frozenset({"year"}),
    r"\b(?:year-(?:earlier|ago)|year\s+ago|year\s+earlier)\b(?!\s+(?:quarter|period))", re.I)
def _year_ago_adj(m, anchor, text):
    if anchor is None:
        return None
    # "year-earlier" qualifies a period: the quarter last reported on, a year before
    return f"@Q-4|{anchor.year - 1:04d}"


@_rule(
    frozenset({"year"}),
    r"\b(?:the\s+)?(?:(?:comparable|corresponding|same)\s+)?(?:(?:year-(?:earlier|ago)|prior-year|"
    r"year-before)\s+(?:period|quarter)|(?:period|quarter)\s+(?:a\s+year\s+(?:ago|earlier)|"
    r"last\s+year)|last\s+year's\s+(?:period|quarter))\b", re.I)
def _year_ago_period(m, anchor, text):
    return _year_ago_adj(m, anchor, text)


@_rule(
    frozenset({"period", "quarter"}),
    rf"\b(?:the\s+)?(?:fiscal\s+)?(?P<y>{_YEAR})\s+(?:period|quarter)\b", re.I)
def _year_period(m, anchor, text):
    # "the 1988 period": the quarter last reported on, in that year
    return f"@Y{m['y']}|{m['y']}"


@_rule(
    frozenset(_SEASONS),
    r"\b(?:(?P<rel>this|last|next|early|late)\s+)(?P<s>spring|summer|fall|autumn|winter)"
    rf"(?:\s+(?:of\s+)?(?P<y>{_YEAR}))?\b", re.I)
def _season(m, anchor, text):
    code = _SEASONS[m["s"].lower()]
    if m["y"]:
        return f"{m['y']}-{code}"
    if anchor is None:
        return None
    rel = m["rel"].lower()
    n = {"this": 0, "last": -1, "next": 1}.get(rel, 0)
    return _shift(anchor, m["s"].lower(), n)


@_rule(frozenset({"weekend"}), r"\b(?:the\s+)?weekend\b", re.I)
def _weekend(m, anchor, text):
    if anchor is None or not m.group().lower().startswith("the"):
        return None
    # "the weekend" in news is the one just past, or the coming one in a future clause
    if _tense(text, m.start(), m.end()) > 0:
        return _week(anchor) + "-WE"
    d = anchor - timedelta(days=(anchor.weekday() - 5) % 7)
    return _week(d) + "-WE"


_REFS = {
    "PRESENT_REF": r"now|currently|at\s+present|presently|nowadays|these\s+days|at\s+the\s+moment|"
                   r"the\s+present|current",
    "PAST_REF": r"recently|lately|the\s+past|recent\s+(?:years|months|weeks|days|times)|"
                r"past\s+years|once\s+upon\s+a\s+time",
    "FUTURE_REF": r"the\s+(?:near\s+|distant\s+)?future|someday|(?:the\s+)?coming\s+(?:years|months|"
                  r"weeks|days)|the\s+years\s+ahead|the\s+near\s+term|a\s+later\s+date|"
                  r"future\s+(?:years|quarters)",
}


_MONTH_REL_YEAR = rf"(?P<mon>{_MON_FULL}|May)\s+(?:of\s+)?(?P<rel>last|this|next)\s+year"


@_rule(_MONTH_WORDS, rf"\b(?:(?:early|late|mid)(?:\s+|-))?{_MONTH_REL_YEAR}\b", re.I)
def _month_rel_year(m, anchor, text):
    if anchor is None:
        return None
    off = {"last": -1, "this": 0, "next": 1}[m["rel"].lower()]
    return f"{anchor.year + off:04d}-{_month_no(m['mon']):02d}"


@_rule(
    frozenset({"half"}),
    rf"\b(?:the\s+)?(?P<h>first|second|last|latter)\s+half\s+of\s+(?:(?:fiscal|calendar)\s+)?"
    rf"(?:(?P<y>{_YEAR})|(?P<rel>this|last|next|the)\s+year)\b", re.I)
def _half(m, anchor, text):
    h = "H1" if m["h"].lower() == "first" else "H2"
    if m["y"]:
        return f"{m['y']}-{h}"
    if anchor is None:
        return None
    return f"{anchor.year + {'last': -1, 'next': 1}.get(m['rel'].lower(), 0):04d}-{h}"


@_rule(
    frozenset({"year", "end"}),
    r"\b(?:(?:for|in|during|through|throughout|of)\s+)?(?P<x>the\s+(?:(?:full|fiscal|current|"
    r"calendar|whole|entire)\s+)*year|(?:the\s+end\s+of\s+|around\s+)?(?:the\s+)?year[-\s]end|"
    r"year's\s+end|the\s+end\s+of\s+the\s+year)\b", re.I)
def _the_year(m, anchor, text):
    if not m.group().lower().startswith(("for", "in", "dur", "thr", "of")) and "end" not in m["x"]:
        return None  # "the year" needs a preposition: "the year he was born" is no date
    # "for the year", "the fiscal year", "year-end": the year being reported, i.e. the
    # publication year, in news; the preposition is not part of the extent (see _select)
    return f"{anchor.year:04d}" if anchor else None


@_rule(frozenset({"month"}), r"\b(?:the\s+)?end\s+of\s+the\s+month\b", re.I)
def _end_month(m, anchor, text):
    return f"{anchor.year:04d}-{anchor.month:02d}" if anchor else None


_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_ONES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9}
_SPELLED_YEAR = (r"(?:(?P<c>nineteen|eighteen|twenty)[\s-]+(?:(?P<t>twenty|thirty|forty|fifty|sixty|"
                 r"seventy|eighty|ninety)(?:[\s-]+(?P<o>one|two|three|four|five|six|seven|eight|nine))?"
                 r"|(?P<teen>ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
                 r"nineteen))|two\s+thousand(?:\s+and)?(?:[\s-]+(?P<o2>one|two|three|four|five|six|"
                 r"seven|eight|nine|ten|eleven|twelve))?)")


def _spelled_year(m) -> int:
    if m["c"]:
        century = {"eighteen": 1800, "nineteen": 1900, "twenty": 2000}[m["c"].lower()]
        if m["teen"]:
            return century + _TEENS[m["teen"].lower()]
        return century + _TENS[m["t"].lower()] + (_ONES[m["o"].lower()] if m["o"] else 0)
    o2 = (m["o2"] or "").lower()
    return 2000 + (_ONES.get(o2) or _TEENS.get(o2) or 0)


@_rule(
    frozenset({"eighteen", "nineteen", "twenty", "thousand"}),
    rf"\b(?:(?P<mon>{_MON_FULL}|May)\s+|(?:the\s+)?(?:year\s+)|(?:the\s+)?(?P<s>spring|summer|"
    rf"fall|autumn|winter)\s+of\s+)?{_SPELLED_YEAR}\b(?!\s+(?:dollars|people|percent))", re.I)
def _spelled(m, anchor, text):
    # spoken-news transcripts write years out: "January nineteen ninety-seven"
    if not (m["mon"] or m.group().lower().startswith(("the", "year", "in")) or m["s"]
            or re.search(r"\b(?:in|since|of|until|by)\s+$", text[max(0, m.start() - 8):m.start()])):
        return None
    y = _spelled_year(m)
    if m["mon"]:
        return f"{y:04d}-{_month_no(m['mon']):02d}"
    if m["s"]:
        return f"{y:04d}-{_SEASONS[m['s'].lower()]}"
    return f"{y:04d}"


@_rule(
    frozenset({"twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties",
               "nineties"}),
    r"\b(?:the\s+)?(?:(?:early|late|mid)(?:\s+|-))?(?P<d>twenties|thirties|forties|fifties|sixties|"
    r"seventies|eighties|nineties)\b", re.I)
def _decade_word(m, anchor, text):
    tens = _TENS[{"twenties": "twenty", "thirties": "thirty", "forties": "forty", "fifties": "fifty",
                  "sixties": "sixty", "seventies": "seventy", "eighties": "eighty",
                  "nineties": "ninety"}[m["d"].lower()]]
    if not m.group().lower().startswith(("the", "early", "late", "mid")):
        return None  # "in his forties" is an age
    return str(190 + tens // 10)


@_rule(frozenset({"#1", "#2"}), r"\b(?:the\s+)?(?P<n>[0-9]{1,2})(?:st|nd|rd|th)\s+century\b", re.I)
def _century(m, anchor, text):
    return f"{int(m['n']) - 1:02d}"


# "previously", "formerly", "soon" and a bare "recent" are left out: on TimeBank most of
# their occurrences are not annotated as times (16 of 18 "previously"), so they cost more
# precision than they add recall. "current" stays (8 of 15 annotated).
@_rule(
    frozenset({"now", "current", "currently", "present", "presently", "nowadays", "days", "moment",
               "recently", "lately", "past", "recent", "future", "someday", "coming", "ahead",
               "term", "later", "years", "once"}),
    r"\b(?:" + "|".join(f"(?P<{k}>{v})" for k, v in _REFS.items()) + r")\b", re.I)
def _ref(m, anchor, text):
    word = m.group().lower()
    if word == "current":
        # "current account", "electric current", "currents" are not times
        nxt = re.match(r"\s+(\w+)", text[m.end():m.end() + 20])
        if nxt and nxt.group(1).lower() in ("account", "accounts", "affairs", "events", "assets",
                                            "liabilities", "flows"):
            return None
        if _before_word(text, m.start()) in ("electric", "electrical", "ocean", "strong"):
            return None
    if word == "the past" and re.match(rf"\s+(?:{_NUM}\s+)?(?:{_UNIT}|quarters|summers|winters|"
                                       rf"springs|autumns|falls|seasons)\b", text[m.end():m.end() + 30], re.I):
        return None  # "the past several weeks" is a duration
    if word == "now" and re.match(r"\s*that\b", text[m.end():m.end() + 10]):
        return None
    return next(k for k, v in m.groupdict().items() if v)


@_rule(
    frozenset({"christmas", "new", "independence", "halloween", "valentine"}),
    r"\b(?:Christmas(?:\s+(?:Day|Eve))?|New\s+Year's\s+(?:Day|Eve)|Independence\s+Day|"
    rf"Halloween|Valentine's\s+Day)(?:\s+(?P<y>{_YEAR}))?\b")
def _holiday(m, anchor, text):
    g = m.group().lower()
    md = (12, 24) if "eve" in g and "christmas" in g else (12, 25) if "christmas" in g else \
        (12, 31) if "eve" in g else (1, 1) if "new year" in g else (7, 4) if "independence" in g \
        else (10, 31) if "halloween" in g else (2, 14)
    if m["y"]:
        return _valid(int(m["y"]), *md)
    if anchor is None:
        return None
    return _valid(_nearest_year(anchor, *md), *md)


# ---------------------------------------------------------------------------------------


def _parse_published(published: str | None) -> date | None:
    """The anchor date: ISO ("2018-09-28", "2018-09-28T14:05:00Z"), or any one full date
    the absolute rules read ("Sept. 28, 2018", "09/28/2018"); None stays None."""
    if published is None or not str(published).strip():
        return None
    if not isinstance(published, str):
        raise InputError(f"published must be a str or None, got {type(published).__name__}")
    try:
        return date.fromisoformat(published.strip()[:10])
    except ValueError:
        pass
    full = [c.value for c in _candidates(published, None)
            if c.value and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", c.value)]
    if len(set(full)) == 1:
        return date.fromisoformat(full[0])
    raise InputError(
        f"published must be a date such as '2018-09-28' (or None), got {published!r}")


# Trigger words (each rule's ``triggers``): a rule runs only in windows around a word it
# cannot match without. Python's re has no fast scan for patterns that open with optional
# prefixes: all rules over a whole text ran at about 0.3 MB/s; one plain word scan plus
# per-rule windows is several times faster (see benchmarks/dates.py).
_WORD = re.compile(r"[A-Za-z]+|[0-9]+")
_WINDOW = 50  # characters each side of a trigger word: longer than any expression


def _windows(hits: list[int], lo: int, hi: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pos in hits:
        s, e = max(lo, pos - _WINDOW), min(hi, pos + _WINDOW)
        if spans and s <= spans[-1][1]:
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return spans


def _candidates(text: str, anchor: date | None, lo: int = 0, hi: int | None = None) -> list[_Cand]:
    hi = len(text) if hi is None else hi
    # where each trigger word occurs (start offsets, in order)
    where: dict[str, list[int]] = {}
    for m in _WORD.finditer(text, lo, hi):
        w = m.group()
        key = f"#{min(len(w), 5)}" if w[0].isdigit() else w.lower()
        where.setdefault(key, []).append(m.start())
    out = []
    for i, rule in enumerate(_RULES):
        pattern = rule.pattern
        hits = sorted(p for w in rule.triggers for p in where.get(w, ()))
        seen: set[tuple[int, int]] = set()
        for ws, we in _windows(hits, lo, hi):
            # widen the window to whitespace so that no word is cut in two
            while ws > lo and not text[ws - 1].isspace():
                ws -= 1
            while we < hi and not text[we].isspace():
                we += 1
            for m in pattern.finditer(text, ws, we):
                # a rule may match context that is not part of the extent: group "x" is
                x = "x" if "x" in pattern.groupindex and m["x"] is not None else 0
                if (m.start(x), m.end(x)) in seen:
                    continue
                seen.add((m.start(x), m.end(x)))
                out.append(_Cand(m.start(x), m.end(x), rule.resolve(m, anchor, text), i))
    return out


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Longest first, then leftmost; a candidate overlapping a kept one is dropped.

    A longer span without a value (e.g. "May" read as a verb) must not hide a shorter
    valued one, so only valued candidates compete.
    """
    kept: list[_Cand] = []
    starts: list[int] = []  # kept spans never overlap, so they sort the same by start and end
    ends: list[int] = []
    for c in sorted((c for c in cands if c.value), key=lambda c: (-(c.end - c.start), c.start, c.rule)):
        i = bisect_left(starts, c.start)
        if (i < len(starts) and starts[i] < c.end) or (i > 0 and ends[i - 1] > c.start):
            continue
        starts.insert(i, c.start)
        ends.insert(i, c.end)
        kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def _same_text(doc, text: str) -> bool:
    """Whether ``doc`` is the Doc of ``text``, told by its first and last tokens and its
    length (``Doc.text`` would join every token: a cost per article)."""
    if not len(doc):
        return not text
    first, last = doc[0], doc[-1]
    return (last.idx + len(last.text_with_ws) == len(text) and text.startswith(first.text, first.idx)
            and text.startswith(last.text, last.idx))


def find_dates(text: str, published: str | None, doc=None) -> tuple[DateMention, ...]:
    """Return the time expressions of ``text`` with TimeML values, in text order.

    ``published`` is the article's ISO publication date (a datetime string is cut to its
    date); ``doc`` an optional spaCy ``Doc`` of the same text whose DATE entities add
    candidates that the rules normalise.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, got {type(text).__name__}")
    anchor = _parse_published(published)
    if not text.strip():
        return ()
    # 1. rule candidates over the whole text
    cands = _candidates(text, anchor)
    # 1b. spaCy DATE entities that no rule reached: run the rules inside the entity and
    # keep the entity's extent when exactly one rule span inside it carries a value
    if doc is not None and not _same_text(doc, text):
        raise ValueError("doc must be the spaCy Doc of this same text (doc.text != text)")
    if doc is not None:
        covered = [(c.start, c.end) for c in cands if c.value]
        for ent in doc.ents:
            if ent.label_ != "DATE":
                continue
            s, e = ent.start_char, ent.end_char
            if any(s < ce and cs < e for cs, ce in covered):
                continue
            inner = [c for c in _candidates(text, anchor, s, e) if c.value]
            if len(inner) == 1:
                cands.append(_Cand(s, e, inner[0].value, len(_RULES)))
    # 2. overlaps; 3. values were resolved in 1, except the anaphoric ones ("a year
    # earlier", "the quarter"), resolved here against the quarter last named in the text
    out = []
    last_quarter: str | None = None
    for c in _select(cands):
        value = c.value
        if value.startswith("@"):
            value = _anaphor(value, last_quarter)  # an anaphor is no new reference
        elif _QUARTER.fullmatch(value):
            last_quarter = value
        out.append(DateMention(text=text[c.start:c.end], value=value, start=c.start, end=c.end))
    return tuple(out)


_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])")


def _anaphor(value: str, last_quarter: str | None) -> str:
    """Resolve "@Q-4|fallback" (shift the last named quarter) or "@Y1988|fallback"."""
    how, fallback = value[1:].split("|")
    if last_quarter is None:
        return fallback
    year, q = map(int, _QUARTER.fullmatch(last_quarter).groups())
    if how.startswith("Y"):
        return f"{how[1:]}-Q{q}"
    k = year * 4 + q - 1 + int(how[1:])
    return f"{k // 4:04d}-Q{k % 4 + 1}"
