"""clinical_points.csv: what a clinician needs before acting (work-up, differential, associations, risk
factors, what is tried first, prevention), each point from a source we read, in our words."""
from __future__ import annotations

import pandera.pandas as pa

from ..fields import StrictTable, Text, failing, locator, ref, url
from ..rule import Rule
from ..text_checks import free_text

TOPICS = ["work_up", "differential", "association", "risk_factor", "first_line", "prevention"]
NO_DIGITS = Rule("clinical_point_has_no_digits", "statement", "contains a digit",
                 "words only: every number in the book is computed from data/, so a number belongs in cohort_results.csv")


class ClinicalPoints(StrictTable):
    """One clinical point per row, from the publication named, with where it says so."""

    point_id: Text = pa.Field(unique=True, str_matches=r"^[a-z][a-z0-9_]*\.[0-9]+$",
                              description="Stable identifier: topic and a number.",
                              metadata={"allowed": "topic.n, e.g. work_up.3"})
    source_id: Text = ref("sources.source_id", "Publication that states it.")
    actd_id: Text = ref("vocab_actd.actd_id", "The disease it concerns; empty when it concerns every ACTD.",
                        nullable=True)
    topic: Text = pa.Field(isin=TOPICS, description="work_up: tests to confirm and classify calcinosis; differential: "
                                                    "what else it can be; association: features found with it; "
                                                    "risk_factor: what predicts it; first_line: what a review says "
                                                    "is tried first; prevention: what may prevent it.")
    statement: Text = pa.Field(description="The point, in our words, with no figures.", **free_text(max_length=240))
    locator: Text = locator("Where in the publication it is stated.")
    url: Text = url("The page it was read from; empty only for a seed text supplied to the project.", nullable=True)

    @pa.dataframe_check(name=NO_DIGITS.id)
    def _no_digits(cls, df):
        return failing(df["statement"].astype("string").str.contains(r"[0-9]", regex=True))
