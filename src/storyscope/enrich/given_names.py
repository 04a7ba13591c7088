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


# Added in issue 13's sixth pass (the same kind of names: frequent given names and the
# short forms news writes, "Phil", "Russ", "Becky"; names of one public figure each were
# left out: a list of given names is general language, not the people of the tuning
# data), kept apart so that the PolNeAR scorer keeps the list its referent guess was
# read by hand with (``more=False``).
MORE_MALE = frozenset(
    """abraham adrian alec alex alfred allen alvin andre angelo antonio armando arnold
    barry benny bernie bert blake brad bradley brendan brent brett calvin carter cecil
    cedric chad chester chuck clarence clark claude clay clayton clifford clint cody
    colin connor conor corey curtis dale damon darrell darren darryl dean derek derrick
    devin dominic donnie drew duane dustin earl edgar edwin eli elijah elliot elliott
    emmanuel enrique ernest ernie evan everett felix fernando floyd francis francisco
    franklin freddie garrett gavin gene geoffrey geraldo gilbert gordon graham grant
    hank harvey hector herbert herman homer horace isaac ivan jake jared javier jay
    jeffery jerome joel joey jon jonah josh julian julio justin karl kurt lance leonard
    leroy lester lewis lloyd lonnie lorenzo lucas luke lyle malcolm manuel marc marco
    marcus mario marvin maurice max melvin micah mitch mitchell mohammad mohammed
    muhammad nathaniel ned norman oliver omar oscar otis owen pablo pedro percy
    perry phil phillip preston quentin rafael ramon randall randolph raul reginald
    rex ricardo rich richie ricky robbie roberto rodney rodrigo roland ronnie
    ross rudolph rudy rufus rupert russ salvador saul sergio seth shane shawn sheldon
    sherman simon spencer stanley stuart terrence theodore tobias toby travis trevor
    troy tyrone vernon vin vince wade wallace warren wesley wilbur willard winston
    xavier zach zack""".split()
)
MORE_FEMALE = frozenset(
    """adriana agnes aileen alexandra alicia alison allison alma alyssa ana angelina angie
    anita annie antoinette april arlene audrey becky belinda bernadette bethany betsy
    bonnie brandi bridget brooke camille candace cara carla carly carmen caroline carrie
    cassandra cathy cecile cecilia celeste chelsea christy cindy clara claudia colleen
    connie constance courtney crystal daisy darlene dawn deanna deirdre
    delores dianne dolores eileen eleanor elena elisa eliza ella eloise elsa erica erin
    esther eva felicia fiona florence gail georgia geraldine gina gretchen gwen harriet
    heidi hilda holly ida irene iris isabel jackie janelle janine jasmine
    jeanette jeanne jenna jenny joanna joanne jocelyn josephine juanita julianne june
    kara karla kathy katrina katy kay kayla kimberley kirsten krista kristen
    kristin kristina kylie laurie leah lena lillian lily lois loretta lorraine louise
    lucia lucille lucy lydia mabel madeleine madeline mae marcia margarita marian
    marianne marjorie marlene marsha maureen maxine maya meghan melanie melinda
    meredith mia michele mildred miranda misty monica muriel myra nadia naomi natasha
    nikki nina noelle norma paige patsy paulette pearl penny phyllis priscilla ramona
    regina renee rhonda rita roberta rosa rosemary roxanne ruby sabrina selena sheila
    sherry silvia sonia sonya stacey stacy stella sylvia tammy tanya tara terri tiffany
    tonya valerie vanessa vera veronica vicki vickie viola violet vivian yolanda yvonne
    zoe""".split()
)


def given_name_gender(word: str, more: bool = True) -> str | None:
    """'m' or 'f' when ``word`` is a common given name, else None."""
    first = word.lower().strip(".,")
    if first in MALE or more and first in MORE_MALE:
        return "m"
    if first in FEMALE or more and first in MORE_FEMALE:
        return "f"
    return None


def name_gender(name: str, more: bool = True) -> str | None:
    """'m' or 'f' for a full name whose first word is a common given name, else None.
    ``more=False``: the first list only (the benchmark scorer's)."""
    words = name.split()
    return given_name_gender(words[0], more) if len(words) >= 2 else None
