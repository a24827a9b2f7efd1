"""Strict CSV reading that remembers where every value came from.

pandas' reader forgives too much (BOMs, CRLF, ragged rows) and forgets line numbers, so the
dataset is read with the csv module and every problem is reported as a :class:`Problem`.
"""
from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .problem import Problem
from .text_checks import TEXT

INT = re.compile(r"^-?[0-9]+$")
FLOAT = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")


@dataclass
class Table:
    """A table read as text: ``frame`` holds typed columns, ``lines[i]`` is the line of row i."""

    name: str
    path: Path
    frame: pd.DataFrame | None
    lines: list[int]
    problems: list[Problem]

    def line(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else 1


def read_table(path: Path, name: str, columns: dict[str, str], display: str | None = None) -> Table:
    """Read ``path`` as the table ``name`` whose ``columns`` map column name to dtype name.

    Returns a frame only when the file is readable and its header is exactly right, so that value
    checks never run on misaligned columns.
    """
    shown = display or str(path)
    problems: list[Problem] = []

    def problem(line: int, column: str, value: str | None, what: str, allowed: str) -> None:
        problems.append(Problem(shown, line, column, value, what, allowed))

    expected_header = ",".join(columns)
    try:
        raw = path.read_bytes()
    except OSError as err:
        problem(1, "(file)", None, f"cannot be read ({err.strerror})", "a readable CSV file")
        return Table(name, path, None, [], problems)
    if not raw.strip():
        problem(1, "(file)", None, "is empty", f"a header row: {expected_header}")
        return Table(name, path, None, [], problems)
    if raw.startswith(b"\xef\xbb\xbf"):
        problem(1, "(file)", None, "starts with a byte-order mark (BOM)", "UTF-8 without a BOM")
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problem(line, "(file)", None, f"is not valid UTF-8 (byte 0x{raw[err.start]:02x})",
                "UTF-8 text; re-save the file as UTF-8")
        text = raw.decode("utf-8", errors="replace")
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        problem(line, "(file)", None, "uses CR or CRLF line endings", "LF (Unix) line endings")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        problem(text[: text.index("\x00")].count("\n") + 1, "(file)", None, "contains a NUL byte", "plain text")
        text = text.replace("\x00", "")

    fast = _fast_read(text, list(columns)) if not problems else None
    if fast is not None:
        frame, lines = fast
        return _typed(name, path, frame, lines, columns, problems, problem)

    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for row in reader:
            records.append((start, row))
            start = reader.line_num + 1
    except csv.Error as err:
        reason = str(err)
        if "unexpected end of data" in reason or "EOF" in reason:
            what = "has a quoted field that is never closed"
            allowed = 'close every opening " with a matching "; write a literal quote as ""'
        elif "expected after" in reason:
            what = "has a quoted field that is not closed properly (text follows a closing quote)"
            allowed = 'a quoted field ends with " followed by a comma or the end of the line; write a literal quote as ""'
        else:
            what = f"is not well-formed CSV ({reason})"
            allowed = 'fields separated by commas, quoted with " where they contain a comma or quote'
        problem(start, "(row)", None, what, allowed)
        return Table(name, path, None, [], problems)

    header_line, header = records[0]
    header_ok = _check_header(header, list(columns), lambda *a: problem(header_line, *a))
    rows: list[list[str]] = []
    lines: list[int] = []
    for line, row in records[1:]:
        if not row:
            problem(line, "(row)", None, "is blank", "one record per line, no blank lines")
            continue
        if len(row) != len(header):
            problem(line, "(row)", None, f"has {len(row)} fields but the header has {len(header)}",
                    "the same number of comma-separated fields on every row")
            continue
        rows.append(row)
        lines.append(line)
    if not header_ok:
        return Table(name, path, None, lines, problems)

    frame = pd.DataFrame(rows, columns=header, dtype=TEXT) if rows else \
        pd.DataFrame({c: pd.Series([], dtype=TEXT) for c in header})
    return _typed(name, path, frame, lines, columns, problems, problem)


def _fast_read(text: str, header: list[str]) -> tuple[pd.DataFrame, list[int]] | None:
    """pandas' C parser for well-formed files; None sends the file down the precise path.

    It is only trusted when every record sits on one line (so line = row + 2: a newline inside a
    quoted cell makes the newline count exceed the rows) and every row has exactly the header's
    fields; anything else is re-read by the csv module for exact messages.
    """
    if not text.endswith("\n") or "\n\n" in text:
        return None
    # pandas pads a short row with empty strings, so count each line's fields first.
    lines = pd.Series(text[:-1].split("\n"), dtype=TEXT)
    fields = lines.str.count(",") + 1
    quoted = lines.str.contains('"', regex=False)
    if quoted.any():
        try:
            counts = [len(row) for row in csv.reader(lines[quoted].tolist(), strict=True)]
        except csv.Error:
            return None
        if len(counts) != int(quoted.sum()):  # a quoted cell runs over a line break
            return None
        fields[quoted] = counts
    if (fields != len(header)).any():
        return None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=TEXT, keep_default_na=False, na_filter=False,
                            engine="c", skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError):
        return None
    if list(frame.columns) != header or text.count("\n") != len(frame) + 1 or frame.isna().any().any():
        return None
    return frame, list(range(2, len(frame) + 2))


def _typed(name, path, frame, lines, columns, problems, problem) -> Table:
    index_to_line = pd.Series(lines, index=frame.index, dtype="int64")
    for column in frame.columns:
        values = frame[column]
        padded = values[values != values.str.strip()]
        for index, value in padded.items():
            problem(lines[index], column, value, "has leading or trailing spaces", "no spaces around a value")
        if len(padded):
            frame[column] = values.str.strip()
    frame = frame.replace("", pd.NA)
    typed = {column: _convert(frame[column], dtype, column, index_to_line, problem) for column, dtype in columns.items()}
    return Table(name, path, pd.DataFrame(typed), lines, problems)


def _check_header(header: list[str], expected: list[str], problem) -> bool:
    ok = True
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problem(column, None, "is a duplicated column name", "each column once")
            ok = False
        seen.add(column)
    missing = [c for c in expected if c not in seen]
    extra = [c for c in header if c not in expected]
    for column in extra:
        guess = difflib.get_close_matches(column, missing, n=1)
        hint = f"did you mean '{guess[0]}'? " if guess else ""
        problem(column or "(empty name)", None, "is not a column of this table",
                f"{hint}columns are: {', '.join(expected)}")
        ok = False
    for column in missing:
        problem(column, None, "column is missing from the header", f"columns are: {', '.join(expected)}")
        ok = False
    if ok and header != expected:
        problem("(header)", None, "columns are in a different order", f"columns are, in order: {', '.join(expected)}")
        ok = False
    return ok


def _convert(series: pd.Series, dtype: str, column: str, lines: pd.Series, problem) -> pd.Series:
    if dtype == "Int64":
        pattern, word = INT, "a whole number"
    elif dtype == "Float64":
        pattern, word = FLOAT, "a number"
    else:
        return series
    good = series.str.fullmatch(pattern.pattern).fillna(True).astype(bool)
    for index, value in series[~good].items():
        hint = " (write 82, not 82%)" if value.endswith("%") else ""
        problem(int(lines[index]), column, value, f"is not {word}", f"{word} written with digits and a . for decimals{hint}")
    numbers = pd.to_numeric(series.where(good), errors="coerce")
    return numbers.astype(dtype)
