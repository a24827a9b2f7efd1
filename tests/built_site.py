"""Build the site once per test run (shared by xdist workers) and serve it on localhost."""
from __future__ import annotations

import contextlib
import fcntl
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "_build" / "test-sites"


def build(name: str = "main", data_dir: Path | None = None, bibliography_from: Path | None = None) -> Path:
    """Build the book into _build/test-sites/<name> with the README's flags; reuse it within one run."""
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID") or os.environ.get("CCBOOK_TEST_RUN", str(os.getppid()))
    target = SITES / name
    SITES.mkdir(parents=True, exist_ok=True)
    with open(SITES / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = target / "run-id"
        if stamp.exists() and stamp.read_text() == run_id and (target / "_build/html/index.html").exists():
            return target / "_build" / "html"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'book'}"}
        if data_dir is not None:
            env["CCBOOK_DATA_DIR"] = str(data_dir)
        # Build from a copy of the sources: chapters write their chart CSVs into book/_static, and the
        # test run must leave the working tree untouched.
        source = target / "src"
        shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns("_build", ".git", ".venv", "node_modules",
                                                                      "chart-data", "__pycache__"))
        env["PYTHONPATH"] = f"{source}{os.pathsep}{source / 'book'}"
        if bibliography_from is not None:  # the references page is generated from sources.csv
            sys.path.insert(0, str(ROOT))
            from schemas.generate import bibliography_text
            from schemas.reader import read_table
            from schemas.models import TABLES
            from schemas.validate import column_dtypes
            sources = read_table(bibliography_from / "sources.csv", "sources", column_dtypes(TABLES["sources"])).frame
            (source / "book" / "references.bib").write_text(bibliography_text(sources), encoding="utf-8")
        jupyter_book = Path(sys.executable).with_name("jupyter-book")
        done = subprocess.run([str(jupyter_book), "build", str(source), "--path-output",
                               str(target), "-W", "-n", "--keep-going"], env=env, capture_output=True, text=True,
                              timeout=900)
        if done.returncode != 0:
            raise RuntimeError(f"book build failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
        stamp.write_text(run_id)
        return target / "_build" / "html"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
