"""schema.org Dataset markup for the Data page, generated from datapackage.json (never retyped), so
dataset search engines can find the data: name, description, version, licence, creator, citation,
and one DataDownload per file."""
from __future__ import annotations

import json
from functools import cache

import yaml
from IPython.display import HTML

from .cite import full_citation
from .data import ROOT, data_dir

PHENOPACKETS = ("phenopackets.zip", "application/zip",
                "Every published case as a GA4GH Phenopacket (v2 JSON), coded with HPO and MONDO")


@cache
def book_config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def repository_url() -> str:
    """The repository's address, kept in one place (_config.yml); CITATION.cff repeats it (a test keeps them equal)."""
    return book_config()["repository"]["url"]


def site_url() -> str:
    """The published site's address (html.baseurl in _config.yml), or '' when none is configured."""
    base = (book_config().get("html") or {}).get("baseurl") or ""
    return base if not base or base.endswith("/") else base + "/"


def dataset_markup() -> dict:
    package = json.loads((data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    base = site_url()
    licence = package["licenses"][0]

    def download(path: str, mediatype: str, description: str) -> dict:
        return {"@type": "DataDownload", "name": path, "description": description,
                "encodingFormat": mediatype, "contentUrl": f"{base}data/{path}"}
    markup = {
        "@context": "https://schema.org/", "@type": "Dataset",
        "name": package["title"], "alternateName": package["name"], "description": package["description"],
        "version": package["version"], "datePublished": str(package["created"])[:10],
        "license": licence["path"], "isAccessibleForFree": True, "keywords": package["keywords"],
        "creator": [{"@type": "Organization", "name": c["title"]} for c in package["contributors"]],
        "citation": [full_citation("balin2012")],
        "isBasedOn": [s["path"] for s in package["sources"] if s.get("path")],
        "distribution": [download(r["path"], r.get("mediatype", "text/csv"), r["description"])
                         for r in package["resources"]]
                        + [download("datapackage.json", "application/json", "Frictionless data-package descriptor"),
                           download(*PHENOPACKETS)],
    }
    if base:
        markup["url"] = f"{base}book/data.html"
    return markup


def dataset_jsonld() -> HTML:
    # Inside <script> a "</" in the text would end the block early; "<\\/" is the same JSON string.
    text = json.dumps(dataset_markup(), ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return HTML(f'<script type="application/ld+json">{text}</script>')
