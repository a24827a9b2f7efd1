"""Where the book shows each term: book/chapters.yml, read once. No chapter or section name is
typed anywhere else in code."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from .data import load

LAYOUT_FILE = Path(__file__).resolve().parent.parent / "chapters.yml"
OTHER_SECTION = "other"


@cache
def layout() -> dict:
    return yaml.safe_load(LAYOUT_FILE.read_text(encoding="utf-8"))


def disease_chapters() -> dict[str, dict]:
    return layout()["diseases"]


def chapter_title(chapter: str) -> str:
    """A chapter's title, or the wording for a grouping that is not one chapter (mixed, not reported)."""
    chapters = disease_chapters()
    return chapters[chapter]["title"] if chapter in chapters else layout()["grouping_labels"][chapter]


_CHAPTER_BY_ACTD: dict[int, dict[str, str | None]] = {}


def _chapter_by_actd() -> dict[str, str | None]:
    data = load()  # keyed on the loaded dataset, so a test that reloads other data gets a fresh map
    if id(data) not in _CHAPTER_BY_ACTD:
        _CHAPTER_BY_ACTD.clear()
        _CHAPTER_BY_ACTD[id(data)] = _walk_to_listed_ancestor(data["vocab_actd"].set_index("actd_id")["parent_id"])
    return _CHAPTER_BY_ACTD[id(data)]


def _walk_to_listed_ancestor(parents: pd.Series) -> dict[str, str | None]:
    listed = {actd: chapter for chapter, spec in disease_chapters().items() for actd in spec["actd"]}
    found = {}
    for actd_id in parents.index:
        node, seen = actd_id, set()
        while isinstance(node, str) and node not in listed and node not in seen:
            seen.add(node)
            parent = parents.get(node)
            node = parent if isinstance(parent, str) else None
        found[actd_id] = listed.get(node) if isinstance(node, str) else None
    return found


def chapter_of(actd_id) -> str | None:
    """The disease chapter that tells this disease (through its nearest listed ancestor), or None."""
    if not isinstance(actd_id, str):
        return None
    return _chapter_by_actd().get(actd_id)


def chapters_of(actd_ids: pd.Series) -> pd.Series:
    return actd_ids.map(chapter_of)


def treatment_section(treatment_id: str) -> str:
    """The section of the treatments chapter for a treatment, by its class; unlisted classes go to 'other'."""
    classes = load()["vocab_treatments"].set_index("treatment_id")["treatment_class"]
    treatment_class = classes.get(treatment_id)
    for section, spec in layout()["treatment_sections"].items():
        if treatment_class in spec["classes"]:
            return section
    return OTHER_SECTION
