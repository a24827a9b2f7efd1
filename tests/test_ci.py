"""CI protects readers: the site is deployed only from a commit whose tests passed, pip downloads are
cached, and the CI entry point runs exactly the README's test command."""
import re

import yaml

from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def readme_command(tool: str) -> str:
    commands = re.findall(r"^python3 -m venv \.venv && .*$", (ROOT / "README.md").read_text(), flags=re.M)
    return next(c for c in commands if tool in c)


def jobs() -> dict:
    found = {}
    for path in WORKFLOWS.glob("*.yml"):
        for name, job in yaml.safe_load(path.read_text())["jobs"].items():
            found[(path.name, name)] = job
    return found


def test_the_site_is_deployed_only_after_the_tests_pass_on_the_same_commit():
    every = jobs()
    deploying = {key: job for key, job in every.items()
                 if any("deploy-pages" in str(step.get("uses", "")) for step in job.get("steps", []))}
    assert deploying, "no job deploys the site"
    for (workflow, _), job in deploying.items():
        needs = job.get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        assert "test" in needs and (workflow, "test") in every, "deploy must need the test job of its own workflow"
        assert "README test command" in str(every[(workflow, "test")]["steps"])


def test_pip_downloads_are_cached():
    for (_, name), job in jobs().items():
        for step in job.get("steps", []):
            if "setup-python" in str(step.get("uses", "")):
                assert step["with"].get("cache") == "pip", name


def test_ci_runs_the_readme_test_command_unchanged():
    command = readme_command("pytest")
    assert command in (ROOT / ".ci" / "run").read_text()
    assert any(command in str(job.get("steps")) for job in jobs().values())
    assert any(readme_command("jupyter-book") in str(job.get("steps")) for job in jobs().values())
