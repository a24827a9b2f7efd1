"""Every number the index study's article body prints is held in data/, with a locator in that section.

The seed text (abstract to conclusions) is split into the paper's sections. Every number in a section
(digits and number words) must equal a value, denominator, time point or printed token of a row whose
locator names that section, or of a row from a publication the section cites (by its reference marks).
Reference marks, figure and table numbers and the end matter are left out; the few numbers that are
not findings sit on a short exclusion list below, each with its reason.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest

from conftest import DATA, ROOT

SEED = "000_1d4c73d56f6df3e1.txt"
INDEX = "balin2012"


def seed_path() -> Path | None:
    """The shared seeds sit beside the repository (CI) or in the shared workspace."""
    candidates = [Path(os.environ["CCBOOK_SHARED_DIR"]) / "seeds" / SEED] if os.environ.get("CCBOOK_SHARED_DIR") else []
    candidates += [parent / "shared" / "seeds" / SEED for parent in ROOT.parents] + [Path("/work/shared/seeds") / SEED]
    return next((path for path in candidates if path.is_file()), None)


# Headings of the web text, in order, with the locator text that names the section in data/.
# The Comment opens without a heading, so its first words stand in for one.
SECTIONS = [
    ("Objective To describe", "Abstract"),
    ("Four subtypes of calcinosis cutis exist", "Introduction"),
    ("DATA COLLECTION", "Methods › Data Collection"),
    ("RESPONSE TO THERAPY", "Methods › Response to Therapy"),
    ("STATISTICAL ANALYSIS", "Methods › Statistical Analysis"),
    ("PATIENT DEMOGRAPHIC CHARACTERISTICS AND UNDERLYING ACTD", "Results › Demographics"),
    ("CALCINOSIS CUTIS LOCATIONS", "Results › Calcinosis Cutis Locations"),
    ("TREATMENT OF CALCINOSIS CUTIS", "Results › Treatment of Calcinosis Cutis"),
    ("Specific Treatments", "Results › Specific Treatments"),
    ("Treatment Based on Calcinosis Cutis Severity", "Results › Treatment Based on Calcinosis Cutis Severity"),
    ("Treatment Based on the Severity of the Underlying ACTD", "Results › Treatment Based on the Severity of the Underlying ACTD"),
    ("Treatment With Warfarin", "Results › Treatment With Warfarin"),
    ("SURVIVAL", "Results › Survival"),
    ("The clinical features of calcinosis cutis have been reported", "Comment"),
    ("Systemic Sclerosis", "Comment › Systemic Sclerosis"),
    ("Dermatomyositis", "Comment › Dermatomyositis"),
    ("Systemic Lupus Erythematosus and Lupus Panniculitis", "Comment › SLE and Lupus Panniculitis"),
    ("Overlap CTD", "Comment › Overlap CTD"),
    ("Undifferentiated CTD", "Comment › Undifferentiated CTD"),
    ("Mixed CTD", "Comment › Mixed CTD"),
    ("Polymyositis and Rheumatoid Arthritis", "Comment › Polymyositis and RA"),
    ("TREATMENTS", "Comment › Treatments"),
    ("Calcium Channel Blockers", "Comment › Calcium Channel Blockers"),
    ("Colchicine", "Comment › Colchicine"),
    ("Minocycline", "Comment › Minocycline"),
    ("Intravenous Immunoglobulin", "Comment › IVIG"),
    ("Bisphosphonates", "Comment › Bisphosphonates"),
    ("Warfarin", "Comment › Warfarin"),
    ("Surgical Excision", "Comment › Surgical Excision"),
    ("Treatment of Calcinosis Cutis Based on Underlying ACTD", "Comment › Treatment Based on Underlying ACTD"),
    ("CALCINOSIS CUTIS SEVERITY NOT PREDICTED BY ACTD SEVERITY", "Comment › Calcinosis Cutis Severity Not Predicted by ACTD Severity"),
    ("RECOMMENDATIONS", "Comment › Recommendations"),
    ("CONCLUSIONS", "Conclusions"),
]
END = "Correspondence:"
# Lines of the web page that are not article text (navigation, image placeholders, table stubs).
NOT_TEXT = re.compile(r"^(?:Figures in this Article|Place holder to copy figure label and caption|Graphic Jump Location|"
                      r"Table Graphic Jump Location.*)$")

# Numbers in the body that are not findings. (section, pattern around the number, reason). Each entry
# must still match the text, so the list cannot go stale.
EXCLUDED = [
    ("Introduction", r"Four subtypes", "the textbook classification of calcinosis into four kinds, not a finding of any study"),
    ("Abstract", r"1 or more lesions", "part of the definition of the excised group (balin2012.best.all_excised)"),
    ("*", r"series of 78 patients|Of the 78 patients|cohort of 78 patients|the 78 study patients",
     "the cohort size restated in passing; held once as balin2012.flow.included"),
    ("Methods › Data Collection", r"\((?:1|2)\)", "list markers of the two sets of search terms"),
    ("Methods › Data Collection", r"2 or more separate ACTDs", "part of the definition of overlap CTD, not a count"),
    ("Methods › Data Collection", r"January 1|December 31", "day and month of the study window: we store years, never dates"),
    ("Methods › Statistical Analysis", r"2 sided", "a property of the tests, stated in the note of balin2012.test.alpha"),
    ("Results › Calcinosis Cutis Locations", r"1 or more imaging", "part of the definition of the group confirmed by imaging"),
    ("Results › Treatment Based on Calcinosis Cutis Severity", r"1, 2, or 3 or more|3 or more calcinosis cutis locations",
     "the categories of the severity score (1, 2, 3 or more body areas), not counts"),
    ("Results › Treatment Based on Calcinosis Cutis Severity", r"25th and 75th|median and 75th",
     "how a box plot is drawn, not a result"),
    ("Results › Treatment Based on the Severity of the Underlying ACTD", r"1, 2, or ≥3",
     "the categories of the severity score, not counts"),
    ("Results › Treatment Based on the Severity of the Underlying ACTD", r"25th and 75th", "how a box plot is drawn, not a result"),
    ("Results › Treatment With Warfarin", r"these 2 groups", "names the two groups compared, each held with its count"),
    ("Results › Survival", r"95% CI", "the confidence level, part of the definition of survival_ci_lower and survival_ci_upper"),
    ("Comment › SLE and Lupus Panniculitis", r"more than 20 years",
     "restates the 21.5-year mean held as balin2012.actd.sle.years_to_calcinosis, whose note says so"),
    ("Comment › Overlap CTD", r"\(1 with dermatomyositis", "one of Chan's two patients, held as case C0004"),
    ("Comment › Surgical Excision", r"In 2 separate patients", "one patient in each of two reports, held as cases C0011 and C0012"),
]

WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
WORDS.update({w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"})
WORD = "|".join(sorted(WORDS, key=len, reverse=True))
NUMBER = re.compile(rf"(?<![\w.])(?:\d+(?:\.\d+)?|\.\d+)|\b(?:{WORD})(?:-(?:{WORD}))?\b", re.IGNORECASE)
# A reference mark: digits glued to the end of a word or of punctuation, e.g. "disease.1,6", "Rothe et al10".
MARK = re.compile(r"(?<=[A-Za-z)”’%][.,])\d+(?:,\d+)*|(?<=[A-Za-z)”’])\d+(?:,\d+)*")
FIGURE_TABLE = re.compile(r"\b(?:Figure|Table)s? \d+")


def number_value(token: str) -> float:
    if token[0].isalpha():
        return float(sum(WORDS[part.lower()] for part in token.split("-")))
    return float(token)


def body_sections(text: str) -> list[tuple[str, str]]:
    """(locator section, text) pairs from the abstract to the end of the conclusions."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(SECTIONS[0][0]))
    end = next(i for i, line in enumerate(lines) if line.startswith(END))
    out, current, pending = [], None, list(SECTIONS)
    for line in lines[start:end]:
        line = line.strip()
        if not line or NOT_TEXT.match(line):
            continue
        if pending and line.startswith(pending[0][0]):
            heading, current = pending.pop(0)
            out.append([current, ""])
            if line == heading:
                continue  # a heading line holds no text
        out[-1][1] += line + "\n"
    assert not pending, f"headings not found in the seed: {[h for h, _ in pending]}"
    return [(section, body) for section, body in out]


def marks(text: str) -> set[int]:
    return {int(n) for m in MARK.finditer(text) for n in m.group().split(",")}


def numbers(section: str, text: str) -> list[tuple[float, str]]:
    """Every number in the text that is not a reference mark, figure or table number or an excluded token."""
    blanked = FIGURE_TABLE.sub(lambda m: " " * len(m.group()), text)
    blanked = MARK.sub(lambda m: " " * len(m.group()), blanked)
    spans = [m.span() for needle, pattern, _ in EXCLUDED if needle in (section, "*") for m in re.finditer(pattern, blanked)]
    found = []
    for m in NUMBER.finditer(blanked):
        if any(a <= m.start() and m.end() <= b for a, b in spans):
            continue
        context = blanked[max(0, m.start() - 30): m.end() + 30].replace("\n", " ")
        found.append((number_value(m.group()), context))
    return found


def load(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)


def held_values(section: str, cited: set[str]) -> set[float]:
    """Numbers that rows located in this section, or rows of the publications it cites, hold."""
    results, cases, episodes = load("cohort_results"), load("cases"), load("case_treatments")
    values: set[float] = set()

    def add(text: str) -> None:
        for token in re.findall(r"\d+(?:\.\d+)?|\.\d+", text or ""):
            values.add(float(token))

    here = results[((results["source_id"] == INDEX) | (results["facts_via"] == INDEX))
                   & results["locator"].str.contains(section, regex=False)]
    theirs = results[results["source_id"].isin(cited)]
    for row in pd.concat([here, theirs]).itertuples():
        for text in (row.value, row.denominator, row.time_months, row.as_printed):
            add(text)
    mine = cases[(((cases["source_id"] == INDEX) | (cases["facts_via"] == INDEX))
                  & cases["locator"].str.contains(section, regex=False)) | cases["source_id"].isin(cited)]
    for row in mine.itertuples():
        for text in (row.age_at_actd_diagnosis, row.age_at_calcinosis_onset, row.age_at_presentation,
                     row.years_actd_to_calcinosis, row.follow_up_months):
            add(text)
        if row.years_actd_to_calcinosis:
            values.add(round(float(row.years_actd_to_calcinosis) * 12, 6))  # intervals printed in months
    for count in mine.groupby("source_id").size():
        values.add(float(count))  # "described 2 patients"
    for row in episodes[episodes["case_id"].isin(mine["case_id"])].itertuples():
        add(row.dose_value)
    return values


@pytest.fixture(scope="module")
def seed_text() -> str:
    path = seed_path()
    if path is None:
        pytest.skip(f"seed {SEED} not found: expected shared/seeds/ beside the repository or /work/shared/seeds")
    return path.read_text(encoding="utf-8").replace("\xa0", " ")  # the web text uses no-break spaces


@pytest.fixture(scope="module")
def sections(seed_text) -> list[tuple[str, str]]:
    return body_sections(seed_text)


def cited_sources(text: str) -> set[str]:
    sources = load("sources")
    refs = sources[sources["paper_ref"] != ""]
    by_ref = dict(zip(refs["paper_ref"].astype(int), refs["source_id"]))
    return {by_ref[n] for n in marks(text) if n in by_ref}


def test_every_number_in_the_article_body_is_held_with_its_locator(sections):
    gaps = []
    total = 0
    for section, text in sections:
        held = held_values(section, cited_sources(text))
        for value, context in numbers(section, text):
            total += 1
            if not any(abs(value - h) < 1e-9 for h in held):
                gaps.append(f"{section}: {value:g} in '…{context}…'")
    assert total > 150, f"only {total} numbers found; is the seed complete?"
    assert not gaps, "numbers printed but not held (add a row, a locator or a reasoned exclusion):\n" + "\n".join(gaps)


def test_every_exclusion_still_matches_the_text(sections):
    text_of = dict(sections)
    everything = "".join(text_of.values())
    stale = [(s, p) for s, p, _ in EXCLUDED if not re.search(p, everything if s == "*" else text_of.get(s, ""))]
    assert not stale, f"exclusions that no longer match the seed: {stale}"
    assert all(len(reason) > 20 for _, _, reason in EXCLUDED), "every exclusion carries its reason"


def test_quoted_literature_figures_are_keyed_to_the_publication_the_section_cites(sections):
    results = load("cohort_results")
    quoted = results[results["facts_via"] == INDEX]
    assert len(quoted) >= 20
    text_of = dict(sections)
    for row in quoted.itertuples():
        section = max((s for s in text_of if s in row.locator), key=len)
        assert row.source_id in cited_sources(text_of[section]), \
            f"{row.result_id}: {row.source_id} is not cited in {section}"
        assert row.kind == "reported" and row.as_printed


def test_the_recommendations_keep_reiters_doses():
    results = load("cohort_results").set_index("result_id")
    doses = {rid: float(results.loc[rid, "value"]) for rid in results.index if rid.startswith("reiter2011b.dose.")}
    assert doses == {"reiter2011b.dose.warfarin": 1, "reiter2011b.dose.alendronate": 10,
                     "reiter2011b.dose.minocycline.low": 50, "reiter2011b.dose.minocycline.high": 100,
                     "reiter2011b.dose.ceftriaxone": 2, "reiter2011b.dose.ceftriaxone.days": 20,
                     "reiter2011b.dose.aluminium_hydroxide.low": 1.8, "reiter2011b.dose.aluminium_hydroxide.high": 2.4,
                     "reiter2011b.dose.probenecid": 1.5, "reiter2011b.dose.ivig": 2}
    assert (results.loc[list(doses), "facts_via"] == INDEX).all()
