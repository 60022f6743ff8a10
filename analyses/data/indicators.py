"""Indicator metadata: the public list of indicator ids and what each one means.

Indicator ids are a contract with councils' scripts: rename none of them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

OGL = "Open Government Licence v3.0"
CLA_RELEASE = "DfE, Children looked after in England including adoptions"
CIN_RELEASE = "DfE, Children in need"
CLA_URL = "https://explore-education-statistics.service.gov.uk/find-statistics/children-looked-after-in-england-including-adoptions"
CIN_URL = "https://explore-education-statistics.service.gov.uk/find-statistics/children-in-need"
RATE_METHOD = (
    "Published rate where DfE published one; otherwise derived as count / ONS mid-year population "
    "aged 0-17 of the previous calendar year x 10,000 (DfE's own method), to 1 decimal place."
)


@dataclass(frozen=True)
class Indicator:
    """What one indicator measures and where it comes from."""

    indicator: str
    title: str
    unit: str  # count | rate_per_10000 | percent
    polarity: str  # higher_is_better | lower_is_better | neither: as LAIT's data dictionary (POLARITY_BASIS)
    definition: str
    source: str
    source_url: str
    licence: str = OGL
    method: str = "As published."
    denominator: str = ""  # indicator id of the count a rate/percentage is built on, if any


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "population_0_17",
        "Children aged 0 to 17",
        "count",
        "neither",
        "ONS mid-year population estimate of children aged 0 to 17 (time_period = the mid-year).",
        "ONS mid-year population estimates, in DfE's EES layout",
        "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates",
    ),
    Indicator(
        "cla_31mar_count",
        "Children looked after at 31 March",
        "count",
        "neither",
        "Children looked after by the local authority on 31 March.",
        CLA_RELEASE,
        CLA_URL,
    ),
    Indicator(
        "cla_31mar_rate",
        "Children looked after at 31 March per 10,000 children",
        "rate_per_10000",
        "neither",
        "Children looked after on 31 March per 10,000 children aged 0 to 17.",
        CLA_RELEASE,
        CLA_URL,
        method=RATE_METHOD,
        denominator="cla_31mar_count",
    ),
    Indicator(
        "cla_starts_count",
        "Children starting to be looked after",
        "count",
        "neither",
        "Children who started to be looked after during the year to 31 March.",
        CLA_RELEASE,
        CLA_URL,
    ),
    Indicator(
        "cla_starts_rate",
        "Children starting to be looked after per 10,000 children",
        "rate_per_10000",
        "neither",
        "Children starting to be looked after during the year per 10,000 children aged 0 to 17.",
        CLA_RELEASE,
        CLA_URL,
        method=RATE_METHOD,
        denominator="cla_starts_count",
    ),
    Indicator(
        "cla_ceased_count",
        "Children ceasing to be looked after",
        "count",
        "neither",
        "Children who ceased to be looked after during the year to 31 March.",
        CLA_RELEASE,
        CLA_URL,
    ),
    Indicator(
        "cla_ceased_rate",
        "Children ceasing to be looked after per 10,000 children",
        "rate_per_10000",
        "neither",
        "Children ceasing to be looked after during the year per 10,000 children aged 0 to 17.",
        CLA_RELEASE,
        CLA_URL,
        method=RATE_METHOD,
        denominator="cla_ceased_count",
    ),
    Indicator(
        "cin_31mar_count",
        "Children in need at 31 March",
        "count",
        "neither",
        "Episodes of need open on 31 March (children in need, including those on protection plans and looked after).",
        CIN_RELEASE,
        CIN_URL,
    ),
    Indicator(
        "cin_31mar_rate",
        "Children in need at 31 March per 10,000 children",
        "rate_per_10000",
        "neither",
        "Children in need on 31 March per 10,000 children aged 0 to 17.",
        CIN_RELEASE,
        CIN_URL,
        method=RATE_METHOD,
        denominator="cin_31mar_count",
    ),
    Indicator(
        "cpp_31mar_count",
        "Children on a child protection plan at 31 March",
        "count",
        "neither",
        "Children who were the subject of a child protection plan on 31 March.",
        CIN_RELEASE,
        CIN_URL,
    ),
    Indicator(
        "cpp_31mar_rate",
        "Children on a child protection plan at 31 March per 10,000 children",
        "rate_per_10000",
        "neither",
        "Children on a child protection plan on 31 March per 10,000 children aged 0 to 17.",
        CIN_RELEASE,
        CIN_URL,
        method=RATE_METHOD,
        denominator="cpp_31mar_count",
    ),
    Indicator(
        "referrals_count",
        "Referrals to children's social care",
        "count",
        "neither",
        "Referrals received by children's social care during the year to 31 March.",
        CIN_RELEASE,
        CIN_URL,
    ),
    Indicator(
        "referrals_rate",
        "Referrals per 10,000 children",
        "rate_per_10000",
        "neither",
        "Referrals during the year per 10,000 children aged 0 to 17.",
        CIN_RELEASE,
        CIN_URL,
        method=RATE_METHOD,
        denominator="referrals_count",
    ),
    Indicator(
        "rereferrals_pct",
        "Re-referrals within 12 months (%)",
        "percent",
        "lower_is_better",
        "Referrals during the year that came within 12 months of a previous referral, as a percentage of all referrals.",
        CIN_RELEASE,
        CIN_URL,
        denominator="referrals_count",
    ),
    Indicator(
        "assessment_factor_episodes_count",
        "Assessments with at least one factor recorded",
        "count",
        "neither",
        "Episodes with an assessment completed in the year where at least one factor was recorded at the end of assessment.",
        CIN_RELEASE,
        CIN_URL,
    ),
    Indicator(
        "da_factor_child_count",
        "Domestic abuse identified: child as subject",
        "count",
        "neither",
        "Assessment episodes where domestic abuse concerning the child was identified as a factor at the end of assessment.",
        CIN_RELEASE,
        CIN_URL,
    ),
    Indicator(
        "da_factor_parent_count",
        "Domestic abuse identified: parent or carer",
        "count",
        "neither",
        "Assessment episodes where domestic abuse concerning the child's parent or carer was identified as a factor.",
        CIN_RELEASE,
        CIN_URL,
    ),
    Indicator(
        "da_factor_other_count",
        "Domestic abuse identified: another person in the household",
        "count",
        "neither",
        "Assessment episodes where domestic abuse concerning another person living in the household was identified as a factor.",
        CIN_RELEASE,
        CIN_URL,
    ),
    Indicator(
        "mh_factor_parent_count",
        "Mental health identified: parent or carer",
        "count",
        "neither",
        "Assessment episodes where the mental health of the child's parent or carer was identified as a factor.",
        CIN_RELEASE,
        CIN_URL,
    ),
    Indicator(
        "sgo_exits_count",
        "Children leaving care on a special guardianship order",
        "count",
        "neither",
        "Children who ceased to be looked after during the year because a special guardianship order was made.",
        CLA_RELEASE,
        CLA_URL,
    ),
    Indicator(
        "cao_exits_count",
        "Children leaving care on a child arrangement order",
        "count",
        "neither",
        "Children who ceased to be looked after during the year because a residence or child arrangement order was granted.",
        CLA_RELEASE,
        CLA_URL,
    ),
    Indicator(
        "cla_foster_count",
        "Children looked after in foster placements at 31 March",
        "count",
        "neither",
        "Children looked after on 31 March who were in a foster placement (published nationally).",
        CLA_RELEASE,
        CLA_URL,
    ),
    Indicator(
        "cla_kin_foster_inside_count",
        "Children fostered by a relative or friend, inside the council boundary",
        "count",
        "neither",
        "Children looked after on 31 March in a foster placement with a relative or friend inside the council's "
        "boundary (kinship foster care; published nationally only).",
        CLA_RELEASE,
        CLA_URL,
    ),
    Indicator(
        "cla_kin_foster_outside_count",
        "Children fostered by a relative or friend, outside the council boundary",
        "count",
        "neither",
        "Children looked after on 31 March in a foster placement with a relative or friend outside the council's "
        "boundary (kinship foster care; published nationally only).",
        CLA_RELEASE,
        CLA_URL,
    ),
    Indicator(
        "eyfsp_gld_pct",
        "Good level of development at age 5 (%)",
        "percent",
        "higher_is_better",
        "Children at the end of reception reaching a good level of development in the Early Years Foundation Stage Profile "
        "(time_period = the year the academic year ends). The framework changed in 2021/22: do not compare with "
        "earlier years. No assessment took place in 2019/20 or 2020/21.",
        "DfE, Early years foundation stage profile results (EES; LAIT for the time series)",
        "https://explore-education-statistics.service.gov.uk/find-statistics/early-years-foundation-stage-profile-results",
    ),
    Indicator(
        "care_applications_rate",
        "Care applications per 10,000 children",
        "rate_per_10000",
        "neither",
        "Cafcass care applications per 10,000 children aged 0 to 17 in the financial year ending in time_period.",
        "Cafcass, via DfE Local Authority Interactive Tool (LAIT)",
        "https://www.gov.uk/government/publications/local-authority-interactive-tool-lait",
        licence="Open Government Licence v3.0 (Cafcass data reused by DfE)",
    ),
)

# Why each indicator has the polarity it has. DfE's Local Authority Interactive Tool (LAIT) data
# dictionary gives a polarity ("High", "Low" or "-") for each measure it holds; the guide follows it
# wherever LAIT has the indicator, and applies the same rule (a direction only where more or less is
# plainly better for children) where LAIT does not have it. A rate of children in care, in need or on
# a plan is not better for being low: it can mean unmet need as well as need met earlier.
LAIT = "LAIT data dictionary, measure"
NO_DIRECTION = "not in LAIT; a count, which mostly reflects the size of an area, so neither direction is better"
POLARITY_BASIS: dict[str, str] = {
    "population_0_17": "not in LAIT as an indicator; a population, so neither direction is better",
    "cla_31mar_count": f"{LAIT} 332 (Number of children looked after): no polarity",
    "cla_31mar_rate": f"{LAIT} 124 (Children looked after rate per 10,000): no polarity",
    "cla_starts_count": f"{LAIT} 376 (Number of children who started to be looked after): no polarity",
    "cla_starts_rate": f"{LAIT} 376 (Rate of children starting to be looked after each year): no polarity",
    "cla_ceased_count": f"{LAIT} 392 (Number of children who ceased to be looked after): no polarity",
    "cla_ceased_rate": f"{LAIT} 392 (Rate of children ceasing to be looked after each year): no polarity",
    "cin_31mar_count": "not in LAIT as a count; LAIT gives its rate (measure 171) no polarity",
    "cin_31mar_rate": f"{LAIT} 171 (Children in need rate per 10,000): no polarity",
    "cpp_31mar_count": f"{LAIT} 377 (Number of children with a child protection plan): no polarity",
    "cpp_31mar_rate": f"{LAIT} 215 (Child protection plans rate per 10,000): no polarity",
    "referrals_count": f"{LAIT} 305 (Number of referrals to children's social care): no polarity",
    "referrals_rate": f"{LAIT} 305 (Rates per 10,000 of referrals): no polarity",
    "rereferrals_pct": f"{LAIT} 271 (Percentage of re-referrals within 12 months): lower is better",
    "assessment_factor_episodes_count": NO_DIRECTION,
    "da_factor_child_count": NO_DIRECTION,
    "da_factor_parent_count": NO_DIRECTION,
    "da_factor_other_count": NO_DIRECTION,
    "mh_factor_parent_count": NO_DIRECTION,
    "sgo_exits_count": "LAIT has the count (measure 390) with no polarity",
    "cao_exits_count": "not in LAIT as a count; LAIT gives the share (child arrangement orders) no polarity",
    "cla_foster_count": NO_DIRECTION,
    "cla_kin_foster_inside_count": NO_DIRECTION,
    "cla_kin_foster_outside_count": NO_DIRECTION,
    "eyfsp_gld_pct": f"{LAIT} 272 (Foundation Stage, % achieving a good level of development): higher is better",
    "care_applications_rate": f"{LAIT} 275 (Cafcass care applications per 10,000 children): no polarity",
}

BY_ID = {ind.indicator: ind for ind in INDICATORS}
RATE_OF_COUNT = {
    ind.denominator: ind.indicator for ind in INDICATORS if ind.unit == "rate_per_10000" and ind.denominator
}


def metadata_frame() -> pd.DataFrame:
    """All indicator metadata as a table (written to data/indicator_metadata.csv)."""
    return pd.DataFrame([asdict(ind) for ind in INDICATORS])


# How each indicator's year reads: a count on one day (stock), over the year to 31 March (flow),
# a school year, or a mid-year estimate. Indicators not listed are flows to 31 March.
STOCKS = frozenset(
    {"cla_31mar_count", "cla_31mar_rate", "cin_31mar_count", "cin_31mar_rate", "cpp_31mar_count", "cpp_31mar_rate"}
    | {"cla_foster_count", "cla_kin_foster_inside_count", "cla_kin_foster_outside_count"}
)
SCHOOL_YEARS = frozenset({"eyfsp_gld_pct"})
MID_YEARS = frozenset({"population_0_17"})


def period_label(indicator: str, year: int) -> str:
    """The one way a figure's year is written: 'at 31 March 2025', 'year ending 31 March 2025',
    '2024/25 school year' or 'mid-2024'."""
    if indicator in STOCKS:
        return f"at 31 March {year}"
    if indicator in SCHOOL_YEARS:
        return f"{year - 1}/{str(year)[2:]} school year"
    if indicator in MID_YEARS:
        return f"mid-{year}"
    return f"year ending 31 March {year}"
