"""The add-case command: validates before writing, assigns ids, refuses duplicates, never half-writes."""
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import tree_digest
from schemas import add_case as add_case_module
from schemas.add_case import TEMPLATE, add_case

NEW_CASE = {
    "source": "chhaya_clinical_picture",
    "case": {"label_in_source": "Case 2", "sex": "female", "age_at_actd_diagnosis": 40, "age_at_calcinosis_onset": 45,
             "actd_id": "dm_classic", "actd_basis": "stated", "years_actd_to_calcinosis": 5, "interval_start": "diagnosis", "extent": "localized",
             "sites": ["elbow", "buttock"], "ulceration": True, "pain": "not_reported",
             "diagnosis_confirmation": "imaging", "outcome": "not_reported", "consent_reported": "not_stated",
             "locator": "Case report", "missing_reason": "Outcome not given"},
    "treatments": [{"treatment_id": "diltiazem", "route": "oral", "route_basis": "stated", "indication": "calcinosis", "dose_value": 240, "dose_unit": "mg",
                    "dose_frequency": "daily", "response_id": "partial", "response_basis": "clinical",
                    "locator": "Case report"}],
}


def write_yaml(tmp_path: Path, document) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_the_template_is_a_valid_case(data_copy, capsys):
    assert add_case(TEMPLATE, dry_run=True, data_dir=data_copy) == 0


def test_adds_a_case_with_the_next_ids(data_copy, tmp_path, capsys):
    before = pd.read_csv(data_copy / "cases.csv")
    assert add_case(write_yaml(tmp_path, NEW_CASE), data_dir=data_copy) == 0
    cases = pd.read_csv(data_copy / "cases.csv", dtype=str)
    treatments = pd.read_csv(data_copy / "case_treatments.csv", dtype=str)
    new_id = f"C{max(int(c[1:]) for c in before['case_id']) + 1:04d}"  # ids of withdrawn rows are never reused
    row = cases.set_index("case_id").loc[new_id]
    assert (row["sites"], row["ulceration"], row["age_at_actd_diagnosis"]) == ("elbow;buttock", "yes", "40")
    assert treatments.iloc[-1]["case_id"] == new_id
    assert treatments.iloc[-1]["episode_id"] == f"T{max(int(t[1:]) for t in treatments['episode_id'][:-1]) + 1:04d}"
    from schemas.validate import read_dataset, validate_dataset
    assert validate_dataset(read_dataset(data_copy)) == []
    assert "added" in capsys.readouterr().out


def test_refuses_a_duplicate(data_copy, tmp_path, capsys):
    path = write_yaml(tmp_path, NEW_CASE)
    assert add_case(path, data_dir=data_copy) == 0
    before = tree_digest(data_copy)
    assert add_case(path, data_dir=data_copy) == 1
    assert "already in cases.csv" in capsys.readouterr().err
    assert tree_digest(data_copy) == before


def test_invalid_case_writes_nothing_and_points_at_the_yaml(data_copy, tmp_path, capsys):
    bad = {**NEW_CASE, "case": {**NEW_CASE["case"], "age_at_presentation": 95, "note": "=HYPERLINK()"}}
    before = tree_digest(data_copy)
    assert add_case(write_yaml(tmp_path, bad), data_dir=data_copy) == 1
    out = capsys.readouterr().out
    assert "case.yaml: case: age_at_presentation: '95' — is an age over 89" in out
    assert "case.yaml: case: note:" in out and "Nothing was written" in out
    assert tree_digest(data_copy) == before


@pytest.mark.parametrize("text,says", [
    ("source: [unclosed", "not valid YAML"),
    ("source: chhaya_clinical_picture\npatient: {}\n", "'patient' is not a section"),
    ("source: chhaya_clinical_picture\ncase: {initials: AB}\n", "'initials' is not a column"),
    ("source: chhaya_clinical_picture\ncase: {}\ntreatments: [{dose_value: 3}]\n", "'treatment_id' is missing"),
])
def test_malformed_case_files_are_refused(data_copy, tmp_path, capsys, text, says):
    path = tmp_path / "case.yaml"
    path.write_text(text)
    before = tree_digest(data_copy)
    assert add_case(path, data_dir=data_copy) == 1
    assert says in capsys.readouterr().err
    assert tree_digest(data_copy) == before


def test_an_interrupted_write_restores_every_file(data_copy, tmp_path, monkeypatch, capsys):
    before = tree_digest(data_copy)
    real_replace = Path.replace
    calls = {"n": 0}

    def failing_replace(self, target):
        if self.name.endswith(".new"):
            calls["n"] += 1
            if calls["n"] == 2:  # the first table is already swapped in when the second rename fails
                raise KeyboardInterrupt
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", failing_replace)
    with pytest.raises(KeyboardInterrupt):
        add_case(write_yaml(tmp_path, NEW_CASE), data_dir=data_copy)
    monkeypatch.setattr(Path, "replace", real_replace)
    assert calls["n"] == 2
    assert tree_digest(data_copy) == before


def test_a_new_source_can_come_with_the_case(data_copy, tmp_path, capsys):
    document = {**NEW_CASE, "source": {"source_id": "smith2024", "authors": "Smith AB", "title": "A case",
                                        "container": "J Example", "year": 2024, "volume": "1", "pages": "1-2",
                                        "doi_status": "not_available", "pmid_status": "not_available",
                                        "design": "case_report", "relation": "further_evidence"}}
    assert add_case(write_yaml(tmp_path, document), data_dir=data_copy) == 1
    assert "screening: is missing" in capsys.readouterr().err  # a new publication says how it was found
    document["screening"] = {"found_via": "database_search", "found_in": "not_a_search", "text_read": "abstract",
                             "url": "https://pubmed.ncbi.nlm.nih.gov/1/"}
    assert add_case(write_yaml(tmp_path, document), data_dir=data_copy) == 1
    out = capsys.readouterr().out
    assert "no row in evidence_levels.csv" in out  # a new publication comes graded
    assert "not_a_search" in out and "neither a search_id" in out  # and found_in must resolve
    document["screening"]["found_in"] = pd.read_csv(data_copy / "searches.csv")["search_id"].iloc[0]
    document["evidence"] = {
        "level": {"question": "treatment_benefit", "study_type": "case_report", "level": 4,
                  "rationale": "One patient: graded with case series"},
        "quality": {d: {"rating": "unclear", "reason": "Not yet read in full by us"}
                    for d in ("selection", "ascertainment", "causality", "reporting")}}
    assert add_case(write_yaml(tmp_path, document), data_dir=data_copy) == 0
    assert "smith2024" in set(pd.read_csv(data_copy / "sources.csv")["source_id"])
    assert "smith2024" in set(pd.read_csv(data_copy / "evidence_levels.csv")["source_id"])
    assert len(pd.read_csv(data_copy / "quality_ratings.csv").query("source_id == 'smith2024'")) == 4
    screened = pd.read_csv(data_copy / "screening.csv").set_index("record_id").loc["smith2024"]
    assert (screened["decision"], screened["text_read"]) == ("included", "abstract")


def test_harms_come_with_the_case_and_point_at_their_entry(data_copy, tmp_path, capsys):
    event = {"treatment_id": "diltiazem", "route": "oral", "kind": "event", "event": "ankle swelling",
             "patients": 2, "of_patients": 1, "locator": "Case report"}
    document = {**NEW_CASE, "adverse_events": [event]}
    before = tree_digest(data_copy)
    assert add_case(write_yaml(tmp_path, document), data_dir=data_copy) == 1
    assert "case.yaml: adverse_events[1]: patients: '2' — is larger than of_patients (1)" in capsys.readouterr().out
    assert tree_digest(data_copy) == before
    document["adverse_events"] = [{**event, "patients": 1}]
    assert add_case(write_yaml(tmp_path, document), data_dir=data_copy) == 0
    events = pd.read_csv(data_copy / "adverse_events.csv", dtype=str)
    added = events.iloc[-1]
    assert added["adverse_event_id"].startswith("chhaya_clinical_picture.diltiazem.")
    assert added["case_id"] == pd.read_csv(data_copy / "cases.csv")["case_id"].iloc[-1]


def test_every_episode_names_its_route(data_copy, tmp_path, capsys):
    document = {**NEW_CASE, "treatments": [{**NEW_CASE["treatments"][0], "route": "by_mouth"}]}
    assert add_case(write_yaml(tmp_path, document), dry_run=True, data_dir=data_copy) == 1
    assert "treatments[1]: route: 'by_mouth' — does not exist in vocab_routes.csv" in capsys.readouterr().out
    document = {**NEW_CASE, "treatments": [{**NEW_CASE["treatments"][0], "route": "not_reported"}]}
    assert add_case(write_yaml(tmp_path, document), dry_run=True, data_dir=data_copy) == 1
    assert "treatments[1]: route_basis: 'stated' — does not match route not_reported" in capsys.readouterr().out


def test_a_claim_in_a_title_is_never_a_graded_response(data_copy, tmp_path, capsys):
    document = {**NEW_CASE, "treatments": [{**NEW_CASE["treatments"][0], "response_basis": "title_only"}]}
    assert add_case(write_yaml(tmp_path, document), dry_run=True, data_dir=data_copy) == 1
    assert "response_id: 'partial' — is a graded response although response_basis is title_only" in \
        capsys.readouterr().out


@pytest.mark.parametrize("label,accepted", [
    ("Case report", True), ("the patient", True), ("Patient", True), ("Case", True), ("Patient A", True),
    ("Case 12", True), ("Figure 2a", True),
    ("Case JS", False), ("J.S.", False), ("Mrs Smith", False), ("Patient JD", False), ("the patient JS", False),
])
def test_single_patient_reports_may_leave_the_patient_unnumbered(data_copy, tmp_path, capsys, label, accepted):
    document = {**NEW_CASE, "case": {**NEW_CASE["case"], "label_in_source": label}}
    assert add_case(write_yaml(tmp_path, document), dry_run=True, data_dir=data_copy) == (0 if accepted else 1)
    if not accepted:
        assert "case.yaml: case: label_in_source:" in capsys.readouterr().out


# Terms a test adds must never collide with a real contribution's (a real case may well add prednisolone).
TEST_AGENT = {"treatment_id": "testonly_agent_x", "label": "Test-only agent X", "treatment_class": "corticosteroid",
              "max_plausible_daily_mg": 100}
TEST_SITE = {"site_id": "testonly_site_x", "label": "Test-only site X", "region": "head", "level": "site"}


def test_a_new_term_comes_with_the_case_as_plain_data(data_copy, tmp_path, capsys):
    document = {**NEW_CASE, "new_terms": {"treatments": [TEST_AGENT], "body_sites": [TEST_SITE]},
        "case": {**NEW_CASE["case"], "sites": [TEST_SITE["site_id"]]},
        "treatments": [*NEW_CASE["treatments"], {"treatment_id": TEST_AGENT["treatment_id"], "route": "oral",
                                                 "route_basis": "stated", "indication": "actd",
                                                 "response_id": "unknown", "response_basis": "not_reported",
                                                 "locator": "Case report"}]}
    assert add_case(write_yaml(tmp_path, document), data_dir=data_copy) == 0, capsys.readouterr()
    treatments = pd.read_csv(data_copy / "vocab_treatments.csv", dtype=str)
    assert treatments.iloc[-1].to_dict() == {k: str(v) for k, v in TEST_AGENT.items()}
    assert TEST_SITE["site_id"] in set(pd.read_csv(data_copy / "vocab_body_sites.csv")["site_id"])
    from schemas import read_dataset, validate_dataset
    assert validate_dataset(read_dataset(data_copy)) == []


def test_a_bad_new_term_is_blamed_on_its_yaml_entry(data_copy, tmp_path, capsys):
    bad = {**TEST_AGENT, "treatment_class": "steroid", "max_plausible_daily_mg": 987654321}
    document = {**NEW_CASE, "new_terms": {"treatments": [bad]}}
    before = tree_digest(data_copy)
    assert add_case(write_yaml(tmp_path, document), data_dir=data_copy) == 1
    out = capsys.readouterr().out
    assert "case.yaml: new_terms: treatments[1]: treatment_class: 'steroid' — is not an allowed value" in out
    assert "case.yaml: new_terms: treatments[1]: max_plausible_daily_mg:" in out
    assert tree_digest(data_copy) == before


def test_the_same_patient_from_the_same_group_is_refused(data_copy, tmp_path, capsys):
    """The duplicate rule: an author in common and the same sex, age, disease and treatments."""
    first = {**NEW_CASE, "case": {**NEW_CASE["case"], "age_at_presentation": 47}}
    assert add_case(write_yaml(tmp_path, first), data_dir=data_copy) == 0, capsys.readouterr()
    search = pd.read_csv(data_copy / "searches.csv")["search_id"].iloc[0]
    again = {**first, "case": {**first["case"], "label_in_source": "Case 1"},
             "source": {"source_id": "testonly_again2025", "authors": "Chhaya S, Other AB", "title": "The case again",
                        "container": "J Example", "year": 2025, "doi_status": "not_available",
                        "pmid_status": "not_available", "design": "case_report", "relation": "further_evidence"},
             "screening": {"found_via": "database_search", "found_in": search, "text_read": "abstract",
                           "url": "https://example.org/again"},
             "evidence": {"level": {"question": "treatment_benefit", "study_type": "case_report", "level": 4,
                                    "rationale": "One patient"},
                          "quality": {d: {"rating": "unclear", "reason": "Abstract only"}
                                      for d in ("selection", "ascertainment", "causality", "reporting")}}}
    before = tree_digest(data_copy)
    assert add_case(write_yaml(tmp_path, again), data_dir=data_copy) == 1
    out = capsys.readouterr().out
    assert "case: case_id" in out and "an author in common, and the same sex, age, disease and treatments" in out
    assert tree_digest(data_copy) == before
    other_group = {**again, "source": {**again["source"], "authors": "Nobody ZZ"}}
    assert add_case(write_yaml(tmp_path, other_group), dry_run=True, data_dir=data_copy) == 0  # another group's patient
