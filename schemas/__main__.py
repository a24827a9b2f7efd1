"""Command line: validate, generate, add-case, add-series, release, export-phenopackets. Exit 0 valid, 1 invalid, 2 usage error."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _validate(args) -> int:
    from .validate import validate_paths
    problems, usage = validate_paths([Path(p) for p in args.paths])
    for message in usage:
        print(f"usage error: {message}", file=sys.stderr)
    if usage:
        return 2
    for problem in problems:
        print(problem.format())
    if problems:
        print(f"\n{len(problems)} problem{'s' if len(problems) != 1 else ''} found. "
              "Each line reads file:line: column: value — what is wrong; what is allowed.")
        return 1
    print("valid: every table passed every check.")
    return 0


def _generate(args) -> int:
    from .generate import generate
    return generate(check_only=args.check)


def _add_case(args) -> int:
    from .add_case import add_case
    return add_case(Path(args.case_file), dry_run=args.dry_run)


def _add_series(args) -> int:
    from .add_series import add_series
    return add_series(Path(args.series_file), dry_run=args.dry_run)


def _export_phenopackets(args) -> int:
    from .export_phenopackets import ExportError, export
    try:
        out = Path(args.out) if args.out else (None if args.zip else Path("_build/phenopackets"))
        print(export(out, Path(args.zip) if args.zip else None))
    except ExportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"error: cannot write {err.filename or 'the output'}: {err.strerror or err}", file=sys.stderr)
        return 1
    return 0
def _release(args) -> int:
    from .publish.release import release
    return release(args.kind, args.note)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m schemas", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check data/ (or the named folders or table files)")
    validate.add_argument("paths", nargs="*", help="data folders or table CSV files (default: data/)")
    validate.set_defaults(run=_validate)
    generate = commands.add_parser("generate", help="write datapackage.json, codebook.csv and references.bib")
    generate.add_argument("--check", action="store_true", help="only report whether the files are up to date")
    generate.set_defaults(run=_generate)
    add = commands.add_parser("add-case", help="add one published case (and its treatments) from a YAML file")
    add.add_argument("case_file")
    add.add_argument("--dry-run", action="store_true", help="validate and show the rows without writing")
    add.set_defaults(run=_add_case)
    series = commands.add_parser("add-series", help="add the aggregate results of one series, cohort or trial from a "
                                                    "YAML file")
    series.add_argument("series_file")
    series.add_argument("--dry-run", action="store_true", help="validate and show the rows without writing")
    series.set_defaults(run=_add_series)
    export = commands.add_parser("export-phenopackets", help="write one GA4GH phenopacket v2 JSON per case")
    export.add_argument("--out", help="folder for <case_id>.json (default: _build/phenopackets/ unless only --zip is given)")
    export.add_argument("--zip", help="also write every phenopacket into this zip (deterministic)")
    export.set_defaults(run=_export_phenopackets)
    rel = commands.add_parser("release", help="record a new version: releases.csv, CHANGELOG.md, CITATION.cff, "
                                              "datapackage.json, codebook.csv")
    rel.add_argument("kind", choices=["major", "minor", "patch"],
                     help="major: schema change; minor: new cases, results or terms; patch: corrections")
    rel.add_argument("--note", required=True, help="what changed, for CHANGELOG.md")
    rel.set_defaults(run=_release)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return 2 if exit_.code else 0
    try:
        return args.run(args)
    except BrokenPipeError:  # output piped into head or a closed pager: not an error of ours
        return 1
    except Exception as err:  # a bad file must never surface as a traceback
        print(f"internal error: {type(err).__name__}: {err}. This is a bug in the validator, not in your data; "
              "please report it with the file you were checking.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
