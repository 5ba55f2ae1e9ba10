"""Generate newsdesk's bundled demo corpus from one source of truth (this file).

Everything here is invented: the country of Estmark and its neighbour Valdoria, the
towns, people, outlets, the wire service "Beacon Press Agency" (BPA) and the
aggregators. Three multi-day events (a port strike, a river flood, a trade summit) and
two unrelated stories are written once as clean paragraphs, then published by several
outlets in every input format newsdesk reads, with the page chrome real scrapes carry.
The same data yields ``EXPECTED.json``: what a correct run gives (titles, bodies,
duplicate groups, story groups, quotes with speakers, dates).

    .venv/bin/python scripts/make_demo_corpus.py            # (re)write src/newsdesk/demo/corpus
    .venv/bin/python scripts/make_demo_corpus.py --out DIR  # somewhere else

Output is deterministic: gzip and WARC headers carry fixed times and ids.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from html import escape
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

TZ = timezone(timedelta(hours=2))  # Estmark summer time
CRAWLED_AT = datetime(2026, 10, 12, 9, 0, tzinfo=UTC)  # when the whole corpus was collected
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "newsdesk" / "demo" / "corpus"


def T(day: int, hour: int, minute: int = 0) -> datetime:
    """A local (UTC+2) time in October 2026."""
    return datetime(2026, 10, day, hour, minute, tzinfo=TZ)


def paras(s: str) -> list[str]:
    """Paragraphs of a triple-quoted block: blank-line separated, inner newlines joined."""
    return [" ".join(p.split()) for p in s.strip().split("\n\n")]


# --------------------------------------------------------------------------------------------
# Outlets
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outlet:
    name: str
    domain: str
    kind: str = "outlet"  # outlet | aggregator | agency
    nav: tuple[str, ...] = ("News", "Business", "Sport", "Culture", "Opinion")
    handle: str = ""


OUTLETS: dict[str, Outlet] = {
    "herald": Outlet("Veskar Herald", "veskarherald.example", handle="veskarherald"),
    "northline": Outlet(
        "Northline Post", "northlinepost.example", nav=("Estmark", "World", "Money", "Climate")
    ),
    "gazette": Outlet(
        "Orla Valley Gazette", "orlavalleygazette.example", nav=("Local", "Valley", "Sport")
    ),
    "ledger": Outlet(
        "Meridian Ledger", "meridianledger.example", nav=("Markets", "Trade", "Companies", "Energy")
    ),
    "chronicle": Outlet("Coastal Chronicle", "coastalchronicle.example"),
    "radio": Outlet("Radio Estmark", "radioestmark.example", nav=("News", "Listen", "Weather")),
    "compass": Outlet("Daily Compass", "dailycompass.example"),
    "newsnest": Outlet("NewsNest", "newsnest.example", kind="aggregator"),
    "hub": Outlet("Headline Hub", "headlinehub.example", kind="aggregator"),
    "bpa": Outlet("Beacon Press Agency", "beaconpress.example", kind="agency"),
}
AGENCY = "BPA"

# --------------------------------------------------------------------------------------------
# The articles, written once. ``{word}`` marks an in-text link (Markdown ``[word](#)``,
# an ``<a>`` in HTML, plain word elsewhere). A paragraph starting with ``## `` is a heading
# inside the body.
# --------------------------------------------------------------------------------------------


@dataclass
class Body:
    key: str
    event: str  # strike | flood | summit | library | weather
    title: str
    text: list[str]
    authors: list[str] = field(default_factory=list)
    wire: bool = False
    subtitle: str | None = None
    caption: tuple[str, str] | None = None  # (caption, photo credit)
    related: str | None = None  # a teaser headline shown in the page chrome
    embed: tuple[str, str, str] | None = None  # (post text, "Name (@handle)", date line)


BODIES: dict[str, Body] = {}


def body(key: str, event: str, title: str, text: str, **kw: Any) -> None:
    BODIES[key] = Body(key, event, title, paras(text), **kw)


# ---- Event 1: the Port Veskar strike (Mon 5 Oct - Sun 11 Oct) -------------------------------

body(
    "strike-begins",
    "strike",
    "Dockworkers walk out at Port Veskar over automation plan",
    """
PORT VESKAR (BPA) — Hundreds of dockworkers walked off the job at Port Veskar on Monday,
halting cargo operations at Estmark's busiest container terminal in a dispute over plans to
automate cranes and cut night shifts.

The Veskar Dockworkers' Union said about 1,400 members had joined the strike, which began at
6 a.m. and would last until the port operator, Halden Terminals, withdrew the plan.

"We did not choose this fight. Halden chose it when they decided that machines matter more
than the people who have kept this port running for forty years," union chair Marta Ilves
told reporters at the main gate.

Halden Terminals said the automation programme was needed to keep the port competitive and
that no permanent staff would lose their jobs before 2029.

"The door to talks remains open, and we regret that the union has chosen disruption over
dialogue," company spokesperson Pieter Aalto said in a statement.

At least 11 container ships were waiting at anchor outside the harbour by Monday afternoon,
according to the harbour master's office.

Transport Minister Elena Sorvik {said} the government was following the dispute closely but
would not intervene "at this stage."

Port Veskar handles roughly a third of Estmark's container traffic, and business groups
warned last week that a long stoppage could leave shops short of imported goods within days.

The union last staged a full strike at the port in 2019, when a walkout over pensions lasted
nine days.
""",
    wire=True,
    caption=("Strikers gather at the main gate of Port Veskar.", "Beacon Press Agency / Lars Ode"),
    related="Halden Terminals posts record profit as container volumes climb",
)

body(
    "strike-day2",
    "strike",
    "Ships queue off Port Veskar as strike enters second day",
    """
The line of ships waiting outside Port Veskar grew to 19 on Tuesday as the dockworkers'
strike entered its second day, with no talks scheduled between the union and the port
operator.

From the coastal path above the harbour, the vessels could be seen stretched out towards the
lighthouse at Grey Point, some of them carrying fresh produce that importers said would not
last the week.

"Every hour a reefer sits out there, the fruit inside gets closer to the bin," said Oskar
Dahl, president of the Veskar Chamber of Commerce. "We are asking both sides to sit down
today, not next week."

At the main gate, around 200 strikers kept a picket through the night, warming their hands
over braziers.

Ari Tammsaar, a crane operator who has worked at the port for 23 years, said he had voted for
the strike reluctantly. 'I have a mortgage and two kids. Nobody here wants to be standing in
the rain,' he said. 'But if we let them automate the night shift, the day shift is next.'

Halden Terminals chief executive Johan Brekke wrote on X late on Monday that the company was
"ready to meet anytime, anywhere," but that the automation programme itself was "not up for
negotiation."

Union chair Marta Ilves dismissed the post. "If the main point is off the table, what exactly
are we meeting about?" she said.

The strike is the first at the port since 2019.
""",
    authors=["Nora Vaskel"],
    caption=("Container ships at anchor off Grey Point on Tuesday morning.", "Herald/Tomas Rii"),
    related="Council approves harbour ferry expansion after two-year wait",
)

body(
    "strike-minister",
    "strike",
    "Sorvik steps in as port strike empties supermarket shelves",
    """
Transport Minister Elena Sorvik on Wednesday invited the Veskar Dockworkers' Union and Halden
Terminals to talks at her ministry, as the three-day-old strike at Port Veskar began to leave
gaps on supermarket shelves across the north.

Sorvik, who said Monday that the government would not get involved "at this stage," told
the Northline Post that the economic cost had become "too high to watch from the sidelines."

"I have asked both parties to come to the ministry on Thursday morning with a mandate to
reach an agreement. Not to posture, not to exchange statements, but to agree," the minister
said.

Two of the country's largest grocery chains reported shortages of bananas, citrus fruit and
some frozen goods, and one said it had begun rationing imported coffee at its stores in Port
Veskar.

The union accepted the invitation within hours. Marta Ilves, its chair, said the union would
attend "in good faith" but would not call off the strike before a deal was signed.

Halden Terminals said it would send its chief executive, Johan Brekke.

Economists at Northbank estimated last month that the port handles goods worth about 120
million crowns a day.
""",
    authors=["Jonas Petrell"],
    caption=("Empty fruit shelves at a supermarket in Port Veskar.", "Northline Post/Ada Krum"),
    related="Why Estmark's ports are racing to automate",
)

body(
    "strike-talks-called",
    "strike",
    "Minister calls both sides to talks on Thursday",
    """
Transport Minister Elena Sorvik has summoned the dockworkers' union and Halden Terminals to
talks on Thursday to end the strike at Port Veskar.

Speaking to Radio Estmark on Wednesday evening, Sorvik said she expected both sides to "leave
the slogans at the door."

The strike, now in its third day, has closed the country's busiest container port.

The union said it would attend, but its chair, Marta Ilves, warned that the walkout would go
on until an agreement was signed.
""",
    authors=["Petra Salo"],
)

body(
    "strike-cost",
    "strike",
    "Port strike costs exporters 40 million crowns a day, chamber says",
    """
Estmark's exporters are losing about 40 million crowns a day in delayed and cancelled
shipments because of the strike at Port Veskar, the Veskar Chamber of Commerce said on
Thursday.

The estimate, based on a survey of 260 member companies, is the first attempt to put a figure
on the stoppage, now in its fourth day.

Timber and paper producers were among the worst affected, the chamber said, because they have
few alternatives to the port's deep-water berths.

"Some of our members can move goods by road to the southern ports, but that takes days and
costs three times as much," chamber president Oskar Dahl said. "For the mills, there is simply
no plan B."

Shares in Halden Terminals' parent company, Halden Group, fell 3.2% in Caldera Bay trading on
Wednesday.

Talks between the union and the company were due to begin at the Transport Ministry at 9 a.m.
on Thursday.
""",
    authors=["Sofia Lind"],
    caption=("Timber stacked at the Veskar paper mill.", "Meridian Ledger"),
    related="Halden Group cuts profit forecast",
)

body(
    "strike-fish-market",
    "strike",
    "Fish sellers feel the pinch as Veskar stays shut",
    """
At the covered market on Pier Road, Lena Moor has sold smoked fish for 31 years. This week,
for the first time, she has had nothing to sell on a Thursday.

Her supplier's catch is landed at the fish quay inside Port Veskar, which has been closed to
commercial traffic since the dockworkers' strike began on Monday.

"The boats come in, but nobody can unload them. So the fish goes to the south coast, and my
customers go home with nothing," Moor said.

She is not alone. Of the market's 40 stalls, 12 were shuttered on Thursday morning, according
to the market association.

Stallholders said they supported the dockworkers' cause but hoped for a quick deal. "They are
our neighbours. My son-in-law works the cranes," said Moor. "I just want it over."

Talks between the union and Halden Terminals began at the Transport Ministry on Thursday.
""",
    authors=["Mikael Strand"],
    subtitle="Stallholders at the Pier Road market say the strike has left them with empty counters.",
    caption=("Closed stalls at the Pier Road market on Thursday", "Coastal Chronicle"),
    related="Smoked fish makers win protected status",
)

body(
    "strike-talks-late",
    "strike",
    "Talks run late as union weighs Halden offer",
    """
Negotiators for the Veskar Dockworkers' Union, led by chair Marta Ilves, were still at the
Transport Ministry late on Friday, considering a revised offer from Halden Terminals that would guarantee jobs for all
permanent staff until 2032.

The offer, first reported by the Herald on Thursday, would also slow the introduction of
automated cranes so that the night shift would not be affected before 2030.

"There is movement. I would not call it a deal yet," Ilves said during a break shortly after
8 p.m. "We will take it to our members if, and only if, the guarantees are in writing."

The mediator appointed by the ministry, Ruth Ekholm, asked reporters to "give the room some
quiet."

Halden's chief executive, Johan Brekke, left the building without comment.

Earlier on Friday, Transport Minister Elena Sorvik said she was "cautiously hopeful" that the
strike could end by the weekend.
""",
    authors=["Nora Vaskel"],
    caption=("Union negotiators arrive at the Transport Ministry.", "Herald/Tomas Rii"),
    related="Live: Port Veskar strike, day five",
)

body(
    "strike-ends",
    "strike",
    "Port Veskar strike ends after deal on jobs guarantee",
    """
PORT VESKAR (BPA) — Dockworkers at Port Veskar will return to work on Sunday after their union
reached a deal with the port operator, ending a six-day strike that halted most of Estmark's
container trade.

The agreement, reached after nearly 40 hours of talks at the Transport Ministry, guarantees
jobs for all permanent staff until 2032 and delays the automation of night shifts until at
least 2030.

"This is not everything we asked for, but it is a great deal more than we were offered on
Monday," union chair Marta Ilves said early on Saturday. "Our members will decide, but I will
recommend it."

Union members are due to vote on the deal next week. Ilves said the strike would be suspended
in the meantime.

Halden Terminals chief executive Johan Brekke called the agreement "a fair outcome that
protects both jobs and the future of the port."

More than 30 ships were waiting to enter the port, and the harbour master's office said it
could take a week to clear the backlog.

Transport Minister Elena Sorvik thanked both sides and the mediator, Ruth Ekholm. "Nobody won
this week. But today, nobody lost either," she told reporters.
""",
    wire=True,
    caption=("Marta Ilves speaks to reporters after the talks.", "Beacon Press Agency / Lars Ode"),
    related="Estmark's ports: a decade of disputes",
)

body(
    "strike-reopens",
    "strike",
    "Port Veskar reopens as first ships dock",
    """
The first container ship in a week docked at Port Veskar on Sunday morning as dockworkers
returned to work after the strike.

Cranes began moving shortly after 6 a.m., and the harbour master's office said eight vessels
would be unloaded by the end of the day.

Crane operator Ari Tammsaar said the mood among workers was relieved rather than triumphant.
"We got the guarantee. Now we have to see if they keep it," he told Radio Estmark.

The union's members will vote on the agreement on Wednesday.
""",
    authors=["Petra Salo"],
)

# ---- Event 2: the Orla valley flood (Wed 7 Oct - Sun 11 Oct) -------------------------------

body(
    "flood-banks",
    "flood",
    "Orla bursts its banks in Kessbridge after three days of rain",
    """
The River Orla burst its banks in Kessbridge early on Wednesday, flooding the old town and
forcing the closure of both road bridges after three days of almost continuous rain.

Water stood knee-deep on Market Street by 7 a.m., and firefighters used boats to reach
residents in the low-lying Millbank district.

"I have lived here all my life and I have never seen the water come up this fast," {said}
Greta Holm, who runs a café near the old bridge. "At midnight it was in the car park. At two
it was in my kitchen."

Kessbridge Mayor Tobias Renn said the town's emergency plan had been activated overnight and
that a school gymnasium on Hill Street had been opened as a shelter.

"Please stay away from the riverbanks and do not try to drive through flood water," Renn
{wrote} on X. "We will get through this together."

The Meteorological Institute said another 40 millimetres of rain could fall on the upper
valley by Thursday evening.

The river last flooded the town centre in 2011.
""",
    authors=["Hanna Berglund"],
    caption=("Flood water on Market Street in Kessbridge.", "Orla Valley Gazette / Per Aslund"),
    related="Kessbridge flood wall: the plan that never left the drawer",
)

body(
    "flood-evacuated",
    "flood",
    "Hundreds evacuated as floods hit Estmark's Orla valley",
    """
KESSBRIDGE (BPA) — Hundreds of people were evacuated from their homes in Estmark's Orla valley
on Wednesday after the river burst its banks following days of heavy rain, officials said.

The Orla Valley Civil Protection Agency said about 600 residents of Kessbridge and the nearby
village of Lower Amsel had been moved to emergency shelters, and that rescue crews had lifted
14 people from rooftops by boat.

No deaths have been reported, but two people were taken to hospital with hypothermia.

"The next 24 hours are critical. The ground is saturated, and every millimetre of rain now
goes straight into the river," agency director Ines Kaldor told reporters in Kessbridge.

She said the river had peaked at 4.8 metres above its normal level, higher than during the
floods of 2011.

Rail services between Kessbridge and the regional capital, Aldersund, were suspended, and the
main east-west motorway was closed near the town.

Environment Minister Kristof Maelar, who visited the area on Wednesday afternoon, promised
emergency funds for affected households. "No family in this valley will be left to carry this
alone," he said.

Forecasters expect the rain to ease by Friday.
""",
    wire=True,
    caption=("Rescue crews use a boat in Kessbridge's Millbank district.", "BPA/Lars Ode"),
    related="In pictures: the Orla valley under water",
)

body(
    "flood-return",
    "flood",
    "Kessbridge residents return to ruined homes as water recedes",
    """
As the River Orla fell back below its banks on Friday, residents of Kessbridge's Millbank
district returned to find homes filled with mud, ruined furniture and the smell of heating
oil.

## A street of carpets

Along Tanner's Row, families carried sodden carpets and mattresses into the street, where
council lorries collected them by the afternoon.

“You think you know what to expect, and then you open the door,” said Jakob Lund, a retired
teacher whose ground floor had been under more than a metre of water. “The photographs on the
wall are gone. Forty years of them.”

Greta Holm, whose café by the old bridge flooded on Wednesday, said she hoped to reopen
before Christmas but had not yet heard from her insurer.

“I will open again. I don’t know when, and I don’t know with what money, but I will open
again,” she said.

## Aid request

Mayor Tobias Renn said the council would waive waste collection fees for flooded households
and had asked the government for 15 million crowns in emergency aid.

The Orla Valley Civil Protection Agency lifted its evacuation order for Lower Amsel on Friday
afternoon but said Millbank residents should not sleep in their homes until electricians had
checked them.
""",
    authors=["Hanna Berglund"],
    caption=("Carpets piled on Tanner's Row", "Orla Valley Gazette / Per Aslund"),
)

body(
    "flood-downstream",
    "flood",
    "Rain eases but Orla still rising downstream",
    """
The rain over the Orla valley eased on Thursday, but the river was still rising in towns
downstream of Kessbridge, the Orla Valley Civil Protection Agency said.

The agency's director, Ines Kaldor, told Radio Estmark that the crest was expected to pass
Aldersund overnight. "We have sandbags on the quays and crews on standby. We think the defences
there will hold," she said.

In Kessbridge, where the river peaked on Wednesday, the water had fallen by about 40
centimetres by midday.

Forecaster Paul Varga of the Meteorological Institute said drier weather should last into
next week.
""",
    authors=["Petra Salo"],
)

body(
    "flood-sandbags",
    "flood",
    "Volunteers fill sandbags through the night in Aldersund",
    """
More than 300 volunteers worked through the night in Aldersund to fill sandbags and raise the
flood barriers along the quays, as the swollen River Orla headed downstream from Kessbridge.

Students, football clubs and off-duty soldiers joined the effort at the municipal depot, where
a mountain of sand was delivered on Wednesday evening.

"People just kept turning up. At 3 a.m. we had more volunteers than shovels," said Sami
Okafor, who coordinated the effort for the Red Cross in Aldersund.

By dawn on Thursday, the barriers along the West Quay had been raised by half a metre.

Okafor said the volunteers would stay until the river crest had passed. "We'll sleep on
Saturday," he said.
""",
    authors=["Lea Brunn"],
)

body(
    "flood-rail",
    "flood",
    "Flooding halts rail freight on Orla line",
    """
Freight trains on the Orla valley line were halted for a second day on Thursday after flood
water damaged the track near Kessbridge, cutting a key route for timber and paper shipments.

Estmark Rail Freight said about 25 trains a day normally use the line and that it was
diverting some traffic through the southern corridor, adding up to 10 hours to journey times.

"We will not run trains until engineers have inspected every bridge on the section," the
company's operations chief, Viktor Hallen, said.

The disruption comes as exporters are already struggling with the strike at Port Veskar,
which has closed the country's main container terminal since Monday.
""",
    authors=["Sofia Lind"],
    caption=("A washed-out embankment near Kessbridge.", "Photo: ERF handout"),
    related="Timber prices climb as mills wait for trains",
)

body(
    "flood-warning",
    "flood",
    "Kessbridge mayor says flood warning came too late",
    """
Kessbridge Mayor Tobias Renn said on Saturday that the town received its official flood
warning less than two hours before the River Orla overtopped its banks, and called for an
independent review of the alert system.

"Two hours is not a warning. Two hours is a head start for the water," Renn told the Gazette
in an interview at the town hall.

According to a timeline released by the council, the Orla Valley Civil Protection Agency
issued its highest alert at 11.52 p.m. on Tuesday. The river reached Market Street shortly
before 2 a.m.

The agency's director, Ines Kaldor, defended its forecasters, saying the river had risen
faster than any model predicted.

"We issued the alert the moment our gauges justified it. I understand the anger, and we will
take part in any review," she said in a statement.

Renn said he would raise the issue with the environment minister next week.
""",
    authors=["Hanna Berglund"],
    caption=("Mayor Tobias Renn at Kessbridge town hall.", "Orla Valley Gazette / Per Aslund"),
    related="Letters: the valley deserves better than sandbags",
)

body(
    "flood-wall",
    "flood",
    "Kessbridge flood wall was four years behind schedule, documents show",
    """
A flood wall that was meant to protect Kessbridge's old town was due to be finished in 2022
but has not yet been started, according to planning documents seen by the Northline Post.

The wall, approved after the floods of 2011, was delayed by a dispute over its route and by
rising construction costs, the documents show.

Environment Minister Kristof Maelar said on Saturday that he had asked officials for "a full
account" of the delays.

"If the wall had been there, Millbank would have stayed dry. That is the simple truth," said
Greta Holm, a café owner in the old town whose business was flooded.

Mayor Tobias Renn said the town had pushed for the project for years.

"We have been asking for this wall since I was a councillor. We wrote to three ministers. We
sent engineers' reports, we sent petitions, we sent photographs of the last flood.

"Every time, the answer was next year. Well, next year came on Wednesday night," Renn said.
""",
    authors=["Jonas Petrell"],
    caption=("The riverside site where the wall was to be built.", "Northline Post/Ada Krum"),
    related="Opinion: Estmark keeps paying for floods it was warned about",
)

body(
    "flood-insurers",
    "flood",
    "Insurers brace for flood claims as Orla damage is counted",
    """
Insurers expect claims from the Orla valley floods to exceed 200 million crowns, the Estmark
Insurance Association said on Sunday, making it the costliest flood in the region since 2011.

The association's director, Dana Wilke, said about 2,300 claims had been filed since
Wednesday, most of them from homes in Kessbridge and Lower Amsel.

"We are sending extra assessors to the valley this week. People should photograph the damage
before they throw anything away," Wilke said.

She said households without flood cover could apply to the government's emergency fund, which
Environment Minister Kristof Maelar announced on Wednesday.
""",
    authors=["Mikael Strand"],
)

# ---- Event 3: the Caldera Bay trade summit (Thu 8 Oct - Sun 11 Oct) -------------------------

body(
    "summit-preview",
    "summit",
    "Trade ministers gather in Caldera Bay with fish tariffs on the table",
    """
Trade ministers from Estmark and Valdoria meet in Caldera Bay on Thursday for two days of
talks that could end a decade-old dispute over tariffs on fish and steel.

Valdoria has charged a 12% duty on Estmark's fresh fish since 2016, when the two countries
fell out over fishing quotas in the shared waters of the Grey Sea. Estmark answered with
tariffs on Valdorian steel.

Officials on both sides said this week that a deal on fish was within reach, but that steel
was likely to be left for later.

"We come to Caldera Bay to agree, not to talk about agreeing," Estmark's trade minister, Henrik
Solvang, said on Wednesday before flying to the summit.

His Valdorian counterpart, Amaia Ortez, was more cautious. She told Valdorian television that
any deal would have to "protect our coastal communities first."

The summit is the first meeting of the two ministers since Ortez took office in March.
""",
    authors=["Sofia Lind"],
    caption=("The conference centre on the Caldera Bay waterfront.", "Meridian Ledger"),
    related="Grey Sea quotas: a dispute in five charts",
)

body(
    "summit-protest",
    "summit",
    "Fishing crews protest outside Caldera Bay summit",
    """
About 150 fishermen and their families rallied outside the conference centre in Caldera Bay
on Thursday as trade ministers from Estmark and Valdoria opened talks on tariffs.

Many had sailed into the bay overnight, and more than 40 boats were moored along the harbour
wall with banners reading "Our sea, our catch."

"Every time there's a trade deal, the fishermen are the small change," said Erik Nyland,
chairman of the Estmark Fishermen's Federation. "We want the quotas fixed before anybody signs
anything."

Police said the protest was peaceful.

Inside, Trade Minister Henrik Solvang told delegates that the two countries had "more to gain
from open doors than from closed ones."
""",
    authors=["Jonas Petrell"],
    caption=("Fishing boats moored along the Caldera Bay harbour wall.", "Northline Post/Ada Krum"),
    related="Who fishes the Grey Sea?",
)

body(
    "summit-lanes",
    "summit",
    "Summit opens with pledge to keep Grey Sea shipping lanes open",
    """
Estmark and Valdoria pledged on Thursday to keep shipping lanes in the Grey Sea open to each
other's vessels "in all circumstances," as their trade ministers opened a two-day summit in
Caldera Bay.

The joint statement, released after the first session, is the first signed by the two
governments in more than three years.

Valdorian Trade Minister Amaia Ortez said the pledge was "a small step that makes the bigger
ones possible."

The ministers are expected to announce a decision on fish tariffs on Friday.

Outside, fishermen from both countries held a peaceful protest, demanding that quotas be
settled before any trade deal.
""",
    authors=["Mikael Strand"],
    caption=("Ministers Henrik Solvang and Amaia Ortez in Caldera Bay", "Coastal Chronicle"),
    related="Ferry operators welcome Grey Sea pledge",
)

body(
    "summit-deal",
    "summit",
    "Estmark and Valdoria agree to phase out fish tariffs",
    """
CALDERA BAY (BPA) — Estmark and Valdoria agreed on Friday to phase out tariffs on each other's
fish over three years, ending the longest-running trade dispute between the two neighbours.

Under the deal announced at the end of a two-day summit in Caldera Bay, Valdoria will cut its
12% duty on fresh fish from Estmark to 8% in January, to 4% a year later and to zero in 2029.
Estmark will match the cuts on Valdorian processed fish.

The two countries failed to agree on steel, which will be discussed at a second round of talks
early next year.

"Ten years of this dispute cost our fishermen and our factories dearly. Today we start to put
that right," Estmark's trade minister, Henrik Solvang, told a news conference.

Valdoria's trade minister, Amaia Ortez, said the deal was fair but "only a first step."

"Our coastal towns have heard promises before," she said. "This time the promises are dated
and signed, and they can hold us to them."

Fishing groups on both sides gave the deal a cautious welcome, but said quotas in the Grey Sea
remained unresolved.
""",
    wire=True,
    caption=("Henrik Solvang and Amaia Ortez shake hands in Caldera Bay.", "BPA/Lars Ode"),
    related="Steel makers fear being left behind",
)

body(
    "summit-ortez",
    "summit",
    "Valdorian minister says fish deal will be judged at the quay",
    """
Valdorian Trade Minister Amaia Ortez said on Friday that the fish tariff deal agreed in
Caldera Bay would be judged by whether it reached "the harbours, not the headlines."

In an interview with Radio Estmark after the summit closed, Ortez said both governments would
publish a joint report on the deal's effects every six months.

"If the tariffs come down and the prices at the quay do not move, then we have failed, and I
will say so," she said.

Asked about steel, the minister said she expected progress "within the first half of next
year."

Ortez took office in March after her predecessor resigned over a procurement scandal.
""",
    authors=["Petra Salo"],
)

body(
    "summit-strike-shadow",
    "summit",
    "Port strike casts a shadow over Caldera Bay talks",
    """
As Estmark's trade minister argued for open markets at the Caldera Bay summit on Thursday, the
country's biggest port was still shut by a strike 200 kilometres away.

Valdorian officials raised the stoppage at Port Veskar during the first session, according to
two people present, asking how a deal on fish could work if Estmark's ports were unreliable.

Trade Minister Henrik Solvang told reporters that the strike was "a domestic matter that will
be resolved domestically."

"Nobody in Caldera Bay is worried about Port Veskar," he said. "They are worried about quotas."

Fish exporters in Port Veskar disagreed. "How do you sell fish to Valdoria when you can't load
a lorry at the quay?" said Lena Moor, a fish seller at the Pier Road market.
""",
    authors=["Nora Vaskel"],
)

body(
    "summit-fishermen",
    "summit",
    "Fishermen wary of Caldera Bay deal as quotas stay unresolved",
    """
Fishermen in Estmark's northern harbours gave a guarded welcome on Saturday to the tariff deal
agreed with Valdoria, saying lower duties would mean little while catch quotas in the Grey Sea
remained unsettled.

"A tariff cut is good for the exporters. For the boats, the question is how much we can catch,
and nobody in Caldera Bay would answer that," Erik Nyland, chairman of the Estmark Fishermen's
Federation, wrote on X on Friday evening.

Nyland said the federation would ask to meet Trade Minister Henrik Solvang next week.

## Quota talks next

Officials from both countries said on Friday that a separate round of talks on quotas would
begin in November.

On October 9, the two ministers signed the tariff agreement after a two-day summit, ending a
dispute that began in 2016.

Skipper Anders Kile, who fishes out of Norrhamn, said he would believe the deal when prices
rose. 'We've had summits before. The sea doesn't read the communiqués,' he said.
""",
    authors=["Lea Brunn"],
    subtitle=(
        "Crews in Estmark's northern harbours say lower tariffs mean little while catch limits "
        "in the Grey Sea remain in dispute."
    ),
    caption=("Fishing boats in Norrhamn harbour on October 9, 2026", "BPA"),
    embed=(
        "A tariff cut is good for the exporters. For the boats, the question is how much we can "
        "catch, and nobody in Caldera Bay would answer that.",
        "Erik Nyland (@nyland_fish)",
        "October 9, 2026",
    ),
    related="Estmark and Valdoria agree to phase out fish tariffs",
)

body(
    "summit-steel",
    "summit",
    "What the Caldera Bay accord means for steel",
    """
The fish tariff deal agreed in Caldera Bay on Friday left the harder question for later: what
to do about steel.

Estmark has taxed Valdorian steel at 9% since 2017, a move that protected its two remaining
mills but raised costs for shipbuilders and construction companies.

Klara Bense, director of the Estmark Steel Association, said the mills could not survive a
sudden cut. "We are not against a deal. We are against a cliff edge," she said.

Shipbuilders want the tariff gone. The Estmark Shipyards Group said in a statement that it paid
about 60 million crowns in steel duties last year.

Trade ministers Henrik Solvang and Amaia Ortez said on Friday that steel would be discussed at
a second round of talks early next year.
""",
    authors=["Sofia Lind"],
)

# ---- Two unrelated stories -------------------------------------------------------------------

body(
    "library",
    "library",
    "Veskar city library reopens after two-year renovation",
    """
The Veskar city library reopened its doors on Friday after a two-year renovation that added a
rooftop reading room and a floor for children.

Several hundred people queued on Harbour Square before the doors opened at 10 a.m.

"We wanted a building where nobody needs a reason to come in," said head librarian Maja
Eklund.

The renovation cost 48 million crowns, about 6 million more than planned, the city council
said.
""",
    authors=["Nora Vaskel"],
    caption=("The new rooftop reading room.", "Herald/Tomas Rii"),
    related="Harbour Square market to move for the winter",
)

body(
    "frost",
    "weather",
    "First frost expected in the north this weekend",
    """
Temperatures could fall below zero in northern Estmark this weekend for the first time this
autumn, the Meteorological Institute said on Friday.

Forecaster Paul Varga said clear skies on Saturday night could bring frost to inland areas,
while the coast would stay a few degrees warmer.

"Gardeners should bring in anything tender. The valleys will be colder than usual, because the
ground is so wet," Varga said.
""",
    authors=["Jonas Petrell"],
)

# --------------------------------------------------------------------------------------------
# What a correct run finds in the bodies: quotes (text without marks, speaker, kind, the
# words naming the speaker, cue, medium) and time expressions (context, TIMEX3 value against
# the first publication's date). Checked against the text when the corpus is written.
# --------------------------------------------------------------------------------------------

Q = tuple[str, str, str, str | None, str | None, str | None]
QUOTES: dict[str, list[Q]] = {
    "strike-begins": [
        (
            "We did not choose this fight. Halden chose it when they decided that machines "
            "matter more than the people who have kept this port running for forty years,",
            "Marta Ilves",
            "direct",
            "union chair Marta Ilves",
            "told",
            "reporters",
        ),
        (
            "The door to talks remains open, and we regret that the union has chosen disruption "
            "over dialogue,",
            "Pieter Aalto",
            "direct",
            "company spokesperson Pieter Aalto",
            "said",
            "a statement",
        ),
        (
            "at this stage.",
            "Elena Sorvik",
            "partial",
            "Transport Minister Elena Sorvik",
            "said",
            None,
        ),
    ],
    "strike-day2": [
        (
            "Every hour a reefer sits out there, the fruit inside gets closer to the bin,",
            "Oskar Dahl",
            "direct",
            "Oskar Dahl",
            "said",
            None,
        ),
        (
            "I have a mortgage and two kids. Nobody here wants to be standing in the rain,",
            "Ari Tammsaar",
            "direct",
            "he",
            "said",
            None,
        ),
        (
            "ready to meet anytime, anywhere,",
            "Johan Brekke",
            "partial",
            "Johan Brekke",
            "wrote",
            "X",
        ),
        (
            "If the main point is off the table, what exactly are we meeting about?",
            "Marta Ilves",
            "direct",
            "she",
            "said",
            None,
        ),
    ],
    "strike-minister": [
        (
            "I have asked both parties to come to the ministry on Thursday morning with a mandate "
            "to reach an agreement. Not to posture, not to exchange statements, but to agree,",
            "Elena Sorvik",
            "direct",
            "the minister",
            "said",
            None,
        ),
        (
            "too high to watch from the sidelines.",
            "Elena Sorvik",
            "partial",
            "Sorvik",
            "told",
            "the Northline Post",
        ),
    ],
    "strike-talks-late": [
        (
            "There is movement. I would not call it a deal yet,",
            "Marta Ilves",
            "direct",
            "Ilves",
            "said",
            None,
        ),
    ],
    "strike-ends": [
        (
            "This is not everything we asked for, but it is a great deal more than we were offered "
            "on Monday,",
            "Marta Ilves",
            "direct",
            "union chair Marta Ilves",
            "said",
            None,
        ),
        (
            "Nobody won this week. But today, nobody lost either,",
            "Elena Sorvik",
            "direct",
            "she",
            "told",
            "reporters",
        ),
    ],
    "strike-reopens": [
        (
            "We got the guarantee. Now we have to see if they keep it,",
            "Ari Tammsaar",
            "direct",
            "he",
            "told",
            "Radio Estmark",
        ),
    ],
    "flood-banks": [
        (
            "I have lived here all my life and I have never seen the water come up this fast,",
            "Greta Holm",
            "direct",
            "Greta Holm",
            "said",
            None,
        ),
        (
            "Please stay away from the riverbanks and do not try to drive through flood water,",
            "Tobias Renn",
            "direct",
            "Renn",
            "wrote",
            "X",
        ),
    ],
    "flood-evacuated": [
        (
            "The next 24 hours are critical. The ground is saturated, and every millimetre of rain "
            "now goes straight into the river,",
            "Ines Kaldor",
            "direct",
            "agency director Ines Kaldor",
            "told",
            "reporters",
        ),
        (
            "No family in this valley will be left to carry this alone,",
            "Kristof Maelar",
            "direct",
            "he",
            "said",
            None,
        ),
    ],
    "flood-return": [
        (
            "You think you know what to expect, and then you open the door,",
            "Jakob Lund",
            "direct",
            "Jakob Lund",
            "said",
            None,
        ),
        (
            "I will open again. I don’t know when, and I don’t know with what money, but I will "
            "open again,",
            "Greta Holm",
            "direct",
            "she",
            "said",
            None,
        ),
    ],
    "flood-warning": [
        (
            "Two hours is not a warning. Two hours is a head start for the water,",
            "Tobias Renn",
            "direct",
            "Renn",
            "told",
            "the Gazette",
        ),
        (
            "We issued the alert the moment our gauges justified it. I understand the anger, and "
            "we will take part in any review,",
            "Ines Kaldor",
            "direct",
            "she",
            "said",
            "a statement",
        ),
    ],
    "flood-wall": [
        (
            "We have been asking for this wall since I was a councillor. We wrote to three "
            "ministers. We sent engineers' reports, we sent petitions, we sent photographs of the "
            "last flood.",
            "Tobias Renn",
            "direct",
            "Renn",
            "said",
            None,
        ),
        (
            "Every time, the answer was next year. Well, next year came on Wednesday night,",
            "Tobias Renn",
            "direct",
            "Renn",
            "said",
            None,
        ),
    ],
    "summit-preview": [
        (
            "We come to Caldera Bay to agree, not to talk about agreeing,",
            "Henrik Solvang",
            "direct",
            "Estmark's trade minister, Henrik Solvang",
            "said",
            None,
        ),
        (
            "protect our coastal communities first.",
            "Amaia Ortez",
            "partial",
            "She",
            "told",
            "Valdorian television",
        ),
    ],
    "summit-deal": [
        (
            "Ten years of this dispute cost our fishermen and our factories dearly. Today we start "
            "to put that right,",
            "Henrik Solvang",
            "direct",
            "Estmark's trade minister, Henrik Solvang",
            "told",
            "a news conference",
        ),
        (
            "Our coastal towns have heard promises before,",
            "Amaia Ortez",
            "direct",
            "she",
            "said",
            None,
        ),
        (
            "only a first step.",
            "Amaia Ortez",
            "partial",
            "Valdoria's trade minister, Amaia Ortez",
            "said",
            None,
        ),
    ],
    "summit-fishermen": [
        (
            "A tariff cut is good for the exporters. For the boats, the question is how much we can "
            "catch, and nobody in Caldera Bay would answer that,",
            "Erik Nyland",
            "direct",
            "Erik Nyland",
            "wrote",
            "X",
        ),
        (
            "We've had summits before. The sea doesn't read the communiqués,",
            "Anders Kile",
            "direct",
            "he",
            "said",
            None,
        ),
    ],
    "summit-steel": [
        (
            "We are not against a deal. We are against a cliff edge,",
            "Klara Bense",
            "direct",
            "she",
            "said",
            None,
        ),
    ],
    "frost": [
        (
            "Gardeners should bring in anything tender. The valleys will be colder than usual, "
            "because the ground is so wet,",
            "Paul Varga",
            "direct",
            "Varga",
            "said",
            None,
        ),
    ],
}

TIMEXES: dict[str, list[tuple[str, str]]] = {
    "strike-begins": [
        ("Port Veskar on Monday", "2026-10-05"),
        ("warned last week", "2026-W40"),
        ("port in 2019", "2019"),
    ],
    "strike-day2": [("19 on Tuesday", "2026-10-06"), ("late on Monday", "2026-10-05")],
    "strike-minister": [
        ("on Wednesday invited", "2026-10-07"),
        ("said Monday", "2026-10-05"),
        ("on Thursday morning", "2026-10-08TMO"),
        ("estimated last month", "2026-09"),
    ],
    "strike-ends": [
        ("work on Sunday", "2026-10-11"),
        ("early on Saturday", "2026-10-10"),
        ("deal next week", "2026-W42"),
    ],
    "flood-banks": [("early on Wednesday", "2026-10-07"), ("centre in 2011", "2011")],
    "flood-evacuated": [("valley on Wednesday", "2026-10-07"), ("ease by Friday", "2026-10-09")],
    "flood-warning": [
        ("said on Saturday", "2026-10-10"),
        ("p.m. on Tuesday", "2026-10-06"),
        ("minister next week", "2026-W42"),
    ],
    "summit-preview": [
        ("Caldera Bay on Thursday", "2026-10-08"),
        ("since 2016", "2016"),
        ("said on Wednesday", "2026-10-07"),
        ("office in March", "2026-03"),
    ],
    "summit-deal": [
        ("agreed on Friday", "2026-10-09"),
        ("8% in January", "2027-01"),
        ("zero in 2029", "2029"),
    ],
    "summit-steel": [("since 2017", "2017"), ("duties last year", "2025")],
    "summit-fishermen": [
        ("Saturday to the tariff", "2026-10-10"),
        ("On October 9", "2026-10-09"),
        ("begin in November", "2026-11"),
    ],
    "library": [("on Friday after", "2026-10-09")],
}

# Quotes that sit in page chrome (live-feed items): a correct run extracts none of them.
FEED_ITEMS: dict[str, list[tuple[str, str, str]]] = {
    # outlet -> (time, headline, item text)
    "herald": [
        (
            "11:06 AM",
            "Tram line 4 closed for track repairs until Sunday",
            '"We know this is a busy week for the city, and we apologise to passengers," '
            "transport councillor Ida Fors said.",
        ),
        (
            "9:41 AM",
            "Veskar marathon route changed",
            "This year's route will avoid the harbour road, organisers announced.",
        ),
    ],
    "chronicle": [
        (
            "10:12 AM",
            "Ferry timetable cut for the winter",
            '"Passenger numbers always fall after the summer holidays," ferry company director '
            "Bo Lindahl said.",
        ),
        (
            "8:03 AM",
            "Lighthouse museum gets a new roof",
            "The museum at Grey Point will reopen in the spring.",
        ),
    ],
}
NEGATIVE_QUOTES = {
    "herald": ["We know this is a busy week for the city"],
    "chronicle": ["Passenger numbers always fall after the summer holidays"],
}

# --------------------------------------------------------------------------------------------
# Publications: who published which body, where, when, in which format, changed how.
# --------------------------------------------------------------------------------------------


@dataclass
class Pub:
    key: str
    body: str
    outlet: str  # the outlet whose article this is (publisher)
    fmt: str  # markdown | aggregator | liveblog | lines | md | html | html.gz | jsonl | warc | rss | atom
    published: datetime
    file: str = ""  # relative path; set for single-file formats
    title: str | None = None  # a changed headline
    aggregator: str | None = None
    relative: str | None = None  # aggregator time stamp instead of a date ("7 hours ago")
    drop: tuple[int, ...] = ()  # paragraphs dropped (indices into the body)
    keep: int | None = None  # excerpt: only the first N paragraphs
    move: tuple[int, int] | None = None  # move paragraph i to index j (after drops)
    add: tuple[tuple[int, str], ...] = ()  # local paragraphs inserted at index
    credit_end: str | None = None  # an agency credit line after the body
    curly: bool = False  # straight quotes made curly
    hash_title: bool = True  # Markdown scrapes: "# Title" or a bare title line
    url_path: str | None = None  # override of the URL path
    jsonl_html: bool = False  # JSONL record carries html instead of text
    clean: bool = True  # JSONL "clean": false
    dup_of: str | None = None  # key of the publication this one copies
    crawled: datetime | None = None  # when the file/record was collected (default: +3 h)


LOCAL_STRIKE = (
    "In Port Veskar's old town, shopkeepers said deliveries had already slowed over the weekend "
    "as importers held back goods ahead of the walkout."
)

PUBS: list[Pub] = [
    # --- strike
    Pub(
        "strike-begins@northline",
        "strike-begins",
        "northline",
        "html",
        T(5, 9, 10),
        file="pages/northline-dockworkers-walk-out.html",
    ),
    Pub(
        "strike-begins@herald",
        "strike-begins",
        "herald",
        "markdown",
        T(5, 10, 2),
        file="scrapes/herald-dockworkers-strike.txt",
        dup_of="strike-begins@northline",
    ),
    Pub(
        "strike-begins@chronicle",
        "strike-begins",
        "chronicle",
        "jsonl",
        T(5, 13, 0),
        title="Port Veskar at a standstill as 1,400 dockworkers strike",
        drop=(5, 8),
        move=(5, 4),
        add=((4, LOCAL_STRIKE),),
        credit_end="— Beacon Press Agency",
        dup_of="strike-begins@northline",
    ),
    Pub(
        "strike-begins@newsnest",
        "strike-begins",
        "northline",
        "aggregator",
        T(5, 9, 10),
        file="scrapes/newsnest-dockworkers-walk-out.txt",
        aggregator="newsnest",
        relative="7 hours ago",
        curly=True,
        dup_of="strike-begins@northline",
        crawled=T(5, 21, 0),
    ),
    Pub(
        "strike-day2@herald",
        "strike-day2",
        "herald",
        "liveblog",
        T(6, 8, 15),
        file="scrapes/herald-ships-queue.txt",
    ),
    Pub(
        "strike-minister@northline",
        "strike-minister",
        "northline",
        "html",
        T(7, 14, 30),
        file="pages/northline-sorvik-steps-in.html",
    ),
    Pub("strike-talks-called@radio", "strike-talks-called", "radio", "atom", T(7, 18, 0)),
    Pub("strike-cost@ledger", "strike-cost", "ledger", "warc", T(8, 7, 0)),
    Pub(
        "strike-fish-market@chronicle",
        "strike-fish-market",
        "chronicle",
        "lines",
        T(8, 16, 45),
        file="scrapes/chronicle-fish-sellers.txt",
    ),
    Pub(
        "strike-talks-late@herald",
        "strike-talks-late",
        "herald",
        "html",
        T(9, 21, 40),
        file="pages/herald-talks-run-late.html",
    ),
    Pub(
        "strike-ends@compass",
        "strike-ends",
        "compass",
        "html.gz",
        T(10, 7, 40),
        file="pages/compass-strike-ends.html.gz",
    ),
    Pub(
        "strike-ends@radio",
        "strike-ends",
        "radio",
        "atom",
        T(10, 8, 30),
        title="Deal ends six-day strike at Port Veskar",
        dup_of="strike-ends@compass",
    ),
    Pub(
        "strike-ends@newsnest",
        "strike-ends",
        "compass",
        "rss",
        T(10, 9, 0),
        aggregator="newsnest",
        curly=True,
        dup_of="strike-ends@compass",
    ),
    Pub("strike-reopens@radio", "strike-reopens", "radio", "jsonl", T(11, 10, 15)),
    # --- flood
    Pub(
        "flood-banks@gazette",
        "flood-banks",
        "gazette",
        "markdown",
        T(7, 8, 30),
        file="scrapes/gazette-orla-bursts-banks.txt",
        hash_title=False,
    ),
    Pub(
        "flood-banks@gazette-print",
        "flood-banks",
        "gazette",
        "warc",
        T(7, 8, 30),
        url_path="print/2026/10/07/orla-bursts-its-banks",
        dup_of="flood-banks@gazette",
    ),
    Pub(
        "flood-evacuated@northline",
        "flood-evacuated",
        "northline",
        "html",
        T(7, 10, 5),
        file="pages/northline-hundreds-evacuated.html",
    ),
    Pub(
        "flood-evacuated@chronicle",
        "flood-evacuated",
        "chronicle",
        "liveblog",
        T(7, 11, 20),
        file="scrapes/chronicle-orla-evacuations.txt",
        dup_of="flood-evacuated@northline",
    ),
    Pub(
        "flood-evacuated@hub",
        "flood-evacuated",
        "northline",
        "aggregator",
        T(7, 10, 5),
        file="scrapes/headlinehub-orla-floods.txt",
        aggregator="hub",
        relative="3 hours ago",
        dup_of="flood-evacuated@northline",
        crawled=T(7, 13, 10),
    ),
    Pub(
        "flood-evacuated@newsnest",
        "flood-evacuated",
        "chronicle",
        "rss",
        T(7, 13, 0),
        aggregator="newsnest",
        dup_of="flood-evacuated@northline",
    ),
    Pub(
        "flood-evacuated@herald",
        "flood-evacuated",
        "herald",
        "jsonl",
        T(7, 14, 0),
        title="Orla floods: hundreds leave their homes",
        drop=(7,),
        dup_of="flood-evacuated@northline",
    ),
    Pub("flood-downstream@radio", "flood-downstream", "radio", "atom", T(8, 12, 0)),
    Pub("flood-sandbags@compass", "flood-sandbags", "compass", "jsonl", T(8, 9, 30)),
    Pub("flood-rail@ledger", "flood-rail", "ledger", "warc", T(8, 15, 10)),
    Pub(
        "flood-return@gazette",
        "flood-return",
        "gazette",
        "md",
        T(9, 17, 0),
        file="scrapes/gazette-residents-return.md",
    ),
    Pub(
        "flood-warning@gazette",
        "flood-warning",
        "gazette",
        "html",
        T(10, 11, 0),
        file="pages/gazette-warning-too-late.html",
    ),
    Pub("flood-wall@northline", "flood-wall", "northline", "warc", T(10, 16, 20)),
    Pub(
        "flood-insurers@chronicle",
        "flood-insurers",
        "chronicle",
        "jsonl",
        T(11, 12, 0),
        clean=False,
    ),
    # --- summit
    Pub(
        "summit-preview@ledger",
        "summit-preview",
        "ledger",
        "html.gz",
        T(8, 6, 30),
        file="pages/ledger-ministers-gather.html.gz",
    ),
    Pub("summit-protest@northline", "summit-protest", "northline", "warc", T(8, 13, 45)),
    Pub(
        "summit-lanes@chronicle",
        "summit-lanes",
        "chronicle",
        "html",
        T(8, 17, 0),
        file="pages/chronicle-shipping-lanes.html",
    ),
    Pub("summit-deal@radio", "summit-deal", "radio", "atom", T(9, 15, 5)),
    Pub(
        "summit-deal@northline",
        "summit-deal",
        "northline",
        "jsonl",
        T(9, 16, 20),
        jsonl_html=True,
        dup_of="summit-deal@radio",
    ),
    Pub(
        "summit-deal@compass",
        "summit-deal",
        "compass",
        "markdown",
        T(9, 17, 30),
        file="scrapes/compass-fish-tariffs.txt",
        curly=True,
        hash_title=False,
        dup_of="summit-deal@radio",
    ),
    Pub(
        "summit-deal@newsnest",
        "summit-deal",
        "compass",
        "aggregator",
        T(9, 17, 30),
        file="scrapes/newsnest-fish-tariffs.txt",
        aggregator="newsnest",
        relative="5 hours ago",
        dup_of="summit-deal@radio",
        crawled=T(9, 22, 40),
    ),
    Pub(
        "summit-deal@hub",
        "summit-deal",
        "radio",
        "aggregator",
        T(9, 15, 5),
        file="scrapes/headlinehub-fish-tariffs-excerpt.txt",
        aggregator="hub",
        keep=2,
        relative="1 day ago",
        dup_of="summit-deal@radio",
        crawled=T(10, 18, 0),
    ),
    Pub("summit-ortez@radio", "summit-ortez", "radio", "jsonl", T(9, 19, 0)),
    Pub("summit-strike-shadow@herald", "summit-strike-shadow", "herald", "jsonl", T(9, 7, 15)),
    Pub(
        "summit-fishermen@compass",
        "summit-fishermen",
        "compass",
        "lines",
        T(10, 12, 0),
        file="scrapes/compass-fishermen-wary.txt",
    ),
    Pub("summit-steel@ledger", "summit-steel", "ledger", "jsonl", T(11, 8, 0)),
    # --- unrelated
    Pub(
        "library@herald",
        "library",
        "herald",
        "markdown",
        T(9, 15, 0),
        file="scrapes/herald-library-reopens.txt",
    ),
    Pub("frost@newsnest", "frost", "northline", "rss", T(9, 18, 0), aggregator="newsnest"),
]

JSONL_FILE = "exports/newsroom-feed.jsonl"
WARC_FILE = "crawl/estmark-news.warc.gz"
RSS_FILE = "feeds/newsnest-latest.rss"
ATOM_FILE = "feeds/radio-estmark.atom"

# Stories whose membership is debatable (they cover two events); EXPECTED lists them apart.
CROSS_EVENT = {"flood-rail": "strike", "summit-strike-shadow": "strike"}

# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------

_LINK = re.compile(r"\{([^{}]+)\}")


def smart_quotes(s: str) -> str:
    """Straight quotes to curly ones (opening after a space or line start)."""
    s = re.sub(r'(^|[\s(\[—])"', "\\1\u201c", s)
    s = s.replace('"', "\u201d")
    s = re.sub(r"(^|[\s(\[—])'", "\\1\u2018", s)
    return s.replace("'", "\u2019")


def plain(p: str) -> str:
    return _LINK.sub(r"\1", p.removeprefix("## "))


def md_links(p: str) -> str:
    return _LINK.sub(r"[\1](#)", p)


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def human_date(d: datetime) -> str:
    return d.strftime("%B %-d, %Y")


def human_time(d: datetime) -> str:
    return d.strftime("%-I:%M %p")


def outlet(pub: Pub) -> Outlet:
    return OUTLETS[pub.outlet]


def title_of(pub: Pub) -> str:
    return pub.title or BODIES[pub.body].title


def url_of(pub: Pub) -> str:
    o = outlet(pub)
    path = pub.url_path or f"{pub.published:%Y/%m/%d}/{slug(title_of(pub))}"
    return f"https://{o.domain}/{path}"


def authors_of(pub: Pub) -> tuple[list[str], list[str]]:
    b = BODIES[pub.body]
    return ([], [AGENCY]) if b.wire else (list(b.authors), [])


def byline_name(pub: Pub) -> str:
    authors, agencies = authors_of(pub)
    return " and ".join(authors) if authors else OUTLETS["bpa"].name


def pub_paragraphs(pub: Pub) -> list[str]:
    """The body as this publication prints it (with link markers and ``## `` headings)."""
    ps = [p for i, p in enumerate(BODIES[pub.body].text) if i not in pub.drop]
    if pub.move:
        i, j = pub.move
        ps.insert(j, ps.pop(i))
    for at, extra in pub.add:
        ps.insert(at, extra)
    if pub.keep:
        ps = ps[: pub.keep]
    if pub.curly:
        ps = [smart_quotes(p) for p in ps]
    return ps


def gold_body(pub: Pub) -> list[str]:
    return [plain(p) for p in pub_paragraphs(pub)]


def other_headlines(pub: Pub, n: int = 3) -> list[str]:
    """Headlines of other articles by the same outlet (for 'Most read' / 'Trending' chrome)."""
    seen: list[str] = []
    for other in PUBS:
        if other.outlet == pub.outlet and other.body != pub.body:
            t = BODIES[other.body].title
            if t not in seen:
                seen.append(t)
    return seen[:n] or ["Harbour Square market to move for the winter"]


# --------------------------------------------------------------------------------------------
# Renderers. Each returns the text of one page/scrape and the chrome strings a correct clean
# must remove (checked by tests as "boilerplate markers").
# --------------------------------------------------------------------------------------------

APPEAL = [
    "Dear readers,",
    "Local reporting is expensive to produce and easy to lose. Every week our reporters sit "
    "through council meetings, court hearings and harbour board sessions that nobody else covers.",
    "If our journalism matters to you, please support us with a monthly contribution from just "
    "3 crowns. It takes a minute to set up, and every contribution keeps our newsroom independent.",
    "Thank you for standing with us.",
]


def render_markdown(pub: Pub) -> tuple[str, list[str]]:
    """A scrape like a reader-mode copy: Markdown title, linked byline, caption, teaser, URL."""
    b, o = BODIES[pub.body], outlet(pub)
    out = ["", "", f"# {title_of(pub)}" if pub.hash_title else title_of(pub), ""]
    markers = ["Original url"]
    if pub.hash_title:  # the bare-title variant has no byline line, like many reader copies
        out += [f"By [{byline_name(pub) if not b.wire else AGENCY}](#)", ""]
    out += [pub.published.strftime("%B %d, %Y"), "", "", ""]
    if b.caption:
        out += [f"{b.caption[0]} **{b.caption[1]}**", ""]
        markers.append(b.caption[1])
    ps = pub_paragraphs(pub)
    for i, p in enumerate(ps):
        out += [md_links(p.removeprefix("## ")), ""]
        if i == 3 and b.related:
            teaser = f"https://{o.domain}/{pub.published:%Y/%m/%d}/{slug(b.related)}"
            out += [f"**Related article:** [{b.related}]({teaser})", ""]
            markers += ["Related article", b.related]
    out += ["Original url:", "", f"<{url_of(pub)}>"]
    return "\n".join(out), markers


def render_aggregator(pub: Pub) -> tuple[str, list[str]]:
    """An aggregator's copy: relative time stamp, the outlet's donation appeal, aggregator footer."""
    agg, o = OUTLETS[pub.aggregator or ""], outlet(pub)
    ps = [plain(p) for p in pub_paragraphs(pub)]
    if pub.aggregator == "newsnest":
        out = [title_of(pub), "", f"{pub.relative} 1", ""]
        for p in ps:
            out += [p, ""]
        out += [f"A Message from {o.name}:", ""]
        for p in APPEAL:
            out += [p, ""]
        out += [
            "Support the newsroom",
            "",
            "Card, bank transfer or mobile pay",
            "",
            "Not now?",
            "Remind me next week.",
            "",
            "Read Entire Article",
            f"{agg.name} @2026",
        ]
        markers = [
            "Dear readers",
            "monthly contribution",
            "Remind me next week",
            "Read Entire Article",
            f"{agg.name} @2026",
            str(pub.relative),
        ]
        return "\n".join(out), markers
    out = [
        agg.name,
        "Home | World | Business | Sign in",
        "",
        title_of(pub),
        "",
        f"{pub.relative} · via {o.name}",
        "",
    ]
    for p in ps:
        out += [p, ""]
    if pub.keep:
        out += [f"Read the full story at {o.name}", ""]
    out += [
        f"{agg.name} is free for everyone. Chip in from 3 crowns a month to keep it that way.",
        "Donate now",
        "",
        "Read Entire Article",
        "",
        f"Trending on {agg.name}",
        *other_headlines(pub, 2),
        "",
        f"© 2026 {agg.name}. All rights reserved.",
    ]
    markers = [
        "Sign in",
        "Chip in",
        "Donate now",
        "Read Entire Article",
        "Trending on",
        "All rights reserved",
        str(pub.relative),
    ]
    if pub.keep:
        markers.append("Read the full story")
    return "\n".join(out), markers


def render_liveblog(pub: Pub) -> tuple[str, list[str]]:
    """A news-site scrape with skip links, a one-line byline, a live feed and newsletter forms."""
    b, o = BODIES[pub.body], outlet(pub)
    desk = f"the {o.name} news desk"
    minutes = max(2, sum(len(p.split()) for p in b.text) // 200)
    out = ["Skip to content", "Edit post", "", title_of(pub), ""]
    out.append(
        f"by {byline_name(pub)} and {desk} {human_date(pub.published)} "
        f"{human_time(pub.published)} {minutes} min read"
    )
    markers = [
        "Skip to content",
        "Edit post",
        "Listen to this article",
        "News Feed",
        "MORE STORIES",
        "Editors' Picks",
        "indicates required",
        "Successfully subscribed",
    ]
    if b.caption:
        out.append(f"{b.caption[0]} ({b.caption[1]})")
        markers.append(b.caption[1])
    out += ["Listen to this article (AI voice)", ""]
    for p in pub_paragraphs(pub):
        out += [plain(p), ""]
    if b.related:
        out += [
            b.related,
            "The story behind the headline, in three minutes of reading. "
            "Our reporters explain what changed and what comes next.",
            "",
        ]
        markers.append(b.related)
    out += ["News Feed", ""]
    for n, (time_, head, text) in enumerate(FEED_ITEMS[pub.outlet]):
        out += [f"{time_}  (Updated: )" if n == 0 else time_, "", head, "", text]
        markers.append(head)
    out += [
        "MORE STORIES",
        "",
        "Editors' Picks",
        "",
        "Get our evening briefing",
        "Email Address *",
        "Please type a valid email address",
        "* indicates required",
        "Sign me up",
        "Weekend reads",
        "* indicates required",
        "Sign me up",
        "",
        "Successfully subscribed",
        "Thanks for joining! Check your inbox to confirm your address.",
    ]
    return "\n".join(out), markers


def render_lines(pub: Pub) -> tuple[str, list[str]]:
    """One paragraph per line: title, standfirst, caption, body with an embedded post."""
    b = BODIES[pub.body]
    out = [title_of(pub)]
    markers = ["Read more:"]
    if b.subtitle:
        out.append(b.subtitle)
    out.append("-")
    if b.caption:
        out.append(f"{b.caption[0]} ({b.caption[1]})")
        markers.append(b.caption[0])
    for p in pub_paragraphs(pub):
        out.append(plain(p))
        if b.embed and b.embed[0][:40] in plain(p):
            post, who, when = b.embed
            handle = who.split("@")[1].rstrip(")")
            out.append(f"{post} https://x.example/{handle}/status/1844")
            out.append(f"— {who} {when}")
            markers += [who.split("(")[1].rstrip(")"), "x.example/"]
    if b.related:
        out.append(f"Read more: {b.related}")
    return "\n".join(out), markers


def render_md(pub: Pub) -> tuple[str, list[str]]:
    """A Markdown export of a page: image, italic byline, share links, newsletter plug."""
    b, o = BODIES[pub.body], outlet(pub)
    out = [
        f"# {title_of(pub)}",
        "",
        f"*By {byline_name(pub)} · {o.name} · {pub.published:%-d %B %Y}*",
        "",
    ]
    markers = ["Sign up free", "Share on", "Get the Gazette"]
    if b.caption:
        out += [
            f"![{b.caption[0]}](https://{o.domain}/img/{slug(title_of(pub))[:20]}.jpg)",
            f"*{b.caption[0]} — {b.caption[1]}*",
            "",
        ]
        markers.append(b.caption[1])
    for p in pub_paragraphs(pub):
        out += [md_links(p), ""]
    out += [
        "---",
        "",
        "**Get the Gazette in your inbox.** Our morning briefing lands at 7 a.m. "
        f"[Sign up free](https://{o.domain}/newsletter)",
        "",
        "[Share on X](#) · [Share on Facebook](#) · [Copy link](#)",
        "",
    ]
    return "\n".join(out), markers


def _html_p(p: str, o: Outlet) -> str:
    if p.startswith("## "):
        return f"<h2>{escape(p[3:])}</h2>"
    html = _LINK.sub(
        lambda m: f'<a href="https://{o.domain}/tag/{slug(m.group(1))}">{m.group(1)}</a>',
        escape(p, quote=False),
    )
    return f"<p>{html}</p>"


def render_html(pub: Pub, *, fragment: bool = False) -> tuple[str, list[str]]:
    """A full article page (nav, cookie banner, figure, related box, newsletter, footer).

    ``fragment``: only the article body's HTML, as carried by a JSONL record or a feed entry.
    """
    b, o = BODIES[pub.body], outlet(pub)
    title = title_of(pub)
    body_html: list[str] = []
    markers = ["Accept all", "Most read", "All rights reserved", "Sign up for our free newsletter"]
    ps = pub_paragraphs(pub)
    for i, p in enumerate(ps):
        body_html.append(_html_p(p, o))
        if i == min(2, len(ps) - 2) and b.related and not fragment:
            body_html.append(
                '<aside class="related"><h3>Related</h3>'
                f'<a href="https://{o.domain}/{slug(b.related)}">{escape(b.related)}</a></aside>'
            )
            markers.append(b.related)
        if i == min(4, len(ps) - 2) and not fragment:
            body_html.append(
                '<div class="newsletter-signup"><h3>Get the morning briefing</h3>'
                "<p>Sign up for our free newsletter. No spam, unsubscribe at any time.</p>"
                '<form action="/subscribe"><input type="email" placeholder="Your email">'
                "<button>Sign up</button></form></div>"
            )
    if pub.credit_end:
        body_html.append(f'<p class="credit">{escape(pub.credit_end)}</p>')
    if fragment:
        return "\n".join(body_html), []
    authors, agencies = authors_of(pub)
    iso = pub.published.isoformat()
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": iso,
        "author": [{"@type": "Person", "name": a} for a in authors]
        or [{"@type": "Organization", "name": OUTLETS["bpa"].name}],
        "publisher": {"@type": "Organization", "name": o.name},
        "mainEntityOfPage": url_of(pub),
    }
    nav = "".join(f'<li><a href="/{slug(n)}">{escape(n)}</a></li>' for n in o.nav)
    most = "".join(f'<li><a href="/{slug(h)}">{escape(h)}</a></li>' for h in other_headlines(pub))
    figure = ""
    if b.caption:
        figure = (
            f'<figure><img src="https://{o.domain}/img/{slug(title)[:24]}.jpg" '
            f'alt="{escape(b.caption[0])}"><figcaption>{escape(b.caption[0])} '
            f'<span class="credit">{escape(b.caption[1])}</span></figcaption></figure>'
        )
        markers.append(b.caption[1])
    byline = (
        "By "
        + " and ".join(
            f'<a rel="author" href="/authors/{slug(a)}">{escape(a)}</a>' for a in authors
        )
        if authors
        else f"By {escape(OUTLETS['bpa'].name)}"
    )
    standfirst = f'<p class="standfirst">{escape(b.subtitle)}</p>' if b.subtitle else ""
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(title)} | {escape(o.name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{escape(plain(pub_paragraphs(pub)[0])[:150])}">
<meta property="og:title" content="{escape(title)}">
<meta property="og:site_name" content="{escape(o.name)}">
<meta property="og:type" content="article">
<meta property="og:url" content="{url_of(pub)}">
<meta property="article:published_time" content="{iso}">
<meta name="author" content="{escape(", ".join(authors) or OUTLETS["bpa"].name)}">
<link rel="canonical" href="{url_of(pub)}">
<link rel="stylesheet" href="/static/site.css">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<a class="logo" href="/">{escape(o.name)}</a>
<nav class="main-nav"><ul>{nav}</ul></nav>
<form class="search" action="/search"><input type="search" name="q" placeholder="Search"></form>
<a class="subscribe-button" href="/subscribe">Subscribe</a>
</header>
<div class="cookie-banner">We use cookies to improve your experience on our site.
<button>Accept all</button> <button>Manage settings</button></div>
<main id="main">
<article class="story">
<p class="kicker">{escape(b.event.capitalize())}</p>
<h1>{escape(title)}</h1>
{standfirst}
<div class="byline">{byline} · <time datetime="{iso}">{human_date(pub.published)}, {human_time(pub.published)}</time></div>
{figure}
<div class="article-body">
{chr(10).join(body_html)}
</div>
<div class="share">Share this story: <a href="#">X</a> <a href="#">Facebook</a> <a href="#">Email</a></div>
</article>
<section class="most-read"><h2>Most read</h2><ol>{most}</ol></section>
</main>
<footer class="site-footer">
<p>© 2026 {escape(o.name)}. All rights reserved.</p>
<nav><a href="/about">About us</a> <a href="/contact">Contact</a> <a href="/privacy">Privacy policy</a></nav>
</footer>
</body>
</html>
"""
    return page, markers


# --------------------------------------------------------------------------------------------
# Containers: JSONL, WARC, RSS, Atom
# --------------------------------------------------------------------------------------------


def crawled(pub: Pub) -> datetime:
    return pub.crawled or pub.published + timedelta(hours=3)


def jsonl_record(pub: Pub, n: int) -> dict[str, Any]:
    authors, _ = authors_of(pub)
    rec: dict[str, Any] = {
        "id": f"nr-{n:04d}",
        "url": url_of(pub),
        "title": title_of(pub),
        "published": pub.published.isoformat(),
        "publisher": outlet(pub).name,
        "authors": authors,
        "language": "en",
    }
    if pub.jsonl_html:
        rec["html"] = render_html(pub, fragment=True)[0]
    else:
        text = "\n\n".join(gold_body(pub))
        if pub.credit_end:
            text += "\n\n" + pub.credit_end
        rec["text"] = text
    if not pub.clean:
        rec["clean"] = False
    return rec


def _rid(name: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'newsdesk-demo/' + name)}>"


def _wdate(d: datetime) -> str:
    return d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_warc(path: Path, pubs: list[Pub]) -> dict[str, int]:
    """A gzipped WARC: warcinfo, then request/response pairs, plus CSS, image and a redirect.

    Returns the 1-based record number of each publication's HTML response.
    """
    numbers: dict[str, int] = {}
    n = 0
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)

    def put(
        uri: str,
        rec_type: str,
        payload: bytes,
        when: datetime,
        http: StatusAndHeaders | None,
        ctype: str | None = None,
    ) -> int:
        nonlocal n
        n += 1
        headers = {"WARC-Record-ID": _rid(f"{uri}#{rec_type}#{n}"), "WARC-Date": _wdate(when)}
        kw: dict[str, Any] = {"warc_headers_dict": headers}
        if http is not None:
            kw["http_headers"] = http
        if ctype:
            kw["warc_content_type"] = ctype
        w.write_record(w.create_warc_record(uri, rec_type, payload=io.BytesIO(payload), **kw))
        return n

    first = min(crawled(p) for p in pubs)
    put(
        path.name,
        "warcinfo",
        b"software: newsdesk make_demo_corpus\r\nformat: WARC 1.0\r\n",
        first,
        None,
        "application/warc-fields",
    )
    css = b"body{font-family:serif}.cookie-banner{position:fixed}"
    for pub in pubs:
        url, when = url_of(pub), crawled(pub)
        host = outlet(pub).domain
        req = StatusAndHeaders(
            f"GET /{url.split('/', 3)[3]} HTTP/1.1",
            [("Host", host), ("User-Agent", "newsdesk-demo")],
            is_http_request=True,
        )
        put(url, "request", b"", when, req)
        html = render_html(pub)[0].encode("utf-8")
        resp = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(html)))],
            protocol="HTTP/1.1",
        )
        numbers[pub.key] = put(url, "response", html, when, resp)
        if pub is pubs[0]:
            put(
                f"https://{host}/static/site.css",
                "response",
                css,
                when,
                StatusAndHeaders("200 OK", [("Content-Type", "text/css")], protocol="HTTP/1.1"),
            )
            put(
                f"https://{host}/img/logo.png",
                "response",
                b"\x89PNG\r\n\x1a\n" + bytes(64),
                when,
                StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1"),
            )
            put(
                f"http://{host}/",
                "response",
                b"",
                when,
                StatusAndHeaders(
                    "301 Moved Permanently",
                    [("Location", f"https://{host}/"), ("Content-Type", "text/html")],
                    protocol="HTTP/1.1",
                ),
            )
    path.write_bytes(buf.getvalue())
    return numbers


def _rfc822(d: datetime) -> str:
    return d.strftime("%a, %d %b %Y %H:%M:%S %z")


def write_rss(path: Path, pubs: list[Pub]) -> None:
    """The aggregator's RSS feed: full content with the 'appeared first on' footer."""
    agg = OUTLETS["newsnest"]
    items = []
    for n, pub in enumerate(pubs, 1):
        o = outlet(pub)
        link = f"https://{agg.domain}/s/{4810 + n}-{slug(title_of(pub))}"
        authors, _ = authors_of(pub)
        creators = "".join(f"<dc:creator>{escape(a)}</dc:creator>" for a in authors)
        content = render_html(pub, fragment=True)[0] + (
            f'\n<p>The post <a href="{link}">{escape(title_of(pub))}</a> appeared first on '
            f'<a href="https://{agg.domain}/">{agg.name}</a>.</p>'
        )
        items.append(f"""<item>
<title>{escape(title_of(pub))}</title>
<link>{link}</link>
<guid isPermaLink="false">newsnest-{4810 + n}</guid>
<pubDate>{_rfc822(pub.published)}</pubDate>
{creators}
<source url="https://{o.domain}/">{escape(o.name)}</source>
<description>{escape(plain(pub_paragraphs(pub)[0]))}</description>
<content:encoded><![CDATA[{content}]]></content:encoded>
</item>""")
    last = max(p.published for p in pubs)
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{agg.name} — Latest stories</title>
<link>https://{agg.domain}/</link>
<description>The stories everyone is reading, from Estmark's newsrooms.</description>
<language>en</language>
<lastBuildDate>{_rfc822(last)}</lastBuildDate>
{chr(10).join(items)}
</channel>
</rss>
""",
        encoding="utf-8",
    )


def write_atom(path: Path, pubs: list[Pub]) -> None:
    """The broadcaster's Atom feed: one entry per web story, HTML content."""
    o = OUTLETS["radio"]
    entries = []
    for pub in pubs:
        authors, _ = authors_of(pub)
        people = "".join(f"<author><name>{escape(a)}</name></author>" for a in authors)
        content = render_html(pub, fragment=True)[0] + (
            "\n<p><em>Listen to the full report on Radio Estmark News at the top of the hour.</em></p>"
        )
        entries.append(f"""<entry>
<title>{escape(title_of(pub))}</title>
<link rel="alternate" type="text/html" href="{url_of(pub)}"/>
<id>tag:{o.domain},2026:{slug(pub.key)}</id>
<published>{pub.published.isoformat()}</published>
<updated>{pub.published.isoformat()}</updated>
{people}
<content type="html">{escape(content)}</content>
</entry>""")
    last = max(p.published for p in pubs)
    path.write_text(
        f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xml:lang="en">
<title>{o.name} — News</title>
<link rel="alternate" href="https://{o.domain}/news"/>
<link rel="self" href="https://{o.domain}/news/atom.xml"/>
<id>tag:{o.domain},2026:news</id>
<updated>{last.isoformat()}</updated>
<dc:publisher>{o.name}</dc:publisher>
{chr(10).join(entries)}
</feed>
""",
        encoding="utf-8",
    )


# --------------------------------------------------------------------------------------------
# Writing the corpus and EXPECTED.json
# --------------------------------------------------------------------------------------------

# How precisely each format states the publication date (missing: not at all).
STATED = {
    "markdown": "day",
    "md": "day",
    "liveblog": "minute",
    "html": "minute",
    "html.gz": "minute",
    "jsonl": "minute",
    "warc": "minute",
    "rss": "minute",
    "atom": "minute",
}

RENDER = {
    "markdown": render_markdown,
    "aggregator": render_aggregator,
    "liveblog": render_liveblog,
    "lines": render_lines,
    "md": render_md,
}
FEED_MARKERS = {"rss": ["appeared first on"], "atom": ["Listen to the full report"]}


def _stamp(path: Path, when: datetime) -> None:
    os.utime(path, (when.timestamp(), when.timestamp()))


def check_data() -> None:
    """Fail loudly if a quote or time expression is not where EXPECTED says it is."""
    for key, quotes in QUOTES.items():
        text = "\n".join(plain(p) for p in BODIES[key].text)
        for q in quotes:
            if q[0] not in text:
                raise SystemExit(f"quote not in {key}: {q[0]!r}")
            if q[3] and q[3] not in text:
                raise SystemExit(f"speaker mention not in {key}: {q[3]!r}")
    for key, timexes in TIMEXES.items():
        text = "\n".join(plain(p) for p in BODIES[key].text)
        for ctx, _ in timexes:
            if text.count(ctx) != 1:
                raise SystemExit(f"timex context not unique in {key}: {ctx!r}")
    keys = [p.key for p in PUBS]
    if len(set(keys)) != len(keys):
        raise SystemExit("duplicate publication keys")
    for p in PUBS:
        if p.dup_of and p.dup_of not in keys:
            raise SystemExit(f"{p.key}: unknown original {p.dup_of}")


def build(out: Path) -> dict[str, Any]:
    """Write every file of the corpus under ``out`` and return the EXPECTED data."""
    check_data()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    sources: dict[str, str] = {}
    markers: dict[str, list[str]] = {}

    for pub in PUBS:
        if pub.fmt in RENDER or pub.fmt in ("html", "html.gz"):
            path = out / pub.file
            path.parent.mkdir(parents=True, exist_ok=True)
            if pub.fmt in RENDER:
                text, mk = RENDER[pub.fmt](pub)
                path.write_text(text, encoding="utf-8")
            else:
                text, mk = render_html(pub)
                data = text.encode("utf-8")
                if pub.fmt == "html.gz":
                    path.write_bytes(gzip.compress(data, mtime=0))
                else:
                    path.write_bytes(data)
            _stamp(path, crawled(pub))
            sources[pub.key] = pub.file
            markers[pub.key] = mk

    jsonl_pubs = sorted((p for p in PUBS if p.fmt == "jsonl"), key=lambda p: p.published)
    path = out / JSONL_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for n, pub in enumerate(jsonl_pubs, 1):
            f.write(json.dumps(jsonl_record(pub, n), ensure_ascii=False) + "\n")
            sources[pub.key] = f"{JSONL_FILE}:{n}"
            markers[pub.key] = [pub.credit_end] if pub.credit_end else []
    _stamp(path, max(crawled(p) for p in jsonl_pubs))

    warc_pubs = sorted((p for p in PUBS if p.fmt == "warc"), key=crawled)
    path = out / WARC_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    for key, n in write_warc(path, warc_pubs).items():
        sources[key] = f"{WARC_FILE}#{n}"
    for pub in warc_pubs:
        markers[pub.key] = render_html(pub)[1]
    _stamp(path, max(crawled(p) for p in warc_pubs))

    for fmt, name, writer in (("rss", RSS_FILE, write_rss), ("atom", ATOM_FILE, write_atom)):
        feed_pubs = sorted((p for p in PUBS if p.fmt == fmt), key=lambda p: p.published)
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        writer(path, feed_pubs)
        for n, pub in enumerate(feed_pubs, 1):
            sources[pub.key] = f"{name}#{n}"
            markers[pub.key] = FEED_MARKERS[fmt]
        _stamp(path, max(crawled(p) for p in feed_pubs))

    (out / ".newsdeskignore").write_text(
        "# Not articles: the expected results of a correct run.\nEXPECTED.json\n", encoding="utf-8"
    )
    return expected(sources, markers)


def expected(sources: dict[str, str], markers: dict[str, list[str]]) -> dict[str, Any]:
    first_pub = {}
    for pub in sorted(PUBS, key=lambda p: p.published):
        first_pub.setdefault(pub.body, pub)
    articles = []
    for pub in PUBS:
        b = BODIES[pub.body]
        authors, agencies = authors_of(pub)
        feed_url = None
        if pub.fmt == "rss":
            n = int(sources[pub.key].split("#")[1])
            feed_url = f"https://{OUTLETS['newsnest'].domain}/s/{4810 + n}-{slug(title_of(pub))}"
        has_url = pub.fmt in ("markdown", "html", "html.gz", "jsonl", "warc", "atom")
        has_subtitle = b.subtitle and pub.fmt in ("lines", "html", "html.gz", "warc")
        articles.append(
            {
                "key": pub.key,
                "source": sources[pub.key],
                "format": pub.fmt,
                "event": b.event,
                "title": title_of(pub),
                "subtitle": b.subtitle if has_subtitle else None,
                "publisher": outlet(pub).name,
                "aggregator": OUTLETS[pub.aggregator].name if pub.aggregator else None,
                "authors": authors,
                "agencies": agencies,
                "published": pub.published.date().isoformat() if STATED.get(pub.fmt) else None,
                "published_relative": pub.relative,
                # no date in the text: any day in this range (or null) is right, and relative
                # dates resolve against the anchor
                "published_range": None
                if STATED.get(pub.fmt) or pub.relative
                else [
                    (pub.published - timedelta(days=1)).date().isoformat(),
                    pub.published.date().isoformat(),
                ],
                "timex_anchor": None if STATED.get(pub.fmt) else pub.published.date().isoformat(),
                "url": feed_url or (url_of(pub) if has_url else None),
                "duplicate_of": pub.dup_of,
                "body": gold_body(pub),
                "boilerplate_markers": markers[pub.key],
                "negative_quotes": NEGATIVE_QUOTES.get(pub.outlet, [])
                if pub.fmt == "liveblog"
                else [],
            }
        )
    groups: dict[str, list[str]] = {}
    for pub in PUBS:
        if pub.dup_of:
            groups.setdefault(pub.dup_of, []).append(pub.key)
    by_key = {p.key: p for p in PUBS}
    duplicates = []
    for orig, copies in groups.items():
        o = by_key[orig]
        # Copies that no stated date shows to be later (a date-only scrape of the same day, a
        # repost at the same minute) may equally be kept as the original.
        tied = [
            c
            for c in copies
            if (
                STATED.get(by_key[c].fmt) == "day"
                and by_key[c].published.date() == o.published.date()
            )
            or (STATED.get(by_key[c].fmt) == "minute" and by_key[c].published == o.published)
        ]
        duplicates.append(
            {"original": orig, "copies": copies, "acceptable_originals": [orig, *tied]}
        )
    stories = []
    for event in ("strike", "flood", "summit", "library", "weather"):
        members = [p.key for p in PUBS if BODIES[p.body].event == event]
        cross = [k for k in members if by_key[k].body in CROSS_EVENT]
        stories.append({"event": event, "articles": members, "cross_event": cross})
    quotes = []
    for key, qs in QUOTES.items():
        pub = first_pub[key]
        for text, speaker, kind, mention, cue, medium in qs:
            quotes.append(
                {
                    "article": pub.key,
                    "text": text,
                    "speaker": speaker,
                    "kind": kind,
                    "speaker_mention": mention,
                    "cue": cue,
                    "medium": medium,
                }
            )
    timexes = [
        {"article": first_pub[key].key, "context": ctx, "value": value}
        for key, items in TIMEXES.items()
        for ctx, value in items
    ]
    fmt_counts: dict[str, int] = {}
    for pub in PUBS:
        fmt_counts[pub.fmt] = fmt_counts.get(pub.fmt, 0) + 1
    return {
        "about": (
            "What a correct newsdesk run gives on this corpus. Everything in it is invented. "
            "'source' is relative to the corpus folder; 'key' names a publication. Relative "
            "time stamps ('7 hours ago') resolve against each file's modification time, which "
            "the generator sets to the crawl time (git does not keep it). Regenerate with "
            "scripts/make_demo_corpus.py."
        ),
        "crawled_at": CRAWLED_AT.isoformat(),
        "counts": {"articles": len(PUBS), "by_format": fmt_counts},
        "outlets": sorted({o.name for k, o in OUTLETS.items() if o.kind == "outlet"}),
        "aggregators": sorted({o.name for o in OUTLETS.values() if o.kind == "aggregator"}),
        "agencies": {AGENCY: OUTLETS["bpa"].name},
        "events": {
            "strike": "Dockworkers' strike at Port Veskar, 5-11 October 2026",
            "flood": "River Orla flood in Kessbridge and the Orla valley, 7-11 October 2026",
            "summit": "Estmark-Valdoria trade summit in Caldera Bay, 8-11 October 2026",
            "library": "Veskar city library reopens (a single article)",
            "weather": "First frost forecast (a single article)",
        },
        "articles": articles,
        "duplicates": duplicates,
        "stories": stories,
        "quotes": quotes,
        "timexes": timexes,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    data = build(args.out)
    (args.out / "EXPECTED.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    files = sum(1 for p in args.out.rglob("*") if p.is_file())
    print(f"wrote {len(PUBS)} articles in {files} files to {args.out}")


if __name__ == "__main__":
    main()
