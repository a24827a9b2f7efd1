"""sources.csv: one row per publication the dataset draws on, and its row rules."""
from __future__ import annotations

import pandera.pandas as pa

from ..fields import ID, Int, StrictTable, Text, failing, ident, note
from ..rule import Rule
from ..text_checks import citation_text

STATUS = ["printed", "confirmed", "unverified", "not_available"]

STATUS_WITHOUT_ID = {
    key: Rule(f"{key}_status_without_{key}", f"{key}_status", f"says {{{key}_status}} but {key} is empty",
              f"not_available when {key} is empty")
    for key in ("doi", "pmid")}
ID_MARKED_UNAVAILABLE = {
    key: Rule(f"{key}_marked_unavailable", f"{key}_status", f"is not_available but {key} is filled",
              "printed, confirmed or unverified")
    for key in ("doi", "pmid")}
BLANK_CITATION_NEEDS_REASON = Rule(
    "blank_citation_needs_reason", "missing_reason",
    lambda row: "is empty although " + " and ".join(c for c in ("authors", "title", "year") if row.get(c) in ("", None))
    + " is empty",
    "a short reason why the field is unknown")

# A citation field holds what the page prints; "not shown" belongs in missing_reason, or a citation
# would read "Authors not shown et al. 2016".
PLACEHOLDER = r"(?i)\b(?:not (?:shown|available|stated|given|printed|known)|unknown)\b"
CITATION_FIELD_NOT_A_PLACEHOLDER = Rule(
    "citation_field_not_a_placeholder", "authors", "says the value is missing instead of leaving it empty",
    "the names as printed; when the page shows none, leave it empty and say why in missing_reason")


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
    pages: Text = pa.Field(nullable=True, str_matches=r"^[0-9A-Za-z.]{1,12}(?:-[0-9A-Za-z.]{1,12})?$",
                           description="Page range, e.g. 455-462 or 928.e1-928.e9.",
                           metadata={"allowed": "a page or page range such as 455-462, 928.e1-928.e9 or e233988"})
    doi: Text = pa.Field(nullable=True, unique=True, str_matches=r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$",
                         description="Digital Object Identifier without the https://doi.org/ prefix.",
                         metadata={"allowed": "a DOI such as 10.1001/archdermatol.2011.2052, without a URL prefix"})
    doi_status: Text = pa.Field(isin=STATUS,
                                description="Where the DOI comes from: printed in the source, confirmed by "
                                            "the publisher's page, unverified (follows the publisher's pattern), "
                                            "or not available in our sources.")
    pmid: Text = pa.Field(nullable=True, unique=True, str_matches=r"^[1-9][0-9]{0,8}$",
                          description="PubMed identifier.",
                          metadata={"allowed": "a PubMed id: 1 to 9 digits, no leading zero"})
    pmid_status: Text = pa.Field(isin=STATUS, description="Where the PMID comes from (same scale as doi_status).")
    design: Text = pa.Field(isin=["cohort", "case_series", "case_report", "randomised_trial", "nonrandomised_trial", "review",
                                  "other"],
                            description="Study design. A teaching case such as The Clinical Picture is a case report.")
    relation: Text = pa.Field(isin=["index_study", "clinical_picture", "cited_by_index_study",
                                    "suggested_by_clinical_picture", "further_evidence"],
                              description="How the publication entered the dataset.")
    paper_ref: Int = pa.Field(nullable=True, ge=1, le=38,
                              description="Number in the index study's reference list, when it is cited there.")
    response_definition: Text = note("How this source defines a response to treatment, in our words.", 400)
    missing_reason: Text = note("Why an empty bibliographic field is empty.")
    note: Text = note()

    @pa.dataframe_check(name=STATUS_WITHOUT_ID["doi"].id)
    def _doi_status_without_doi(cls, df):
        return failing(df["doi"].isna() & (df["doi_status"] != "not_available"))

    @pa.dataframe_check(name=STATUS_WITHOUT_ID["pmid"].id)
    def _pmid_status_without_pmid(cls, df):
        return failing(df["pmid"].isna() & (df["pmid_status"] != "not_available"))

    @pa.dataframe_check(name=ID_MARKED_UNAVAILABLE["doi"].id)
    def _doi_marked_unavailable(cls, df):
        return failing(df["doi"].notna() & (df["doi_status"] == "not_available"))

    @pa.dataframe_check(name=ID_MARKED_UNAVAILABLE["pmid"].id)
    def _pmid_marked_unavailable(cls, df):
        return failing(df["pmid"].notna() & (df["pmid_status"] == "not_available"))

    @pa.dataframe_check(name=BLANK_CITATION_NEEDS_REASON.id)
    def _blank_citation_needs_reason(cls, df):
        blank = df[["authors", "title", "year"]].isna().any(axis=1)
        return failing(blank & df["missing_reason"].isna())

    @pa.dataframe_check(name=CITATION_FIELD_NOT_A_PLACEHOLDER.id)
    def _citation_field_not_a_placeholder(cls, df):
        return failing(df["authors"].fillna("").str.contains(PLACEHOLDER, regex=True))


__all__ = ["Sources", "ID"]
