"""A book build writes only into its output folder: the working tree is as clean after it as before."""
from __future__ import annotations

import shutil
import subprocess

import pytest

import built_site
from conftest import ROOT


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout")
def test_a_build_leaves_git_status_clean():
    site = built_site.build()
    started = (site.parent.parent / "started").stat().st_mtime
    listed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "-z"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    # Only what changed since the build started counts: a contributor's own edits are not the build's.
    written = [entry for entry in listed if entry and (ROOT / entry[3:]).exists()
               and (ROOT / entry[3:]).stat().st_mtime >= started]
    assert not written, f"the build wrote into the source tree: {written}"
    assert (site / "_static" / "chart-data").is_dir() and (site / "_static" / "vega").is_dir()
