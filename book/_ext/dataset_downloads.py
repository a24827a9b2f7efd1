"""Local Sphinx extension: the dataset at a stable URL next to the site, /data/<table>.csv (with
datapackage.json and the changelog), and every case as a GA4GH phenopacket in /data/phenopackets.zip."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

DATA_FILES = ("*.csv", "datapackage.json", "CHANGELOG.md")
PHENOPACKETS_ZIP = "phenopackets.zip"


def copy_data(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from schemas import data_dir
    target = Path(app.outdir) / "data"
    target.mkdir(exist_ok=True)
    for pattern in DATA_FILES:
        for path in sorted(data_dir().glob(pattern)):
            shutil.copyfile(path, target / path.name)
    # The exporter refuses invalid data, so the security test's deliberately invalid build has no zip.
    if os.environ.get("CCBOOK_UNVALIDATED_DATA_FOR_TESTS") != "1":
        write_phenopackets_once(target / PHENOPACKETS_ZIP, Path(app.doctreedir) / "phenopackets.key",
                                app.ccbook_inputs)


def write_phenopackets_once(zip_path: Path, stamp: Path, key: str) -> None:
    """Rebuild the zip only when the inputs (the data and the exporter among them) changed: exporting
    validates the whole dataset and loads the HPO release, which would otherwise add seconds to every
    rebuild."""
    if zip_path.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == key:
        return
    from schemas import data_dir
    from schemas.export_phenopackets import write_zip
    write_zip(zip_path, folder=data_dir())
    stamp.write_text(key, encoding="utf-8")


def setup(app):
    app.setup_extension("execution_inputs")
    app.connect("build-finished", copy_data)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
