"""What the structured editor posts, built from a draft the way its page draws it."""

from __future__ import annotations

import json
from typing import Any

from policies.benefit_editor import formula_numbers
from policies.document_canonical import to_document
from policies.models import PolicyVersion
from policies.rule_editor import rule_rows

from .conftest import form_data


def editor_data(
    version: PolicyVersion, values: dict[int, list[str]] | None = None, **changes: Any
) -> dict[str, Any]:
    """The draft's form as posted unchanged through the editor, with some rows' values typed."""
    data = form_data(version)
    doc = to_document(version)
    state = rule_rows(doc["rule"])
    data["rule_editor-TOTAL"] = str(len(state.rows))
    data["rule_editor-wrapped"] = "1" if state.wrapped else ""
    for i, row in enumerate(state.rows):
        prefix = f"rule_editor-{i}"
        data[f"{prefix}-depth"] = str(row.depth)
        data[f"{prefix}-kind"] = row.kind
        if row.basis:
            data[f"{prefix}-basis"] = json.dumps(row.basis, ensure_ascii=False)
        if row.kind == "cond":
            data[f"{prefix}-fact"] = row.fact
            data[f"{prefix}-op"] = row.op
            data[f"{prefix}-original"] = json.dumps(row.original, ensure_ascii=False)
            data[f"{prefix}-value"] = list((values or {}).get(i, row.raw))
    numbers = formula_numbers(doc["benefit"]["formula"])
    data["formula_numbers-TOTAL"] = str(len(numbers))
    for i, (_path, text) in enumerate(numbers):
        data[f"formula_numbers-{i}"] = text
    sources = doc["sources"] or []
    data["sources_rows-TOTAL"] = str(len(sources))
    for i, source in enumerate(sources):
        for key in ("ref", "title", "url", "date", "quote"):
            data[f"sources_rows-{i}-{key}"] = source.get(key) or ""
    return {**data, **changes}


def row_of(version: PolicyVersion, fact: str) -> int:
    """The index of the first condition row on `fact`."""
    rows = rule_rows(to_document(version)["rule"]).rows
    return next(i for i, row in enumerate(rows) if row.fact == fact)
