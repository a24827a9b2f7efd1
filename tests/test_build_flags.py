"""The book build's flags are defined once (pyproject.toml, [tool.ccbook] build_flags): the tests and
the benchmark read them from there, and the README's build command and the CI workflow use them."""
from __future__ import annotations

import re

import yaml

from built_site import BUILD_FLAGS
from conftest import ROOT

COMMAND = "jupyter-book build . " + " ".join(BUILD_FLAGS)


def test_the_flags_make_any_warning_or_failing_cell_fail_the_build():
    assert {"-W", "-n", "--keep-going"} <= set(BUILD_FLAGS)


def test_the_readme_build_command_uses_the_flags():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"\.venv/bin/jupyter-book build[^\n`]*", readme)
    assert commands and all(c == f".venv/bin/{COMMAND}" for c in commands), commands


def test_every_ci_build_uses_the_flags():
    builds = []
    for workflow in sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        for job in yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"].values():
            builds += [step["run"] for step in job.get("steps", []) if "jupyter-book build" in step.get("run", "")]
    assert builds and all(run.rstrip().endswith(COMMAND) for run in builds), builds
