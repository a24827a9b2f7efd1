"""The dataset's schema: one pandera DataFrameModel per CSV table.

This file is the single hand-edited definition of the data. datapackage.json, codebook.csv and the
book's data dictionary are generated from it (`python -m schemas generate`).

Conventions read by the validator and the generators through ``Field(metadata=...)``:
- ``references``: "table.column" that every value must exist in (a foreign key);
- ``list_of``: the column holds ``;``-separated values, each existing in "table.column";
- ``allowed``: a plain-language description of the allowed values, used in error messages.
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from . import checks  # noqa: F401  (registers the custom check methods)
from .checks import citation_text, free_text

ID = r"^[a-z][a-z0-9_]*$"
YES_NO_NR = ["yes", "no", "not_reported"]
KINDS = ["reported", "derived", "not_reported"]
AGE_ALLOWED = "whole years 0 to 89, or 90+ for any age over 89 (HIPAA Safe Harbor)"
LOCATOR = r"^[A-Z][A-Za-z0-9 ,;()'/.–-]*(?: › [A-Za-z0-9 ,;()'/.–-]+)*$"
LOCATOR_ALLOWED = "a section path such as 'Results › Survival' or 'Abstract' (letters, digits, › between levels)"

Int = Series[pd.Int64Dtype]
Float = Series[pd.Float64Dtype]
Text = Series[str]


def ident(description: str, **kwargs) -> object:
    return pa.Field(str_matches=ID, description=description,
                    metadata={"allowed": "lower-case letters, digits and _ (starting with a letter)",
                              **kwargs.pop("metadata", {})}, **kwargs)


def ref(table_column: str, description: str, **kwargs) -> object:
    return pa.Field(description=description, metadata={"references": table_column}, **kwargs)


def note(description: str = "Short note in our own words; never text copied from a source.",
         max_length: int = 300) -> object:
    return pa.Field(nullable=True, description=description, **free_text(max_length=max_length))


class StrictTable(pa.DataFrameModel):
    class Config:
        strict = True      # no extra columns
        ordered = True     # columns in the documented order
        coerce = False     # the reader converts types itself and reports every failure by line


# --------------------------------------------------------------------------- publications
class Sources(StrictTable):
    """One row per publication the dataset draws on."""

    source_id: Text = ident("Stable identifier of the publication; also its citation key in the book.",
                            unique=True, str_length={"max_value": 40})
    authors: Text = pa.Field(nullable=True, description="Authors as printed in the citation (Vancouver style); "
                                                        "empty only with a missing_reason.",
                             **citation_text(max_length=300))
    title: Text = pa.Field(nullable=True, description="Title of the publication (empty only with a missing_reason).",
                           **citation_text(max_length=300))
    container: Text = pa.Field(nullable=True, description="Journal or book the publication appeared in.",
                               **citation_text(max_length=150))
    year: Int = pa.Field(nullable=True, ge=1900, le=2100, description="Year of publication.")
    volume: Text = pa.Field(nullable=True, str_matches=r"^[0-9A-Za-z ()]{1,20}$",
                            description="Volume, with supplement if any.")
    issue: Text = pa.Field(nullable=True, str_matches=r"^[0-9A-Za-z ,()]{1,20}$", description="Issue.")
    pages: Text = pa.Field(nullable=True, str_matches=r"^[0-9A-Za-z]{1,10}(?:-[0-9A-Za-z]{1,10})?$",
                           description="Page range, e.g. 455-462.")
    doi: Text = pa.Field(nullable=True, unique=True, str_matches=r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$",
                         description="Digital Object Identifier without the https://doi.org/ prefix.",
                         metadata={"allowed": "a DOI such as 10.1001/archdermatol.2011.2052, without a URL prefix"})
    doi_status: Text = pa.Field(isin=["printed", "confirmed", "unverified", "not_available"],
                                description="Where the DOI comes from: printed in the source, confirmed by "
                                            "the publisher's page, unverified (follows the publisher's pattern), "
                                            "or not available in our sources.")
    pmid: Text = pa.Field(nullable=True, unique=True, str_matches=r"^[1-9][0-9]{0,8}$",
                          description="PubMed identifier.",
                          metadata={"allowed": "a PubMed id: 1 to 9 digits, no leading zero"})
    pmid_status: Text = pa.Field(isin=["printed", "confirmed", "unverified", "not_available"],
                                 description="Where the PMID comes from (same scale as doi_status).")
    design: Text = pa.Field(isin=["cohort", "case_series", "case_report", "review", "other"],
                            description="Study design. A teaching case such as The Clinical Picture is a case report.")
    relation: Text = pa.Field(isin=["index_study", "clinical_picture", "cited_by_index_study",
                                    "suggested_by_clinical_picture", "further_evidence"],
                              description="How the publication entered the dataset.")
    paper_ref: Int = pa.Field(nullable=True, ge=1, le=38,
                              description="Number in the index study's reference list, when it is cited there.")
    response_definition: Text = note("How this source defines a response to treatment, in our words.", 400)
    missing_reason: Text = note("Why an empty bibliographic field is empty.")
    note: Text = note()


# --------------------------------------------------------------------------- vocabularies
class VocabActd(StrictTable):
    """Autoimmune connective tissue diseases (ACTD) and their subtypes, with codes."""

    actd_id: Text = ident("Identifier of the disease or subtype.", unique=True)
    label: Text = pa.Field(description="Name shown to readers.", **free_text(max_length=80))
    level: Text = pa.Field(isin=["group", "subtype"], description="A disease group or one subtype of it.")
    parent_id: Text = ref("vocab_actd.actd_id", "The group a subtype belongs to.", nullable=True)
    chapter: Text = pa.Field(isin=["dermatomyositis", "systemic_sclerosis", "lupus",
                                   "mixed_overlap_undifferentiated", "polymyositis_ra"],
                             description="The book chapter that narrates this disease.")
    icd10cm: Text = pa.Field(nullable=True, str_matches=r"^[A-Z][0-9]{2}(?:\.(?:[0-9A-Z]{1,4}-?|-))?$",
                             description="ICD-10-CM code (a trailing - means the category and its children).",
                             metadata={"allowed": "an ICD-10-CM code such as M33.1 or M34.-"})
    mondo: Text = pa.Field(nullable=True, str_matches=r"^MONDO:[0-9]{7}$",
                           description="MONDO disease ontology identifier.",
                           metadata={"allowed": "MONDO: followed by 7 digits"})
    coding_note: Text = note("Caveats on the codes (confidence, missing subtype codes).")


class VocabBodySites(StrictTable):
    """Body sites, each mapped to one of the index study's four regions."""

    site_id: Text = ident("Identifier of the site.", unique=True)
    label: Text = pa.Field(description="Name shown to readers.", **free_text(max_length=60))
    region: Text = pa.Field(isin=["head", "extremities", "trunk", "hands_feet", "unspecified"],
                            description="The index study's region: head; extremities (buttocks included, hands "
                                        "and feet excluded); trunk; hands or feet.")
    level: Text = pa.Field(isin=["region", "site"], description="A whole region or a finer site within it.")
    note: Text = note()


class VocabTreatments(StrictTable):
    """Treatments for calcinosis cutis or for the underlying disease."""

    treatment_id: Text = ident("Identifier of the treatment.", unique=True)
    label: Text = pa.Field(description="Name shown to readers.", **free_text(max_length=80))
    treatment_class: Text = pa.Field(
        isin=["calcium_channel_blocker", "anti_inflammatory", "antibiotic", "immunoglobulin",
              "bisphosphonate", "anticoagulant", "immunosuppressant", "biologic", "kinase_inhibitor",
              "calcium_chelator", "phosphate_binder", "uricosuric", "corticosteroid", "surgery",
              "physical_procedure", "combination", "other"],
        description="Drug class or kind of procedure.")
    is_class_total: Text = pa.Field(isin=["yes", "no"],
                                    description="yes when the row stands for any drug of a class (e.g. any calcium-channel blocker).")
    book_section: Text = pa.Field(isin=["calcium_channel_blockers", "colchicine", "minocycline", "ivig",
                                        "bisphosphonates", "warfarin", "surgery", "other"],
                                  description="Section of the Treatments chapter that discusses it.")
    max_plausible_daily_mg: Float = pa.Field(nullable=True, gt=0,
                                             description="Highest daily dose in mg that is clinically plausible; "
                                                         "doses above it are flagged as probable unit errors.")


class VocabResponses(StrictTable):
    """Response grades. The index study's scale plus the summary groupings it prints."""

    response_id: Text = ident("Identifier of the response category.", unique=True)
    label: Text = pa.Field(description="Name shown to readers.", **free_text(max_length=60))
    scale: Text = pa.Field(isin=["grade", "summary"],
                           description="grade: the index study's four levels; summary: a grouping of grades "
                                       "that a source prints (e.g. responded favourably).")
    definition: Text = pa.Field(description="Definition in our own words.", **free_text(max_length=300))


class VocabStrata(StrictTable):
    """Groups of patients (and compared quantities) that cohort results are reported for."""

    stratum_id: Text = ident("Identifier of the group.", unique=True)
    label: Text = pa.Field(description="Name shown to readers.", **free_text(max_length=100))
    dimension: Text = pa.Field(
        isin=["study_flow", "sex", "treatment_category", "treatment_group", "clinical_feature",
              "follow_up", "cause_of_death", "comparison", "response_basis"],
        description="What the group divides.")
    parent_id: Text = ref("vocab_strata.stratum_id", "The larger group this one is part of.", nullable=True)
    partition: Text = pa.Field(isin=["yes", "no"],
                               description="yes when this group and its siblings marked yes together make up the "
                                           "parent, so their counts must add up to the parent's count.")
    definition: Text = pa.Field(description="Definition in our own words.", **free_text(max_length=300))


class VocabMeasures(StrictTable):
    """What a number in cohort_results.csv measures, with its unit and allowed range."""

    measure_id: Text = ident("Identifier of the measure.", unique=True)
    label: Text = pa.Field(description="Name shown to readers.", **free_text(max_length=100))
    unit: Text = pa.Field(isin=["patients", "studies", "percent", "years", "months", "days", "mg_per_day", "g_per_day",
                                "mg_per_week", "g_per_kg_per_month", "calendar_year", "probability", "coefficient"],
                          description="Unit of the value.")
    value_type: Text = pa.Field(isin=["count", "percent", "continuous", "probability", "coefficient"],
                                description="count values must be whole numbers.")
    min_value: Float = pa.Field(description="Smallest allowed value.")
    max_value: Float = pa.Field(description="Largest allowed value.")


# --------------------------------------------------------------------------- published aggregates
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
    response_id: Text = ref("vocab_responses.response_id", "Response category counted.", nullable=True)
    time_months: Float = pa.Field(nullable=True, ge=0, le=1200,
                                  description="Time point of a survival estimate, in months after diagnosis of calcinosis.")
    measure_id: Text = ref("vocab_measures.measure_id", "What the value measures.")
    value: Float = pa.Field(nullable=True, description="The number. Empty when the source does not give it.")
    denominator: Int = pa.Field(nullable=True, ge=1, description="Patients the count is out of, where it is a count of a group.")
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
    locator: Text = pa.Field(str_matches=LOCATOR, description="Where in the source the number is printed.",
                             metadata={"allowed": LOCATOR_ALLOWED}, **free_text(max_length=120))
    missing_reason: Text = note("Why the value is empty; required when it is.")
    note: Text = note()


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
    locator: Text = pa.Field(str_matches=LOCATOR, description="Where in the source.",
                             metadata={"allowed": LOCATOR_ALLOWED}, **free_text(max_length=120))
    description: Text = pa.Field(description="What is inconsistent and how the book treats it, in our words.",
                                 **free_text(max_length=500))


# --------------------------------------------------------------------------- case-level records
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
    label_in_source: Text = pa.Field(nullable=True, str_matches=r"^(?:Case|Patient|Figure|Table) [0-9A-Za-z]{1,3}$",
                                     description="How the source labels the patient (Case 1, Patient 2, Figure 1). "
                                                 "Never initials or names.",
                                     metadata={"allowed": "Case, Patient, Figure or Table followed by a number or letter"})
    sex: Text = pa.Field(isin=["female", "male", "not_reported"], description="Sex as reported.")
    age_at_actd_diagnosis: Text = pa.Field(nullable=True, age_category=(), description="Age in whole years when the ACTD was diagnosed "
                                           "(90+ above 89); only an age the source gives as the age at diagnosis.",
                                           metadata={"allowed": AGE_ALLOWED})
    age_at_calcinosis_onset: Text = pa.Field(nullable=True, age_category=(), description="Age in whole years at onset of calcinosis cutis (90+ above 89).",
                                             metadata={"allowed": AGE_ALLOWED})
    age_at_presentation: Text = pa.Field(nullable=True, age_category=(), description="Age in whole years when described in the source (90+ above 89).",
                                         metadata={"allowed": AGE_ALLOWED})
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
    diagnosis_confirmation: Text = pa.Field(str_matches=r"^(?:clinical|biopsy|imaging|excision_histology|not_reported)(?:;(?:clinical|biopsy|imaging|excision_histology))*$",
                                            description="How calcinosis was confirmed, separated by ;",
                                            metadata={"allowed": "clinical, biopsy, imaging or excision_histology separated by ; (or not_reported alone)"})
    follow_up_months: Float = pa.Field(nullable=True, ge=0, le=1200, description="Follow-up after the calcinosis diagnosis, in months.")
    outcome: Text = pa.Field(isin=["alive", "died", "not_reported"], description="Status at last follow-up.")
    cause_of_death: Text = note("Cause of death if the patient died.", 120)
    also_in_aggregate: Text = ref("sources.source_id", "Source whose aggregate counts already include this patient "
                                  "(kept out of pooled counts to avoid counting twice).", nullable=True)
    consent_reported: Text = pa.Field(isin=["yes", "no", "not_stated"], description="Whether the source states patient consent (CARE item 13).")
    locator: Text = pa.Field(str_matches=LOCATOR, description="Where in the source the patient is described.",
                             metadata={"allowed": LOCATOR_ALLOWED}, **free_text(max_length=120))
    derived_fields: Text = pa.Field(nullable=True, str_matches=r"^[a-z_]+(?:;[a-z_]+)*$",
                                    description="Columns of this row computed by arithmetic from printed numbers, separated by ;",
                                    metadata={"allowed": "column names of cases.csv separated by ;"})
    missing_reason: Text = note("Why fields are empty or not_reported.")
    note: Text = note()


class CaseTreatments(StrictTable):
    """One row per treatment episode of a case."""

    episode_id: Text = pa.Field(unique=True, str_matches=r"^T[0-9]{4,}$", description="Dataset identifier, T0001 onwards.",
                                metadata={"allowed": "T followed by four or more digits, e.g. T0031"})
    case_id: Text = ref("cases.case_id", "The patient.")
    treatment_id: Text = ref("vocab_treatments.treatment_id", "The treatment.")
    indication: Text = pa.Field(isin=["calcinosis", "actd", "other"],
                                description="What the treatment was given for.")
    dose_value: Float = pa.Field(nullable=True, gt=0, description="Dose per administration, where given.")
    dose_unit: Text = pa.Field(nullable=True, isin=["mg", "g", "mg_per_kg", "g_per_kg", "mg_per_m2", "mg_per_ml"],
                               description="Unit of dose_value.")
    dose_frequency: Text = pa.Field(nullable=True, isin=["daily", "weekly", "monthly", "three_times_weekly", "once", "cycle"],
                                    description="How often the dose was given.")
    duration_months: Float = pa.Field(nullable=True, gt=0, le=600, description="Duration of the episode in months.")
    response_id: Text = pa.Field(isin=["complete", "partial", "none", "unknown"],
                                 description="Best response on the index study's scale. Improvement short of stated "
                                             "resolution is graded partial.",
                                 metadata={"references": "vocab_responses.response_id"})
    response_as_stated: Text = note("The source's own verdict, normalised to a short phrase (not a quote).", 120)
    response_basis: Text = pa.Field(isin=["clinical", "radiographic", "patient_reported", "title_only", "not_reported"],
                                    description="What the response rests on.")
    locator: Text = pa.Field(str_matches=LOCATOR, description="Where in the source the episode is described.",
                             metadata={"allowed": LOCATOR_ALLOWED}, **free_text(max_length=120))
    note: Text = note()


# The tables, in the order a contributor meets them. File name = key + ".csv".
from .evidence_models import EVIDENCE_TABLES  # noqa: E402  (the evidence tables build on the helpers above)

TABLES: dict[str, type[StrictTable]] = {
    "sources": Sources,
    "vocab_actd": VocabActd,
    "vocab_body_sites": VocabBodySites,
    "vocab_treatments": VocabTreatments,
    "vocab_responses": VocabResponses,
    "vocab_strata": VocabStrata,
    "vocab_measures": VocabMeasures,
    "cohort_results": CohortResults,
    "discrepancies": Discrepancies,
    "cases": Cases,
    "case_treatments": CaseTreatments,
    **EVIDENCE_TABLES,
}
