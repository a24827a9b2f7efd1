"""The common opening of the disease chapters: the cohort size, this chapter's published cases, and
its three standard exhibits (time to calcinosis, body regions, case table)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from IPython.display import HTML

from .cases import chapter_cases
from .charts import interval_chart, region_chart
from .data import Data, load
from .layout import chapter_title
from .tables import case_table
from .text import glue


@dataclass
class DiseaseChapter:
    chapter: str
    who: str

    @cached_property
    def data(self) -> Data:
        return load()

    def value(self, result_id: str):
        return self.data.value(result_id)

    @property
    def cohort_size(self) -> int:
        return self.value("balin2012.flow.included")

    @cached_property
    def cases(self) -> pd.DataFrame:
        return chapter_cases(self.chapter)

    @property
    def slug(self) -> str:
        return self.chapter.replace("_", "-")

    def interval_chart(self) -> HTML | None:
        return interval_chart(self.chapter, name=f"{self.slug}-interval", who=self.who)

    def region_chart(self) -> HTML:
        return region_chart(self.cases, name=f"{self.slug}-regions", who=self.who)

    def case_table(self) -> HTML:
        return case_table(self.chapter, table_id=f"cases-{self.slug}")

    def evidence(self, actd_id: str | None = None) -> HTML:
        """The published treatment evidence for this disease (or one subtype of it)."""
        from .analyses.disease_evidence import disease_evidence
        return disease_evidence(self.chapter, actd_id, key=(actd_id or self.chapter).replace("_", "-"))

    def before_acting(self, actd_id: str | None = None) -> HTML:
        """Work-up, differential, associations and first-line options from clinical_points.csv."""
        from .analyses.disease_evidence import clinical_points
        return clinical_points(self.chapter, actd_id, key=(actd_id or self.chapter).replace("_", "-"))


def disease_chapter(chapter: str, *, who: str | None = None) -> DiseaseChapter:
    """Open a disease chapter: glues `n` (the cohort), `n_cases` (this chapter's published cases) and
    `current_to` (the day of the latest recorded search).
    `who` names the patients in chart titles ("dermatomyositis"); by default the chapter title."""
    opened = DiseaseChapter(chapter, who or chapter_title(chapter).lower())
    from .analyses.screening import evidence_current_to
    glue(n=opened.cohort_size, n_cases=len(opened.cases), current_to=evidence_current_to())
    return opened
