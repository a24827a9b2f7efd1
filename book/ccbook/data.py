"""The validated dataset: loaded once per kernel, refused when it does not validate."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

import schemas
from schemas import data_dir  # noqa: F401  (re-exported: the one definition of the data folder)

ROOT = Path(__file__).resolve().parents[2]

# Only the injection test sets this: it proves the pages escape hostile text even if it got past
# the validator. A build made this way says so on its build-information page.
UNVALIDATED = os.environ.get("CCBOOK_UNVALIDATED_DATA_FOR_TESTS") == "1"


class DataError(RuntimeError):
    """The data did not validate; chapters refuse to draw from it."""


@dataclass(frozen=True)
class Data:
    tables: dict[str, pd.DataFrame]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def results(self) -> pd.DataFrame:
        return self.tables["cohort_results"]

    def row(self, result_id: str) -> pd.Series:
        frame = self.results
        match = frame[frame["result_id"] == result_id]
        if match.empty:
            raise KeyError(f"no result {result_id!r} in cohort_results.csv")
        return match.iloc[0]

    def value(self, result_id: str):
        """A published number as a plain int or float (None when the source does not give it)."""
        value = self.row(result_id)["value"]
        if pd.isna(value):
            return None
        value = float(value)
        return int(value) if value.is_integer() else value

    def labels(self, table: str) -> pd.Series:
        """id → label of a vocabulary table: the only source of the words a reader sees for a code."""
        frame = self.tables[table]
        return frame.set_index(frame.columns[0])["label"]

    def grades(self) -> list[str]:
        """The response grades (complete, partial, none, unknown), in the vocabulary's order."""
        responses = self.tables["vocab_responses"]
        return responses.loc[responses["scale"] == "grade", "response_id"].tolist()

    def label(self, table: str, key: str) -> str:
        return str(self.labels(table)[key])


@cache
def load() -> Data:
    """Read and validate the dataset once per kernel; refuse invalid data with every problem listed."""
    folder = data_dir()
    dataset = schemas.read_dataset(folder)
    unreadable = [t.name for t in dataset.tables.values() if t.frame is None]
    # The book build validates once, before any chapter runs, and says so (book/_ext/data_validation.py);
    # a kernel outside a build validates itself.
    problems = [] if os.environ.get("CCBOOK_VALIDATED_INPUTS") and not unreadable \
        else schemas.validate_dataset(dataset)
    if unreadable or (problems and not UNVALIDATED):
        raise DataError("the dataset does not validate:\n" + "\n".join(p.format() for p in problems[:50]))
    return Data({name: table.frame for name, table in dataset.tables.items()})


def data_version() -> tuple[str, str]:
    """The dataset's version and the start of the hash of the data this build used."""
    return schemas.current_version(), schemas.content_hash()[:12]
