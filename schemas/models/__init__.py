"""The dataset's schema: one pandera DataFrameModel per CSV table, one module per family of tables.

This package is the single hand-edited definition of the data. datapackage.json, codebook.csv and
the book's data dictionary are generated from it (`python -m schemas generate`). A new table: add
its model in a module here and list it below; a rule on one table: a ``@pa.dataframe_check`` on its
model; a rule across tables: schemas/rules/.
"""
from __future__ import annotations

from ..fields import StrictTable
from .cases import Cases, CaseTreatments
from .clinical import ClinicalPoints
from .harms import AdverseEvents, EstablishedHarms
from .screening import Screening, Searches
from .cohort_results import CohortResults, Discrepancies
from .evidence import EvidenceLevels, QualityRatings, Recommendations, SourcePages
from .releases import Releases
from .sources import Sources
from .vocabularies import (VocabActd, VocabBodySites, VocabExclusionReasons, VocabMeasures, VocabResponses, VocabRoutes,
                           VocabStrata, VocabTreatments)

# The data tables, in the order a contributor meets them. File name = key + ".csv".
TABLES: dict[str, type[StrictTable]] = {
    "searches": Searches,
    "screening": Screening,
    "sources": Sources,
    "vocab_actd": VocabActd,
    "vocab_body_sites": VocabBodySites,
    "vocab_treatments": VocabTreatments,
    "vocab_routes": VocabRoutes,
    "vocab_responses": VocabResponses,
    "vocab_strata": VocabStrata,
    "vocab_measures": VocabMeasures,
    "vocab_exclusion_reasons": VocabExclusionReasons,
    "cohort_results": CohortResults,
    "discrepancies": Discrepancies,
    "cases": Cases,
    "case_treatments": CaseTreatments,
    "adverse_events": AdverseEvents,
    "established_harms": EstablishedHarms,
    "source_pages": SourcePages,
    "evidence_levels": EvidenceLevels,
    "quality_ratings": QualityRatings,
    "recommendations": Recommendations,
    "clinical_points": ClinicalPoints,
}
# Tables that a valid dataset may hold no rows of yet (no source may have reported a harm).
MAY_BE_EMPTY = {"adverse_events", "established_harms", "clinical_points"}
# The release log is validated like a table but is not part of the data it fingerprints.
RELEASE_TABLE = {"releases": Releases}
ALL_TABLES: dict[str, type[StrictTable]] = {**TABLES, **RELEASE_TABLE}
