"""Build the site once per test run (shared by xdist workers), serve it on localhost as a static host
does (gzip on), and run the third-party checkers on it (shared by tests/ and bench/)."""
from __future__ import annotations

import contextlib
import fcntl
import functools
import gzip
import hashlib
import io
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The build flags, defined once in pyproject.toml ([tool.ccbook] build_flags).
BUILD_FLAGS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ccbook"]["build_flags"]
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
        (target / "started").touch()  # anything in the sources newer than this was written by the build
        env = dict(os.environ)
        if data_dir is not None:
            env["CCBOOK_DATA_DIR"] = str(data_dir)
        # The sources are built in place: a build writes only into its output folder (tests/
        # test_build_output.py checks that the working tree stays clean).
        options = []
        if bibliography_from is not None:  # the references page is generated from sources.csv
            options = ["--config", str(configuration_with_bibliography(target, bibliography_from))]
        jupyter_book = Path(sys.executable).with_name("jupyter-book")
        done = subprocess.run([str(jupyter_book), "build", str(ROOT), "--path-output", str(target), *options,
                               *BUILD_FLAGS], env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise RuntimeError(f"book build failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
        stamp.write_text(run_id)
        return target / "_build" / "html"


def configuration_with_bibliography(target: Path, data_dir: Path) -> Path:
    """A copy of _config.yml whose bibliography is generated from data_dir's sources.csv."""
    import yaml
    from schemas.generate import bibliography_text
    from schemas.models import TABLES
    from schemas.reader import read_table
    from schemas.validate import column_dtypes
    sources = read_table(data_dir / "sources.csv", "sources", column_dtypes(TABLES["sources"])).frame
    bibliography = target / "references.bib"
    bibliography.write_text(bibliography_text(sources), encoding="utf-8")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["bibtex_bibfiles"] = [str(bibliography)]
    # Jupyter Book finds local extensions relative to the configuration file.
    extensions = config["sphinx"]["local_extensions"]
    config["sphinx"]["local_extensions"] = {name: str(ROOT / folder) for name, folder in extensions.items()}
    path = target / "_config.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv", ".map", ".md", ".ico")


class _Gzip(_Quiet):
    """Like a static host: text files gzip-compressed when the client accepts it."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (not path.is_file() or not path.name.endswith(COMPRESSIBLE)
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = _compressed(path, path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@functools.lru_cache(maxsize=4096)
def _compressed(path: Path, mtime_ns: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


@contextlib.contextmanager
def serve(folder: Path, compress: bool = False):
    handler = _Gzip if compress else _Quiet
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def pages(site: Path) -> list[str]:
    """Every built HTML page, relative to the site root (theme assets excluded)."""
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if "_static" not in p.parts)


def site_digest(site: Path) -> str:
    digest = hashlib.sha256()
    for page in pages(site):
        digest.update(page.encode() + (site / page).read_bytes())
    return digest.hexdigest()


CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"


def lighthouse(binary: Path, url: str, categories: tuple[str, ...], *, throttled: bool = True) -> dict:
    """Run the Lighthouse CLI from npm against Debian's Chromium; return its JSON report (lhr)."""
    command = [str(binary), url, "--output=json", "--output-path=stdout", "--quiet",
               f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={','.join(categories)}"]
    if not throttled:  # scores that do not depend on speed: skip the simulated slow network
        command.append("--throttling-method=provided")
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"lighthouse failed on {url}:\n{done.stderr[-3000:]}")
    report = json.loads(done.stdout)
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse on {url}: {report['runtimeError']}")
    return report


def failed_audits(report: dict, category: str) -> list[str]:
    """The scored audits of one category that did not pass, with what Lighthouse says about them."""
    found = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
            items = [json.dumps(i)[:300] for i in (audit.get("details") or {}).get("items", [])[:5]]
            found.append(f"{ref['id']} ({audit['score']}): {audit['title']} {items}")
    return found
