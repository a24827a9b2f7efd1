"""The one fingerprint of a chapter's inputs (book/_ext/execution_inputs.py) covers every input a page
reads, and an edit to any of them re-executes the chapter on an incremental build."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import EXTENSIONS, ROOT, book_extension

execution_inputs = book_extension("execution_inputs")

# One file of each kind of input, as the book lays them out (paths relative to the book's root).
INPUTS = {
    "data": "data/table.csv",
    "schemas": "schemas/models/cases.py",
    "shared code": "book/ccbook/analyses/pooling.py",
    "layout": "book/chapters.yml",
    "configuration": "_config.yml",
    "pinned packages": "requirements.txt",
}

CHAPTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
# Inputs

```{code-cell} ipython3
import os, pathlib
for name in %r:
    path = pathlib.Path(os.environ["CCBOOK_DATA_DIR"], "table.csv") if name.startswith("data/") else pathlib.Path(name)
    print(f"{name} says {path.read_text().strip()}")
```
"""


def test_the_book_s_own_inputs_are_all_fingerprinted():
    labels = [label for label, _ in execution_inputs.input_files(ROOT)]
    for expected in ("data:cases.csv", "code:schemas/validate.py", "code:book/ccbook/charts.py",
                     "code:book/ccbook/analyses/pooling.py", "config:book/chapters.yml", "config:_config.yml",
                     "config:requirements.txt"):
        assert expected in labels
    assert not [label for label in labels if label.startswith(("code:book/", "config:book/")) and label.endswith(".md")]


def rewrite_keeping_mtime(path: Path, text: str) -> None:
    """The fingerprint follows content: an edit that keeps the modification time still counts."""
    stamp = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))


def test_editing_any_input_re_executes_the_page_with_the_new_output(tmp_path):
    """A one-chapter book built with the book's execution extensions; the chapter prints one file of
    each kind of input. Each edit in turn, then an incremental build: the page shows the new text."""
    source = tmp_path / "src"
    data = tmp_path / "data"
    data.mkdir()
    for name in INPUTS.values():
        target = data / "table.csv" if name.startswith("data/") else source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("first version\n", encoding="utf-8")
    (source / "conf.py").write_text(
        "extensions = ['myst_nb', 'parallel_execute']\nnb_execution_mode = 'cache'\n"
        "nb_execution_raise_on_error = True\nparallel_execute_preload = []\n", encoding="utf-8")
    (source / "index.md").write_text(CHAPTER % list(INPUTS.values()), encoding="utf-8")
    env = {**os.environ, "CCBOOK_DATA_DIR": str(data), "PYTHONPATH": str(EXTENSIONS)}

    def build() -> tuple[str, str]:
        done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", str(source), str(tmp_path / "html")],
                              env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        page = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
        return done.stdout, dict(re.findall(r"([\w./]+) says (\w+ version)", page))

    log, shown = build()
    # No preload: the chapters go to jupyter-cache's stock local-parallel executor (the other path of
    # parallel_execute; tests/test_parallel_build.py covers the fork server).
    assert "executing 1 notebook(s), jupyter-cache local-parallel" in log
    assert shown == dict.fromkeys(INPUTS.values(), "first version")
    log, _ = build()
    assert "executing" not in log  # nothing changed: served from the cache
    for kind, name in INPUTS.items():
        path = data / "table.csv" if name.startswith("data/") else source / name
        rewrite_keeping_mtime(path, "second version\n")
        log, shown = build()
        assert "executing 1 notebook(s)" in log, kind
        assert shown[name] == "second version", kind
