"""The house style for flow charts (the PRISMA flow): plain HTML boxes, every text escaped, readable
without scripts and on a phone, where each stage's side box drops below its main box."""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from IPython.display import HTML


@dataclass(frozen=True)
class Box:
    heading: str                                   # e.g. "Records assessed: 142"
    lines: list[str] = field(default_factory=list)  # the breakdown, one line each


@dataclass(frozen=True)
class Stage:
    name: str
    main: Box
    side: Box | None = None


def _box(box: Box, side: bool) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in box.lines)
    return (f'<div class="cc-flow-box{" cc-flow-side" if side else ""}"><p>{html.escape(box.heading)}</p>'
            f'{f"<ul>{items}</ul>" if items else ""}</div>')


def flow_chart(stages: list[Stage], *, caption: str, figure_id: str) -> HTML:
    rows = "".join(
        f'<li class="cc-flow-stage"><p class="cc-flow-stage-name">{html.escape(s.name)}</p>'
        f'<div class="cc-flow-row">{_box(s.main, False)}{_box(s.side, True) if s.side else ""}</div></li>'
        for s in stages)
    return HTML(f'<figure class="cc-flow" id="{html.escape(figure_id)}"><ol>{rows}</ol>'
                f"<figcaption>{html.escape(caption)}</figcaption></figure>")
