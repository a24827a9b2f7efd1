"""source_pages.csv, evidence_levels.csv, quality_ratings.csv and recommendations.csv. Evidence as data: where each source field was seen, how strong each source is, how well each case
report or series is done, and what reviews recommend. Read by the book's evidence panel and
treatment tables; validated like every other table.

- Levels follow the 2011 Oxford Centre for Evidence-Based Medicine (OCEBM) Levels of Evidence
  (OCEBM Levels of Evidence Working Group; cebm.ox.ac.uk).
- Quality of case reports and series follows Murad MH, Sultan S, Haffar S, Bazerbachi F.
  Methodological quality and synthesis of case series and case reports. BMJ Evid Based Med
  2018;23(2):60-63. doi:10.1136/bmjebm-2017-110853 (PMID 29420178): four domains, each judged by us.
"""
from __future__ import annotations

import pandera.pandas as pa

from ..fields import StrictTable, Text, failing, locator, note, ref, url
from ..rule import Rule
from ..text_checks import free_text

SOURCE_FIELDS = ("authors", "title", "container", "year", "volume", "issue", "pages", "doi", "pmid")
DOMAINS = ["selection", "ascertainment", "causality", "reporting"]
STUDY_TYPES = ["systematic_review", "randomised_trial", "nonrandomised_trial", "cohort", "case_series", "case_report",
               "narrative_review", "textbook", "laboratory", "other"]


FACTS_VIA_REPEATS_SOURCE = Rule(
    "recommendation_facts_via_repeats_source", "facts_via", "repeats source_id",
    "empty, or the other publication the recommendation was read in")


def reason(description: str) -> object:
    return pa.Field(description=description, **free_text(max_length=160))


PAGE_LISTED_ONCE = Rule("page_listed_once", "url", "is listed again for this source",
                        "each source_id and url pair once; name every field the page shows in one row")


class SourcePages(StrictTable):
    """Public pages that show a source's bibliographic fields or case facts: the provenance of each."""

    source_id: Text = ref("sources.source_id", "The publication the page shows.")
    url: Text = url("Address of the page as read.")
    fields: Text = pa.Field(str_matches=rf"^(?:{'|'.join(SOURCE_FIELDS)}|case_facts)(?:;(?:{'|'.join(SOURCE_FIELDS)}|case_facts))*$",
                            description="The sources.csv columns (or case_facts for cases.csv rows) this page shows "
                                        "and we recorded from it, separated by ;",
                            metadata={"allowed": "column names of sources.csv, or case_facts, separated by ;"})
    note: Text = note("What kind of page it is, e.g. a copy of the article or a reference list.", 160)

    @pa.dataframe_check(name=PAGE_LISTED_ONCE.id)
    def _page_listed_once(cls, df):
        return failing(df.duplicated(["source_id", "url"], keep="first"))


class EvidenceLevels(StrictTable):
    """Our grading of every source on the OCEBM 2011 Levels of Evidence, for the question the book uses it for."""

    source_id: Text = ref("sources.source_id", "The publication graded; one row per publication.", unique=True)
    question: Text = pa.Field(isin=["treatment_benefit", "harms", "prevalence", "prognosis", "mechanism", "background"],
                              description="OCEBM question the book uses the source for: does a treatment help; what "
                                          "harm does it do; how common is it; what is its course (prognosis); how "
                                          "might it work (mechanism); or general background.")
    study_type: Text = pa.Field(isin=STUDY_TYPES, description="Kind of study, as the level is judged on it.")
    level: Text = pa.Field(isin=["1", "2", "3", "4", "5"],
                           description="OCEBM 2011 level (1 strongest). Case reports are graded with case series (4); "
                                       "narrative reviews, textbooks and laboratory work rank with expert opinion and "
                                       "mechanism-based reasoning (5). Our grading, not the authors'.")
    rationale: Text = reason("One line, in our words, on why this level.")


class QualityRatings(StrictTable):
    """Murad et al. (2018) quality of every case report and case series, domain by domain, judged by us."""

    source_id: Text = ref("sources.source_id", "The case report or series rated.")
    domain: Text = pa.Field(isin=DOMAINS,
                            description="selection: do the patients represent the centre's whole experience; "
                                        "ascertainment: were exposure and outcome adequately established; causality: "
                                        "were other causes excluded, was there a rechallenge, dose-response or long "
                                        "enough follow-up; reporting: is the case told in enough detail to use it.")
    rating: Text = pa.Field(isin=["adequate", "inadequate", "unclear", "not_assessable"],
                            description="Our judgement of the domain. unclear when the text we read does not allow a "
                                        "judgement; not_assessable when we could read no more than the title (we "
                                        "rate only what we have read).")
    reason: Text = reason("One line, in our words, on why.")


class Recommendations(StrictTable):
    """Recommendations and cautions a publication makes about a treatment, with its own grade where it gives one."""

    recommendation_id: Text = pa.Field(unique=True, str_matches=r"^[a-z][a-z0-9_]*\.[a-z0-9_]+$",
                                       description="Stable identifier: source and topic joined by a dot.",
                                       metadata={"allowed": "source_id.topic in lower case, e.g. traineau2020.warfarin"})
    source_id: Text = ref("sources.source_id", "Publication that makes the recommendation.")
    facts_via: Text = ref("sources.source_id", "Publication we read it in when it is not the one making it; the "
                          "locator then points into this publication.", nullable=True)
    treatment_id: Text = ref("vocab_treatments.treatment_id", "The treatment it is about.")
    route: Text = ref("vocab_routes.route_id", "The route it concerns, where it names one (it is then shown only "
                      "beside results for that route); empty when it is about the treatment in general.", nullable=True)
    stance: Text = pa.Field(isin=["recommended", "possibly_useful", "promising", "not_recommended", "caution"],
                            description="What the publication says: use it; it may help; early results look good; "
                                        "do not use it; or a warning about harms or limits.")
    level_as_graded: Text = pa.Field(nullable=True, str_matches=r"^(?:[1-5][a-c]?|I{1,3}[ABC]?|IV|V)$",
                                     description="The publication's own level for it, exactly as printed (e.g. IB).",
                                     metadata={"allowed": "a level as printed, e.g. IB, IV or 2b"})
    grading_system: Text = note("The scale behind level_as_graded, as the publication names it.", 60)
    statement: Text = pa.Field(description="The recommendation in our words; never copied.", **free_text(max_length=240))
    locator: Text = locator("Where in the publication it is made.")

    @pa.dataframe_check(name=FACTS_VIA_REPEATS_SOURCE.id)
    def _facts_via_repeats_source(cls, df):
        return failing(df["facts_via"] == df["source_id"])
