"""Per-mode speeds and emission factors used where no source gives a corridor's own figure.

Every value names where it comes from; results computed from them are labelled estimates. Speeds are only used
when no corridor of that mode carries a documented ``transit_days`` (then the speed that figure implies is used).
"""

from __future__ import annotations

from dataclasses import dataclass

KNOT_KM_PER_DAY = 1.852 * 24


@dataclass(frozen=True)
class Citation:
    title: str
    url: str
    detail: str  # the table or passage and the values taken from it


@dataclass(frozen=True)
class SpeedRange:
    min_km_per_day: float
    max_km_per_day: float
    method: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class EmissionFactor:
    min_g_per_tkm: float
    max_g_per_tkm: float
    method: str
    citation: Citation


_ETRR_2019 = Citation(
    title="A shift-share based tool for assessing the contribution of a modal shift to the decarbonisation of inland "
          "freight transport, European Transport Research Review 11 (2019), Table 9 'CO2 emission factors for 2014'",
    url="https://etrr.springeropen.com/articles/10.1186/s12544-019-0344-x/tables/9",
    detail="Table 9 (sources KiM, CE Delft): road 90.3, rail 11.3 (20 % diesel / 80 % electric traction), "
           "inland waterways 38.6 g CO2 per tonne-km",
)
_ITF_2014 = Citation(
    title="O. Merk, Shipping Emissions in Ports, International Transport Forum Discussion Paper 2014/20 (OECD)",
    url="https://julib.fz-juelich.de/vufind/Record/487917",
    detail="container feeder ships (up to 500 TEU) emit 31.6 g CO2 per tonne-km, three times as much as "
           "post-Panamax ships above 4,400 TEU (after Psaraftis and Kontovas 2008), i.e. about 10.5 g",
)

EMISSION_FACTORS: dict[str, EmissionFactor] = {
    "rail": EmissionFactor(11.3, 11.3, "ETRR 2019 Table 9, rail (European traction mix)", _ETRR_2019),
    "river": EmissionFactor(38.6, 38.6, "ETRR 2019 Table 9, inland waterways", _ETRR_2019),
    "road": EmissionFactor(90.3, 90.3, "ETRR 2019 Table 9, road", _ETRR_2019),
    # Rail and road in unknown shares: the range spans the two factors.
    "rail_road": EmissionFactor(11.3, 90.3, "ETRR 2019 Table 9, rail to road (share of each unknown)", _ETRR_2019),
    "sea": EmissionFactor(31.6 / 3, 31.6, "ITF 2014/20: large (post-Panamax) to feeder container ships", _ITF_2014),
}

FALLBACK_SPEEDS: dict[str, SpeedRange] = {
    "sea": SpeedRange(
        13.72 * KNOT_KM_PER_DAY, 18 * KNOT_KM_PER_DAY,
        "time at sea at 13.7–18 knots (port calls not included)",
        (Citation(
            title="Container giants hit the brakes as go-slow trend gathers pace (TradeWinds, 2023-03-06)",
            url="https://www.tradewindsnews.com/containerships/container-giants-hit-the-brakes-as-go-slow-trend-"
                "gathers-pace/2-1-1414468",
            detail="average container ship operating speed 13.72 knots in February 2023 (Clarksons Research)",
        ), Citation(
            title="Slow steaming in container shipping (Notteboom, Pallis, Rodrigue: Port Economics, Management and "
                  "Policy)",
            url="https://porteconomicsmanagement.org/pemp/contents/part6/ports-and-container-shipping/"
                "slow-steaming-container-shipping",
            detail="lines cut commercial speed from 22–23 knots to 18 knots or slower",
        )),
    ),
    "river": SpeedRange(
        1125 / 4, 1125 / 3,
        "scheduled Yangtze boats: Wuhan–Shanghai 1,125 km in 3 days downstream, 4 days upstream",
        (Citation(
            title="Transportation in Yangtze River (Access China Travel guide)",
            url="https://accesschinatravel.com/guide-v158-transportation-in-yangtze-river.html",
            detail="Wuhan–Shanghai 1,125 km: up to four days upstream, three days downstream",
        ),),
    ),
}
