"""Numbers and words into prose: glue for MyST's {glue:text} roles, and escaping of data text."""
from __future__ import annotations

import string

from IPython.display import Markdown
from myst_nb import glue as _glue


def _plain(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def glue(**values) -> None:
    """Glue numbers (as plain Python numbers) and text for ``{glue:text}`` and ``{glue:md}`` roles."""
    for name, value in values.items():
        if isinstance(value, str):
            _glue(name, Markdown(escape_markdown(value)), display=False)
        else:
            _glue(name, _plain(value), display=False)


def escape_markdown(text: str) -> str:
    """Text from data, safe to place in Markdown: every ASCII punctuation mark becomes a literal
    (CommonMark backslash escapes), so no markup, HTML, link or role can survive."""
    return "".join("\\" + ch if ch in string.punctuation else ch for ch in text.replace("\n", " "))


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    """'1 case', '2 cases'."""
    return f"{count} {word if count == 1 else (plural_word or word + 's')}"
