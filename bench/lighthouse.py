"""Lighthouse mobile performance for every page of the book and of a `jupyter-book create` template
book, both built and served (gzip on, like a static host) in the same run.

    npm ci --prefix bench                  # once: Lighthouse, pinned in bench/package.json
    python bench/lighthouse.py             # builds both books, measures, updates bench/results.md
    python bench/lighthouse.py --site _build/html --template /tmp/tpl/_build/html   # measure built sites

Lighthouse's default mobile profile with its default simulated throttling, against Debian's
Chromium. Reported per page: performance score, FCP, LCP, TBT and the first view's transferred
KiB (Lighthouse's total-byte-weight). bench/run.py calls `section()` too, so the full benchmark
carries this table next to the build figures. Targets are reported, never asserted.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from shared import built_site as _built_site, fresh_copy

ROOT = Path(__file__).resolve().parent.parent
built_site = _built_site()

LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
BEGIN, END = "<!-- lighthouse:begin -->", "<!-- lighthouse:end -->"
TARGETS = {"score": 0.90, "lcp": 2500, "tbt": 200, "chart_kib": 600}


def measure(site: Path, pages: list[str]) -> list[dict]:
    rows = []
    with built_site.serve(site, compress=True) as origin:
        for page in pages:
            report = built_site.lighthouse(LIGHTHOUSE, f"{origin}/{page}", ("performance",))
            audits = report["audits"]
            rows.append({"page": page, "score": report["categories"]["performance"]["score"],
                         "fcp": audits["first-contentful-paint"]["numericValue"],
                         "lcp": audits["largest-contentful-paint"]["numericValue"],
                         "tbt": audits["total-blocking-time"]["numericValue"],
                         "kib": audits["total-byte-weight"]["numericValue"] / 1024,
                         "cpu": report["environment"]["benchmarkIndex"],
                         "charts": (site / page).read_text(encoding="utf-8").count('class="cc-chart"')})
            print(f"{page}: {rows[-1]['score']:.2f}", file=sys.stderr, flush=True)
    return rows


def book_pages(site: Path) -> list[str]:
    return [p for p in built_site.pages(site) if p.startswith("book/")]


def template_page(template_site: Path) -> str:
    return next(p for p in built_site.pages(template_site) if p not in ("index.html", "search.html", "genindex.html"))


def section(site: Path, template_site: Path) -> str:
    load_before = os.getloadavg()[0]
    template = measure(template_site, [template_page(template_site)])[0]
    ours = measure(site, book_pages(site))
    load_after = os.getloadavg()[0]
    cpu = sorted(r["cpu"] for r in ours + [template])
    lines = [BEGIN, "## Lighthouse mobile performance (gzip serving, localhost, simulated throttling)\n",
             f"Lighthouse {lighthouse_version()}, default mobile profile, system Chromium. "
             "Transfer: first view, compressed (total-byte-weight). Simulated throttling scales the CPU "
             "time it observes, so a busy machine lowers every score: Lighthouse's benchmarkIndex ran "
             f"{cpu[0]:.0f}–{cpu[-1]:.0f} (median {cpu[len(cpu) // 2]:.0f}) and the 1-minute load average "
             f"was {load_before:.1f} before and {load_after:.1f} after, on {os.cpu_count()} cores. Compare "
             "pages with the template page measured in the same run.\n",
             "| page | performance | FCP s | LCP s | TBT ms | transfer KiB | charts |", "|---|---|---|---|---|---|---|"]
    for r in [{**template, "page": f"template: {template['page']}"}] + ours:
        lines.append(f"| {r['page']} | {r['score']:.2f} | {r['fcp'] / 1000:.1f} | {r['lcp'] / 1000:.1f} | "
                     f"{r['tbt']:.0f} | {r['kib']:.0f} | {r['charts']} |")
    worst = min(ours, key=lambda r: r["score"])
    slowest = max(ours, key=lambda r: r["lcp"])
    blocking = max(ours, key=lambda r: r["tbt"])
    chart_pages = [r for r in ours if r["charts"]] or ours
    heaviest = max(chart_pages, key=lambda r: r["kib"])
    mark = lambda ok: "met" if ok else "**missed**"  # noqa: E731
    lines += ["",
              f"- Performance ≥ {TARGETS['score']} on every page: {mark(worst['score'] >= TARGETS['score'])} "
              f"(lowest {worst['score']:.2f}, {worst['page']}; {sum(r['score'] >= 0.95 for r in ours)} of {len(ours)} at ≥ 0.95)",
              f"- LCP ≤ {TARGETS['lcp'] / 1000} s: {mark(slowest['lcp'] <= TARGETS['lcp'])} "
              f"(slowest {slowest['lcp'] / 1000:.1f} s, {slowest['page']})",
              f"- TBT ≤ {TARGETS['tbt']} ms: {mark(blocking['tbt'] <= TARGETS['tbt'])} "
              f"(highest {blocking['tbt']:.0f} ms, {blocking['page']})",
              f"- Chart page first view ≤ {TARGETS['chart_kib']} KiB: {mark(heaviest['kib'] <= TARGETS['chart_kib'])} "
              f"(heaviest {heaviest['kib']:.0f} KiB, {heaviest['page']})", END]
    return "\n".join(lines) + "\n"


def lighthouse_version() -> str:
    return subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()


def build(source: Path) -> Path:
    done = subprocess.run([str(JUPYTER_BOOK), "build", str(source), *built_site.BUILD_FLAGS],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"build of {source} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return source / "_build" / "html"


def update_results(text: str) -> None:
    results = ROOT / "bench" / "results.md"
    current = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    if BEGIN in current:
        current = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END) + "\n?", lambda _: text, current, flags=re.S)
    elif "\n## Why the misses" in current:
        current = current.replace("\n## Why the misses", "\n" + text + "\n## Why the misses", 1)
    else:
        current = current.rstrip("\n") + "\n\n" + text
    results.write_text(current, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="an already built book (its _build/html)")
    parser.add_argument("--template", type=Path, help="an already built template book (its _build/html)")
    parser.add_argument("--print-only", action="store_true", help="print the table; leave results.md alone")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} not found: run `npm ci --prefix bench` first")
    with tempfile.TemporaryDirectory(prefix="ccbook-lighthouse-") as scratch:
        work = Path(scratch)
        site = args.site
        if site is None:
            site = build(fresh_copy(work, "book"))
        template = args.template
        if template is None:
            subprocess.run([str(JUPYTER_BOOK), "create", str(work / "template")], check=True, capture_output=True)
            template = build(work / "template")
        text = section(site.resolve(), template.resolve())
    print(text)
    if not args.print_only:
        update_results(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
