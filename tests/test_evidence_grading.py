"""Evidence graded as data: an OCEBM 2011 level for every source, Murad's four domains for every case
report and series, and the recommendations and cautions reviews make."""
import pandas as pd
import pytest

from conftest import DATA, run_schemas

DOMAINS = ["selection", "ascertainment", "causality", "reporting"]
# OCEBM 2011 (treatment benefits, prevalence, prognosis rows): where each kind of study sits.
LEVELS_BY_TYPE = {"systematic_review": {1, 2, 3, 4}, "randomised_trial": {2}, "nonrandomised_trial": {3, 4},  # OCEBM allows grading down for imprecision
                  "cohort": {2, 3, 4}, "other": {4, 5},
                  "case_series": {4}, "case_report": {4}, "narrative_review": {5}, "textbook": {5}, "laboratory": {5}}
TYPES_BY_DESIGN = {"case_report": {"case_report"}, "case_series": {"case_series"},
                   "cohort": {"cohort", "case_series"}, "review": {"narrative_review", "systematic_review"},
                   "randomised_trial": {"randomised_trial"}, "nonrandomised_trial": {"nonrandomised_trial"},
                   "other": {"textbook", "laboratory", "case_series", "other"}}


def frame(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def sources() -> pd.DataFrame:
    return frame("sources").set_index("source_id")


def test_every_source_has_one_level_that_fits_its_design(sources):
    levels = frame("evidence_levels")
    assert levels["source_id"].is_unique
    assert set(levels["source_id"]) == set(sources.index)
    for row in levels.itertuples():
        assert int(row.level) in LEVELS_BY_TYPE[row.study_type], f"{row.source_id}: level {row.level} for {row.study_type}"
        assert row.study_type in TYPES_BY_DESIGN[sources.loc[row.source_id, "design"]], row.source_id
        assert 10 <= len(row.rationale) <= 160, f"{row.source_id}: one line of rationale"


def test_levels_of_the_main_sources():
    levels = frame("evidence_levels").set_index("source_id")
    assert levels.loc["balin2012", ["study_type", "level"]].tolist() == ["case_series", "4"]
    assert levels.loc["traineau2020", ["study_type", "level"]].tolist() == ["systematic_review", "4"]
    assert levels.loc["valenzuela2020", ["question", "level"]].tolist() == ["prevalence", "3"]
    assert levels.loc["lian1976", "level"] == "5"


def test_every_case_report_and_series_is_rated_on_the_four_domains(sources):
    ratings = frame("quality_ratings")
    reported = set(sources.index[sources["design"].isin(["case_report", "case_series"])])
    assert reported <= set(ratings["source_id"])
    assert "balin2012" in set(ratings["source_id"]), "the index study calls itself a case series"
    for source_id, group in ratings.groupby("source_id"):
        assert sorted(group["domain"]) == sorted(DOMAINS), source_id
        assert set(group["rating"]) <= {"adequate", "inadequate", "unclear", "not_assessable"}
        assert group["reason"].str.len().between(15, 160).all(), source_id


def test_what_we_cannot_read_we_do_not_rate():
    ratings = frame("quality_ratings").set_index(["source_id", "domain"])
    read = frame("screening").set_index("record_id")["text_read"]
    for (source_id, domain), rating in ratings["rating"].items():
        unread = read[source_id] in ("title_only", "not_reached")
        assert (rating == "not_assessable") == unread, (source_id, domain, rating, read[source_id])
    for source_id in ("arlet1965", "ichiki2001", "penate2009", "vinen2000", "torralba1999", "saddic2009"):
        assert (ratings.loc[source_id, "rating"] == "not_assessable").all(), source_id
    # Single patients are selected for being notable; a rechallenge is the strongest causal sign a case can give.
    assert ratings.loc[("schanz2008", "selection"), "rating"] == "inadequate"
    assert ratings.loc[("badawi_cutis", "causality"), "rating"] == "adequate"
    assert "rechallenge" in ratings.loc[("badawi_cutis", "causality"), "reason"]


def test_review_recommendations_and_cautions():
    recs = frame("recommendations").set_index("recommendation_id")
    warfarin = recs.loc["traineau2020.warfarin"]
    assert (warfarin["treatment_id"], warfarin["stance"], warfarin["level_as_graded"]) == ("warfarin", "not_recommended", "IB")
    treatments = set(frame("vocab_treatments")["treatment_id"])
    assert set(recs["treatment_id"]) <= treatments
    assert recs.loc["bogoch2005.hand_surgery", "facts_via"] == "balin2012"
    assert set(recs["stance"]) <= {"recommended", "possibly_useful", "promising", "not_recommended", "caution"}


def test_the_schema_validates_the_evidence_tables(tmp_path):
    import shutil
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    ratings = (target / "quality_ratings.csv").read_text(encoding="utf-8")
    (target / "quality_ratings.csv").write_text(ratings.replace("balin2012,selection,adequate", "balin2012,selection,good", 1),
                                                 encoding="utf-8")
    done = run_schemas("validate", str(target))
    assert done.returncode != 0
    assert "quality_ratings.csv" in done.stdout + done.stderr and "rating" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
