"""The house rules of the book's code: the layout lives in book/chapters.yml and matches _toc.yml,
labels come only from the vocabularies, imports flow one way, and the chapter template runs."""
from __future__ import annotations

import ast
import csv
import os
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest
import yaml

from conftest import DATA, ROOT

BOOK = ROOT / "book"
LAYOUT = yaml.safe_load((BOOK / "chapters.yml").read_text(encoding="utf-8"))
CHAPTERS = [p for p in sorted(BOOK.glob("*.md")) if "kernelspec:" in p.read_text(encoding="utf-8")[:400]]
PACKAGE = sorted((BOOK / "ccbook").rglob("*.py"))


def toc_files() -> set[str]:
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.add(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found.add(toc["root"])
    walk(toc)
    return found


def vocabulary(name: str) -> list[dict]:
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def code_cells(chapter: Path) -> list[str]:
    notebook = jupytext.read(chapter)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def string_literals(source: str) -> set[str]:
    return {node.value for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_every_disease_chapter_of_the_layout_is_in_the_table_of_contents():
    toc = toc_files()
    for chapter in LAYOUT["diseases"]:
        assert f"book/{chapter}" in toc, f"book/chapters.yml names {chapter}, which _toc.yml does not list"


def test_the_layout_names_only_terms_the_vocabularies_define():
    actd = {row["actd_id"] for row in vocabulary("vocab_actd")}
    for chapter, spec in LAYOUT["diseases"].items():
        assert set(spec["actd"]) <= actd, chapter
    classes = {row["treatment_class"] for row in vocabulary("vocab_treatments")}
    listed = [c for spec in LAYOUT["treatment_sections"].values() for c in spec["classes"]]
    assert len(listed) == len(set(listed)), "a treatment class is listed in two sections"
    assert set(listed) <= classes


def test_every_disease_group_of_the_vocabulary_has_a_chapter():
    from ccbook import chapter_of
    for row in vocabulary("vocab_actd"):
        assert chapter_of(row["actd_id"]) in LAYOUT["diseases"], row["actd_id"]


def test_the_schema_holds_no_book_layout():
    """Which chapter shows a term is book configuration: the vocabularies carry no chapter names."""
    for name in ("vocab_actd", "vocab_treatments"):
        header = (DATA / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        assert not {"chapter", "book_section"} & set(header), name


def test_no_vocabulary_label_is_retyped_in_code():
    """Every word a reader sees for a code comes from the vocabulary tables, never from a literal."""
    labels = {row["label"] for path in DATA.glob("vocab_*.csv") for row in vocabulary(path.stem)
              if len(row.get("label", "")) > 3}
    sources = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in PACKAGE}
    for chapter in CHAPTERS:
        for number, cell in enumerate(code_cells(chapter)):
            sources[f"{chapter.relative_to(ROOT)} cell {number}"] = cell
    retyped = {where: sorted(string_literals(code) & labels) for where, code in sources.items()}
    assert not {where: found for where, found in retyped.items() if found}


def test_imports_flow_one_way():
    """schemas never imports the book; chapters reach data only through ccbook (or the schemas facade)."""
    for path in sorted((ROOT / "schemas").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names} | \
                   {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not {m for m in imported if m.split(".")[0] in ("ccbook", "book")}, path
    for path in PACKAGE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not {m for m in modules if m.startswith("schemas.")}, f"{path} reaches past the schemas facade"
    for chapter in CHAPTERS:
        for cell in code_cells(chapter):
            assert "read_csv" not in cell and "schemas." not in cell, chapter


def test_a_new_subtype_lands_in_its_parents_chapter_with_no_code_change(data_copy, monkeypatch):
    import ccbook
    rows = vocabulary("vocab_actd")
    new = {column: "" for column in rows[0]}
    new.update(actd_id="lupus_tumidus", label="Lupus tumidus", level="subtype", parent_id="lupus")
    with open(data_copy / "vocab_actd.csv", "a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n").writerow(new)
    monkeypatch.setenv("CCBOOK_DATA_DIR", str(data_copy))
    ccbook.load.cache_clear()
    try:
        assert ccbook.chapter_of("lupus_tumidus") == "lupus"
    finally:
        monkeypatch.delenv("CCBOOK_DATA_DIR")
        ccbook.load.cache_clear()


def test_the_chapter_template_executes(tmp_path):
    template = BOOK / "_templates" / "chapter.md"
    jupytext.write(jupytext.read(template), tmp_path / "chapter.ipynb")
    env = {**os.environ, "CCBOOK_CHART_DIR": str(tmp_path / "charts")}
    done = subprocess.run([sys.executable, "-m", "jupyter", "execute", str(tmp_path / "chapter.ipynb")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "charts" / "template-regions.csv").exists()
