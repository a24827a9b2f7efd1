"""Local Sphinx extension: valid list roles in the bibliography.

sphinxcontrib-bibtex marks a role="list" whose entries use the deprecated doc-biblioentry role, which
screen readers and axe-core do not accept as list items; they become role="listitem"."""
from __future__ import annotations


def fix_roles(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    app.connect("html-page-context", fix_roles)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
