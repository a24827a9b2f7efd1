"""The generated files and their text for one release: datapackage.json, codebook.csv, references.bib."""
from __future__ import annotations

from pathlib import Path

from ..dataset import read_dataset
from ..paths import ROOT, data_dir
from .bibliography import bibliography_text
from .codebook import codebook_text
from .datapackage import datapackage_text
from .releases import read_releases


def bibliography_path() -> Path:
    return ROOT / "book" / "references.bib"


def outputs(dataset=None, release: dict | None = None) -> dict[Path, str]:
    """The text of every generated file, for the given (default: the newest) release."""
    dataset = dataset or read_dataset(data_dir())
    release = release or read_releases()[-1]
    folder = data_dir()
    return {folder / "datapackage.json": datapackage_text(release["version"], release["date"]),
            folder / "codebook.csv": codebook_text(),
            bibliography_path(): bibliography_text(dataset.frame("sources"))}
