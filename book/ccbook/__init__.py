"""The shared code every chapter uses, one job per module:

- ``data``: the validated dataset, published numbers and labels from the vocabularies;
- ``layout``: which chapter and section show which term (book/chapters.yml);
- ``text``: glue and escaping for prose;  ``stats``: intervals and exact tests;
- ``cite``: source labels and citations;  ``cases``: the published case records;
- ``charts`` and ``tables``: the house style for figures and tables;
- ``diseases``: the common opening of the disease chapters;
- ``markup``: schema.org Dataset markup for the Data page;
- ``analyses/``: our own analyses (the evidence across sources, the reproduction audit).

Chapters import from here: ``from ccbook import load, glue, chart, table``.
Imports flow one way: schemas → ccbook → chapters.
"""
from .cases import case_from, chapter_cases, readable_cases, region_counts, whole
from .charts import chart, interval_chart, region_chart, response_bars, response_chart, response_frame
from .cite import full_citation, source_label, source_labels
from .data import ROOT, UNVALIDATED, Data, DataError, data_dir, data_version, load
from .diseases import DiseaseChapter, disease_chapter
from .markup import dataset_jsonld, dataset_markup
from .layout import chapter_of, chapter_title, disease_chapters, treatment_section
from .results import actd_summary, glue_proportion, leaf_diseases, proportion
from .stats import CI_LEVEL, exact_interval, fisher_freeman_halton, percent
from .tables import MAX_INLINE_ROWS, bounded_caption, case_table, codebook, downloads, table
from .text import escape_markdown, glue
from .analyses.audit import audit
from .analyses.evidence import (INTERVAL_DESIGNS, case_counts, case_episodes, graded_on, headline, measured_from,
                                pooling_table, published_results, response_definitions)
from .analyses.grading import best_evidence_level, evidence_level, quality_rating, recommendation_level, recommendations
from .analyses.pooling import NOT_POOLABLE, POOLED, pool_by_group, pool_proportions
from .analyses.treatment_table import treatment_rows, treatment_sections
from .analyses.certainty import summary_of_findings
from .analyses.treatment_evidence import section_evidence, section_treatments
from .analyses.screening import evidence_current_to

__all__ = [name for name in dir() if not name.startswith("_")]
