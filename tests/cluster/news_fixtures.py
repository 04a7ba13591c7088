"""Short real news texts for the clustering tests.

The Basra texts are sentences copied from the two seed articles (RFE/RL and The
Washington Post, 2018-09-28/29). The earthquake and other texts were written for
these tests from public facts of the events (2023 Turkey-Syria earthquake,
2015 Nepal earthquake, Mark Teixeira's 2008 signing with the Yankees).
"""

from storyscope.model import Article

BASRA_RFERL = Article(
    id="basra-rferl",
    title="US Closes Consulate In Iraq, Citing 'Threats' From Iran",
    published="2018-09-29",
    text=(
        "(RFE/RL) — The United States has announced it will close its consulate in Basra, citing what it "
        "said were threats from the Iranian government and Iran-backed militia in Iraq, which have launched "
        "rocket attacks on the facility. U.S. Secretary of State Mike Pompeo said in the announcement late on "
        "September 28 that he would hold Iran directly responsible for any attacks on Americans and U.S. "
        "diplomatic facilities in the neighboring country. The U.S. announcement followed recent rocket attacks "
        "that Pompeo said were directed at the consulate in Basra and the U.S. Embassy in Baghdad. The rockets "
        "did not do any damage to the facilities."
    ),
)

BASRA_WAPO = Article(
    id="basra-wapo",
    title="U.S. orders evacuation of diplomats from Iraqi city of Basra, citing threats from Iran",
    published="2018-09-28",
    text=(
        "Secretary of State Mike Pompeo ordered the evacuation of U.S. diplomats stationed at the U.S. "
        "Consulate in the Iraqi city of Basra on Friday, citing \u201cthreats to our personnel and facilities\u201d "
        "from Iran and its proxies. The closure of the consulate, one of three U.S. posts in the country, "
        "follows at least two rocket attacks apparently targeting the U.S. Embassy in Baghdad and the mission "
        "in Basra this month. While the rockets landed harmlessly, away from the facilities, they underscored "
        "heightening tensions between Washington and Tehran as Iraq tries to form a new government."
    ),
)

TURKEY_A = Article(
    id="quake-turkey-a",
    title="Magnitude 7.8 earthquake kills thousands in Turkey and Syria",
    published="2023-02-06",
    text=(
        "A magnitude 7.8 earthquake struck southern Turkey and northern Syria early on Monday, toppling "
        "thousands of buildings in Gaziantep, Kahramanmaras and Hatay and killing more than 2,300 people. "
        "The quake hit at 4:17 a.m. near the city of Gaziantep, the U.S. Geological Survey said. President "
        "Tayyip Erdogan called it the country's worst disaster since 1939. In Syria, deaths were reported in "
        "Aleppo, Hama and Idlib. A second quake of magnitude 7.5 struck the Elbistan district hours later."
    ),
)

TURKEY_B = Article(
    id="quake-turkey-b",
    title="Rescuers dig through rubble as Turkey-Syria quake toll climbs",
    published="2023-02-06",
    text=(
        "Rescuers in Turkey and Syria dug through rubble in freezing rain on Monday after a 7.8-magnitude "
        "earthquake centred near Gaziantep flattened apartment blocks across the border region. Turkish "
        "officials said at least 1,500 people died in Turkey, in Kahramanmaras, Hatay and Malatya among other "
        "provinces, while hundreds more were killed in Aleppo and Idlib in Syria. Erdogan declared seven days "
        "of national mourning. A powerful aftershock of magnitude 7.5 hit Elbistan in the afternoon."
    ),
)

NEPAL_A = Article(
    id="quake-nepal-a",
    title="Magnitude 7.8 earthquake kills more than 1,800 in Nepal",
    published="2015-04-25",
    text=(
        "A magnitude 7.8 earthquake shook Nepal on Saturday, killing more than 1,800 people and flattening "
        "buildings in Kathmandu, including the historic Dharahara tower. The epicentre was near Lamjung, about "
        "80 kilometres northwest of the capital, the U.S. Geological Survey said. Avalanches triggered by the "
        "quake swept through Everest base camp, killing at least 17 climbers. Tremors were felt in India, "
        "Tibet and Bangladesh. Prime Minister Sushil Koirala appealed for international help."
    ),
)

NEPAL_B = Article(
    id="quake-nepal-b",
    title="Nepal searches for survivors after worst quake in 80 years",
    published="2015-04-26",
    text=(
        "Rescue teams in Kathmandu searched collapsed homes and temples on Sunday after Saturday's "
        "7.8-magnitude earthquake, the worst to hit Nepal in more than 80 years. Police said the death toll "
        "passed 2,200. Many of the dead were in the Kathmandu valley, where temples in Durbar Square and the "
        "Dharahara tower collapsed. On Mount Everest, an avalanche set off by the quake buried part of base "
        "camp. India sent aircraft with relief supplies and rescue teams."
    ),
)

# A wire copy of NEPAL_A as a second outlet ran it: other headline, dateline added,
# last sentence cut.
NEPAL_A_COPY = Article(
    id="quake-nepal-a-copy",
    title="Nepal earthquake: death toll passes 1,800",
    published="2015-04-25",
    text=(
        "KATHMANDU, Nepal (AP) — A magnitude 7.8 earthquake shook Nepal on Saturday, killing more than 1,800 "
        "people and flattening buildings in Kathmandu, including the historic Dharahara tower. The epicentre "
        "was near Lamjung, about 80 kilometres northwest of the capital, the U.S. Geological Survey said. "
        "Avalanches triggered by the quake swept through Everest base camp, killing at least 17 climbers. "
        "Tremors were felt in India, Tibet and Bangladesh."
    ),
)

TEIXEIRA = Article(
    id="teixeira-yankees",
    title="Yankees land Mark Teixeira with eight-year deal",
    published="2008-12-23",
    text=(
        "The New York Yankees agreed to an eight-year, $180 million contract with free agent first baseman "
        "Mark Teixeira on Tuesday, beating out the Boston Red Sox, the Washington Nationals and the Baltimore "
        "Orioles. The deal follows the Yankees' signings of pitchers CC Sabathia and A.J. Burnett this month. "
        "Teixeira, 28, hit .308 with 33 home runs last season for the Atlanta Braves and the Los Angeles Angels."
    ),
)

SULAWESI = Article(
    id="quake-sulawesi",
    title="Tsunami hits Indonesian city of Palu after 7.5 quake",
    published="2018-09-29",
    text=(
        "A 7.5-magnitude earthquake struck central Sulawesi on Friday evening and sent a tsunami up to six "
        "metres high into the city of Palu, Indonesia's disaster agency said on Saturday. At least 384 people "
        "were killed in Palu, many of them swept away while preparing for a beach festival. Communications "
        "with Donggala, closer to the epicentre, were cut. President Joko Widodo ordered the military to help "
        "with the search and rescue effort."
    ),
)

# A follow-up on the Turkey-Syria earthquake a month later (written for these
# tests from public facts: AFAD's death toll above 45,000 in early March 2023,
# about 6,000 dead in Syria, the promise to rebuild within a year, arrests of
# building contractors): the same event, but its story has been quiet for weeks.
TURKEY_MONTH_LATER = Article(
    id="quake-turkey-month-later",
    title="A month after the Turkey-Syria earthquake, survivors wait for homes",
    published="2023-03-06",
    text=(
        "A month after the magnitude 7.8 earthquake of February 6 devastated southern Turkey and northern "
        "Syria, hundreds of thousands of survivors in Kahramanmaras, Hatay and Gaziantep are still living in "
        "tents and shipping containers. Turkey's disaster agency AFAD said the death toll in Turkey had risen "
        "above 45,000, while more than 6,000 people died in Syria, most of them in Aleppo and Idlib. "
        "President Tayyip Erdogan has promised to rebuild the destroyed homes within a year, and prosecutors "
        "have detained scores of building contractors over apartment blocks that collapsed in Malatya, "
        "Adiyaman and Hatay."
    ),
)

# A third report on the 2015 Nepal earthquake (written for these tests from public
# facts: the toll passed 4,000 on 27 April, aid flights into Kathmandu's airport,
# climbers lifted off Everest by helicopter).
NEPAL_C = Article(
    id="quake-nepal-c",
    title="Nepal quake toll passes 4,000 as aid flights arrive",
    published="2015-04-27",
    text=(
        "The death toll from Saturday's magnitude 7.8 earthquake in Nepal rose above 4,000 on Monday, "
        "officials said, as aid flights from India, China and Pakistan landed at Kathmandu's Tribhuvan "
        "airport. Thousands of families spent a third night in tents and open fields in the Kathmandu "
        "valley, afraid of aftershocks. Helicopters lifted climbers stranded above Everest base camp, "
        "where the avalanche set off by the quake killed at least 18 people."
    ),
)

# every text above, in the arrival order the stream tests replay
EVERY_ARTICLE = [SULAWESI, TURKEY_A, NEPAL_A, BASRA_RFERL, TEIXEIRA, TURKEY_B, NEPAL_B, BASRA_WAPO, NEPAL_A_COPY,
                 NEPAL_C, TURKEY_MONTH_LATER]


def weighed_vectors(articles):
    """The articles' (term ids, weights) as the stream weighs a story's members: each added
    to one fresh clusterer first, so the term statistics know them all."""
    from storyscope.cluster import StreamClusterer
    from storyscope.features import compute

    c = StreamClusterer()
    feats = [compute(a) for a in articles]
    for i, f in enumerate(feats):
        c.add(f"a{i}", f)
    return [c.stats.arrays(f) for f in feats]
