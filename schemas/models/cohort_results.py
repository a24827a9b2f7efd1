"""cohort_results.csv (every number a cohort publication prints) and discrepancies.csv (where a
source contradicts itself), with their row rules. Rules across rows and tables: schemas/rules/."""
from __future__ import annotations

import pandera.pandas as pa

from .cases import ROUTE_BASIS, ROUTE_BASIS_DESCRIPTION
from ..fields import Float, Int, StrictTable, Text, failing, ident, locator, note, ref
from ..rule import Rule
from ..text_checks import free_text

KINDS = ["reported", "derived", "not_reported"]

KIND_MATCHES_VALUE = Rule(
    "kind_matches_value", "kind",
    lambda row: "does not match the value" + (" (value is empty)" if row.get("value") in ("", None) else ""),
    "not_reported exactly when value is empty")
EMPTY_VALUE_NEEDS_REASON = Rule(
    "empty_value_needs_reason", "missing_reason", "is empty although value is empty",
    "a short reason, e.g. which table body holds the number")
REPORTED_NEEDS_AS_PRINTED = Rule(
    "reported_needs_as_printed", "as_printed", "is empty for a reported value",
    "the value exactly as the source prints it")
DERIVATION_IFF_DERIVED = Rule(
    "derivation_iff_derived", "derivation", "must be filled for derived values and only for them",
    "an arithmetic expression over {result_id} references when kind is derived")
FACTS_VIA_REPEATS_SOURCE = Rule(
    "facts_via_repeats_source", "facts_via", "repeats source_id",
    "empty, or the other publication the number was read in")
ROUTE_IFF_TREATMENT = Rule(
    "route_iff_treatment", "route", "must be given exactly when treatment_id is",
    "a route_id of vocab_routes.csv for a result about a treatment; empty otherwise", also=("cohort_results.route_basis",))
COUNT_ABOVE_DENOMINATOR = Rule(
    "count_above_denominator", "value", "is larger than its denominator {denominator}",
    "a count no larger than the group it is counted in")


class CohortResults(StrictTable):
    """Every number a cohort or case-series publication reports, one number per row."""

    result_id: Text = pa.Field(unique=True, str_matches=r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$",
                               description="Stable identifier: source, topic and group joined by dots.",
                               metadata={"allowed": "dot-separated lower-case parts, e.g. balin2012.flow.screened"})
    source_id: Text = ref("sources.source_id", "Publication that reports the number (for a figure another "
                          "publication quotes, the publication it is attributed to).")
    facts_via: Text = ref("sources.source_id", "Publication the number was read in when it is not source_id: the "
                          "quoting publication (e.g. the index study citing a review). The locator then points into "
                          "this publication.", nullable=True)
    topic: Text = pa.Field(isin=["study_flow", "demographics", "actd", "clinical_features", "treatment_category",
                                 "best_response", "specific_treatment", "warfarin_comparison", "survival",
                                 "follow_up", "deaths", "statistical_test", "prevalence", "quoted_figure"],
                           description="Which part of the results the number belongs to. quoted_figure: a figure "
                                       "from earlier literature that another publication quotes (see facts_via).")
    stratum_id: Text = ref("vocab_strata.stratum_id", "Group of patients the number is about.", nullable=True)
    actd_id: Text = ref("vocab_actd.actd_id", "Disease the number is about.", nullable=True)
    treatment_id: Text = ref("vocab_treatments.treatment_id", "Treatment the number is about.", nullable=True)
    route: Text = ref("vocab_routes.route_id", "How the treatment was given; filled exactly when treatment_id is.",
                      nullable=True)
    route_basis: Text = pa.Field(nullable=True, isin=ROUTE_BASIS, description=ROUTE_BASIS_DESCRIPTION)
    response_id: Text = ref("vocab_responses.response_id", "Response category counted.", nullable=True)
    time_months: Float = pa.Field(nullable=True, ge=0, le=1200,
                                  description="Time point of a survival estimate, in months after diagnosis of calcinosis.")
    measure_id: Text = ref("vocab_measures.measure_id", "What the value measures.")
    value: Float = pa.Field(nullable=True, description="The number. Empty when the source does not give it.")
    denominator: Int = pa.Field(nullable=True, ge=1, le=10_000_000,
                                description="Patients (or, for a lesion count, lesions) the count is out of, where it is a count of a group.")
    as_printed: Text = pa.Field(nullable=True, description="The value exactly as the source prints it, for audit.",
                                **free_text(max_length=60))
    kind: Text = pa.Field(isin=KINDS, description="reported: printed in the source; derived: computed by us from "
                                                   "printed numbers (see derivation); not_reported: not in the "
                                                   "available text (see missing_reason).")
    derivation: Text = pa.Field(nullable=True, str_matches=r"^[{}a-z0-9_. +\-*/()]+$",
                                description="For derived values: arithmetic over other result ids in braces, "
                                            "e.g. {balin2012.flow.screened} - {balin2012.flow.included}. "
                                            "The validator recomputes it.",
                                metadata={"allowed": "arithmetic (+ - * / and brackets) over {result_id} references and numbers"})
    confidence: Text = pa.Field(isin=["high", "medium"],
                                description="medium when a derived value rests on an assumption stated in the note.")
    method: Text = pa.Field(nullable=True, isin=["kaplan_meier", "log_rank", "kruskal_wallis", "spearman"],
                            description="Statistical method behind an estimate or test.")
    locator: Text = locator("Where in the source the number is printed.")
    missing_reason: Text = note("Why the value is empty; required when it is.")
    note: Text = note()

    @pa.dataframe_check(name=KIND_MATCHES_VALUE.id)
    def _kind_matches_value(cls, df):
        return failing(df["value"].isna() != (df["kind"] == "not_reported"))

    @pa.dataframe_check(name=EMPTY_VALUE_NEEDS_REASON.id)
    def _empty_value_needs_reason(cls, df):
        return failing(df["value"].isna() & df["missing_reason"].isna())

    @pa.dataframe_check(name=REPORTED_NEEDS_AS_PRINTED.id)
    def _reported_needs_as_printed(cls, df):
        return failing((df["kind"] == "reported") & df["as_printed"].isna())

    @pa.dataframe_check(name=DERIVATION_IFF_DERIVED.id)
    def _derivation_iff_derived(cls, df):
        return failing((df["kind"] == "derived") == df["derivation"].isna())

    @pa.dataframe_check(name=FACTS_VIA_REPEATS_SOURCE.id)
    def _facts_via_repeats_source(cls, df):
        return failing(df["facts_via"] == df["source_id"])

    @pa.dataframe_check(name=ROUTE_IFF_TREATMENT.id)
    def _route_iff_treatment(cls, df):
        return failing((df["treatment_id"].isna() != df["route"].isna()) | (df["route"].isna() != df["route_basis"].isna()))

    @pa.dataframe_check(name=COUNT_ABOVE_DENOMINATOR.id)
    def _count_above_denominator(cls, df):
        return failing(df["measure_id"].isin(["patients", "lesions"]) & (df["value"] > df["denominator"]))


class Discrepancies(StrictTable):
    """Places where a source contradicts itself or another source, recorded rather than hidden."""

    discrepancy_id: Text = ident("Identifier of the discrepancy.", unique=True)
    source_id: Text = ref("sources.source_id", "Publication the discrepancy is in.")
    kind: Text = pa.Field(isin=["subgroups_do_not_sum", "implausible_unit", "different_denominators",
                                "derivation_assumption", "conflicting_sources"],
                          description="What sort of discrepancy it is. subgroups_do_not_sum and implausible_unit "
                                      "acknowledge exactly one failure of the matching validation rule.")
    result_ids: Text = pa.Field(nullable=True, str_matches=r"^[a-z0-9_.]+(?:;[a-z0-9_.]+)*$",
                                description="The cohort results involved, separated by ;",
                                metadata={"list_of": "cohort_results.result_id",
                                          "allowed": "result ids separated by ; with no spaces"})
    expected: Float = pa.Field(nullable=True, description="What the rule expects (e.g. the parent group's count).")
    observed: Float = pa.Field(nullable=True, description="What the source gives instead.")
    locator: Text = locator("Where in the source.")
    description: Text = pa.Field(description="What is inconsistent and how the book treats it, in our words.",
                                 **free_text(max_length=500))
