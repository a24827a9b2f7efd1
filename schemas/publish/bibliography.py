"""book/references.bib: BibTeX generated from sources.csv, so every citation key is a source_id."""
from __future__ import annotations

import re

import pandas as pd


def _bib_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def _bib_author(name: str) -> str:
    name = name.strip()
    if name in ("et al", "et al."):
        return "others"
    parts = name.split()
    suffix = ""
    if len(parts) > 2 and parts[-1] in ("II", "III", "IV", "Jr"):
        suffix = parts.pop()
    if len(parts) > 1 and re.fullmatch(r"[A-Z]{1,3}", parts[-1]):
        initials = " ".join(f"{letter}." for letter in parts[-1])
        last = " ".join(parts[:-1])
        return f"{last}, {suffix}, {initials}" if suffix else f"{last}, {initials}"
    return "{" + name + "}"


def _entry(row) -> str:
    def value(field):
        v = getattr(row, field)
        return None if pd.isna(v) else str(v)
    fields = {"author": " and ".join(_bib_author(a) for a in value("authors").split(", ")) if value("authors")
              # No author printed: the journal stands in (as for a corporate author), so a citation reads
              # "Pediatr Rheumatol, 2018", not "Authors not available, 2018".
              else "{" + _bib_escape(value("container") or "Author not stated") + "}",
              "title": "{" + _bib_escape(value("title") or "Title not available") + "}"}
    # An article needs its journal: a volume with no journal named is cited as misc.
    kind = "article" if value("volume") and value("container") else "misc"
    if value("container"):
        fields["journal" if kind == "article" else "howpublished"] = _bib_escape(value("container"))
    for field in ("year", "volume", "pages"):
        if value(field):
            fields[field] = value(field).replace("-", "--") if field == "pages" else value(field)
    if not value("year"):
        # sphinxcontrib-bibtex prints a missing year as "n.d."; say it in words instead.
        fields["year"] = "{year not stated}"
    if value("issue"):
        fields["number"] = value("issue")
    if value("doi"):
        fields["doi"] = value("doi")
    if value("pmid"):
        fields["note"] = f"PMID {value('pmid')}" + (" (unverified)" if value("pmid_status") == "unverified" else "")
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@{kind}{{{row.source_id},\n{body}\n}}\n"


def bibliography_text(sources: pd.DataFrame) -> str:
    header = "% Generated from data/sources.csv by `python -m schemas generate`. Do not edit by hand.\n\n"
    return header + "\n".join(_entry(row) for row in sources.itertuples())
