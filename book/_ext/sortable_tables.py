"""Local Sphinx extension: the sorting script, only on pages with a sortable case table
(book/ccbook/tables.py marks them ``cc-sortable``)."""
from __future__ import annotations


def add_table_script(app, pagename, templatename, context, doctree) -> None:
    if "cc-sortable" in context.get("body", ""):
        app.add_js_file("case-table.js", type="module")


def setup(app):
    app.connect("html-page-context", add_table_script)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
