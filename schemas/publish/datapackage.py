"""datapackage.json: a Frictionless tabular data package generated from the models.

It declares Data Package v2 (``$schema`` profiles), which frictionless-py 5 validates with every
resource checked: constraints such as ``exclusiveMinimum`` (a number, from pandera's ``gt``) exist
only in v2; ``created`` is an RFC 3339 date-time; custom properties carry an ``x-`` prefix.
"""
from __future__ import annotations

import json

from ..hashing import sha256
from ..models import TABLES
from ..paths import data_dir
from ..rule import RULES
from .specs import field_specs

PROFILES = "https://datapackage.org/profiles/2.0/"
LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}


def _field(spec: dict) -> dict:
    field = {"name": spec["name"], "type": spec["type"], "description": spec["description"],
             "constraints": spec["constraints"]}
    if spec["list_of"]:
        field["x-list-of"] = spec["list_of"]
    if spec["references_where"]:
        field["x-references-where"] = spec["references_where"]
    if spec["checks"]:
        field["x-checks"] = [{"id": name, "rule": RULES[name].description} for name in spec["checks"]]
    return field


def _resource(name: str, model) -> dict:
    path = data_dir() / f"{name}.csv"
    specs = field_specs(model)
    schema = {"$schema": f"{PROFILES}tableschema.json", "fields": [_field(s) for s in specs], "missingValues": [""]}
    primary = next((s["name"] for s in specs if s["constraints"].get("unique") and s["constraints"]["required"]), None)
    if primary:
        schema["primaryKey"] = [primary]
    foreign = [{"fields": [s["name"]], "reference": {"resource": s["references"].split(".")[0],
                                                     "fields": [s["references"].split(".")[1]]}}
               for s in specs if s["references"]]
    if foreign:
        schema["foreignKeys"] = foreign
    return {"$schema": f"{PROFILES}dataresource.json", "name": name, "path": f"{name}.csv", "type": "table",
            "title": name.replace("_", " ").capitalize(), "description": " ".join((model.__doc__ or "").split()),
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": path.stat().st_size, "hash": f"sha256:{sha256(path)}", "schema": schema}


def datapackage_text(version: str, date: str) -> str:
    package = {
        "$schema": f"{PROFILES}datapackage.json",
        "name": "calcinosis-cutis-actd",
        "title": "Calcinosis cutis in autoimmune connective tissue disease: published results and cases",
        "description": "Every number the Mayo Clinic series of 78 patients (Balin et al. 2012) reports, with its "
                       "locator, and case-level records of patients described in published reports. Aggregates "
                       "stay aggregates: no patient-level record is invented.",
        "version": version,
        "created": f"{date}T00:00:00Z",
        "licenses": [LICENSE],
        "keywords": ["calcinosis cutis", "dermatomyositis", "systemic sclerosis", "lupus", "connective tissue disease"],
        "sources": [
            {"title": "Balin SJ, Wetter DA, Andersen LK, Davis MDP. Arch Dermatol. 2012;148(4):455-462",
             "path": "https://doi.org/10.1001/archdermatol.2011.2052"},
            {"title": "Chhaya S. Multiple skin nodules in a 64-year-old woman. The Clinical Picture. "
                      "Cleveland Clinic Journal of Medicine"},
        ],
        "contributors": [{"title": "Calcinosis Cutis Open Data Book contributors", "role": "author"}],
        "resources": [_resource(name, model) for name, model in TABLES.items()],
    }
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"
