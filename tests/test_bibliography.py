"""The generated bibliography gives Sphinx's bibtex every field its entry type requires, so a source
with gaps (no journal, no year, no authors) never becomes a build warning."""
from __future__ import annotations

import re

import pandas as pd

from schemas.publish.bibliography import bibliography_text


def entries(sources: pd.DataFrame) -> dict[str, str]:
    return dict(re.findall(r"@(\w+\{[^,]+),\n(.*?)\n\}\n", bibliography_text(sources), re.S))


def test_a_volume_without_a_journal_is_not_an_article():
    sources = pd.DataFrame([{"source_id": "nojournal2025", "authors": "Smith A", "title": "A letter", "container": None,
                             "year": "2025", "volume": "100", "issue": "6", "pages": None, "doi": None, "pmid": None,
                             "pmid_status": "not_available"},
                            {"source_id": "journal2024", "authors": "Jones B", "title": "A case", "container": "J Ex",
                             "year": "2024", "volume": "3", "issue": None, "pages": "1-2", "doi": None, "pmid": None,
                             "pmid_status": "not_available"}])
    found = entries(sources)
    assert "misc{nojournal2025" in found and "volume = {100}" in found["misc{nojournal2025"]
    assert "journal = {J Ex}" in found["article{journal2024"]


def test_every_article_in_the_real_bibliography_names_its_journal():
    from schemas import data_dir
    sources = pd.read_csv(data_dir() / "sources.csv", dtype=str, keep_default_na=False).replace("", None)
    for key, body in entries(sources).items():
        if key.startswith("article{"):
            assert "journal = {" in body, key
