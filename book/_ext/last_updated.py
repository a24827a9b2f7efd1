"""A per-page "last updated" date from the repository history, for the theme's footer.

The date is that of the last commit that touched the page's source file (`git log -1 --format=%cs`),
so it changes when the chapter changes, not on every build. Outside a git checkout, or for a file
git does not know, the page says so and gives the file's own modification date instead.
"""
from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

_cache: dict[str, str] = {}


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=20,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def page_date(source: Path) -> str:
    """'2026-11-21', with a note when the date does not come from a commit of this file."""
    key = str(source)
    if key not in _cache:
        folder = source.parent
        date = _git(["log", "-1", "--format=%cs", "--", source.name], folder)
        if date:
            changed = _git(["status", "--porcelain", "--", source.name], folder)
            _cache[key] = date + (" (the file has changes not yet committed)" if changed else "")
        else:
            stamp = dt.date.fromtimestamp(source.stat().st_mtime).isoformat()
            _cache[key] = f"{stamp} (file date; no repository history found)"
    return _cache[key]


def _on_page(app, pagename, templatename, context, doctree):
    if doctree is None or pagename not in app.env.found_docs:
        return
    source = Path(app.env.doc2path(pagename))
    if source.exists():
        context["last_updated"] = page_date(source)


def setup(app):
    app.connect("html-page-context", _on_page)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
