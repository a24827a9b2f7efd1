"""releases.csv: every released version of the dataset, with its date and fingerprints."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from ..fields import StrictTable, Text, failing
from ..rule import Rule

SEMVER = r"^(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)$"
SHA256 = r"^[0-9a-f]{64}$"

NOT_A_DATE = Rule("release_date_is_real", "date", "is not a real calendar date", "a real date written YYYY-MM-DD")
VERSION_NOT_INCREASING = Rule("versions_increase", "version",
                              "is not higher than the version on the row above",
                              "versions that increase from one row to the next (semantic versioning)")
DATE_GOES_BACK = Rule("release_dates_ascend", "date", "is earlier than the release on the row above",
                      "dates that never go back from one release to the next")


def version_key(versions: pd.Series) -> pd.Series:
    """MAJOR.MINOR.PATCH as one sortable number (each part below a million); malformed: NA."""
    parts = versions.astype("string").str.extract(r"^(\d{1,6})\.(\d{1,6})\.(\d{1,6})$").astype("Float64")
    return parts[0] * 1e12 + parts[1] * 1e6 + parts[2]


class Releases(StrictTable):
    """Every released version of the dataset, oldest first."""

    version: Text = pa.Field(unique=True, str_matches=SEMVER, description="Semantic version MAJOR.MINOR.PATCH.",
                             metadata={"allowed": "MAJOR.MINOR.PATCH, e.g. 1.2.0"})
    date: Text = pa.Field(str_matches=r"^\d{4}-\d{2}-\d{2}$", description="Date of the release.",
                          metadata={"allowed": "a date written YYYY-MM-DD"})
    content_sha256: Text = pa.Field(str_matches=SHA256, description="sha256 over the data tables and the schema "
                                    "at this release (python -m schemas release writes it).",
                                    metadata={"allowed": "64 lower-case hexadecimal characters"})
    schema_sha256: Text = pa.Field(str_matches=SHA256, description="sha256 of the schema alone at this release, "
                                   "so that a schema change can be required to be a major release.",
                                   metadata={"allowed": "64 lower-case hexadecimal characters"})

    @pa.dataframe_check(name=NOT_A_DATE.id)
    def _not_a_date(cls, df):
        text = df["date"].astype("string")
        shaped = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
        parsed = pd.to_datetime(text.where(shaped), format="%Y-%m-%d", errors="coerce")
        return failing(shaped & parsed.isna())

    @pa.dataframe_check(name=VERSION_NOT_INCREASING.id)
    def _versions_increase(cls, df):
        key = version_key(df["version"])
        return failing(key <= key.shift(1))

    @pa.dataframe_check(name=DATE_GOES_BACK.id)
    def _dates_ascend(cls, df):
        text = df["date"].astype("string")
        parsed = pd.to_datetime(text.where(text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)),
                                format="%Y-%m-%d", errors="coerce")
        return failing(parsed < parsed.shift(1))
