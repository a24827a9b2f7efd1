"""Local Sphinx extension: keep the site self-contained and rebuild pages when the data changes.

- Writes the vega/vega-lite/vega-embed bundle that matches the installed vl-convert into _static.
  Charts are SVG drawn at build time; pages with a chart load only the small charts.js, which
  imports the bundle when a reader reaches for a chart. Nothing is ever fetched from a CDN.
- Tells Sphinx that every chapter depends on the data files, so editing a CSV re-executes the
  chapters on the next build (the execution cache would otherwise ignore CSV changes).
- Copies the dataset to a stable URL, /data/<table>.csv, next to the site, with every case as a
  GA4GH phenopacket in /data/phenopackets.zip.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

BOOK = Path(__file__).resolve().parent.parent
ROOT = BOOK.parent
if str(ROOT) not in sys.path:  # the extension runs from the book's folder, schemas/ sits at the root
    sys.path.insert(0, str(ROOT))

from schemas import data_dir  # noqa: E402  (the one definition of the data folder; a lazy facade)

VEGA_DIR = BOOK / "_static" / "vega"
DATA_FILES = ("*.csv", "datapackage.json", "CHANGELOG.md")
PHENOPACKETS_ZIP = "phenopackets.zip"


def write_vega_bundle(app) -> None:
    import vl_convert
    name = f"vega-bundle-{vl_convert.__version__}.js"
    target = VEGA_DIR / name
    if not target.exists():
        VEGA_DIR.mkdir(parents=True, exist_ok=True)
        for old in VEGA_DIR.glob("vega-bundle-*.js"):
            old.unlink()
        target.write_text(vl_convert.javascript_bundle(), encoding="utf-8")
    app.config.ccbook_vega_bundle = f"vega/{name}"


def validate_once(app, env, docnames) -> None:
    """Validate the data once per build, before any chapter runs; chapter kernels then skip it when
    the data hash matches. A build with nothing to read (no change) skips it: any data change makes
    every chapter be read again (book/_ext/parallel_execute.py), so invalid data never goes unseen."""
    if not docnames:
        return
    import os
    from schemas import data_fingerprint, read_dataset, validate_dataset
    from sphinx.errors import ExtensionError
    if os.environ.get("CCBOOK_UNVALIDATED_DATA_FOR_TESTS") == "1":
        return
    problems = validate_dataset(read_dataset(data_dir()))
    if problems:
        raise ExtensionError("the dataset does not validate; fix it before building:\n"
                             + "\n".join(p.format() for p in problems[:50]))
    os.environ["CCBOOK_VALIDATED_DATA_HASH"] = data_fingerprint(data_dir())


def note_data_dependencies(app, docname, source) -> None:
    # Sphinx compares these files' modification times with the last build to decide what to re-read:
    # the data, the shared chapter package and the book layout (the execution cache would miss both). Noted while the
    # document is read, because Sphinx clears a document's dependencies when reading starts.
    for pattern in DATA_FILES:
        for path in sorted(data_dir().glob(pattern)):
            app.env.note_dependency(str(path))
    for path in sorted((BOOK / "ccbook").rglob("*.py")):
        app.env.note_dependency(str(path))
    app.env.note_dependency(str(BOOK / "chapters.yml"))


def finish_page(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    # sphinxcontrib-bibtex marks a role="list" whose entries use the deprecated doc-biblioentry role,
    # which screen readers and axe-core do not accept as list items.
    if 'role="doc-biblioentry"' in body:
        context["body"] = body = body.replace('role="doc-biblioentry"', 'role="listitem"')
    if "cc-chart" in body:
        # Only the small upgrader loads with the page; it imports the vega bundle on demand.
        app.add_js_file("charts.js", type="module", **{"data-vega-bundle": app.config.ccbook_vega_bundle})
    if "cc-sortable" in body:
        app.add_js_file("case-table.js", type="module")


def copy_data(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "data"
    target.mkdir(exist_ok=True)
    for pattern in DATA_FILES:
        for path in sorted(data_dir().glob(pattern)):
            shutil.copyfile(path, target / path.name)
    # Every case as a GA4GH phenopacket, rebuilt from the same data as the pages. The exporter
    # refuses invalid data, so the security test's deliberately invalid build has no zip.
    import os
    if os.environ.get("CCBOOK_UNVALIDATED_DATA_FOR_TESTS") != "1":
        write_phenopackets_once(target / PHENOPACKETS_ZIP, Path(app.doctreedir) / "phenopackets.key")


def write_phenopackets_once(zip_path: Path, stamp: Path) -> None:
    """Rebuild the zip only when the data or the exporter changed: exporting validates the whole
    dataset and loads the HPO release, which would otherwise add seconds to every rebuild."""
    from schemas import data_fingerprint, sha256
    exporter = sorted((ROOT / "schemas").glob("*.py"))
    key = data_fingerprint(data_dir()) + "".join(sha256(path) for path in exporter)
    if zip_path.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == key:
        return
    from schemas.export_phenopackets import write_zip
    write_zip(zip_path, folder=data_dir())
    stamp.write_text(key, encoding="utf-8")


def setup(app):
    app.add_config_value("ccbook_vega_bundle", "", "html")
    app.connect("builder-inited", write_vega_bundle)
    app.connect("env-before-read-docs", validate_once, priority=400)  # before parallel_execute runs chapters
    app.connect("source-read", note_data_dependencies)
    app.connect("html-page-context", finish_page)
    app.connect("build-finished", copy_data)
    app.add_css_file("ccbook.css")
    app.add_css_file("charts.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
