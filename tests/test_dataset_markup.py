"""The Data page carries schema.org Dataset markup that a structured-data parser reads as complete,
generated from datapackage.json: every file of the package is offered as a DataDownload."""
from __future__ import annotations

import json

import extruct
import pytest

import built_site
from conftest import DATA

REQUIRED = ("name", "description", "version", "license", "creator", "citation", "distribution", "keywords",
            "datePublished", "isAccessibleForFree")


@pytest.fixture(scope="module")
def dataset() -> dict:
    page = (built_site.build() / "book" / "data.html").read_text(encoding="utf-8")
    found = [item for item in extruct.extract(page, syntaxes=["json-ld"])["json-ld"] if item.get("@type") == "Dataset"]
    assert len(found) == 1
    return found[0]


def test_dataset_markup_is_complete(dataset):
    missing = [key for key in REQUIRED if not dataset.get(key)]
    assert not missing
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    assert dataset["version"] == package["version"] and dataset["name"] == package["title"]
    assert dataset["license"] == package["licenses"][0]["path"]


def test_every_file_is_a_download(dataset):
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    offered = {d["name"]: d for d in dataset["distribution"]}
    for resource in package["resources"]:
        assert offered[resource["path"]]["encodingFormat"] == "text/csv"
        assert offered[resource["path"]]["contentUrl"].endswith(f"data/{resource['path']}")
    assert {"datapackage.json", "phenopackets.zip"} <= set(offered)
    assert all(d["@type"] == "DataDownload" for d in dataset["distribution"])
