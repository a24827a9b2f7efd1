"""The parallel, cached execution of the chapters (book/_ext/parallel_execute.py) gives the same pages
as myst-nb's forced serial execution, and its cache follows the data and the shared code.

Both executions run without Sphinx, from the same notebooks myst-nb reads: the forced path through
jupyter-cache's single_nb_execution (what myst-nb calls for ``execute_notebooks: force``), the parallel
path through the extension's own executor, with the build's settings (kernels forked from a server
that preloaded the libraries, several at a time). Every cell output is compared (glued values, chart specs,
tables), and so is every chart-data CSV the chapters write.
"""
from __future__ import annotations

import filecmp
import os
import sys
from pathlib import Path

import pytest

from conftest import EXTENSIONS, ROOT, book_extension

parallel_execute = book_extension("parallel_execute")

BOOK = ROOT / "book"


def chapter_notebooks():
    """(path, notebook) for every executable chapter, read the way myst-nb reads it."""
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.read import create_nb_reader
    from myst_parser.config.main import MdParserConfig
    found = []
    for path in sorted(BOOK.glob("*.md")):
        if not parallel_execute.is_notebook(path):
            continue
        text = path.read_text(encoding="utf-8")
        reader = create_nb_reader(str(path), MdParserConfig(), NbParserConfig(), text)
        found.append((path, reader.read(text)))
    return found


def book_settings() -> dict:
    """The extension's settings in _config.yml, so that the test runs the build's configuration."""
    import yaml
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]


def outputs(notebook) -> list:
    return [(index, cell.get("outputs", [])) for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory):
    from jupyter_cache.executors.utils import single_nb_execution
    folder = tmp_path_factory.mktemp("parallel")
    saved = dict(os.environ)
    # As in a book build: the data is validated once, before any chapter runs.
    os.environ["CCBOOK_VALIDATED_INPUTS"] = "validated by the test"
    try:
        os.environ["CCBOOK_CHART_DIR"] = str(folder / "serial")
        serial = chapter_notebooks()
        for path, notebook in serial:
            result = single_nb_execution(notebook, cwd=str(path.parent), timeout=120, allow_errors=False,
                                         meta_override=True)
            assert result.err is None, f"{path.name}: {result.exc_string}"
        os.environ["CCBOOK_CHART_DIR"] = str(folder / "parallel")
        parallel = chapter_notebooks()
        settings = book_settings()
        assert settings["parallel_execute_jobs"] >= 2 and settings["parallel_execute_preload"]
        results = parallel_execute.execute_notebooks(parallel, settings["parallel_execute_jobs"], 120, False,
                                                     settings["parallel_execute_preload"])
        assert [error for _, error in results] == [None] * len(parallel)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return folder, serial, parallel


def test_every_output_matches_a_forced_serial_execution(both_ways):
    _, serial, parallel = both_ways
    assert len(serial) >= 15 and [p for p, _ in serial] == [p for p, _ in parallel]
    glued = 0
    for (path, expected), (_, actual) in zip(serial, parallel):
        assert outputs(actual) == outputs(expected), path.name
        glued += sum(1 for _, cell in outputs(actual) for out in cell if "scrapbook" in out.get("metadata", {}))
    assert glued >= 100  # the comparison covered the glued values, not only empty cells


def test_chart_data_matches_a_forced_serial_execution(both_ways):
    folder, _, _ = both_ways
    names = sorted(p.name for p in (folder / "serial").glob("*.csv"))
    assert len(names) >= 15
    assert names == sorted(p.name for p in (folder / "parallel").glob("*.csv"))
    match, mismatch, errors = filecmp.cmpfiles(folder / "serial", folder / "parallel", names, shallow=False)
    assert not mismatch and not errors


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
# Chapter {name}

```{{code-cell}} ipython3
import os, pathlib
print("{name} shows", pathlib.Path(os.environ["CCBOOK_DATA_DIR"], "x.csv").read_text().strip())
```
"""


def small_book(tmp_path, mode: str):
    """A two-chapter book whose chapters print a data file; returns (csv, build, shown)."""
    import subprocess
    source, data = tmp_path / "src", tmp_path / "data"
    source.mkdir()
    data.mkdir()
    (source / "conf.py").write_text(
        f"extensions = ['myst_nb', 'parallel_execute']\nnb_execution_mode = {mode!r}\n"
        "nb_execution_raise_on_error = True\nparallel_execute_preload = ['ipykernel.kernelapp']\n")
    (source / "index.md").write_text("# Small book\n\n```{toctree}\nfirst\nsecond\n```\n")
    for name in ("first", "second"):
        (source / f"{name}.md").write_text(CHAPTER.format(name=name))
    env = {**os.environ, "CCBOOK_DATA_DIR": str(data), "PYTHONPATH": str(EXTENSIONS)}

    def build() -> str:
        done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", str(source),
                               str(tmp_path / "html")], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done.stdout + done.stderr

    def shown(name: str) -> str:
        return (tmp_path / "html" / f"{name}.html").read_text(encoding="utf-8")

    return data / "x.csv", build, shown


def rewrite_keeping_mtime(path: Path, text: str) -> None:
    """The key follows content, not modification times (a checkout or a copy may keep or reset them)."""
    stamp = path.stat().st_mtime_ns
    path.write_text(text)
    os.utime(path, ns=(stamp, stamp))


def test_a_sphinx_build_executes_ahead_and_re_executes_when_the_data_changes(tmp_path):
    """A small book through Sphinx: chapters run ahead of reading, a rebuild with nothing changed runs
    nothing, a data change re-runs every chapter, and reverting it finds the earlier executions again."""
    csv, build, shown = small_book(tmp_path, "cache")
    csv.write_text("value\none\n")
    assert "executing 2 notebook(s)" in build()
    assert "first shows value\none" in shown("first") and "second shows value\none" in shown("second")
    log = build()
    assert "executing" not in log.lower()

    rewrite_keeping_mtime(csv, "value\ntwo\n")
    assert "executing 2 notebook(s)" in build()
    assert "first shows value\ntwo" in shown("first") and "second shows value\ntwo" in shown("second")

    csv.write_text("value\none\n")
    assert "executing" not in build().lower()
    assert "first shows value\none" in shown("first") and "second shows value\none" in shown("second")
    assert len([p for p in (tmp_path / ".jupyter_cache").iterdir() if p.is_dir()]) == 2


def test_a_forced_serial_build_also_rereads_chapters_when_the_data_changes(tmp_path):
    csv, build, shown = small_book(tmp_path, "force")
    csv.write_text("value\none\n")
    assert "executing" not in build()  # nothing ahead of reading: myst-nb runs each chapter itself
    rewrite_keeping_mtime(csv, "value\ntwo\n")
    build()
    assert "first shows value\ntwo" in shown("first") and "second shows value\ntwo" in shown("second")


def test_a_preload_that_cannot_be_imported_is_a_clear_error():
    with pytest.raises(parallel_execute.ForkServerError, match="cannot preload module 'no_such_module_for_ccbook'"):
        parallel_execute.execute_notebooks([], 2, 60, False, ["json", "no_such_module_for_ccbook"])


def test_a_chapter_that_times_out_is_reported_and_leaves_no_kernel_behind(tmp_path):
    import nbformat
    pid_file = tmp_path / "kernel.pid"
    cells = [f"import os, pathlib, time\npathlib.Path({str(pid_file)!r}).write_text(str(os.getpid()))",
             "time.sleep(120)"]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    quick = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    quick.metadata.kernelspec = notebook.metadata.kernelspec
    (seconds, error), (_, fine) = parallel_execute.execute_notebooks(
        [(tmp_path / "slow.md", notebook), (tmp_path / "quick.md", quick)], 2, 3, False, ["json"])
    from nbclient.exceptions import CellTimeoutError
    assert isinstance(error, CellTimeoutError) and seconds < 60
    assert fine is None and quick.cells[0].outputs[0]["text"] == "42\n"
    kernel = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(kernel, 0)
