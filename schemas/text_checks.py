"""Privacy and injection checks on text cells, registered as pandera check methods.

Each check is a :class:`~schemas.rule.Rule` of the same name, so the validator, the codebook and
the datapackage describe it in the same words.
"""
from __future__ import annotations

import re

import pandas as pd
from pandera import extensions

from .rule import Rule

# OWASP CSV injection: a spreadsheet treats these leading characters as a formula or a new cell.
FORMULA_PREFIX = re.compile(r"^[=+\-@\t\r\n\x00]")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?:\+?\d[\d ().-]{7,}\d)")  # no "/": 1290/5218 is a proportion
MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
# Patterns use only syntax that both Python's re and RE2 (pyarrow's engine) accept: no lookarounds.
DAY_DATE = re.compile(
    r"(?i)\b\d{4}-\d{1,2}-\d{1,2}\b"                 # 1994-07-04
    r"|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"            # 4/7/1994, 04.07.94
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTHS}\b"    # 4 July
    rf"|\b{MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?\b"    # July 4 (the final \b rules out July 1994)
)
# Record, account and licence numbers: six or more digits in a row (years have four).
IDENTIFIER_NUMBER = re.compile(r"\d{6,}")
# Short free text: letters (any script), digits, spaces and ordinary punctuation; no markup.
LETTERS = "A-Za-z0-9_À-ÖØ-öø-ɏͰ-ϿЀ-ӿ"  # Latin (with accents), Greek and Cyrillic letters, digits
SAFE_TEXT = re.compile(rf"^[{LETTERS} \-.,;:()'/%≤≥–—+×≈›=<>]*$")
# Citations also need the typographic apostrophe and quotes, & and ?; never markup brackets.
CITATION_TEXT = re.compile(rf"^[{LETTERS} \-.,;:()\[\]'’‘“”/%–—+×&?!]*$")
MARKDOWN_LINK = re.compile(r"\]\s*\(")
# < and > may stand in a printed statistic (P < .05) but never where they could open or close markup.
TAG_LIKE = re.compile(r"<\s*[A-Za-z/!?]|[A-Za-z/\"']\s*>")
AGE = re.compile(r"^(?:[0-9]|[1-8][0-9]|90\+)$")

TEXT = "string"  # pandas strings; pyarrow-backed strings were measured and gave no real speed-up here

# The descriptions below are what a clinician reads in the codebook, so they say plainly what is
# allowed. The security and privacy reasons (OWASP CSV injection; the HIPAA Safe Harbor identifiers
# C, D-F, G-M and R, and ages over 89) are for contributors and are kept in CONTRIBUTING.md.
NO_FORMULA_PREFIX = Rule(
    "no_formula_prefix", None, "starts with a character a spreadsheet runs as a formula",
    "text must not start with = + - @, a tab or a line break")
NO_CONTACT_DETAILS = Rule(
    "no_contact_details", None, "looks like an e-mail address or telephone number",
    "no e-mail addresses or telephone numbers")
NO_EMAIL_ADDRESSES = Rule(
    "no_email_addresses", None, "looks like an e-mail address", "no e-mail addresses")
NO_DAY_DATES = Rule(
    "no_day_dates", None, "contains a date with a day",
    "years or intervals only, never a full date")
NO_IDENTIFIER_NUMBERS = Rule(
    "no_identifier_numbers", None, "contains a run of six or more digits, which looks like a record or account number",
    "no record or account numbers; cite the source instead")
SAFE_CHARACTERS = Rule(
    "safe_characters", None, "contains characters outside the allowed set",
    "letters, digits, spaces and . , ; : ( ) ' / % ≤ ≥ – + × ≈ › =, and < > only between numbers; "
    "no markup, quotes \" [ ] { } * ` # | \\ or line breaks")
CITATION_CHARACTERS = Rule(
    "citation_characters", None, "contains characters outside the allowed set for a citation",
    "letters (accents included), digits, spaces and . , ; : ( ) [ ] ' ’ “ ” / % – — + × & ? ! "
    "([in French] after a translated title); no markup or links: < > { } * ` # | \\, ]( or line breaks")
AGE_CATEGORY = Rule(
    "age_category", None, "is not an age category",
    "whole years 0 to 89, or 90+ for any age over 89")
AGE_OVER_89 = Rule(
    "age_over_89", None, "is an age over 89", "ages over 89 are stored as 90+")


def _passes(series: pd.Series, failing) -> pd.Series:
    """Vectorised check result: empty cells pass; ``failing`` marks the bad text cells."""
    text = series.astype(TEXT)
    return (~failing(text)).fillna(True).astype(bool)


# Vectorised (one call per column, not per cell): a million rows validate in seconds.
@extensions.register_check_method()
def no_formula_prefix(series):
    return _passes(series, lambda t: t.str.match(FORMULA_PREFIX.pattern))


@extensions.register_check_method()
def no_contact_details(series):
    def failing(text):
        # A phone number has nine or more digits; a year range such as 1994-2000 has eight.
        phone = pd.Series(False, index=text.index, dtype="boolean")
        candidates = text[text.str.count(r"\d").fillna(0) >= 9]  # only these can hold a phone number
        phone.loc[candidates.index] = candidates.str.findall(PHONE.pattern).map(
            lambda found: any(sum(ch.isdigit() for ch in m) >= 9 for m in found))
        return text.str.contains(EMAIL.pattern, regex=True) | phone
    return _passes(series, failing)


@extensions.register_check_method()
def no_email_addresses(series):
    return _passes(series, lambda t: t.str.contains(EMAIL.pattern, regex=True))


@extensions.register_check_method()
def no_day_dates(series):
    return _passes(series, lambda t: t.str.contains(DAY_DATE.pattern, regex=True))


@extensions.register_check_method()
def no_identifier_numbers(series):
    return _passes(series, lambda t: t.str.contains(IDENTIFIER_NUMBER.pattern, regex=True))


@extensions.register_check_method()
def safe_characters(series):
    return _passes(series, lambda t: ~t.str.fullmatch(SAFE_TEXT.pattern) | t.str.contains(TAG_LIKE.pattern, regex=True))


@extensions.register_check_method()
def citation_characters(series):
    return _passes(series, lambda t: ~t.str.fullmatch(CITATION_TEXT.pattern) | t.str.contains(MARKDOWN_LINK.pattern))


@extensions.register_check_method()
def age_category(series):
    return _passes(series, lambda t: ~t.str.fullmatch(AGE.pattern))


def free_text(*, max_length: int) -> dict:
    """Field keyword arguments for a short free-text column: the full privacy and injection set."""
    return {
        "str_length": {"max_value": max_length},
        "no_formula_prefix": (),
        "no_contact_details": (),
        "no_day_dates": (),
        "no_identifier_numbers": (),
        "safe_characters": (),
    }


def citation_text(*, max_length: int) -> dict:
    """Bibliographic text (authors, titles, journals): no formulas, contact details, day dates or
    markup, but the apostrophes, accents, dashes and colons that citations legitimately hold."""
    return {"str_length": {"max_value": max_length}, "no_formula_prefix": (), "no_contact_details": (),
            "no_day_dates": (), "citation_characters": ()}


def search_terms(*, max_length: int) -> dict:
    """Search terms: citation text, except that runs of volume, page and year numbers (which the
    telephone check would flag) are allowed; they never describe a patient."""
    checks = citation_text(max_length=max_length)
    del checks["no_contact_details"]
    return {**checks, "no_email_addresses": ()}
