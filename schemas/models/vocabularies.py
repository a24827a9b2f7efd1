"""The vocabulary tables (vocab_*.csv): diseases, body sites, treatments, responses, groups and
measures, with their row rules. Vocabularies hold no book layout: which chapter tells a disease or
which section a treatment is book configuration, so adding a term is data, not a schema change."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from ..fields import Float, StrictTable, Text, definition, failing, ident, label, note, ref
from ..rule import Rule

# The largest daily dose any plausibility limit may state: 200 g covers intravenous infusions such
# as sodium thiosulfate or immunoglobulin; a larger limit would let unit errors through.
DOSE_CEILING_MG = 200_000
# Bounds of a measure stay within this magnitude, so an absurd bound cannot wave absurd values through.
BOUND_CEILING = 10_000_000

GROUP_HAS_PARENT = Rule("group_has_parent", "parent_id", "is set on a group", "empty for level group")
PARENT_NOT_GROUP = Rule("parent_not_group", "parent_id", "is not a group", "the actd_id of a row with level group")
# What the bounds of each kind of value can be at most: counts and percentages are never negative.
TYPE_RANGES = {"count": (0, BOUND_CEILING), "percent": (0, 100), "probability": (0, 1), "coefficient": (-1, 1)}
BOUNDS_OUTSIDE_TYPE = Rule("bounds_fit_value_type", "min_value",
                           "with max_value {max_value} lies outside what a {value_type} can be",
                           "count: 0 upwards; percent: 0 to 100; probability: 0 to 1; coefficient: -1 to 1")
# Which kinds of value each unit can measure (a count of mg, or a percentage in years, is a slip).
UNIT_TYPES = {"patients": ("count",), "lesions": ("count",), "studies": ("count",), "percent": ("percent",), "probability": ("probability",),
              "coefficient": ("coefficient", "continuous")}
UNIT_MISMATCH = Rule("unit_fits_value_type", "unit", "does not fit value_type {value_type}",
                     "patients, lesions or studies for a count, percent for a percent, probability for a probability, coefficient "
                     "for a coefficient or statistic; other units for continuous values")
BOUNDS_REVERSED = Rule("bounds_reversed", "max_value", "is smaller than min_value ({min_value})",
                       "max_value at least min_value")


class VocabActd(StrictTable):
    """Autoimmune connective tissue diseases (ACTD) and their subtypes, with codes."""

    actd_id: Text = ident("Identifier of the disease or subtype.", unique=True)
    label: Text = label(80)
    level: Text = pa.Field(isin=["group", "subtype"], description="A disease group or one subtype of it.")
    parent_id: Text = ref("vocab_actd.actd_id", "The group a subtype belongs to.", nullable=True)
    icd10cm: Text = pa.Field(nullable=True, str_matches=r"^[A-Z][0-9]{2}(?:\.(?:[0-9A-Z]{1,4}-?|-))?$",
                             description="ICD-10-CM code (a trailing - means the category and its children).",
                             metadata={"allowed": "an ICD-10-CM code such as M33.1 or M34.-"})
    mondo: Text = pa.Field(nullable=True, str_matches=r"^MONDO:[0-9]{7}$",
                           description="MONDO disease ontology identifier.",
                           metadata={"allowed": "MONDO: followed by 7 digits"})
    coding_note: Text = note("Caveats on the codes (confidence, missing subtype codes).")

    @pa.dataframe_check(name=GROUP_HAS_PARENT.id)
    def _group_has_parent(cls, df):
        return failing((df["level"] == "group") & df["parent_id"].notna())

    @pa.dataframe_check(name=PARENT_NOT_GROUP.id)
    def _parent_not_group(cls, df):
        groups = set(df.loc[df["level"] == "group", "actd_id"].dropna())
        return failing(df["parent_id"].notna() & ~df["parent_id"].isin(groups))


class VocabBodySites(StrictTable):
    """Body sites, each mapped to one of the index study's four regions."""

    site_id: Text = ident("Identifier of the site.", unique=True)
    label: Text = label(60)
    region: Text = pa.Field(isin=["head", "extremities", "trunk", "hands_feet", "unspecified"],
                            description="The index study's region: head; extremities (buttocks included, hands "
                                        "and feet excluded); trunk; hands or feet.")
    level: Text = pa.Field(isin=["region", "site"], description="A whole region or a finer site within it.")
    note: Text = note()


class VocabTreatments(StrictTable):
    """Treatments for calcinosis cutis or for the underlying disease."""

    treatment_id: Text = ident("Identifier of the treatment.", unique=True)
    label: Text = label(80)
    treatment_class: Text = pa.Field(
        isin=["calcium_channel_blocker", "anti_inflammatory", "antibiotic", "immunoglobulin",
              "bisphosphonate", "anticoagulant", "immunosuppressant", "biologic", "kinase_inhibitor",
              "calcium_chelator", "phosphate_binder", "uricosuric", "corticosteroid", "surgery",
              "physical_procedure", "combination", "other"],
        description="Drug class or kind of procedure.")
    max_plausible_daily_mg: Float = pa.Field(nullable=True, gt=0, le=DOSE_CEILING_MG,
                                             description="Highest daily dose in mg that is clinically plausible; "
                                                         "doses above it are flagged as probable unit errors.")


class VocabResponses(StrictTable):
    """Response grades. The index study's scale plus the summary groupings it prints."""

    response_id: Text = ident("Identifier of the response category.", unique=True)
    label: Text = label(60)
    scale: Text = pa.Field(isin=["grade", "summary"],
                           description="grade: the index study's four levels; summary: a grouping of grades "
                                       "that a source prints (e.g. responded favourably).")
    definition: Text = definition()


class VocabStrata(StrictTable):
    """Groups of patients (and compared quantities) that cohort results are reported for."""

    stratum_id: Text = ident("Identifier of the group.", unique=True)
    label: Text = label(100)
    dimension: Text = pa.Field(
        isin=["study_flow", "sex", "treatment_category", "treatment_group", "clinical_feature",
              "follow_up", "cause_of_death", "comparison", "response_basis"],
        description="What the group divides.")
    parent_id: Text = ref("vocab_strata.stratum_id", "The larger group this one is part of.", nullable=True)
    partition: Text = pa.Field(isin=["yes", "no"],
                               description="yes when this group and its siblings marked yes together make up the "
                                           "parent, so their counts must add up to the parent's count.")
    definition: Text = definition()


class VocabMeasures(StrictTable):
    """What a number in cohort_results.csv measures, with its unit and allowed range."""

    measure_id: Text = ident("Identifier of the measure.", unique=True)
    label: Text = label(100)
    unit: Text = pa.Field(isin=["patients", "lesions", "studies", "percent", "years", "months", "days", "mg_per_day", "g_per_day",
                                "mg_per_week", "g_per_kg_per_month", "calendar_year", "probability", "coefficient"],
                          description="Unit of the value.")
    value_type: Text = pa.Field(isin=["count", "percent", "continuous", "probability", "coefficient"],
                                description="count values must be whole numbers.")
    min_value: Float = pa.Field(ge=-BOUND_CEILING, le=BOUND_CEILING, description="Smallest allowed value.")
    max_value: Float = pa.Field(ge=-BOUND_CEILING, le=BOUND_CEILING, description="Largest allowed value.")

    @pa.dataframe_check(name=BOUNDS_OUTSIDE_TYPE.id)
    def _bounds_outside_type(cls, df):
        low = df["value_type"].map({k: v[0] for k, v in TYPE_RANGES.items()}).astype("Float64")
        high = df["value_type"].map({k: v[1] for k, v in TYPE_RANGES.items()}).astype("Float64")
        return failing((df["min_value"] < low) | (df["max_value"] > high))

    @pa.dataframe_check(name=UNIT_MISMATCH.id)
    def _unit_mismatch(cls, df):
        fits = [df["value_type"].iloc[i] in UNIT_TYPES.get(unit, ("continuous",))
                if isinstance(unit, str) and isinstance(df["value_type"].iloc[i], str) else True
                for i, unit in enumerate(df["unit"])]
        return failing(~pd.Series(fits, index=df.index))

    @pa.dataframe_check(name=BOUNDS_REVERSED.id)
    def _bounds_reversed(cls, df):
        return failing(df["max_value"] < df["min_value"])


class VocabRoutes(StrictTable):
    """How a treatment is given. A dose means nothing without its route (intravenous and intralesional
    sodium thiosulfate are different treatments), so every episode and series result names one."""

    route_id: Text = ident("Identifier of the route.", unique=True)
    label: Text = label(60)
    definition: Text = definition()


class VocabExclusionReasons(StrictTable):
    """Why a publication considered in the screening was left out of the evidence."""

    reason_id: Text = ident("Identifier of the reason.", unique=True)
    label: Text = label(80)
    definition: Text = definition()
