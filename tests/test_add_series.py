"""The add-series command: a series' results go in as counts with their denominator, route and harms,
validated with the whole dataset first; bad input is blamed on its YAML entry and nothing is written."""
from pathlib import Path

import pandas as pd
import yaml

from conftest import tree_digest
from schemas.add_series import TEMPLATE, add_series


def series(tmp_path: Path, **changes) -> Path:
    document = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    document["source"]["source_id"] = "testonly_series2024"
    document["source"]["doi"] = "10.9999/testonly.series"
    document["source"]["pmid"] = "99999999"
    for key, value in changes.items():
        document[key] = value
    path = tmp_path / "series.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def with_search(data_copy: Path, tmp_path: Path, **changes) -> Path:
    search = pd.read_csv(data_copy / "searches.csv")["search_id"].iloc[0]
    document = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    return series(tmp_path, screening={**document["screening"], "found_in": search}, **changes)


def test_adds_counts_denominator_route_harms_and_screening(data_copy, tmp_path, capsys):
    assert add_series(with_search(data_copy, tmp_path), data_dir=data_copy) == 0, capsys.readouterr()
    results = pd.read_csv(data_copy / "cohort_results.csv", dtype=str, keep_default_na=False).set_index("result_id")
    treated = results.loc["testonly_series2024.treatment.sodium_thiosulfate"]
    assert (treated["value"], treated["route"], treated["measure_id"]) == ("10", "intralesional", "patients")
    none = results.loc["testonly_series2024.treatment.sodium_thiosulfate.none"]
    # the count we derived is marked as ours, with the arithmetic the validator recomputes
    assert (none["kind"], none["value"], none["denominator"]) == ("derived", "3", "10")
    assert "{testonly_series2024.treatment.sodium_thiosulfate}" in none["derivation"]
    assert results.loc["testonly_series2024.treatment.sodium_thiosulfate.complete", "kind"] == "reported"
    events = pd.read_csv(data_copy / "adverse_events.csv", dtype=str).set_index("adverse_event_id")
    assert events.loc["testonly_series2024.sodium_thiosulfate.1", "of_patients"] == "10"
    screening = pd.read_csv(data_copy / "screening.csv").set_index("record_id")
    assert screening.loc["testonly_series2024", "decision"] == "included"
    from schemas import read_dataset, validate_dataset
    assert validate_dataset(read_dataset(data_copy)) == []


def test_a_wrong_count_is_blamed_on_its_result_and_nothing_is_written(data_copy, tmp_path, capsys):
    document = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    result = {**document["results"][0], "responses": {"complete": 8, "partial": 5}}
    before = tree_digest(data_copy)
    assert add_series(with_search(data_copy, tmp_path, results=[result]), data_dir=data_copy) == 1
    out = capsys.readouterr().out
    assert "series.yaml: results[1]: responses: complete: value: '8'" in out and "add up to 13" in out
    assert "Nothing was written" in out
    assert tree_digest(data_copy) == before


def test_malformed_series_are_refused_with_what_is_allowed(data_copy, tmp_path, capsys):
    document = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    before = tree_digest(data_copy)
    bad_unit = {**document["results"][0], "unit": "people"}
    assert add_series(with_search(data_copy, tmp_path, results=[bad_unit]), data_dir=data_copy) == 1
    assert "results[1]: unit: 'people' is not allowed; allowed: patients, lesions" in capsys.readouterr().err
    no_route = {k: v for k, v in document["results"][0].items() if k != "route"}
    assert add_series(with_search(data_copy, tmp_path, results=[no_route]), data_dir=data_copy) == 1
    assert "results[1]: 'route' is missing; it is required" in capsys.readouterr().err
    assert add_series(with_search(data_copy, tmp_path, results=[document["results"][0]] * 2), data_dir=data_copy) == 1
    assert "results[2]: repeats the treatment, route and stratum" in capsys.readouterr().err
    assert tree_digest(data_copy) == before


def test_a_partial_disease_breakdown_stays_as_printed(data_copy, tmp_path, capsys):
    document = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    population = {**document["population"], "actd": {"ssc_limited": 7}}
    assert add_series(with_search(data_copy, tmp_path, population=population), data_dir=data_copy) == 0
    results = pd.read_csv(data_copy / "cohort_results.csv", dtype=str, keep_default_na=False).set_index("result_id")
    assert "testonly_series2024.actd.ssc_limited" not in results.index  # not a partition of the ten
    assert "ssc_limited 7" in results.loc["testonly_series2024.flow.included", "note"]
