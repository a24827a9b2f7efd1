"""A corpus of broken contributions, each a small change to a real table.

Every one must exit 1 with a line naming the file, the line and the column, say what is wrong,
and never show a traceback. Mutations are applied to a scratch copy at test time, so the corpus
follows the real data as it grows.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import DATA, run_schemas
from schemas.__main__ import main


def read_rows(name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((DATA / f"{name}.csv").read_text(encoding="utf-8"), newline="")))


def write_rows(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def line_of(name: str, key: str) -> int:
    """The line of the row whose first column is ``key`` (the real tables have no multi-line cells)."""
    for number, row in enumerate(read_rows(name), start=1):
        if row and row[0] == key:
            return number
    raise KeyError(key)


def set_cell(name: str, key: str, column: str, value: str) -> Callable[[str], str]:
    def mutate(_text: str) -> str:
        rows = read_rows(name)
        index = rows[0].index(column)
        for row in rows[1:]:
            if row[0] == key:
                row[index] = value
        return write_rows(rows)
    return mutate


def set_cells(name: str, key: str, values: dict[str, str]) -> Callable[[str], str]:
    def mutate(_text: str) -> str:
        rows = read_rows(name)
        for row in rows[1:]:
            if row[0] == key:
                for column, value in values.items():
                    row[rows[0].index(column)] = value
        return write_rows(rows)
    return mutate


def rename_column(name: str, old: str, new: str) -> Callable[[str], str]:
    def mutate(_text: str) -> str:
        rows = read_rows(name)
        rows[0][rows[0].index(old)] = new
        return write_rows(rows)
    return mutate


def drop_column(name: str, column: str) -> Callable[[str], str]:
    def mutate(_text: str) -> str:
        rows = read_rows(name)
        index = rows[0].index(column)
        return write_rows([r[:index] + r[index + 1:] for r in rows])
    return mutate


def add_column(name: str, column: str, value: str) -> Callable[[str], str]:
    def mutate(_text: str) -> str:
        rows = read_rows(name)
        return write_rows([rows[0] + [column]] + [r + [value] for r in rows[1:]])
    return mutate


def edit_line(number: int, change: Callable[[str], str]) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        lines = text.split("\n")
        lines[number - 1] = change(lines[number - 1])
        return "\n".join(lines)
    return mutate


@dataclass
class Bad:
    name: str
    table: str
    mutate: Callable[[str], str] | None
    line: int
    column: str
    says: str
    raw: bytes | None = None


PICTURE = "C0001"  # the Clinical Picture case
C = lambda column, value, says: (set_cell("cases", PICTURE, column, value), line_of("cases", PICTURE), column, says)  # noqa: E731


def results_cell(result_id: str, column: str, value: str):
    return set_cell("cohort_results", result_id, column, value), line_of("cohort_results", result_id)


CORPUS: list[Bad] = [
    # ---- the file itself
    Bad("byte_order_mark", "cases", lambda t: "\ufeff" + t, 1, "(file)", "byte-order mark"),
    Bad("crlf_line_endings", "cases", lambda t: t.replace("\n", "\r\n"), 1, "(file)", "CR or CRLF"),
    Bad("latin1_encoding", "sources", None, line_of("sources", "baurle1979"), "(file)", "not valid UTF-8",
        raw=(DATA / "sources.csv").read_text(encoding="utf-8").encode("latin-1", errors="replace")),
    Bad("empty_file", "cases", lambda t: "", 1, "(file)", "is empty"),
    Bad("nul_byte", "cases", edit_line(3, lambda s: s + "\x00"), 3, "(file)", "NUL byte"),
    Bad("unterminated_quote", "cases", edit_line(line_of("cases", "C0004"), lambda s: s.replace(",Case 1,", ',"Case 1,', 1)),
        line_of("cases", "C0004"), "(row)", "quoted field"),
    Bad("ragged_row_short", "cases", edit_line(3, lambda s: s.rsplit(",", 1)[0]), 3, "(row)", "fields but the header has"),
    Bad("ragged_row_long", "case_treatments", edit_line(2, lambda s: s + ",extra"), 2, "(row)", "fields but the header has"),
    Bad("blank_line", "cases", edit_line(5, lambda s: "\n" + s), 5, "(row)", "is blank"),
    Bad("missing_column", "cases", drop_column("cases", "pain"), 1, "pain", "column is missing"),
    Bad("extra_identifier_column", "cases", add_column("cases", "initials", "JS"), 1, "initials", "is not a column"),
    Bad("renamed_column", "cases", rename_column("cases", "ulceration", "ulcer"), 1, "ulcer", "did you mean 'ulceration'"),
    Bad("duplicated_header", "cases", rename_column("cases", "pain", "ulceration"), 1, "ulceration", "duplicated column"),
    Bad("columns_reordered", "vocab_responses", lambda t: write_rows([[r[1], r[0], *r[2:]] for r in read_rows("vocab_responses")]),
        1, "(header)", "different order"),
    Bad("spaces_around_value", "cases", set_cell("cases", PICTURE, "sex", " female"), line_of("cases", PICTURE), "sex",
        "leading or trailing spaces"),
    # ---- types and categories
    Bad("text_in_number", "cohort_results", *results_cell("balin2012.flow.screened", "value", "many"), "value", "is not a number"),
    Bad("percent_sign_in_number", "cohort_results", *results_cell("balin2012.demo.female_percent", "value", "82%"), "value",
        "write 82, not 82%"),
    Bad("fraction_in_whole_number", "cohort_results", *results_cell("balin2012.flow.included", "denominator", "92.5"),
        "denominator", "is not a whole number"),
    Bad("unknown_sex", "cases", *C("sex", "F", "is not an allowed value")),
    Bad("unknown_extent", "cases", *C("extent", "universal", "is not an allowed value")),
    Bad("unknown_kind", "cohort_results", *results_cell("balin2012.flow.screened", "kind", "estimated"), "kind",
        "is not an allowed value"),
    Bad("unknown_response_grade", "case_treatments", set_cell("case_treatments", "T0001", "response_id", "cured"),
        line_of("case_treatments", "T0001"), "response_id", "is not an allowed value"),
    # ---- references between tables
    Bad("unknown_disease", "cases", *C("actd_id", "lupus_nephritis", "does not exist in vocab_actd.csv")),
    Bad("dangling_source", "cases", *C("source_id", "nobody2020", "does not exist in sources.csv")),
    Bad("dangling_case", "case_treatments", set_cell("case_treatments", "T0001", "case_id", "C0999"),
        line_of("case_treatments", "T0001"), "case_id", "does not exist in cases.csv"),
    Bad("unknown_treatment", "case_treatments", set_cell("case_treatments", "T0002", "treatment_id", "magic_cream"),
        line_of("case_treatments", "T0002"), "treatment_id", "does not exist in vocab_treatments.csv"),
    Bad("unknown_site_in_list", "cases", *C("sites", "neck;trunk;elbowz", "does not exist in vocab_body_sites.csv")),
    Bad("site_listed_twice", "cases", *C("sites", "neck;neck", "lists the same value twice")),
    Bad("unknown_stratum", "cohort_results", *results_cell("balin2012.demo.female", "stratum_id", "women"), "stratum_id",
        "does not exist in vocab_strata.csv"),
    # ---- identifiers and ranges
    Bad("duplicate_episode_id", "case_treatments", set_cell("case_treatments", "T0002", "episode_id", "T0001"),
        line_of("case_treatments", "T0002"), "episode_id", "is a duplicate"),
    Bad("duplicate_result_id", "cohort_results", *results_cell("balin2012.flow.excluded", "result_id", "balin2012.flow.screened"),
        "result_id", "is a duplicate"),
    Bad("malformed_case_id", "cases", *C("case_id", "case-1", "does not have the expected form")),
    Bad("negative_interval", "cases", *C("years_actd_to_calcinosis", "-2", "is out of range")),
    Bad("year_out_of_range", "sources", set_cell("sources", "walsh1995", "year", "1795"), line_of("sources", "walsh1995"),
        "year", "is out of range"),
    Bad("malformed_doi", "sources", set_cell("sources", "balin2012", "doi", "doi:10.1001/archdermatol"),
        line_of("sources", "balin2012"), "doi", "a DOI such as"),
    Bad("malformed_pmid", "sources", set_cell("sources", "balin2012", "pmid", "PMID22184719"),
        line_of("sources", "balin2012"), "pmid", "a PubMed id"),
    Bad("malformed_mondo", "vocab_actd", set_cell("vocab_actd", "sle", "mondo", "MONDO_0007915"), line_of("vocab_actd", "sle"),
        "mondo", "MONDO: followed by 7 digits"),
    # ---- privacy and injection
    Bad("age_over_89", "cases", *C("age_at_presentation", "93", "ages over 89 are stored as 90+")),
    Bad("age_as_words", "cases", *C("age_at_presentation", "sixty-four", "is not an age category")),
    Bad("formula_injection", "cases", *C("note", "=HYPERLINK(\"x\")", "spreadsheet runs as a formula")),
    Bad("at_sign_injection", "case_treatments", set_cell("case_treatments", "T0001", "note", "@SUM(A1)"),
        line_of("case_treatments", "T0001"), "note", "spreadsheet runs as a formula"),
    Bad("plus_injection", "cases", *C("missing_reason", "+cmd", "spreadsheet runs as a formula")),
    Bad("email_address", "cases", *C("note", "contact author at someone@example.org", "e-mail address")),
    Bad("phone_number", "cases", *C("note", "call 1 800 262 2350 for records", "telephone number")),
    Bad("day_precision_date", "cases", *C("note", "seen on 12 March 2003", "date with a day")),
    Bad("iso_date", "cases", *C("missing_reason", "record from 2003-03-12", "date with a day")),
    Bad("record_number", "cases", *C("note", "record number 12345678", "six or more digits")),
    Bad("html_markup", "cases", *C("note", "<script>alert(1)</script>", "outside the allowed set")),
    Bad("markdown_link", "cases", *C("note", "[click](javascript:alert(1))", "outside the allowed set")),
    Bad("initials_as_label", "cases", *C("label_in_source", "J.S.", "Case, Patient, Figure or Table")),
    # ---- cross-field and aggregate rules
    Bad("diagnosis_after_onset", "cases", set_cell("cases", PICTURE, "age_at_actd_diagnosis", "50"), line_of("cases", PICTURE),
        "age_at_calcinosis_onset", "is younger than age_at_actd_diagnosis"),
    Bad("interval_disagrees_with_ages", "cases",
        set_cells("cases", PICTURE, {"age_at_actd_diagnosis": "36", "interval_start": "diagnosis",
                                     "years_actd_to_calcinosis": "25"}),
        line_of("cases", PICTURE), "years_actd_to_calcinosis", "disagrees with the ages"),
    Bad("interval_start_with_interval", "cases", *C("interval_start", "", "must be given exactly when")),
    Bad("cause_of_death_without_death", "cases", *C("cause_of_death", "Sepsis", "outcome is not died")),
    Bad("doi_status_without_doi", "sources", set_cell("sources", "balin2012", "doi", ""), line_of("sources", "balin2012"),
        "doi_status", "not_available when doi is empty"),
    Bad("dose_without_unit", "case_treatments", set_cell("case_treatments", "T0001", "dose_unit", ""),
        line_of("case_treatments", "T0001"), "dose_unit", "both dose_value and dose_unit"),
    Bad("derived_value_wrong", "cohort_results", *results_cell("balin2012.actd.dermatomyositis.percent", "value", "40.0"),
        "value", "does not equal its derivation"),
    Bad("subgroups_do_not_sum", "cohort_results", results_cell("balin2012.category.no_treatment", "value", "31")[0],
        line_of("cohort_results", "balin2012.flow.included"), "value", "add up to 79, not 78"),
    Bad("count_above_denominator", "cohort_results", *results_cell("balin2012.treatment.ivig.unknown", "value", "7"),
        "value", "larger than its denominator"),
    Bad("survival_outside_ci", "cohort_results", results_cell("balin2012.survival.m60.ci_lower", "value", "97")[0],
        line_of("cohort_results", "balin2012.survival.m60"), "value", "outside its 95% confidence interval"),
    Bad("empty_value_marked_reported", "cohort_results", *results_cell("balin2012.flow.screened", "value", ""),
        "kind", "not_reported exactly when value is empty"),
    Bad("derivation_to_unknown_result", "cohort_results",
        *results_cell("balin2012.flow.excluded", "derivation", "{balin2012.flow.nowhere} - 1"),
        "derivation", "refers to unknown result"),
    Bad("stale_discrepancy", "discrepancies", set_cell("discrepancies", "warfarin_covers_17_of_19", "observed", "16"),
        line_of("discrepancies", "warfarin_covers_17_of_19"), "discrepancy_id", "acknowledges a failure that does not occur"),
    Bad("implausible_daily_dose", "case_treatments",
        set_cells("case_treatments", "T0008", {"dose_value": "500", "dose_unit": "mg", "dose_frequency": "daily"}),
        line_of("case_treatments", "T0008"), "dose_value", "above the plausible maximum"),
]


def test_the_corpus_is_large_and_distinct():
    assert len(CORPUS) >= 40
    assert len({b.name for b in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("bad", CORPUS, ids=[b.name for b in CORPUS])
def test_bad_contribution_is_rejected_clearly(bad: Bad, tmp_path: Path, monkeypatch, capsys):
    target = tmp_path / f"{bad.table}.csv"
    if bad.raw is not None:
        target.write_bytes(bad.raw)
    else:
        original = (DATA / f"{bad.table}.csv").read_text(encoding="utf-8")
        target.write_bytes(bad.mutate(original).encode("utf-8"))
    monkeypatch.chdir(tmp_path)
    code = main(["validate", str(target)])  # in-process: the same entry point as python -m schemas
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert code == 1, output
    assert "Traceback" not in output and "internal error" not in output
    expected = f"{bad.table}.csv:{bad.line}: {bad.column}:"
    matching = [line for line in captured.out.splitlines() if line.startswith(expected)]
    assert matching, f"no line starts with {expected!r}:\n{output}"
    assert any(bad.says in line for line in matching), f"{bad.says!r} not in {matching}"
    assert all(" — " in line or "; " in line for line in matching)


def test_usage_errors_exit_2():
    assert run_schemas("validate", "no/such/file.csv").returncode == 2
    assert run_schemas("frobnicate").returncode == 2
    done = run_schemas("validate", str(DATA / "CHANGELOG.md"))
    assert done.returncode == 2 and "not a table" in done.stderr


def test_problems_after_a_multiline_cell_keep_their_true_line(tmp_path: Path):
    rows = read_rows("cases")
    note = rows[0].index("note")
    rows[1][note] = "first part\nsecond part"           # a quoted cell spanning two lines (itself invalid)
    rows[3][rows[0].index("sex")] = "F"                 # data row 3 now sits on file line 5
    (tmp_path / "cases.csv").write_text(write_rows(rows), encoding="utf-8")
    done = run_schemas("validate", str(tmp_path / "cases.csv"), cwd=tmp_path)
    assert "cases.csv:2: note:" in done.stdout
    assert "cases.csv:5: sex: 'F'" in done.stdout
