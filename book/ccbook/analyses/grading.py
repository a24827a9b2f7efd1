"""How strong each source is and what reviews advise: our OCEBM 2011 level per source
(evidence_levels.csv), our Murad 2018 quality rating per case report or series (quality_ratings.csv)
and the recommendations and cautions the sources make (recommendations.csv). Words only; no numbers
are invented here."""
from __future__ import annotations

import pandas as pd

from ..cite import relayed_label
from ..data import load

SCALE = "Oxford CEBM 2011"  # the scale of evidence_levels.csv (see schemas/models/evidence.py)
DOMAIN_ORDER = ("selection", "ascertainment", "causality", "reporting")


def words(code) -> str:
    """A schema code ('case_series', 'not_recommended') as the words a reader sees."""
    return "" if code is None or (not isinstance(code, str) and pd.isna(code)) else str(code).replace("_", " ")


def evidence_level(source_id: str) -> str:
    """'level 4 (case report)': our grading of one source on the OCEBM 2011 scale; '' if not graded."""
    levels = load()["evidence_levels"].set_index("source_id")
    if source_id not in levels.index:
        return ""
    row = levels.loc[source_id]
    return f"level {row['level']} ({words(row['study_type'])})"


def best_evidence_level(source_ids) -> str:
    """The strongest of our levels among some sources, with the kinds of study behind it:
    'level 4 (case series; case report)'."""
    levels = load()["evidence_levels"].set_index("source_id")
    graded = levels.loc[[s for s in dict.fromkeys(source_ids) if s in levels.index]]
    if graded.empty:
        return "not graded"
    top = graded[graded["level"] == graded["level"].min()]
    return f"level {top['level'].iloc[0]} ({'; '.join(dict.fromkeys(words(t) for t in top['study_type']))})"


def quality_rating(source_id: str) -> str:
    """Our Murad 2018 rating of a case report or series, domain by domain:
    'selection inadequate · ascertainment unclear · causality unclear · reporting unclear'."""
    ratings = load()["quality_ratings"]
    mine = ratings[ratings["source_id"] == source_id].set_index("domain")["rating"]
    if mine.empty:
        return "not rated"
    return " · ".join(f"{domain} {mine[domain]}" for domain in DOMAIN_ORDER if domain in mine.index)


def recommendations(treatment_id: str | None = None) -> pd.DataFrame:
    """Recommendations and cautions, with their source's short label and, where the source grades it,
    its own level and scale ('IB, modified OCEBM')."""
    frame = load()["recommendations"]
    if treatment_id is not None:
        frame = frame[frame["treatment_id"] == treatment_id]
    graded = [f"level {lv} on its {scale} scale" if isinstance(lv, str) else "not graded by the source"
              for lv, scale in zip(frame["level_as_graded"], frame["grading_system"])]
    return frame.assign(who=[relayed_label(s, v) for s, v in zip(frame["source_id"], frame["facts_via"])],
                        stance_words=frame["stance"].map(words), graded=graded)


def recommendation_level(recommendation_id: str) -> str:
    """The level a publication gives its own recommendation, exactly as printed (e.g. 'IB')."""
    frame = load()["recommendations"].set_index("recommendation_id")
    return str(frame.loc[recommendation_id, "level_as_graded"])
