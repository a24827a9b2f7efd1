"""Execute every chapter as a notebook with nbval, and check the key published numbers.

Chapters are MyST Markdown; nbval collects only .ipynb, so they are converted with jupytext into a
temporary folder. --nbval-lax checks that every cell runs (chart outputs carry random ids)."""
from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest

import built_site as book_site
from conftest import ROOT

CHAPTERS = [p for p in sorted((ROOT / "book").glob("*.md")) if "kernelspec:" in p.read_text(encoding="utf-8")[:400]]


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("notebooks")
    for chapter in CHAPTERS:
        jupytext.write(jupytext.read(chapter), folder / f"{chapter.stem}.ipynb")
    env = {**os.environ, "CCBOOK_CHART_DIR": str(folder / "chart-data")}
    done = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider",
                           "-p", "no:xdist", "--rootdir", str(folder), str(folder)],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert f"{sum(1 for _ in folder.glob('*.ipynb'))} " in done.stdout or "passed" in done.stdout
    return folder


def test_every_chapter_notebook_executes(executed):
    assert len(CHAPTERS) >= 15
    assert len(list(executed.glob("*.ipynb"))) == len(CHAPTERS)


def test_chart_data_is_identical_between_two_clean_executions(executed):
    """The notebook run and the site build are independent executions of the same commit."""
    site = book_site.build()
    ours = sorted(p.name for p in (executed / "chart-data").glob("*.csv"))
    theirs = sorted(p.name for p in (site / "_static" / "chart-data").glob("*.csv"))
    assert ours == theirs and len(ours) >= 15
    match, mismatch, errors = filecmp.cmpfiles(executed / "chart-data", site / "_static" / "chart-data", ours, shallow=False)
    assert not mismatch and not errors


def test_key_published_numbers():
    from ccbook import actd_summary, load
    data = load()
    v = data.value
    assert v("balin2012.flow.included") == 78 and v("balin2012.demo.female") == 64
    by_disease = actd_summary().set_index("actd_id")["patients"]
    assert [by_disease[a] for a in ("dermatomyositis", "ssc_limited", "lupus_panniculitis", "sle", "mctd",
                                    "overlap_ctd", "uctd", "polymyositis", "rheumatoid_arthritis")] == [30, 24, 4, 2, 4, 6, 6, 1, 1]
    assert [v(f"balin2012.category.{c}") for c in ("medical_alone", "surgical_alone", "combined", "no_treatment",
                                                   "unknown_treatment")] == [19, 11, 17, 30, 1]
    assert [v(f"balin2012.best.all_excised.{g}") for g in ("complete", "partial", "none")] == [22, 5, 1]
    assert [v(f"balin2012.survival.m{t}") for t in (60, 120, 180, 240)] == [96, 91, 87, 72]


def test_exact_interval_matches_known_values():
    from ccbook import exact_interval
    low, high = exact_interval(9, 17)  # Clopper-Pearson for 9/17: 27.8% to 77.0%
    assert round(low, 1) == 27.8 and round(high, 1) == 77.0
    assert exact_interval(0, 5)[0] == 0 and exact_interval(5, 5)[1] == 100
