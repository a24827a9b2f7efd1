"""What the generators know about each column, read from the pandera models and the rule objects."""
from __future__ import annotations

from .. import rules  # noqa: F401  (registers the rules across tables, documented on their columns)
from ..models import ALL_TABLES
from ..rule import RULES
from ..text_checks import AGE

TYPES = {"Int64": "integer", "Float64": "number"}


def field_specs(model) -> list[dict]:
    """Everything the generators need to know about each column, read from the pandera model."""
    schema = model.to_schema()
    table = next(name for name, m in ALL_TABLES.items() if m is model)
    row_rules = [RULES[c.name] for c in schema.checks if c.name in RULES]
    specs = []
    for name, column in schema.columns.items():
        meta = column.metadata or {}
        constraints: dict = {"required": not column.nullable}
        checks = []
        for check in column.checks:
            stats = check.statistics or {}
            if check.name == "isin":
                constraints["enum"] = list(stats["allowed_values"])
            elif check.name == "str_matches":
                constraints["pattern"] = stats["pattern"]
            elif check.name == "str_length" and stats.get("max_value") is not None:
                constraints["maxLength"] = stats["max_value"]
            elif check.name == "greater_than_or_equal_to":
                constraints["minimum"] = stats["min_value"]
            elif check.name == "greater_than":
                constraints["exclusiveMinimum"] = stats["min_value"]
            elif check.name == "less_than_or_equal_to":
                constraints["maximum"] = stats["max_value"]
            elif check.name == "less_than":
                constraints["exclusiveMaximum"] = stats["max_value"]
            elif check.name in RULES:
                checks.append(check.name)
                if check.name == "age_category":
                    constraints["pattern"] = AGE.pattern
        checks += [rule.id for rule in row_rules if rule.column == name]
        checks += [rule.id for rule in RULES.values() if f"{table}.{name}" in rule.places]
        if column.unique:
            constraints["unique"] = True
        specs.append({"name": name, "type": TYPES.get(str(column.dtype), "string"),
                      "description": column.description or "", "constraints": constraints,
                      "references": meta.get("references"), "references_where": meta.get("references_where"),
                      "list_of": meta.get("list_of"), "allowed": meta.get("allowed"), "checks": checks})
    return specs


def allowed_text(spec: dict) -> str:
    """The codebook's plain-language statement of what a column allows, rules included."""
    c = spec["constraints"]
    parts = []
    if "enum" in c:
        parts.append("one of: " + ", ".join(map(str, c["enum"])))
    elif spec["allowed"]:
        parts.append(spec["allowed"])
    elif "pattern" in c:
        parts.append(f"matches {c['pattern']}")
    low = c.get("minimum", c.get("exclusiveMinimum"))
    high = c.get("maximum", c.get("exclusiveMaximum"))
    if low is not None or high is not None:
        above = "more than" if "exclusiveMinimum" in c else "from"
        parts.append(f"{above} {low} to {high}" if low is not None and high is not None
                     else f"{above} {low}" if low is not None else f"up to {high}")
    if "maxLength" in c:
        parts.append(f"at most {c['maxLength']} characters")
    if spec["references"]:
        where = spec["references_where"] or {}
        parts.append(f"must exist in {spec['references']}"
                     + "".join(f" where {k} is {v}" for k, v in where.items()))
    if spec["list_of"]:
        parts.append(f"each item must exist in {spec['list_of']}")
    parts += [RULES[name].description for name in spec["checks"]]
    return "; ".join(parts)
