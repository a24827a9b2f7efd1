"""Benchmark: the chapters' execution, stock against custom, side by side in one run (issue 20).

    python bench/executors.py [--runs 2]

Cold builds of this checkout's HEAD, alternating so that any drift of the machine hits each alike:
- **custom**: as configured (book/_ext/parallel_execute.py: kernels forked from a process that has
  imported the libraries, two at a time);
- **stock**: the same clone with `parallel_execute_preload: []`, which hands the chapters to
  jupyter-cache's own local-parallel executor (one per core, kernels started afresh);
- **template**: `jupyter-book create`, the baseline every build ratio is taken against.

Writes its section of bench/results.md (between the markers below; bench/run.py keeps it) and prints it.
The custom executor would be kept only if it were faster than stock by more than 20%.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from run import EXECUTORS_BEGIN as BEGIN, EXECUTORS_END as END, JUPYTER_BOOK, ROOT, build, machine, timed
from shared import fresh_copy

RESULTS = ROOT / "bench" / "results.md"


def without_preload(source: Path) -> Path:
    """The clone, switched to the stock executor: an empty preload list in its _config.yml."""
    config = source / "_config.yml"
    text, count = re.subn(r"parallel_execute_preload: \[[^\]]*\]", "parallel_execute_preload: []",
                          config.read_text(encoding="utf-8"))
    if count != 1:
        raise SystemExit("_config.yml: parallel_execute_preload not found; nothing to compare")
    config.write_text(text, encoding="utf-8")
    return source


def cold(source: Path) -> float:
    shutil.rmtree(source / "_build", ignore_errors=True)
    # Each tree's own schemas/ and ccbook/ (the editable install points at the repository's).
    return build(source, env={"PYTHONPATH": f"{source}:{source / 'book'}"})


def section(runs: int, custom: str, times: dict[str, list[float]]) -> str:
    median = {name: statistics.median(values) for name, values in times.items()}
    ratio = {name: median[name] / median["template"] for name in ("stock", "custom")}
    faster = (median["stock"] - median["custom"]) / median["stock"] * 100
    verdict = ("keep the custom executor" if faster > 20 else
               "stock kept: the custom executor is not faster by more than 20%")
    return "\n".join([
        BEGIN, "## Chapter execution: stock against custom (same run)", "",
        f"{dt.date.today().isoformat()}; commit {custom[:10]}; {machine()}; cold builds, median of {runs}, "
        "alternating.", "",
        "| build | cold (s) | runs (s) | ratio to template |", "|---|---|---|---|",
        f"| stock: jupyter-cache `local-parallel` | {median['stock']:.1f} | "
        f"{', '.join(f'{t:.1f}' for t in times['stock'])} | {ratio['stock']:.1f}x |",
        f"| custom: kernel fork server (as built) | {median['custom']:.1f} | "
        f"{', '.join(f'{t:.1f}' for t in times['custom'])} | {ratio['custom']:.1f}x |",
        f"| `jupyter-book create` template | {median['template']:.1f} | "
        f"{', '.join(f'{t:.1f}' for t in times['template'])} | 1.0x |", "",
        f"The custom executor is {faster:+.0f}% faster than stock: {verdict}.", END, ""])


def write_section(text: str) -> None:
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if BEGIN in old:
        old = old[:old.index(BEGIN)] + old[old.index(END) + len(END):].lstrip("\n")
    RESULTS.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    custom = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=True).stdout.strip()
    times: dict[str, list[float]] = {"stock": [], "custom": [], "template": []}
    with tempfile.TemporaryDirectory(prefix="ccbook-executors-") as scratch:
        work = Path(scratch)
        old = fresh_copy(work, "custom")
        stock = without_preload(fresh_copy(work, "stock"))
        template = work / "template"
        timed([str(JUPYTER_BOOK), "create", str(template)])
        for run in range(args.runs):
            for name, source in (("stock", stock), ("custom", old), ("template", template)):
                times[name].append(cold(source))
                print(f"run {run + 1} {name}: {times[name][-1]:.1f} s", flush=True)
    text = section(args.runs, custom, times)
    write_section(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
