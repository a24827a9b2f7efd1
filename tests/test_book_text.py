"""No hand-typed figures: every number a reader sees in chapter prose is glued from the data."""
import re
from pathlib import Path

import pytest

from conftest import ROOT

CHAPTERS = sorted((ROOT / "book").glob("*.md"))

# The whole allowance list. Anything else with a digit in chapter prose fails.
ALLOWED = [
    r"\bICD-10(?:-CM)?\b",                       # the name of a coding system
    r"\bCC BY 4\.0\b",                           # the name of a licence
    r"\b(?:Figures?|Tables?) \d(?: and \d)?\b",  # figure and table numbering of the index study
    r"(?m)^\s*\d+\.\s",                         # numbered-list markers (step numbering)
]


def prose(text: str) -> str:
    """Chapter text as a reader sees it, minus code, roles and link targets."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)                   # front matter
    text = re.sub(r"^```\{code-cell\}.*?^```", "", text, flags=re.S | re.M)     # code cells
    text = re.sub(r"^```[^\n]*\n(?::[^\n]*\n)*", "\n", text, flags=re.M)        # directive openings and options
    text = re.sub(r"\{[a-z:-]+\}`[^`]*`", "", text)                             # roles: glue, cite, doc
    text = re.sub(r"`[^`]*`", "", text)                                         # inline code
    text = re.sub(r"\]\([^)]*\)", "]", text)                                    # link targets
    return text


def figures(text: str) -> list[str]:
    for pattern in ALLOWED:
        text = re.sub(pattern, "", text)
    return [m.group() for m in re.finditer(r"\S*\d\S*", text)]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_prose_has_no_hand_typed_figures(chapter: Path):
    found = figures(prose(chapter.read_text(encoding="utf-8")))
    assert not found, f"{chapter.name}: glue these from the data instead of typing them: {found}"


def test_the_check_catches_a_typed_figure():
    text = "Of the {glue:text}`n` patients, 64 were women (82%) in Table 1 under ICD-10."
    assert figures(prose(text)) == ["64", "(82%)"]


def test_every_chapter_cites_its_sources_and_the_index_study_is_cited():
    chapters = {c.stem: c.read_text(encoding="utf-8") for c in CHAPTERS}
    assert all("{cite" in text for name, text in chapters.items()
               if name not in ("references", "data", "build_info", "contributing", "literature_cases"))


def test_results_chapters_warn_that_this_is_not_medical_advice():
    for name in ("intro", "treatments", "recommendations"):
        assert "not medical advice" in (ROOT / "book" / f"{name}.md").read_text().lower(), name
