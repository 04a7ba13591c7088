"""Common English given names by the gender they are usually given to.

General language, not read off any article: frequent US given names of the last eighty
years and their usual short forms. Names given to both (Chris, Jordan, Lindsey, Dana,
Kelly, Taylor ...) are left out. Used only where the article itself says nothing: a
courtesy title ("Ms. Park") or the article's own he/she outweighs the name."""

from __future__ import annotations

MALE = frozenset(
    """aaron adam alan albert alexander andrew andy anthony arthur austin ben benjamin
    bernard bill billy bob bobby brandon brian bruce bryan carl carlos charles charlie
    christopher craig dan daniel dave david dennis don donald doug douglas dylan ed eddie
    edward eric ethan eugene frank fred gabriel gary george gerald glenn greg gregory
    harold harry henry howard hugh ian jack jacob james jason jeff jeffrey jeremy jerry
    jesse jim jimmy joe john johnny jonathan jorge jose joseph joshua juan keith ken
    kenneth kevin kyle larry lawrence leon louis luis mark martin matt matthew michael
    miguel mike nathan neil nicholas nick noah patrick paul pete peter philip ralph randy
    ray raymond richard rick rob robert rod roger ron ronald roy russell ryan sam samuel
    scott sean stephen steve steven ted terry thomas tim timothy todd tom tommy tony
    tyler victor vincent walter wayne william willie zachary""".split()
)
FEMALE = frozenset(
    """abigail alice amanda amber amy andrea angela ann anna anne ashley barbara beth
    betty beverly brenda brittany carol carolyn catherine charlotte cheryl christina
    christine claire cynthia danielle debbie deborah debra denise diana diane donna
    doris dorothy elaine elizabeth ellen emily emma evelyn frances gloria grace hannah
    heather helen hilary hillary isabella jacqueline jane janet janice jean jennifer
    jessica jill joan joyce judith judy julia julie karen kate katherine kathleen
    kathryn katie kimberly laura lauren linda lisa liz margaret maria marie marilyn
    martha mary megan melissa michelle molly nancy natalie nicole nora olivia pamela
    patricia paula peggy rachel rebecca rose ruth sally samantha sandra sara sarah
    sharon shirley sophia stephanie sue susan teresa theresa tina victoria virginia
    wendy""".split()
)


def name_gender(name: str) -> str | None:
    """'m' or 'f' for a full name whose first word is a common given name, else None."""
    words = name.split()
    if len(words) < 2:
        return None
    first = words[0].lower().strip(".,")
    if first in MALE:
        return "m"
    if first in FEMALE:
        return "f"
    return None
