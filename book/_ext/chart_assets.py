"""Local Sphinx extension: everything a chart needs in the built site, all written into the build output.

- The chapters write each chart's files (CSV, SVG, PNG; book/ccbook/charts.py) into a build-time
  folder, given to the kernels as ``CCBOOK_CHART_DIR``: next to the execution cache's outputs, so a
  chapter served from the cache finds the files of the same execution. When the build finishes they
  are copied to ``_static/chart-data/`` in the output, where the pages link them.
- The vega/vega-lite/vega-embed bundle that matches the installed vl-convert is written to
  ``_static/vega/`` in the output. Charts are SVG drawn at build time; pages with a chart load only
  the small charts.js, which imports the bundle when a reader reaches for a chart. Nothing is ever
  fetched from a CDN.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

CHART_FOLDER = "chart-data"


def chart_folder(app) -> None:
    # ccbook_execution_folder is set by parallel_execute (the execution cache's folder for these inputs).
    folder = Path(getattr(app, "ccbook_execution_folder", app.doctreedir)) / CHART_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    app.ccbook_chart_folder = folder
    os.environ["CCBOOK_CHART_DIR"] = str(folder)
    import vl_convert
    app.config.ccbook_vega_bundle = f"vega/vega-bundle-{vl_convert.__version__}.js"


def add_chart_script(app, pagename, templatename, context, doctree) -> None:
    if "cc-chart" in context.get("body", ""):
        # Only the small upgrader loads with the page; it imports the vega bundle on demand.
        app.add_js_file("charts.js", type="module", **{"data-vega-bundle": app.config.ccbook_vega_bundle})


def write_chart_files(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    shutil.copytree(app.ccbook_chart_folder, static / CHART_FOLDER, dirs_exist_ok=True)
    bundle = static / app.config.ccbook_vega_bundle
    if not bundle.exists():
        import vl_convert
        for old in bundle.parent.glob("vega-bundle-*.js"):
            old.unlink()
        bundle.parent.mkdir(parents=True, exist_ok=True)
        bundle.write_text(vl_convert.javascript_bundle(), encoding="utf-8")


def setup(app):
    app.setup_extension("parallel_execute")
    app.add_config_value("ccbook_vega_bundle", "", "html")
    # After parallel_execute has chosen the execution cache's folder (priority 900).
    app.connect("builder-inited", chart_folder, priority=950)
    app.connect("html-page-context", add_chart_script)
    app.connect("build-finished", write_chart_files)
    app.add_css_file("charts.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
