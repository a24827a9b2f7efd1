"""Foreign keys and ;-separated lists declared in the models' field metadata (vectorised)."""
from __future__ import annotations

from ..dataset import display_path
from ..problem import Problem


def check(model, table, dataset, targets: set[str] | None = None) -> list[Problem]:
    """Problems of ``table``'s references (only those into ``targets``, when given)."""
    problems = []
    shown = display_path(table.path)
    for column, col in model.to_schema().columns.items():
        meta = col.metadata or {}
        target = meta.get("references") or meta.get("list_of")
        if not target:
            continue
        other, key = target.split(".")
        frame = dataset.frame(other)
        if frame is None or (targets is not None and other not in targets):
            continue
        where = meta.get("references_where") or {}
        for field, wanted in where.items():
            frame = frame[frame[field] == wanted]
        known = list(dict.fromkeys(frame[key].dropna()))
        values = table.frame[column].dropna()
        if "list_of" in meta:
            items = values.str.split(";").explode()
            per_row = items.groupby(level=0)
            repeated = values[(per_row.size() != per_row.nunique()).reindex(values.index, fill_value=False)]
            for index, value in repeated.items():
                problems.append(Problem(shown, table.line(index), column, value, "lists the same value twice", "each value once"))
        else:
            items = values
        for index, item in items[~items.isin(known)].items():
            problems.append(Problem(shown, table.line(index), column, item, *_unknown(other, key, where, known)))
    return problems


def _unknown(other: str, key: str, where: dict, known: list) -> tuple[str, str]:
    if where:
        condition = " and ".join(f"{field} {value}" for field, value in where.items())
        return "is not an allowed value", (f"allowed: {', '.join(known)} "
                                           f"(the rows of {other}.csv with {condition})")
    return f"does not exist in {other}.csv", f"a {key} listed in {other}.csv (add it there first, or fix the spelling)"
