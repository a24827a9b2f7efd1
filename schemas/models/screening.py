"""searches.csv (every search run, with its exact terms and date) and screening.csv (every publication
considered, where it was found, what of it could be read, and the decision). Together they are the
review's record of how the evidence was found and what was left out; the PRISMA flow is drawn from them."""
from __future__ import annotations

import pandera.pandas as pa

from ..fields import DAY, Int, StrictTable, Text, failing, ident, ref, url
from ..rule import Rule
from ..text_checks import citation_text, search_terms

# How a record was found, in the words the PRISMA flow uses (one definition for the schema and the book).
FOUND_VIA = {"seed": "the project's seed texts", "index_study_references": "the index study's reference list",
             "review_references": "reviews' reference lists", "database_search": "searches of the stored corpus",
             "citing_search": "searches for citing papers", "related_article": "related-article links",
             "not_recorded": "a route not recorded"}
TEXT_READ = ["full_text", "abstract", "title_only", "not_reached"]
DECISIONS = ["included", "excluded", "background", "indirect"]
READ_TEXTS = ("full_text", "abstract")

REASON_IFF_EXCLUDED = Rule("exclusion_reason_iff_excluded", "exclusion_reason",
                           "must be given exactly when the decision is excluded",
                           "a reason from vocab_exclusion_reasons.csv for an excluded record; empty otherwise")
DUPLICATE_OF_IFF_DUPLICATE = Rule("duplicate_of_iff_duplicate", "duplicate_of",
                                  "must be given exactly when the exclusion reason is duplicate_patients",
                                  "the record_id of the publication that already counts the patients")
URL_WHEN_READ = Rule("url_when_read", "url", "is empty although text_read is {text_read}",
                     "the address of the page read whenever text_read is full_text or abstract (a seed text "
                     "supplied to the project may have none)")
FOUND_IN_WHEN_FOUND = Rule("found_in_names_where", "found_in", "is empty although found_via is {found_via}",
                           "the search_id or record_id where the record was found (empty only for seed and not_recorded)")


class Searches(StrictTable):
    """One row per search run, with its exact terms, so anyone can run it again."""

    search_id: Text = ident("Identifier of the search, e.g. ssc_12.", unique=True)
    date: Text = pa.Field(str_matches=DAY, description="Day the search was run (YYYY-MM-DD). A search date, never a "
                                                       "patient's.", metadata={"allowed": "a date as YYYY-MM-DD"})
    corpus: Text = pa.Field(isin=["pages", "pubmed", "pmc", "other"],
                            description="What was searched: pages is the stored public corpus of PubMed, PMC and "
                                        "journal pages this project reads.")
    query: Text = pa.Field(description="The exact search terms.", **search_terms(max_length=300))
    results_returned: Int = pa.Field(nullable=True, ge=0, le=10_000,
                                                                    description="How many results it returned.")
    note: Text = pa.Field(nullable=True, description="Short note in our own words (may name PMIDs).",
                          **citation_text(max_length=300))


class Screening(StrictTable):
    """One row per publication considered for the evidence, included or not (PRISMA 2020)."""

    record_id: Text = ident("Identifier of the record; for an included record, its source_id.", unique=True,
                            str_length={"max_value": 40})
    citation: Text = pa.Field(description="Authors, title and journal as far as known.",
                              **citation_text(max_length=400))
    year: Int = pa.Field(nullable=True, ge=1900, le=2100, description="Year of publication.")
    doi: Text = pa.Field(nullable=True, str_matches=r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$", description="DOI, if shown.",
                         metadata={"allowed": "a DOI such as 10.1001/archdermatol.2011.2052, without a URL prefix"})
    pmid: Text = pa.Field(nullable=True, str_matches=r"^[1-9][0-9]{0,8}$", description="PubMed id, if shown.",
                          metadata={"allowed": "a PubMed id: 1 to 9 digits, no leading zero"})
    found_via: Text = pa.Field(isin=list(FOUND_VIA), description="How the record was found: a seed text; the index study's "
                                                           "reference list; a review's reference list; a database "
                                                           "search; a search for citing papers; a related-article link.")
    found_in: Text = pa.Field(nullable=True, str_matches=r"^[a-z][a-z0-9_]*$",
                              description="The search_id (database_search) or record_id (reference lists, citing and "
                                          "related articles) that led to it.",
                              metadata={"allowed": "a search_id of searches.csv or a record_id of screening.csv"})
    text_read: Text = pa.Field(isin=TEXT_READ, description="What of the publication could be read: the full text, "
                                                           "the abstract, only the title, or nothing.")
    url: Text = url("The page it was read from.", nullable=True)
    decision: Text = pa.Field(isin=DECISIONS, description="included: its patients or results are in data/; "
                                                          "background: used for context, not for outcomes; "
                                                          "indirect: outside ACTD, kept as flagged indirect evidence; "
                                                          "excluded: see exclusion_reason.")
    exclusion_reason: Text = ref("vocab_exclusion_reasons.reason_id", "Why it was excluded.", nullable=True)
    duplicate_of: Text = ref("screening.record_id", "The record that already counts the same patients.", nullable=True)
    note: Text = pa.Field(nullable=True, description="Short note in our own words (may name PMIDs).",
                          **citation_text(max_length=300))

    @pa.dataframe_check(name=REASON_IFF_EXCLUDED.id)
    def _reason_iff_excluded(cls, df):
        return failing((df["decision"] == "excluded") == df["exclusion_reason"].isna())

    @pa.dataframe_check(name=DUPLICATE_OF_IFF_DUPLICATE.id)
    def _duplicate_of_iff_duplicate(cls, df):
        return failing((df["exclusion_reason"] == "duplicate_patients") == df["duplicate_of"].isna())

    @pa.dataframe_check(name=URL_WHEN_READ.id)
    def _url_when_read(cls, df):
        return failing(df["text_read"].isin(READ_TEXTS) & df["url"].isna() & (df["found_via"] != "seed"))

    @pa.dataframe_check(name=FOUND_IN_WHEN_FOUND.id)
    def _found_in_when_found(cls, df):
        return failing(~df["found_via"].isin(["seed", "not_recorded"]) & df["found_in"].isna())
