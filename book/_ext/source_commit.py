"""Local Sphinx extension: the source commit a copy was built from, on the pages that name it.

A page names it with ``<span class="cc-source-commit">(unknown)</span>``; the span's text becomes the
commit when the page is written. It is filled in here rather than by the chapter's code because the
commit is not an input of the execution cache (every commit would execute every chapter again):
a page served from the cache still names the commit this copy was built from.
"""
from __future__ import annotations

import html
import subprocess

PLACEHOLDER = '<span class="cc-source-commit">(unknown)</span>'


def _git(args: list[str], cwd: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def find_commit(app) -> None:
    commit = _git(["rev-parse", "--short", "HEAD"], app.srcdir)
    if commit is None:
        app.ccbook_source_commit = "not a git checkout"
    elif _git(["status", "--porcelain", "--untracked-files=no"], app.srcdir):
        app.ccbook_source_commit = f"{commit} (with changes not yet committed)"
    else:
        app.ccbook_source_commit = commit


def fill_in(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if PLACEHOLDER in body:
        context["body"] = body.replace(PLACEHOLDER, f'<span class="cc-source-commit">{html.escape(app.ccbook_source_commit)}</span>')


def setup(app):
    app.connect("builder-inited", find_commit)
    app.connect("html-page-context", fill_in)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
