"""The committed dataset validates and holds every cohort number the paper prints."""
import re

import pandas as pd
import pytest

from conftest import DATA, run_schemas, tree_digest


def results() -> pd.DataFrame:
    return pd.read_csv(DATA / "cohort_results.csv", dtype={"result_id": str}, keep_default_na=False)


def test_validator_accepts_the_real_data():
    done = run_schemas("validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid" in done.stdout
    assert "Traceback" not in done.stderr


def test_validator_leaves_data_byte_identical():
    before = tree_digest(DATA)
    assert run_schemas("validate").returncode == 0
    assert run_schemas("validate", str(DATA / "cases.csv"), str(DATA / "sources.csv")).returncode == 0
    assert tree_digest(DATA) == before


# Numbers from shared/reference/source-facts.md, sections 1.1 to 1.11, as (result_id, value, kind).
SOURCE_FACTS = [
    ("balin2012.flow.screened", 923, "reported"), ("balin2012.flow.included", 78, "reported"),
    ("balin2012.flow.excluded", 845, "derived"),
    ("balin2012.demo.female", 64, "reported"), ("balin2012.demo.female_percent", 82, "reported"),
    ("balin2012.demo.male", 14, "reported"), ("balin2012.demo.male_percent", 18, "reported"),
    ("balin2012.demo.age_onset_mean", 40.1, "reported"), ("balin2012.demo.age_onset_min", 4, "reported"),
    ("balin2012.demo.age_onset_max", 75, "reported"),
    ("balin2012.actd.dermatomyositis", 30, "reported"), ("balin2012.actd.dm_classic", 15, "reported"),
    ("balin2012.actd.dm_juvenile", 14, "reported"), ("balin2012.actd.dm_amyopathic", 1, "reported"),
    ("balin2012.actd.ssc_limited", 24, "reported"), ("balin2012.actd.lupus_panniculitis", 4, "reported"),
    ("balin2012.actd.sle", 2, "reported"), ("balin2012.actd.mctd", 4, "reported"),
    ("balin2012.actd.overlap_ctd", 6, "reported"), ("balin2012.actd.uctd", 6, "reported"),
    ("balin2012.actd.polymyositis", 1, "reported"), ("balin2012.actd.rheumatoid_arthritis", 1, "reported"),
    ("balin2012.actd.dermatomyositis.percent", 38.5, "derived"), ("balin2012.actd.dm_juvenile.percent", 17.9, "derived"),
    ("balin2012.actd.ssc_limited.percent", 30.8, "derived"), ("balin2012.actd.sle.percent", 2.6, "derived"),
    ("balin2012.actd.dm_classic.years_to_calcinosis", 7.8, "reported"),
    ("balin2012.actd.dm_juvenile.years_to_calcinosis", 2.9, "reported"),
    ("balin2012.actd.ssc_limited.years_to_calcinosis", 7.5, "reported"),
    ("balin2012.actd.lupus_panniculitis.years_to_calcinosis", 4.8, "reported"),
    ("balin2012.actd.sle.years_to_calcinosis", 21.5, "reported"),
    ("balin2012.feature.ulceration", 43, "reported"), ("balin2012.feature.ulceration.percent", 55, "reported"),
    ("balin2012.feature.pain", 54, "reported"), ("balin2012.feature.pain.percent", 69, "reported"),
    ("balin2012.feature.biopsy_confirmed", 20, "reported"), ("balin2012.feature.biopsy_confirmed.percent", 25.6, "derived"),
    ("balin2012.feature.imaging_confirmed", 38, "reported"), ("balin2012.feature.imaging_confirmed.percent", 49, "reported"),
    ("balin2012.category.medical_alone", 19, "reported"), ("balin2012.category.surgical_alone", 11, "reported"),
    ("balin2012.category.combined", 17, "reported"), ("balin2012.category.no_treatment", 30, "reported"),
    ("balin2012.category.unknown_treatment", 1, "reported"),
    ("balin2012.best.all_excised", 28, "reported"), ("balin2012.best.all_excised.complete", 22, "reported"),
    ("balin2012.best.all_excised.partial", 5, "reported"), ("balin2012.best.all_excised.none", 1, "reported"),
    ("balin2012.best.all_excised.unknown", 0, "derived"),
    ("balin2012.best.surgical_alone.complete", 8, "reported"), ("balin2012.best.surgical_alone.partial", 3, "derived"),
    ("balin2012.best.combined.complete", 14, "derived"), ("balin2012.best.combined.partial", 2, "derived"),
    ("balin2012.best.combined.none", 1, "derived"), ("balin2012.best.medical_alone.complete", 1, "reported"),
    ("balin2012.warfarin.other_indication", 4, "reported"), ("balin2012.warfarin.none_taken", 13, "reported"),
    ("balin2012.warfarin.other_indication.partial", 2, "reported"), ("balin2012.warfarin.other_indication.none", 1, "reported"),
    ("balin2012.warfarin.other_indication.unknown", 1, "reported"), ("balin2012.warfarin.other_indication.complete", 0, "derived"),
    ("balin2012.warfarin.none_taken.complete", 1, "reported"), ("balin2012.warfarin.none_taken.partial", 3, "reported"),
    ("balin2012.warfarin.none_taken.none", 3, "reported"), ("balin2012.warfarin.none_taken.unknown", 6, "reported"),
    ("balin2012.treatment.ccb_any", 18, "reported"), ("balin2012.treatment.ccb_any.favourable", 10, "reported"),
    ("balin2012.treatment.ccb_any.none_or_worse", 5, "reported"), ("balin2012.treatment.ccb_any.not_specified", 3, "derived"),
    ("balin2012.treatment.diltiazem", 17, "reported"), ("balin2012.treatment.diltiazem.max_dose", 480, "reported"),
    ("balin2012.treatment.diltiazem.partial", 9, "reported"),
    ("balin2012.treatment.colchicine", 8, "reported"), ("balin2012.treatment.colchicine.max_dose", 1.2, "reported"),
    ("balin2012.treatment.colchicine.favourable", 3, "reported"), ("balin2012.treatment.colchicine.complete", 1, "reported"),
    ("balin2012.treatment.ivig", 6, "reported"), ("balin2012.treatment.ivig.unknown", 6, "reported"),
    ("balin2012.treatment.minocycline", 6, "reported"), ("balin2012.treatment.minocycline.max_dose", 200, "reported"),
    ("balin2012.treatment.bisphosphonate_any", 5, "reported"), ("balin2012.treatment.bisphosphonate_any.partial", 1, "reported"),
    ("balin2012.treatment.bisphosphonate_any.none", 3, "reported"), ("balin2012.treatment.bisphosphonate_any.unknown", 1, "reported"),
    ("balin2012.treatment.warfarin", 4, "reported"), ("balin2012.treatment.warfarin.partial", 1, "reported"),
    ("balin2012.treatment.methotrexate_colchicine.methotrexate_dose", 20, "reported"),
    ("balin2012.treatment.other_agents.max_patients", 3, "reported"),
    ("balin2012.survival.m60", 96, "reported"), ("balin2012.survival.m60.ci_lower", 91, "reported"),
    ("balin2012.survival.m60.ci_upper", 100, "reported"), ("balin2012.survival.m60.at_risk", 38, "reported"),
    ("balin2012.survival.m120", 91, "reported"), ("balin2012.survival.m120.ci_lower", 82, "reported"),
    ("balin2012.survival.m120.at_risk", 22, "reported"), ("balin2012.survival.m180", 87, "reported"),
    ("balin2012.survival.m180.ci_lower", 75, "reported"), ("balin2012.survival.m180.at_risk", 14, "reported"),
    ("balin2012.survival.m240", 72, "reported"), ("balin2012.survival.m240.ci_lower", 54, "reported"),
    ("balin2012.survival.m240.ci_upper", 97, "reported"), ("balin2012.survival.m240.at_risk", 9, "reported"),
    ("balin2012.followup.without", 3, "reported"), ("balin2012.followup.with", 75, "reported"),
    ("balin2012.followup.with.mean_months", 104, "reported"), ("balin2012.followup.with.median_months", 60, "reported"),
    ("balin2012.followup.with.min_months", 1, "reported"), ("balin2012.followup.with.max_months", 696, "reported"),
    ("balin2012.followup.died", 7, "reported"), ("balin2012.followup.died.mean_months", 101, "reported"),
    ("balin2012.followup.died.median_months", 120, "reported"), ("balin2012.followup.died.min_months", 3, "reported"),
    ("balin2012.followup.died.max_months", 228, "reported"), ("balin2012.followup.alive", 68, "reported"),
    ("balin2012.followup.alive.mean_months", 104, "reported"), ("balin2012.followup.alive.median_months", 58, "reported"),
    ("balin2012.deaths.death_breast_carcinoma", 1, "derived"),
    ("balin2012.deaths.death_adenocarcinoma_unknown_primary", 1, "derived"),
    ("balin2012.best.surgical_alone.none", 0, "derived"), ("balin2012.best.surgical_alone.unknown", 0, "derived"),
    ("balin2012.treatment.warfarin.unspecified", 3, "derived"),
    ("balin2012.deaths.death_unknown_cause", 5, "reported"),
    ("balin2012.test.locations_vs_calcinosis_treatments.p", 0.07, "reported"),
    ("balin2012.test.actd_vs_calcinosis_treatments.rho", 0.19, "reported"),
    ("balin2012.test.actd_vs_calcinosis_treatments.p", 0.10, "reported"),
    ("balin2012.test.actd_treatments_vs_locations.p", 0.24, "reported"),
    ("balin2012.test.survival_vs_expected.p", 0.12, "reported"), ("balin2012.test.alpha", 0.05, "reported"),
    ("robertson2003.treatment.minocycline", 9, "reported"), ("robertson2003.treatment.minocycline.favourable", 8, "reported"),
]


@pytest.mark.parametrize("result_id,value,kind", SOURCE_FACTS, ids=[f[0] for f in SOURCE_FACTS])
def test_every_cohort_number_is_in_the_data_with_a_locator(result_id, value, kind):
    row = results().set_index("result_id").loc[result_id]
    assert float(row["value"]) == pytest.approx(value)
    assert row["kind"] == kind
    assert row["locator"], "every number carries a locator"
    if kind == "derived":
        assert row["derivation"], "derived numbers carry their arithmetic"


def test_values_only_the_missing_tables_hold_stay_empty_with_a_reason():
    frame = results()
    missing = frame[frame["kind"] == "not_reported"]
    assert len(missing) >= 20
    assert (missing["value"] == "").all()
    assert (missing["missing_reason"] != "").all()
    assert "balin2012.actd.mctd.years_to_calcinosis" in set(missing["result_id"])


def test_paper_inconsistencies_are_recorded_as_data():
    discrepancies = pd.read_csv(DATA / "discrepancies.csv").set_index("discrepancy_id")
    assert discrepancies.loc["warfarin_covers_17_of_19", ["expected", "observed"]].tolist() == [19, 17]
    assert discrepancies.loc["colchicine_dose_in_grams", "kind"] == "implausible_unit"
    assert {"ccb_and_diltiazem_denominators", "rheumatoid_arthritis_association"} <= set(discrepancies.index)


def test_case_level_records_cover_the_clinical_picture_and_the_cited_reports():
    cases = pd.read_csv(DATA / "cases.csv", dtype=str, keep_default_na=False)
    assert "chhaya_clinical_picture" in set(cases["source_id"])
    for source in ("chan2003", "torralba1999", "itoh1998", "harigane2011", "minami1994", "saddic2009", "daoussis2012",
                   "badawi_cutis", "delgado2015", "beatty2021",
                   "wu2008", "schanz2008", "mukamel2001", "ambler2005", "weinel2004"):
        assert source in set(cases["source_id"]), source
    picture = cases[cases["source_id"] == "chhaya_clinical_picture"].iloc[0]
    assert (picture["sex"], picture["age_at_presentation"], picture["years_actd_to_calcinosis"]) == ("female", "64", "10")
    assert "age_at_calcinosis_onset" in picture["derived_fields"]


def frame(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)


def test_labels_claim_no_more_than_the_text():
    rows = results().set_index("result_id")
    for rid in ("balin2012.deaths.death_breast_carcinoma", "balin2012.deaths.death_adenocarcinoma_unknown_primary"):
        assert (rows.loc[rid, "kind"], rows.loc[rid, "confidence"]) == ("derived", "medium"), rid
    for rid in ("balin2012.best.surgical_alone.none", "balin2012.best.surgical_alone.unknown"):
        assert rows.loc[rid, "kind"] == "derived" and "all 11 responded" in rows.loc[rid, "note"] + rows.loc[rid, "as_printed"]
    assert rows.loc["balin2012.treatment.warfarin.unspecified", "derivation"] == \
        "{balin2012.treatment.warfarin} - {balin2012.treatment.warfarin.partial}"
    assert "before the 923" in rows.loc["balin2012.flow.excluded", "note"]
    for rid in ("balin2012.followup.with.min_months", "balin2012.followup.with.max_months"):
        assert rows.loc[rid, "as_printed"] == "range, 1-696 months"
    assert rows.loc["balin2012.followup.died.max_months", "as_printed"] == "range, 3-228 months"
    assert rows.loc["balin2012.demo.age_onset_min", "as_printed"] == "range, 4-75 years"


def test_case_intervals_say_what_they_run_from():
    cases = frame("cases").set_index("case_id")
    assert {c: cases.loc[c, "interval_start"] for c in ("C0001", "C0004", "C0005", "C0006", "C0007")} == {
        "C0001": "symptom_onset", "C0004": "presentation", "C0005": "presentation", "C0006": "diagnosis",
        "C0007": "diagnosis"}
    timed = cases[cases["years_actd_to_calcinosis"] != ""]
    assert (timed["interval_start"] != "").all(), "every interval names its starting point"
    # Ages at diagnosis only where a source says diagnosis: the Clinical Picture, Chan, Schanz and Mukamel do not.
    assert (cases.loc[["C0001", "C0004", "C0013", "C0015"], "age_at_actd_diagnosis"] == "").all()
    assert cases.loc["C0018", "age_at_actd_diagnosis"] == "23"


def test_cases_are_labelled_by_what_their_sources_say():
    cases = frame("cases").set_index("case_id")
    assert (cases.loc[["C0011", "C0012"], "actd_basis"] == "title_only").all()
    assert (cases.loc[["C0008", "C0009"], "extent"] == "widespread").all()
    assert cases.loc["C0017", "extent"] == "not_reported" and "severity" in cases.loc["C0017", "note"]
    episode = frame("case_treatments").set_index("episode_id").loc["T0002"]
    assert (episode["response_basis"], episode["response_id"]) == ("title_only", "unknown")
    itoh = frame("discrepancies").set_index("discrepancy_id").loc["itoh_cause_of_death"]
    assert itoh["kind"] == "conflicting_sources" and "pulmonary hypertension" in itoh["description"]
    filled = cases.loc[["C0023", "C0025", "C0026", "C0027"], ["sex", "age_at_presentation"]]
    assert filled.to_dict("index") == {"C0023": {"sex": "female", "age_at_presentation": ""},
                                       "C0025": {"sex": "female", "age_at_presentation": "54"},
                                       "C0026": {"sex": "female", "age_at_presentation": "78"},
                                       "C0027": {"sex": "female", "age_at_presentation": "72"}}
    assert cases.loc["C0026", "diagnosis_confirmation"] == "biopsy;imaging"
    index_patients = cases[(cases["source_id"] == "balin2012") & (cases["also_in_aggregate"] == "balin2012")]
    assert {"polymyositis", "rheumatoid_arthritis"} <= set(index_patients["actd_id"])


# A report we know only by its title gets case rows only when the title itself refers to its patients
# (a case, a patient, or a stated number of cases): the title then fixes how many rows there are.
PATIENT_IN_TITLE = re.compile(r"\b(?:an? (?:\w+ ){0,2}(?:case|patient)|\d+ cases|a \d+-year-old)\b", re.IGNORECASE)


def test_one_rule_for_title_only_case_rows():
    cases, sources = frame("cases"), frame("sources").set_index("source_id")
    title_only = cases[(cases["locator"] == "Title")]
    assert set(title_only["source_id"]) == {"ichiki2001", "arlet1965"}
    known = set(cases["source_id"])
    for source_id, row in sources.iterrows():
        if row["relation"] in ("cited_by_index_study", "suggested_by_clinical_picture") \
                and row["design"] in ("case_report", "case_series") and PATIENT_IN_TITLE.search(row["title"]):
            assert source_id in known, f"{source_id} has a patient in its title but no case row"
    for source_id in set(title_only["source_id"]):
        assert PATIENT_IN_TITLE.search(sources.loc[source_id, "title"]), source_id
    assert len(cases[cases["source_id"] == "arlet1965"]) == 2  # "2 cases in children"


def test_sources_are_complete_and_honest():
    sources = frame("sources").set_index("source_id")
    assert sources.loc["james2011", "container"].startswith("Andrews' Diseases of the Skin")
    assert sources.loc["fisler2002", "doi_status"] == "unverified"
    assert sources.loc["daoussis2012", "doi"] == "10.1016/j.semarthrit.2011.11.007"
    assert sources.loc["tajalli2019", ["pmid", "doi"]].tolist() == ["31709293", "10.1016/j.jdcr.2019.08.011"]
    assert sources.loc["baron2016", ["pmid", "doi"]].tolist() == ["27593964", "10.1093/rheumatology/kew313"]
    for source_id in ("traineau2020", "hoeltzel2014", "narvaez2019", "carra_jdm2018", "delgado2015", "beatty2021"):
        assert sources.loc[source_id, "title"], source_id
    untitled = sources[sources["title"] == ""]
    assert untitled["missing_reason"].str.contains("title").all(), "a title is missing only where the page read lacks it"
    pages = frame("source_pages")
    for source_id in ("daoussis2012", "tajalli2019", "baron2016", "traineau2020", "delgado2015", "beatty2021"):
        assert source_id in set(pages["source_id"]), f"{source_id}: page address kept as provenance"
    assert pages["url"].str.match(r"^https?://").all()
