"""The built site through the ecosystem's own checkers, which nobody here wrote (issue 13):

- the Nu HTML Checker (npm `vnu-jar`, run with the system Java): 0 errors on every built page;
- Lighthouse (npm `lighthouse`, the system Chromium): accessibility, best practices and SEO all 1.0.

Lighthouse takes several seconds a page, so a normal run checks the home page, one chart page and
three more pages chosen from the build's digest (a different three as the site changes; the same
three for the same build). Set CCBOOK_ALL_PAGES=1 to check every page. The site is served with gzip,
as a static host serves it. Performance is never scored here: bench/run.py measures it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import built_site
from conftest import ROOT

NODE = ROOT / "tests" / "browser" / "node_modules"
VNU = NODE / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = NODE / ".bin" / "lighthouse"
CHROMIUM = Path("/usr/bin/chromium")
CATEGORIES = ("accessibility", "best-practices", "seo")
ALWAYS = ("book/intro.html", "book/treatments.html")  # the home page and a page with charts
ROTATING = 3

pytestmark = pytest.mark.browser


def _require(path: Path | None, what: str) -> None:
    if path is None or not Path(path).exists():
        message = f"{what} not found; see README (apt-get install chromium default-jre-headless; npm ci --prefix tests/browser)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def site() -> Path:
    return built_site.build()


def lighthouse_pages(site: Path) -> list[str]:
    """Reading pages to score: all with CCBOOK_ALL_PAGES=1, else ALWAYS plus a rotating few."""
    every = [p for p in built_site.pages(site) if p != "index.html"]  # index.html only redirects
    if os.environ.get("CCBOOK_ALL_PAGES") == "1":
        return every
    others = [p for p in every if p not in ALWAYS]
    start = int(built_site.site_digest(site), 16) % len(others)
    return list(ALWAYS) + [others[(start + i) % len(others)] for i in range(ROTATING)]


def test_lighthouse_page_choice_is_deterministic_and_covers_the_fixed_pages(site, monkeypatch):
    monkeypatch.delenv("CCBOOK_ALL_PAGES", raising=False)
    chosen = lighthouse_pages(site)
    assert chosen == lighthouse_pages(site)
    assert chosen[:2] == list(ALWAYS) and len(set(chosen)) == len(ALWAYS) + ROTATING
    monkeypatch.setenv("CCBOOK_ALL_PAGES", "1")
    assert set(lighthouse_pages(site)) == set(built_site.pages(site)) - {"index.html"}


def test_every_built_page_passes_the_nu_html_checker(site):
    java = shutil.which("java")
    _require(java and Path(java), "Java")
    _require(VNU, "vnu.jar")
    pages = [str(site / p) for p in built_site.pages(site)]
    assert len(pages) >= 20
    done = subprocess.run([java, "-jar", str(VNU), "--skip-non-html", "--errors-only", "--format", "json", *pages],
                          capture_output=True, text=True, timeout=600)
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    prefix = site.as_uri() + "/"
    errors = [f"{m.get('url', '').removeprefix(prefix)}:{m.get('lastLine', '?')}: {m['message']}"
              for m in messages if m.get("type") in ("error", "non-document-error")]
    assert not errors, "\n".join(errors[:60])
    assert done.returncode == 0, done.stderr[-2000:]


def test_lighthouse_scores_every_chosen_page_1_0(site):
    _require(CHROMIUM, "Chromium")
    _require(LIGHTHOUSE, "lighthouse")
    problems = []
    with built_site.serve(site, compress=True) as origin:
        for page in lighthouse_pages(site):
            report = built_site.lighthouse(LIGHTHOUSE, f"{origin}/{page}", CATEGORIES, throttled=False)
            for category in CATEGORIES:
                score = report["categories"][category]["score"]
                if score != 1:
                    problems.append(f"{page}: {category} {score}: " + "; ".join(built_site.failed_audits(report, category)))
            errors = report["audits"]["errors-in-console"].get("details", {}).get("items", [])
            problems += [f"{page}: console: {e.get('description')}" for e in errors]
    assert not problems, "\n".join(problems)
