"""A fuzzing corpus: every kind of corruption applied to every table.

Each corrupted file is validated in-process (as ``python -m schemas validate FILE`` would) and must
give a clean exit 1 with a line naming the file, the line and the column, and never an internal
error. Unchanged tables are read once and reused (the reader caches by content), which keeps the
corpus fast enough to run on every commit.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Callable

import pytest

from conftest import DATA
from schemas.__main__ import main
from schemas.models import ALL_TABLES, MAY_BE_EMPTY
from schemas.publish.specs import field_specs

Rows = list[list[str]]
# A corruption returns the corrupted file, the line that must be blamed and, where one column is
# to blame, that column.
Corruption = Callable[[str, Rows], tuple[bytes, int, "str | None"]]


def rows_of(name: str) -> Rows:
    return list(csv.reader(io.StringIO((DATA / f"{name}.csv").read_text(encoding="utf-8"), newline="")))


def text_of(rows: Rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def encoded(rows: Rows) -> bytes:
    return text_of(rows).encode("utf-8")


def specs(name: str) -> list[dict]:
    return field_specs(ALL_TABLES[name])


def text_column(name: str) -> str:
    """The first free-text column (the privacy and injection checks apply), else the first column."""
    for spec in specs(name):
        if {"safe_characters", "citation_characters"} & set(spec["checks"]):
            return spec["name"]
    return specs(name)[0]["name"]


def number_column(name: str) -> str:
    """The first numeric column, else the first with a list of allowed values, else the first."""
    return next((s["name"] for s in specs(name) if s["type"] in ("number", "integer")),
                next((s["name"] for s in specs(name) if "enum" in s["constraints"]), specs(name)[0]["name"]))


def set_cell(rows: Rows, row: int, column: str, value: str) -> Rows:
    rows = [list(r) for r in rows]
    rows[row][rows[0].index(column)] = value
    return rows


def in_text_column(value: Callable[[str], str]) -> Corruption:
    def corrupt(name, rows):
        column = text_column(name)
        return encoded(set_cell(rows, 1, column, value(rows[1][rows[0].index(column)]))), 2, column
    return corrupt


def in_number_column(value: str) -> Corruption:
    def corrupt(name, rows):
        return encoded(set_cell(rows, 1, number_column(name), value)), 2, None
    return corrupt


def drop_column(name, rows):
    return encoded([r[:1] + r[2:] for r in rows]), 1, rows[0][1]


def add_column(name, rows):
    return encoded([rows[0] + ["extra_column"]] + [r + ["x"] for r in rows[1:]]), 1, "extra_column"


def duplicate_column(name, rows):
    return encoded([r + [r[1]] for r in rows]), 1, rows[0][1]


def rename_column(name, rows):
    return encoded([[rows[0][0], rows[0][1] + "x", *rows[0][2:]], *rows[1:]]), 1, rows[0][1] + "x"


def reorder_columns(name, rows):
    return encoded([[r[1], r[0], *r[2:]] for r in rows]), 1, "(header)"


def ragged_short(name, rows):
    return encoded([rows[0], rows[1][:-1], *rows[2:]]), 2, "(row)"


def ragged_long(name, rows):
    return encoded([rows[0], rows[1] + ["surplus"], *rows[2:]]), 2, "(row)"


def unterminated_quote(name, rows):
    lines = text_of(rows).split("\n")
    lines[1] = '"' + lines[1]
    return "\n".join(lines).encode("utf-8"), 2, "(row)"


def latin1(name, rows):
    lines = text_of(rows).split("\n")
    lines[1] += "é"
    return "\n".join(lines).encode("latin-1", errors="replace"), 2, "(file)"


def empty(name, rows):
    return b"", 1, "(file)"


def header_only(name, rows):
    return encoded(rows[:1]), 1, "(file)"


def byte_order_mark(name, rows):
    return b"\xef\xbb\xbf" + encoded(rows), 1, "(file)"


def crlf(name, rows):
    return text_of(rows).replace("\n", "\r\n").encode("utf-8"), 1, "(file)"


def nul_byte(name, rows):
    lines = text_of(rows).split("\n")
    lines[1] += "\x00"
    return "\n".join(lines).encode("utf-8"), 2, "(file)"


def blank_line(name, rows):
    lines = text_of(rows).split("\n")
    return "\n".join([*lines[:2], "", *lines[2:]]).encode("utf-8"), 3, "(row)"


def padded_value(name, rows):
    return encoded(set_cell(rows, 1, rows[0][0], " " + rows[1][0])), 2, rows[0][0]


def duplicate_row(name, rows):
    return encoded([rows[0], rows[1], rows[1], *rows[2:]]), 3, None


def swap_values(name, rows):
    row = list(rows[1])
    row[0], row[1] = row[1], row[0]
    return encoded([rows[0], row, *rows[2:]]), 2, None


UNIT_SWAPS = {  # table: (key of the row, column, new value): a unit slip that changes the size of a dose or bound
    "case_treatments": ("T0019", "dose_unit", "g"),                     # 375 mg/m² read as 375 g
    "cohort_results": ("balin2012.treatment.diltiazem.max_dose", "measure_id", "max_daily_dose_g"),
    "vocab_measures": ("patients", "unit", "mg_per_day"),
    "vocab_treatments": ("diltiazem", "max_plausible_daily_mg", "720000"),   # g limit typed as mg
}


def unit_swap(name, rows):
    if name not in UNIT_SWAPS:
        return swap_values(name, rows)
    key, column, value = UNIT_SWAPS[name]
    row = next(i for i, r in enumerate(rows) if r[0] == key)
    return encoded(set_cell(rows, row, column, value)), row + 1, None


def wrong_table_id(name, rows):
    """A reference that names a row of another table (a source where a disease belongs)."""
    reference = next((s for s in specs(name) if s["references"]), None)
    if reference is None:  # nothing points elsewhere: the key of another row (or another table) instead
        other = rows[2][0] if len(rows) > 2 else rows_of("sources")[1][0]
        return encoded(set_cell(rows, 1, rows[0][0], other)), 2, rows[0][0]
    target = reference["references"].split(".")[0]
    foreign = rows_of("vocab_treatments" if target == "sources" else "sources")[1][0]
    return encoded(set_cell(rows, 1, reference["name"], foreign)), 2, reference["name"]


KINDS: dict[str, Corruption] = {
    "column_dropped": drop_column, "column_added": add_column, "column_duplicated": duplicate_column,
    "column_renamed": rename_column, "columns_reordered": reorder_columns,
    "ragged_row_short": ragged_short, "ragged_row_long": ragged_long, "unterminated_quote": unterminated_quote,
    "latin1": latin1, "empty_file": empty, "header_only": header_only, "byte_order_mark": byte_order_mark,
    "crlf": crlf, "nul_byte": nul_byte, "blank_line": blank_line, "padded_value": padded_value,
    "markup": in_text_column(lambda v: "<script>alert(1)</script>"),
    "formula_prefix": in_text_column(lambda v: "=HYPERLINK(1)"),
    "day_precision_date": in_text_column(lambda v: (v + " seen 12 March 2003").strip()),
    "email_address": in_text_column(lambda v: "write to someone@example.org"),
    "phone_number": in_text_column(lambda v: "call +1 800 262 2350"),
    "very_long_cell": in_text_column(lambda v: "word " * 4000),
    "text_in_number": in_number_column("many"),
    "absurd_number": in_number_column("987654321"),
    "negative_number": in_number_column("-5"),
    "duplicate_row": duplicate_row, "unit_swap": unit_swap, "wrong_table_id": wrong_table_id,
}
# Search terms hold runs of volume, page and year numbers, which the telephone check would flag;
# they never describe a patient, so only there is a telephone-like number allowed.
NUMBERS_ALLOWED = {("searches", "query")}


# Corruptions of the header or the whole file apply to every table; the others corrupt a data row,
# so a table allowed to be empty (MAY_BE_EMPTY) gets them only once it has rows.
FILE_KINDS = {"column_dropped", "column_added", "column_duplicated", "column_renamed", "columns_reordered",
              "empty_file", "byte_order_mark"}


def applies(table: str, kind: str) -> bool:
    rows = rows_of(table)
    if len(rows) < 2:
        return kind in FILE_KINDS
    if kind == "header_only":  # a header without rows is a valid empty table where that is allowed
        return table not in MAY_BE_EMPTY
    if kind == "phone_number":
        return (table, text_column(table)) not in NUMBERS_ALLOWED
    if kind == "text_in_number":  # a table of names and definitions has no number or list to corrupt
        return any(s["type"] in ("number", "integer") or "enum" in s["constraints"] for s in specs(table))
    return True


CORPUS = [(table, kind) for table in ALL_TABLES for kind in KINDS if applies(table, kind)]


def test_the_corpus_covers_every_table_with_twenty_kinds():
    assert len(KINDS) >= 20
    assert {table for table, _ in CORPUS} == set(ALL_TABLES) == {p.stem for p in DATA.glob("*.csv")} - {"codebook"}


@pytest.mark.parametrize("table,kind", CORPUS, ids=[f"{t}-{k}" for t, k in CORPUS])
def test_corruption_is_rejected_cleanly(table, kind, tmp_path: Path, monkeypatch, capsys):
    raw, line, column = KINDS[kind](table, rows_of(table))
    (tmp_path / f"{table}.csv").write_bytes(raw)
    monkeypatch.chdir(tmp_path)
    code = main(["validate", f"{table}.csv"])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert code == 1, output
    assert "internal error" not in output and "Traceback" not in output
    prefix = f"{table}.csv:{line}: " + (f"{column}:" if column else "")
    blamed = [entry for entry in captured.out.splitlines() if entry.startswith(prefix)]
    assert blamed, f"no line starts with {prefix!r}:\n{output[:3000]}"
    assert all("; " in entry for entry in blamed)  # what is wrong; what is allowed


def test_renaming_an_id_that_other_tables_use_is_caught_when_checking_that_file(tmp_path, monkeypatch, capsys):
    rows = rows_of("vocab_body_sites")
    row = next(i for i, r in enumerate(rows) if r[0] == "trunk")
    (tmp_path / "vocab_body_sites.csv").write_bytes(encoded(set_cell(rows, row, "site_id", "torso")))
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "vocab_body_sites.csv"]) == 1
    out = capsys.readouterr().out
    assert "sites: 'trunk' — does not exist in vocab_body_sites.csv" in out


# --------------------------------------------------------------------------- every free-text field
HOSTILE = ["<script>alert(1)</script>", "=HYPERLINK(1)", "write to someone@example.org", "call +1 800 262 2350",
           "seen on 12 March 2003"]


def free_text_columns() -> list[tuple[str, str]]:
    return [(table, spec["name"]) for table in ALL_TABLES for spec in specs(table)
            if {"safe_characters", "citation_characters"} & set(spec["checks"]) and len(rows_of(table)) > 1]


def hostile(table: str, column: str) -> list[str]:
    return [v for v in HOSTILE if not ((table, column) in NUMBERS_ALLOWED and v.startswith("call +"))]


@pytest.mark.parametrize("table,column", free_text_columns(), ids=[f"{t}.{c}" for t, c in free_text_columns()])
def test_every_free_text_field_rejects_markup_formulas_contacts_and_dates(table, column):
    import pandas as pd

    from schemas import data_dir, read_dataset
    from schemas.reader import Table
    from schemas.validate import model_problems

    original = read_dataset(data_dir()).tables[table]
    values = hostile(table, column)
    frame = pd.concat([original.frame] * (1 + len(values) // len(original.frame)), ignore_index=True)
    for row, value in enumerate(values):
        frame.loc[row, column] = value
    lines = list(range(2, len(frame) + 2))
    problems = model_problems(ALL_TABLES[table], Table(table, original.path, frame, lines, []))
    blamed = {p.line for p in problems if p.column == column}
    assert blamed >= {row + 2 for row in range(len(values))}, (table, column, problems)


def test_search_terms_still_reject_email_addresses_and_dates(tmp_path, monkeypatch, capsys):
    rows = rows_of("searches")
    (tmp_path / "searches.csv").write_bytes(encoded(set_cell(rows, 1, "query", "write to someone@example.org")))
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "searches.csv"]) == 1
    assert "searches.csv:2: query: 'write to someone@example.org' — looks like an e-mail address" in capsys.readouterr().out


def test_citations_keep_the_characters_they_need():
    from schemas.models.sources import Sources
    from schemas.reader import Table
    from schemas.validate import model_problems
    from schemas import data_dir, read_dataset

    original = read_dataset(data_dir()).tables["sources"]
    frame = original.frame.copy()
    frame.loc[0, "authors"] = "O’Brien D, Núñez-Ruiz A, D'Souza É"
    frame.loc[0, "title"] = "Calcinosis cutis – a review: 10 cases in children [in French]"
    problems = model_problems(Sources, Table("sources", original.path, frame, original.lines, []))
    assert [p for p in problems if p.line == original.lines[0]] == []


@pytest.mark.parametrize("table,key,column,value", [
    ("case_treatments", "T0001", "dose_value", "987654321"),          # a combination treatment, weekly
    ("case_treatments", "T0021", "dose_value", "12500"),              # 12.5 g typed as 12500 g
    ("vocab_treatments", "diltiazem", "max_plausible_daily_mg", "987654321"),
    ("vocab_measures", "patients", "max_value", "987654321"),
])
def test_doses_and_plausibility_bounds_are_bounded(table, key, column, value, tmp_path, monkeypatch, capsys):
    rows = rows_of(table)
    row = next(i for i, r in enumerate(rows) if r[0] == key)
    (tmp_path / f"{table}.csv").write_bytes(encoded(set_cell(rows, row, column, value)))
    monkeypatch.chdir(tmp_path)
    assert main(["validate", f"{table}.csv"]) == 1
    assert f"{table}.csv:{row + 1}: {column}: '{value}'" in capsys.readouterr().out
