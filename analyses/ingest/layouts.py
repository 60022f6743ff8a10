"""The published file layouts the importer recognises, and how each becomes tidy rows.

Each layout names the columns that identify it (with the aliases DfE has used across
releases) and turns a raw table of strings into rows of
``indicator, time_period, geographic_level, region_code, region_name, old_la_code,
new_la_code, la_name, raw`` where ``raw`` is the published cell (a number or a symbol).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

GEO_COLUMNS = ["geographic_level", "region_code", "region_name", "old_la_code", "new_la_code", "la_name"]


def find_column(frame: pd.DataFrame, aliases: tuple[str, ...]) -> str | None:
    """The first column of ``frame`` matching one of ``aliases`` (case-insensitive)."""
    lower = {c.lower(): c for c in frame.columns}
    return next((lower[a.lower()] for a in aliases if a.lower() in lower), None)


@dataclass(frozen=True)
class WideLayout:
    """One EES file with one column per measure (CIN b1, c1, c3, d5; population; EYFSP)."""

    name: str
    measures: dict[str, tuple[str, ...]]  # indicator -> column aliases
    required: tuple[str, ...]  # indicators whose column must be present to recognise the file
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column aliases -> accepted labels
    identifying: tuple[tuple[str, ...], ...] = ()  # extra column alias groups that must be present

    def columns_wanted(self) -> list[str]:
        return [" or ".join(self.measures[i]) for i in self.required] + [" or ".join(a) for a in self.identifying]

    def matches(self, frame: pd.DataFrame) -> bool:
        return all(find_column(frame, self.measures[i]) for i in self.required) and all(
            find_column(frame, a) for a in self.identifying
        )

    def extract(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame = _apply_filters(frame, self.filters)
        parts = []
        for indicator, aliases in self.measures.items():
            column = find_column(frame, aliases)
            if column is not None:
                parts.append(_tidy(frame, indicator, frame[column], column))
        return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True)
class LongLayout:
    """One EES file with a label column and value columns (CLA numbers; ceased by reason)."""

    name: str
    label_column: tuple[str, ...]
    value_columns: dict[str, tuple[str, ...]]  # role (e.g. count, rate) -> column aliases
    labels: dict[str, dict[str, str]]  # regex on the label -> {role: indicator}
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    optional: tuple[str, ...] = ()  # roles whose column may be missing (e.g. a time series without rates)

    def columns_wanted(self) -> list[str]:
        return [" or ".join(self.label_column)] + [
            " or ".join(a) for r, a in self.value_columns.items() if r not in self.optional
        ]

    def matches(self, frame: pd.DataFrame) -> bool:
        label = find_column(frame, self.label_column)
        if label is None or not all(
            find_column(frame, a) for r, a in self.value_columns.items() if r not in self.optional
        ):
            return False
        values = frame[label].astype(str)
        return any(values.str.contains(p, case=False, regex=True).any() for p in self.labels)

    def extract(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame = _apply_filters(frame, self.filters)
        label = frame[find_column(frame, self.label_column)].astype(str).str.strip()
        parts = []
        for pattern, roles in self.labels.items():
            rows = frame[label.str.contains(pattern, case=False, regex=True)]
            for role, indicator in roles.items():
                column = find_column(rows, self.value_columns[role])
                if column is not None:
                    parts.append(_tidy(rows, indicator, rows[column], column))
        return pd.concat(parts, ignore_index=True)


def _apply_filters(frame: pd.DataFrame, filters: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    for column_aliases, accepted in filters.items():
        column = find_column(frame, tuple(column_aliases.split("|")))
        if column is not None:
            frame = frame[frame[column].str.strip().str.lower().isin([a.lower() for a in accepted])]
    return frame


def _tidy(frame: pd.DataFrame, indicator: str, values: pd.Series, column: str) -> pd.DataFrame:
    out = pd.DataFrame({c: frame[c] if c in frame else "" for c in ["time_period", *GEO_COLUMNS]})
    out.insert(0, "indicator", indicator)
    out["raw"] = values.values
    out["source_row"] = frame.index.values
    out["source_column"] = column
    return out


LAYOUTS = (
    LongLayout(
        "Children looked after: numbers and rates (CLA release)",
        label_column=("population_type", "population_count", "cla_group", "characteristic"),
        value_columns={"count": ("children_count", "number"), "rate": ("rate_per_10000", "rate")},
        optional=("rate",),  # DfE's national time series since 1994 gives counts only
        labels={
            r"looked after (?:at|on) 31 march": {"count": "cla_31mar_count", "rate": "cla_31mar_rate"},
            r"starting to be looked after": {"count": "cla_starts_count", "rate": "cla_starts_rate"},
            r"ceasing to be looked after": {"count": "cla_ceased_count", "rate": "cla_ceased_rate"},
        },
    ),
    LongLayout(
        "Children who ceased to be looked after, by reason (CLA release)",
        label_column=("characteristic",),
        value_columns={"count": ("number", "children_count")},
        labels={
            r"^special guardianship orders?$": {"count": "sgo_exits_count"},
            r"child arrangements? order": {"count": "cao_exits_count"},
        },
        filters={"cla_group": ("Reason episode ceased",)},
    ),
    LongLayout(
        "Children looked after at 31 March by characteristics (CLA release, national)",
        label_column=("characteristic",),
        value_columns={"count": ("number", "children_count")},
        labels={
            r"^1\.? total foster placements$": {"count": "cla_foster_count"},
            r"^1a\.1 total foster placements inside council boundary with relative or friend": {
                "count": "cla_kin_foster_inside_count"
            },
            r"^1b\.1 total foster placements outside council boundary with relative or friend": {
                "count": "cla_kin_foster_outside_count"
            },
        },
        filters={"cla_group": ("Placement",)},
    ),
    WideLayout(
        "Children looked after at 31 March: national time series (CLA release)",
        measures={
            "cla_31mar_count": (
                "cla_at_31_march",
                "looked_after_at_31_march",
                "children_looked_after_at_31_march",
                "number_looked_after_at_31_march",
                "cla_31_march",
                "cla_on_31_march",
            )
        },
        required=("cla_31mar_count",),
    ),
    WideLayout(
        "Children in need at 31 March (CIN table B1)",
        measures={
            "cin_31mar_count": ("At31_episodes", "at31_episodes", "at31_episodes_count"),
            "cin_31mar_rate": ("At31_episodes_rate", "at31_episodes_rate"),
        },
        required=("cin_31mar_count",),
    ),
    WideLayout(
        "Referrals and re-referrals (CIN table C1)",
        measures={
            "referrals_count": ("Referrals", "referral_count"),
            "referrals_rate": ("Referrals_rate", "referral_rate"),
            "rereferrals_pct": ("Re_referrals_percent", "rereferral_percent"),
        },
        required=("referrals_count", "rereferrals_pct"),
    ),
    WideLayout(
        "Factors identified at the end of assessment (CIN table C3)",
        measures={
            "assessment_factor_episodes_count": ("Episodes_with_assessment_factor", "episodes_with_assessment_factor"),
            "da_factor_child_count": ("Domestic_Abuse_child", "domestic_abuse_child"),
            "da_factor_parent_count": ("Domestic_Abuse_parent", "domestic_abuse_parent"),
            "da_factor_other_count": ("Domestic_Abuse_person", "domestic_abuse_person", "domestic_abuse_other"),
            "mh_factor_parent_count": ("Mental_Health_parent", "mental_health_parent"),
        },
        required=("da_factor_child_count", "da_factor_parent_count", "da_factor_other_count"),
    ),
    WideLayout(
        "Child protection plans at 31 March (CIN table D5)",
        measures={"cpp_31mar_count": ("CPP_At31", "cpp_at31", "cpp_at31_count")},
        required=("cpp_31mar_count",),
    ),
    WideLayout(
        "ONS mid-year population estimates, children aged 0 to 17 (EES layout)",
        measures={"population_0_17": ("population_estimate",)},
        required=("population_0_17",),
        filters={"age_group": ("Children aged 0 to 17 years", "0 to 17", "Aged 0 to 17")},
        identifying=(("age_group",),),
    ),
    WideLayout(
        "Early years foundation stage profile: headline measures",
        measures={"eyfsp_gld_pct": ("gld_percentage",)},
        required=("eyfsp_gld_pct",),
        filters={"characteristic_type": ("Total",), "characteristic": ("Total",), "gender": ("Total",)},
    ),
)

LAIT_MEASURES = {
    "CareApplications": "care_applications_rate",
    "FSP_NEW_GOODDEV": "eyfsp_gld_pct",
    "LAC_ceased_SGO": "sgo_exits_count",
}


def lait_to_rows(frame: pd.DataFrame, region_codes: dict[str, str]) -> pd.DataFrame:
    """Rows of the DfE LAIT long table (Parquet) for the measures we use."""
    frame = frame[frame["Short Desc"].isin(LAIT_MEASURES)].copy()
    number = pd.to_numeric(frame["LA Number"], errors="coerce")
    name = frame["LA and Regions"].astype(str).str.strip()
    is_england = name.str.lower() == "england"
    is_region = name.map(lambda n: n.lower() in region_codes)
    frame["geographic_level"] = "Local authority"
    frame.loc[is_region, "geographic_level"] = "Regional"
    frame.loc[is_england, "geographic_level"] = "National"
    frame["old_la_code"] = number.map(lambda n: "" if pd.isna(n) else f"{int(n):03d}")
    frame.loc[is_region | is_england, "old_la_code"] = ""
    frame["la_name"] = name.where(~(is_region | is_england), "")
    frame["region_name"] = name.where(is_region, "")
    frame["region_code"] = name.map(lambda n: region_codes.get(n.lower(), "")).where(is_region, "")
    frame["new_la_code"] = ""
    years = frame["Years"].astype(str).str.strip()
    frame["time_period"] = years.map(_lait_year)
    out = pd.concat(
        [
            _tidy(rows, LAIT_MEASURES[measure], rows["Values"].astype(str).str.strip().replace({"-": "x"}), "Values")
            for measure, rows in frame.groupby("Short Desc")
        ],
        ignore_index=True,
    )
    return out


def _lait_year(text: str) -> str:
    """LAIT years are '2025' or '2024-25' (possibly with a note): the year the period ends."""
    match = re.match(r"^(\d{4})(?:-(\d{2}))?", text)
    if not match:
        return text
    start, end = match.groups()
    return str(int(start[:2] + end)) if end else start


# Published aggregate files the guide does not use: (pattern on column names and labels, what they hold).
UNUSED_TOPICS = (
    (
        r"special guardianship|\bsgo",
        "special guardianship orders by characteristic (the guide counts SGO exits "
        "from DfE's file of children who ceased to be looked after)",
    ),
    (r"section ?47|icpc", "section 47 enquiries and initial child protection conferences"),
    (r"cpp_subsequent|subsequent plan", "second or later child protection plans"),
    (r"in[ _-]?touch", "care leavers in touch"),
    (r"care[ _-]?leaver", "care leavers"),
    (r"accommodation", "care leavers' accommodation"),
    (r"adopt", "adoption"),
    (r"placement", "placements of children looked after"),
    (r"missing|away from placement", "children missing from care"),
    (r"offend|convicted|substance|health check|dental|immunis|sdq", "outcomes of children looked after"),
    (r"exclusion|absence|attainment|key stage|ks[124]", "pupils' education"),
    (r"social worker|workforce|agency|vacanc|caseload", "the social work workforce"),
    (r"unaccompanied|uasc", "unaccompanied asylum-seeking children"),
)


def published_topic(frame: pd.DataFrame) -> str | None:
    """What a DfE explore-education-statistics file is about, if the guide does not use it; else None.

    Only for files in EES's own layout (time_identifier and geographic_level columns): aggregate
    statistics by area and year, however they are broken down.
    """
    columns = {c.lower() for c in frame.columns}
    if not {"time_identifier", "geographic_level"} <= columns:
        return None
    labels = [
        c
        for c in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[c])  # object or pandas' str
        and c.lower() not in GEO_LABEL_COLUMNS
    ]
    text = " ".join([*frame.columns, *(str(v) for c in labels for v in frame[c].head(2000).unique()[:50])]).lower()
    return next(
        (topic for pattern, topic in UNUSED_TOPICS if re.search(pattern, text)), "a topic the guide does not cover"
    )


GEO_LABEL_COLUMNS = {"country_name", "region_name", "la_name", "lad_name", "opportunity_area_name"}  # names, not topics


def reference_table(frame: pd.DataFrame) -> str | None:
    """What a table of codes, names or descriptions (no statistics by year) holds, if it is one; else None."""
    columns = " ".join(frame.columns).lower()
    if "time_period" in columns or "geographic_level" in columns:
        return None
    if re.search(r"\bsn_?\d+\b|\bsn\d", columns):
        return (
            "a statistical neighbours table, not statistics (the guide's LA lookup is built from DfE's 2025 "
            "model, given with --la-lookup)"
        )
    if re.search(r"measure", columns) and re.search(r"description|methodology", columns):
        return "a data dictionary (descriptions of measures), not statistics"
    if re.search(
        r"la_code|la_name|region_code|region_name|(la|lad|utla|ltla|rgn)\d*(cd|nm)\b|local authority", columns
    ):
        return "a lookup of area codes and names, not statistics (nothing in it to import)"
    return None
