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
    """The first column of ``frame`` named exactly one of ``aliases`` (case aside)."""
    lower = {c.lower(): c for c in frame.columns}
    return next((lower[a.lower()] for a in aliases if a.lower() in lower), None)


def label_key(text: str) -> str:
    """A published label as compared: case and runs of spaces aside."""
    return " ".join(str(text).split()).lower()


def _either(aliases: tuple[str, ...]) -> str:
    """How a column is named in messages: 'children_count' (or 'number')."""
    first, *rest = aliases
    return f"'{first}'" + (f" (or {', '.join(repr(a) for a in rest)})" if rest else "")


@dataclass(frozen=True)
class Fit:
    """How a file compares with one layout: ``missing`` empty means the layout reads it."""

    layout: WideLayout | LongLayout
    missing: tuple[str, ...]  # the columns (or labels) the file lacks, as said in messages
    evidence: int  # how many of the layout's own columns or labels the file has (for the closest layout)


@dataclass(frozen=True)
class WideLayout:
    """One EES file with one column per measure (CIN b1, c1, c3, d5; population; EYFSP).

    ``signature`` names columns found in this file and no other DfE file: a file with any of them
    (or of the measures' columns, unless ``generic_measures``) is this layout, and a missing
    ``required`` column is then a renamed or dropped one.
    """

    name: str
    measures: dict[str, tuple[str, ...]]  # indicator -> column aliases
    required: tuple[str, ...]  # indicators whose column must be present to read the file
    signature: tuple[str, ...]
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column aliases -> accepted labels
    identifying: tuple[tuple[str, ...], ...] = ()  # extra column alias groups that must be present
    renamed_in: dict[str, int] = field(default_factory=dict)  # a column name -> first release that used it
    generic_measures: bool = False  # the measures' column names appear in other DfE files too

    def fit(self, frame: pd.DataFrame) -> Fit | None:
        measures = {a.lower() for aliases in self.measures.values() for a in aliases}
        own = {a.lower() for a in self.signature} | (set() if self.generic_measures else measures)
        evidence = sum(c.lower() in own for c in frame.columns)
        if not evidence:
            return None
        missing = [_either(self.measures[i]) for i in self.required if not find_column(frame, self.measures[i])]
        missing += [_either(a) for a in self.identifying if not find_column(frame, a)]
        return Fit(self, tuple(missing), evidence)

    def extract(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame = _apply_filters(frame, self.filters)
        parts = []
        for indicator, aliases in self.measures.items():
            column = find_column(frame, aliases)
            if column is not None:
                parts.append(_tidy(frame, indicator, frame[column], column))
        return pd.concat(parts, ignore_index=True)

    def first_release(self, frame: pd.DataFrame) -> int:
        """The earliest release whose column names the file uses (0: any)."""
        return max((y for c, y in self.renamed_in.items() if find_column(frame, (c,))), default=0)


@dataclass(frozen=True)
class LongLayout:
    """One EES file with a label column and value columns (CLA numbers; ceased by reason).

    ``labels`` are DfE's labels exactly (case and spacing aside); other labels in the same column
    (e.g. the time series' children looked after excluding unaccompanied asylum-seeking children)
    are measures the guide does not use, and are left out.
    """

    name: str
    label_column: tuple[str, ...]
    value_columns: dict[str, tuple[str, ...]]  # role (e.g. count, rate) -> column aliases
    labels: dict[str, dict[str, str]]  # DfE's label -> {role: indicator}
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    optional: tuple[str, ...] = ()  # roles whose column may be missing (e.g. a time series without rates)
    renamed_in: dict[str, int] = field(default_factory=dict)  # a column name or label -> first release using it
    unless: dict[str, str] = field(default_factory=dict)  # column -> pattern on its labels that rules the layout out

    def _rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        for column_aliases, accepted in self.filters.items():
            column = find_column(frame, tuple(column_aliases.split("|")))
            if column is None:
                return frame.iloc[0:0]
            frame = frame[frame[column].map(label_key).isin([label_key(a) for a in accepted])]
        return frame

    def fit(self, frame: pd.DataFrame) -> Fit | None:
        for column, pattern in self.unless.items():
            found = find_column(frame, (column,))
            if found and frame[found].map(label_key).str.contains(pattern).any():
                return None
        known = {label_key(k) for k in self.labels}
        rows = self._rows(frame)
        holding = [c for c in frame.columns if rows[c].map(label_key).isin(known).any()] if len(rows) else []
        if not holding:
            return None
        missing = [] if find_column(frame, self.label_column) else [_either(self.label_column)]
        missing += [
            _either(a) for r, a in self.value_columns.items() if r not in self.optional and not find_column(frame, a)
        ]
        found = rows[holding[0]].map(label_key)
        evidence = int(found[found.isin(known)].nunique()) + 1
        return Fit(self, tuple(missing), evidence)

    def extract(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame = self._rows(frame)
        label = frame[find_column(frame, self.label_column)].map(label_key)
        parts = []
        for text, roles in self.labels.items():
            rows = frame[label == label_key(text)]
            for role, indicator in roles.items():
                column = find_column(rows, self.value_columns[role])
                if column is not None and len(rows):
                    parts.append(_tidy(rows, indicator, rows[column], column))
        return pd.concat(parts, ignore_index=True) if parts else _tidy(frame.iloc[0:0], "", frame.iloc[0:0, 0], "")

    def first_release(self, frame: pd.DataFrame) -> int:
        column = find_column(frame, self.label_column)
        labels = set(frame[column].map(label_key)) if column else set()
        return max(
            (y for c, y in self.renamed_in.items() if find_column(frame, (c,)) or label_key(c) in labels), default=0
        )


def _apply_filters(frame: pd.DataFrame, filters: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    for column_aliases, accepted in filters.items():
        column = find_column(frame, tuple(column_aliases.split("|")))
        if column is not None:
            frame = frame[frame[column].map(label_key).isin([label_key(a) for a in accepted])]
    return frame


def _tidy(frame: pd.DataFrame, indicator: str, values: pd.Series, column: str) -> pd.DataFrame:
    out = pd.DataFrame({c: frame[c] if c in frame else "" for c in ["time_period", *GEO_COLUMNS]})
    if "release" in frame:  # a file may state its release in a column of its own
        out["release"] = frame["release"]
    out.insert(0, "indicator", indicator)
    out["raw"] = values.values
    out["source_row"] = frame.index.values
    out["source_column"] = column
    return out


def _each(*labels: str, count: str, rate: str) -> dict[str, dict[str, str]]:
    return {label: {"count": count, "rate": rate} for label in labels}


LAYOUTS = (
    LongLayout(
        "Children looked after: numbers and rates (CLA release)",
        label_column=("population_type", "population_count"),
        value_columns={"count": ("children_count", "number"), "rate": ("rate_per_10000", "rate")},
        optional=("rate",),  # DfE's national time series since 1994 gives counts only
        labels={
            # DfE's numbers-and-rates file says "each year"; its national time series since 1994 does not.
            **_each(
                "Children looked after at 31 March each year",
                "Children looked after on 31 March each year",
                "Children looked after at 31 March",
                "Children looked after on 31 March",
                count="cla_31mar_count",
                rate="cla_31mar_rate",
            ),
            **_each(
                "Children starting to be looked after each year",
                "Children starting to be looked after during the year",
                count="cla_starts_count",
                rate="cla_starts_rate",
            ),
            **_each(
                "Children ceasing to be looked after each year",
                "Children ceasing to be looked after during the year",
                count="cla_ceased_count",
                rate="cla_ceased_rate",
            ),
        },
        # the 2025 release renamed the columns and said "on 31 March" where earlier ones said "at"
        renamed_in={
            "population_type": 2025,
            "children_count": 2025,
            "Children looked after on 31 March each year": 2025,
            "Children looked after on 31 March": 2025,
        },
    ),
    LongLayout(
        "Children who ceased to be looked after, by reason (CLA release)",
        label_column=("characteristic",),
        value_columns={"count": ("number", "children_count")},
        labels={
            "Special guardianship orders": {"count": "sgo_exits_count"},
            "Special guardianship order": {"count": "sgo_exits_count"},
            "Residence order or child arrangement order granted": {"count": "cao_exits_count"},
            "Child arrangements order": {"count": "cao_exits_count"},
        },
        filters={"cla_group": ("Reason episode ceased",)},
    ),
    LongLayout(
        "Children looked after at 31 March by characteristics (CLA release, national)",
        label_column=("characteristic",),
        value_columns={"count": ("number", "children_count")},
        labels={
            "1. Total foster placements": {"count": "cla_foster_count"},
            "1a.1 Total foster placements inside council boundary with relative or friend": {
                "count": "cla_kin_foster_inside_count"
            },
            "1b.1 Total foster placements outside council boundary with relative or friend": {
                "count": "cla_kin_foster_outside_count"
            },
        },
        filters={"cla_group": ("Placement",)},
        # DfE's files of children starting or ceasing to be looked after break placements down the same way
        unless={"cla_group": r"\bon (?:starting|ceasing)\b|\bstarted\b|\bceased\b"},
    ),
    WideLayout(
        "Children in need at 31 March (CIN table B1)",
        measures={
            "cin_31mar_count": ("At31_episodes", "at31_episodes_count"),
            "cin_31mar_rate": ("At31_episodes_rate",),
        },
        required=("cin_31mar_count",),
        signature=("Anypoint_episodes", "Anypoint_child", "Started_episodes", "Ended_episodes", "At31_episodes_rate"),
    ),
    WideLayout(
        "Referrals and re-referrals (CIN table C1)",
        measures={
            "referrals_count": ("Referrals", "referral_count"),
            "referrals_rate": ("Referrals_rate", "referral_rate"),
            "rereferrals_pct": ("Re_referrals_percent", "rereferral_percent"),
        },
        required=("referrals_count", "rereferrals_pct"),
        signature=("Re_referrals", "rereferral_count", "No_Further_Action", "no_further_action_count", "Not_in_Need"),
        renamed_in={"referral_count": 2025, "rereferral_percent": 2025},
    ),
    WideLayout(
        "Factors identified at the end of assessment (CIN table C3)",
        measures={
            "assessment_factor_episodes_count": ("Episodes_with_assessment_factor",),
            "da_factor_child_count": ("Domestic_Abuse_child",),
            "da_factor_parent_count": ("Domestic_Abuse_parent",),
            "da_factor_other_count": ("Domestic_Abuse_person", "domestic_abuse_other"),
            "mh_factor_parent_count": ("Mental_Health_parent",),
        },
        required=("da_factor_child_count", "da_factor_parent_count", "da_factor_other_count"),
        signature=("Episodes_with_assessment_factor", "Alcohol_Misuse_child", "Drug_Misuse_parent", "Neglect"),
    ),
    WideLayout(
        "Child protection plans at 31 March (CIN table D5)",
        measures={"cpp_31mar_count": ("CPP_At31", "cpp_at31_count")},
        required=("cpp_31mar_count",),
        signature=("CPP_At31", "3_months_or_less", "2_years_or_more", "more_than_3_months_6_months"),
    ),
    WideLayout(
        "ONS mid-year population estimates, children aged 0 to 17 (EES layout)",
        measures={"population_0_17": ("population_estimate",)},
        required=("population_0_17",),
        signature=("age_group",),
        generic_measures=True,  # population_estimate is also a column of the CLA numbers file
        filters={"age_group": ("Children aged 0 to 17 years", "0 to 17", "Aged 0 to 17")},
    ),
    WideLayout(
        "Early years foundation stage profile: headline measures",
        measures={"eyfsp_gld_pct": ("gld_percentage",)},
        required=("eyfsp_gld_pct",),
        signature=("gld_number", "gld_percentage", "elg_percentage", "average_elgs", "comm_lang_lit_percentage"),
        filters={"characteristic_type": ("Total",), "characteristic": ("Total",), "gender": ("Total",)},
    ),
)


def fit(frame: pd.DataFrame) -> Fit | None:
    """The layout that reads ``frame`` (``missing`` empty), else the closest one it resembles, else None."""
    fits = [f for f in (layout.fit(frame) for layout in LAYOUTS) if f is not None]
    complete = [f for f in fits if not f.missing]
    return (complete or sorted(fits, key=lambda f: -f.evidence) or [None])[0]


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


# Published aggregate files the guide does not use, each told by its own columns (a pattern on the
# column names) or by its breakdown (a pattern on the labels of its group columns, ``GROUP_COLUMNS``);
# the first that fits names the topic. Labels of other columns (e.g. a legal status "in LA
# accommodation") never decide the topic.
TOPIC_BY_COLUMNS = (
    (
        r"^(inpost|social_worker|starters|leavers|leaver|case_holders|caseload|vacancy|agency|turnover_rate|"
        r"working_days_lost)(_|$)",
        "the children's social work workforce (social workers, turnover, agency staff, vacancies, caseloads, absence)",
    ),
    (r"^cl_in_touch$", "care leavers in touch"),
    (r"^care_leaver_", "care leavers (their activity or accommodation)"),
    (
        r"^(t|pt|avg)_(pupils|sess|att8|read|writta|mat|rwm|gps|scita|l2basics|ebacc|p8score|inp8calc)",
        "pupils' education (attainment and absence of children in need and looked after)",
    ),
    (r"^(section47|icpc)", "section 47 enquiries and initial child protection conferences"),
    (r"^cpp_subsequent", "second or later child protection plans"),
    (r"^stage_of_adoption_process$", "adoption"),
    (r"^placement_stability$", "placement stability of children looked after"),
    (r"^school_stability$|^move_measure$", "school moves of children looked after"),
    (r"^sw_stability$", "changes of social worker for children looked after"),
    (r"^number_schools|_revenue_|^school_phase$", "schools' finances"),
    (
        r"ehc_plans?$|^assess_in_year$|^requests_received_in_year$|^plans_issued|^personal_budget$|^res_tot$|"
        r"^open_supp_intern$",
        "education, health and care plans (DfE's SEN2 statistics)",
    ),
)
TOPIC_BY_GROUPS = (
    (
        r"special guardianship",
        "special guardianship orders by characteristic (the guide counts SGO exits "
        "from DfE's file of children who ceased to be looked after)",
    ),
    (r"^adopted$|adoption", "adoption"),
    (r"\behc plans?\b|education, health and care", "education, health and care plans (DfE's SEN2 statistics)"),
    (r"\bon starting\b|started to be looked after", "children who started to be looked after, by characteristic"),
    (
        r"\bon ceasing\b|reason episode ceased|ceased to be looked after",
        "children who ceased to be looked after, by characteristic",
    ),
    (r"new placements|placement change", "placements of children looked after"),
    (r"missing|away from placement", "children missing from care"),
    (r"conviction|health assessment|development assessment|substance misuse|sdq", "outcomes of children looked after"),
    (r"unaccompanied", "unaccompanied asylum-seeking children"),
    (
        r"^(age group|category of need|ethnicity|gender|legal status|placement)$",
        "children looked after by characteristic",
    ),
)
# Columns whose labels say what a breakdown is (DfE's filters above the detailed labels).
GROUP_COLUMNS = {"cla_group", "population_type", "characteristic_type", "breakdown_topic", "social_care_group"}
EES_COLUMNS = {
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
    "region_name", "old_la_code", "new_la_code", "la_name", "lad_code", "lad_name", "version",
}  # fmt: skip


def published_topic(frame: pd.DataFrame) -> str | None:
    """What a DfE explore-education-statistics file is about, if the guide does not use it; else None.

    Only for files in EES's own layout (time_identifier and geographic_level columns): aggregate
    statistics by area and year, however they are broken down.
    """
    columns = [c.lower() for c in frame.columns]
    if not {"time_identifier", "geographic_level"} <= set(columns):
        return None
    for pattern, topic in TOPIC_BY_COLUMNS:
        if any(re.search(pattern, c) for c in columns):
            return topic
    groups = [c for c in frame.columns if c.lower() in GROUP_COLUMNS]
    if "breakdown" in columns and "characteristic" in columns:  # DfE's newer files: characteristic > breakdown
        groups.append(frame.columns[columns.index("characteristic")])
    labels = {label_key(v) for c in groups for v in frame[c].unique()[:200]}
    for pattern, topic in TOPIC_BY_GROUPS:
        if any(re.search(pattern, label) for label in labels):
            return topic
    measures = [c for c in frame.columns if c.lower() not in EES_COLUMNS and c.lower() not in GROUP_COLUMNS]
    shown = ", ".join(measures[:4]) + (", ..." if len(measures) > 4 else "")
    return (
        f"a topic the guide does not cover (its columns: {shown})" if measures else "a topic the guide does not cover"
    )


def other_publisher(frame: pd.DataFrame) -> str | None:
    """What a statistics file from another publisher's tool is, if it is one the guide knows of; else None."""
    columns = {c.lower() for c in frame.columns}
    if {"indicator id", "indicator name", "area code", "area name", "time period", "value"} <= columns:
        name = next(c for c in frame.columns if c.lower() == "indicator name")
        titles = sorted({str(v) for v in frame[name].unique() if str(v).strip()})
        what = f": {titles[0]}" + (f" and {len(titles) - 1} more" if len(titles) > 1 else "") if titles else ""
        return f"an OHID Fingertips export{what}; the guide reads DfE's explore-education-statistics files"
    return None


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
