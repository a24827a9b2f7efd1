"""cases.csv (one row per published patient) and case_treatments.csv (their treatment episodes),
with their row rules. Rules that need other tables (doses, sources) are in schemas/rules/."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from ..fields import YES_NO_NR, Float, StrictTable, Text, age, failing, locator, note, ref
from ..rule import Rule
from ..text_checks import AGE

AGE_COLUMNS = ("age_at_actd_diagnosis", "age_at_calcinosis_onset", "age_at_presentation")
OPTIONAL_FIELDS = ("label_in_source", *AGE_COLUMNS, "actd_id", "years_actd_to_calcinosis", "sites", "follow_up_months")
NOT_REPORTED_FIELDS = ("sex", "extent", "ulceration", "pain", "outcome", "diagnosis_confirmation")
CONFIRMATION = ("clinical", "biopsy", "imaging", "excision_histology")

# A numbered label (Case 1, Patient 12, Figure 2a), a single letter (Patient A), or the words a
# single-patient report uses for its unnumbered patient. Two or more letters could be initials.
LABEL = r"^(?:(?:Case|Patient|Figure|Table) (?:[0-9]{1,3}[a-z]?|[A-Z])|Case|Case report|Patient|[Tt]he patient)$"
LABEL_ALLOWED = ("Case, Patient, Figure or Table followed by a number (Case 1, Figure 2a) or a single capital letter "
                 "(Patient A); for a single unnumbered patient: Case, Case report, Patient or the patient. "
                 "Never initials or names")

AGE_ORDER = "age_at_actd_diagnosis ≤ age_at_calcinosis_onset ≤ age_at_presentation"
ONSET_BEFORE_DIAGNOSIS = Rule("onset_before_diagnosis", "age_at_calcinosis_onset",
                              "is younger than age_at_actd_diagnosis ({age_at_actd_diagnosis})", AGE_ORDER)
PRESENTATION_BEFORE_ONSET = Rule("presentation_before_onset", "age_at_presentation",
                                 "is younger than age_at_calcinosis_onset ({age_at_calcinosis_onset})", AGE_ORDER)
PRESENTATION_BEFORE_DIAGNOSIS = Rule("presentation_before_diagnosis", "age_at_presentation",
                                     "is younger than age_at_actd_diagnosis ({age_at_actd_diagnosis})",
                                     "age at diagnosis ≤ age at presentation")
INTERVAL_DISAGREES = Rule("interval_disagrees_with_ages", "years_actd_to_calcinosis",
                          "disagrees with the ages ({age_at_calcinosis_onset} − {age_at_actd_diagnosis})",
                          "the interval between the two ages, give or take a year of rounding")
ACTD_BASIS_MISMATCH = Rule("actd_basis_matches_actd", "actd_basis", "does not match actd_id",
                           "not_reported exactly when actd_id is empty")
CAUSE_WITHOUT_DEATH = Rule("cause_of_death_without_death", "cause_of_death", "is set but the outcome is not died",
                           "empty unless outcome is died")
INTERVAL_START_IFF_INTERVAL = Rule(
    "interval_start_with_interval", "interval_start", "must be given exactly when years_actd_to_calcinosis is",
    "symptom_onset, diagnosis or presentation alongside the interval; empty without it")
CONFIRMATION_MIXED = Rule("confirmation_mixes_not_reported", "diagnosis_confirmation",
                          "mixes not_reported with methods", "not_reported alone, or methods only")


def _unknown_fields(row: dict) -> str:
    names = [c for c in OPTIONAL_FIELDS if row.get(c) in ("", None)] + \
            [c for c in NOT_REPORTED_FIELDS if row.get(c) == "not_reported"]
    return f"is empty although {', '.join(names[:3])}{'…' if len(names) > 3 else ''} are unknown"


UNKNOWN_NEEDS_REASON = Rule("unknown_fields_need_reason", "missing_reason", _unknown_fields,
                            "a short reason why the unknown fields are unknown")
ROUTE_BASIS = ["stated", "by_definition", "inferred", "not_reported"]
ROUTE_BASIS_DESCRIPTION = ("stated in the text we read; by_definition when the treatment has only one route (IVIG, "
                           "surgery); inferred by us (see note); or not_reported.")
ROUTE_BASIS_MISMATCH = Rule("route_basis_matches_route", "route_basis", "does not match route {route}",
                            "not_reported exactly when route is not_reported")
TITLE_CLAIM_GRADED = Rule("title_claim_not_graded", "response_id",
                          "is a graded response although response_basis is title_only",
                          "unknown: a claim known only from a title is never a graded response")
DOSE_WITHOUT_UNIT = Rule("dose_needs_unit", "dose_unit", "must be given together with dose_value",
                         "both dose_value and dose_unit, or neither")


def ages(series: pd.Series) -> pd.Series:
    """Age categories as numbers (90+ as 90); empty or malformed cells (reported elsewhere) as NaN."""
    text = series.astype("string")
    valid = text.str.fullmatch(AGE.pattern).fillna(False).astype(bool)
    return pd.to_numeric(text.where(valid).str.replace("90+", "90", regex=False), errors="coerce")


class Cases(StrictTable):
    """One row per patient described in a publication. Never a patient invented from aggregates.

    Title-only rows follow one rule: a cited report that we know only by its title gets case rows only
    when the title itself refers to its patients (a case, a patient, or a stated number of cases), so
    the title fixes how many rows there are; other titles give no case rows.
    """

    case_id: Text = pa.Field(unique=True, str_matches=r"^C[0-9]{4,}$", description="Dataset identifier, C0001 onwards.",
                             metadata={"allowed": "C followed by four or more digits, e.g. C0012"})
    source_id: Text = ref("sources.source_id", "Publication that describes the patient.")
    facts_via: Text = ref("sources.source_id", "Publication the facts were taken from when it is not the "
                          "describing one (e.g. the index study's summary of a cited report); the locator "
                          "then points into this publication.", nullable=True)
    label_in_source: Text = pa.Field(nullable=True, str_matches=LABEL,
                                     description="How the source labels the patient (Case 1, Patient 2, Figure 1; "
                                                 "Case report or the patient when a report describes one unnumbered "
                                                 "patient). Never initials or names.",
                                     metadata={"allowed": LABEL_ALLOWED})
    sex: Text = pa.Field(isin=["female", "male", "not_reported"], description="Sex as reported.")
    age_at_actd_diagnosis: Text = age("Age in whole years when the ACTD was diagnosed (90+ above 89); only an age "
                                      "the source gives as the age at diagnosis.")
    age_at_calcinosis_onset: Text = age("Age in whole years at onset of calcinosis cutis (90+ above 89).")
    age_at_presentation: Text = age("Age in whole years when described in the source (90+ above 89).")
    actd_id: Text = ref("vocab_actd.actd_id", "Underlying disease (subtype where known).", nullable=True)
    actd_basis: Text = pa.Field(isin=["stated", "inferred", "title_only", "not_reported"],
                                description="stated in the text we read; inferred by us from the features described (see "
                                            "note); only from the publication's title; or not reported.")
    years_actd_to_calcinosis: Float = pa.Field(nullable=True, ge=0, le=90,
                                               description="Years from the starting point named in interval_start to "
                                                           "calcinosis onset.")
    interval_start: Text = pa.Field(nullable=True, isin=["symptom_onset", "diagnosis", "presentation"],
                                    description="What years_actd_to_calcinosis is measured from: the first symptoms of "
                                                "the ACTD, its diagnosis, or the patient's presentation with it. Filled "
                                                "exactly when the interval is.")
    extent: Text = pa.Field(isin=["localized", "widespread", "not_reported"], description="Extent of the deposits.")
    sites: Text = pa.Field(nullable=True, str_matches=r"^[a-z_]+(?:;[a-z_]+)*$",
                           description="Body sites, separated by ;",
                           metadata={"list_of": "vocab_body_sites.site_id",
                                     "allowed": "site ids from vocab_body_sites.csv separated by ; with no spaces"})
    ulceration: Text = pa.Field(isin=YES_NO_NR, description="Ulceration over the deposits.")
    pain: Text = pa.Field(isin=YES_NO_NR, description="Pain attributed to the deposits.")
    diagnosis_confirmation: Text = pa.Field(
        str_matches=rf"^(?:{'|'.join(CONFIRMATION)}|not_reported)(?:;(?:{'|'.join(CONFIRMATION)}))*$",
        description="How calcinosis was confirmed, separated by ;",
        metadata={"allowed": f"{', '.join(CONFIRMATION)} separated by ; (or not_reported alone)"})
    follow_up_months: Float = pa.Field(nullable=True, ge=0, le=1200, description="Follow-up after the calcinosis diagnosis, in months.")
    outcome: Text = pa.Field(isin=["alive", "died", "not_reported"], description="Status at last follow-up.")
    cause_of_death: Text = note("Cause of death if the patient died.", 120)
    also_in_aggregate: Text = ref("sources.source_id", "Source whose aggregate counts already include this patient "
                                  "(kept out of pooled counts to avoid counting twice).", nullable=True)
    consent_reported: Text = pa.Field(isin=["yes", "no", "not_stated"], description="Whether the source states patient consent (CARE item 13).")
    locator: Text = locator("Where in the source the patient is described.")
    derived_fields: Text = pa.Field(nullable=True, str_matches=r"^[a-z_]+(?:;[a-z_]+)*$",
                                    description="Columns of this row computed by arithmetic from printed numbers, separated by ;",
                                    metadata={"allowed": "column names of cases.csv separated by ;"})
    missing_reason: Text = note("Why fields are empty or not_reported.")
    note: Text = note()

    @pa.dataframe_check(name=ONSET_BEFORE_DIAGNOSIS.id)
    def _onset_before_diagnosis(cls, df):
        dx, onset = ages(df["age_at_actd_diagnosis"]), ages(df["age_at_calcinosis_onset"])
        return failing((dx > onset) & ~((dx == 90) & (onset == 90)))

    @pa.dataframe_check(name=PRESENTATION_BEFORE_ONSET.id)
    def _presentation_before_onset(cls, df):
        onset, seen = ages(df["age_at_calcinosis_onset"]), ages(df["age_at_presentation"])
        return failing((onset > seen) & ~((onset == 90) & (seen == 90)))

    @pa.dataframe_check(name=PRESENTATION_BEFORE_DIAGNOSIS.id)
    def _presentation_before_diagnosis(cls, df):
        dx, onset, seen = (ages(df[c]) for c in AGE_COLUMNS)
        return failing(onset.isna() & (dx > seen))

    @pa.dataframe_check(name=INTERVAL_DISAGREES.id)
    def _interval_disagrees(cls, df):
        dx, onset = ages(df["age_at_actd_diagnosis"]), ages(df["age_at_calcinosis_onset"])
        years = df["years_actd_to_calcinosis"].astype("Float64")
        from_diagnosis = df["interval_start"] == "diagnosis"  # other starting points need not match the ages
        return failing((onset < 90) & from_diagnosis & ((onset - dx - years).abs() > 1))

    @pa.dataframe_check(name=ACTD_BASIS_MISMATCH.id)
    def _actd_basis_mismatch(cls, df):
        return failing((df["actd_basis"] == "not_reported") != df["actd_id"].isna())

    @pa.dataframe_check(name=CAUSE_WITHOUT_DEATH.id)
    def _cause_without_death(cls, df):
        return failing((df["outcome"] != "died") & df["cause_of_death"].notna())

    @pa.dataframe_check(name=INTERVAL_START_IFF_INTERVAL.id)
    def _interval_start_iff_interval(cls, df):
        return failing(df["interval_start"].isna() != df["years_actd_to_calcinosis"].isna())

    @pa.dataframe_check(name=CONFIRMATION_MIXED.id)
    def _confirmation_mixed(cls, df):
        confirmation = df["diagnosis_confirmation"].astype("string")
        return failing(confirmation.str.contains("not_reported", regex=False) & (confirmation != "not_reported"))

    @pa.dataframe_check(name=UNKNOWN_NEEDS_REASON.id)
    def _unknown_needs_reason(cls, df):
        unknown = pd.concat([df[c].isna() for c in OPTIONAL_FIELDS] +
                            [df[c] == "not_reported" for c in NOT_REPORTED_FIELDS], axis=1).fillna(False)
        return failing(unknown.any(axis=1) & df["missing_reason"].isna())


class CaseTreatments(StrictTable):
    """One row per treatment episode of a case."""

    episode_id: Text = pa.Field(unique=True, str_matches=r"^T[0-9]{4,}$", description="Dataset identifier, T0001 onwards.",
                                metadata={"allowed": "T followed by four or more digits, e.g. T0031"})
    case_id: Text = ref("cases.case_id", "The patient.")
    treatment_id: Text = ref("vocab_treatments.treatment_id", "The treatment.")
    route: Text = ref("vocab_routes.route_id", "How it was given (every dose belongs to its route).")
    route_basis: Text = pa.Field(isin=ROUTE_BASIS, description=ROUTE_BASIS_DESCRIPTION)
    indication: Text = pa.Field(isin=["calcinosis", "actd", "other"],
                                description="What the treatment was given for.")
    dose_value: Float = pa.Field(nullable=True, gt=0, description="Dose per administration, where given.")
    dose_unit: Text = pa.Field(nullable=True, isin=["mg", "g", "mg_per_kg", "g_per_kg", "mg_per_m2", "mg_per_ml"],
                               description="Unit of dose_value.")
    dose_frequency: Text = pa.Field(nullable=True, isin=["daily", "weekly", "monthly", "three_times_weekly", "once", "cycle"],
                                    description="How often the dose was given.")
    duration_months: Float = pa.Field(nullable=True, gt=0, le=600, description="Duration of the episode in months.")
    response_id: Text = ref("vocab_responses.response_id",
                            "Best response on the index study's scale (the rows of vocab_responses.csv whose scale is "
                            "grade). Improvement short of stated resolution is graded partial.",
                            where={"scale": "grade"})
    response_as_stated: Text = note("The source's own verdict, normalised to a short phrase (not a quote).", 120)
    response_basis: Text = pa.Field(isin=["clinical", "radiographic", "patient_reported", "title_only", "not_reported"],
                                    description="What the response rests on.")
    locator: Text = locator("Where in the source the episode is described.")
    note: Text = note()

    @pa.dataframe_check(name=ROUTE_BASIS_MISMATCH.id)
    def _route_basis_mismatch(cls, df):
        return failing((df["route"] == "not_reported") != (df["route_basis"] == "not_reported"))

    @pa.dataframe_check(name=TITLE_CLAIM_GRADED.id)
    def _title_claim_graded(cls, df):
        return failing((df["response_basis"] == "title_only") & (df["response_id"] != "unknown"))

    @pa.dataframe_check(name=DOSE_WITHOUT_UNIT.id)
    def _dose_without_unit(cls, df):
        return failing(df["dose_value"].isna() != df["dose_unit"].isna())
