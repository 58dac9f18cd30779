"""The structured editor's benefit and sources parts: a formula's numbers as fields, the
formula written out with a marker per number, and the sources as rows.

A formula's shape (which facts it multiplies, its cases) changes rarely and stays in the YAML
view; what a curator changes is a rate or a fixed amount, so those numbers are the fields.
"""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from typing import Any

from policy_match.rules import FACTS, normalize_language, parse, render_rule

Path = tuple[str | int, ...]
SOURCE_KEYS = ("ref", "title", "url", "date", "quote")
_SYMBOLS = {"add": " + ", "sub": " − ", "mul": " × ", "div": " ÷ "}
_EXTREMES = {"min": ("较小者", "the lesser of"), "max": ("较大者", "the greater of")}


def _is_number(node: Any) -> bool:
    return (isinstance(node, int | str) and not isinstance(node, bool)) and not isinstance(
        node, dict
    )


def formula_numbers(formula: Any) -> list[tuple[Path, str]]:
    """Every number of a formula (outside its `when` rules), with its path, in reading order."""
    found: list[tuple[Path, str]] = []
    _numbers(formula, (), found)
    return found


def _numbers(node: Any, path: Path, found: list[tuple[Path, str]]) -> None:
    if _is_number(node):
        found.append((path, str(node)))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _numbers(item, (*path, i), found)
    elif isinstance(node, dict) and "fact" not in node:
        for key, value in node.items():
            if key != "when":  # a rule: its values are conditions, edited as rules are
                _numbers(value, (*path, key), found)


def formula_text(formula: Any, language: str, *, markers: bool = True) -> str:
    """The formula in words, each number shown after its marker [1], [2] … (the labels of the
    editor's fields); without markers for a page that only reads it."""
    counter = [0 if markers else -(10**9)]
    text = _text(formula, normalize_language(language) == "zh-hans", counter, language)
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _text(node: Any, zh: bool, counter: list[int], language: str) -> str:
    if _is_number(node):
        counter[0] += 1
        return f"[{counter[0]}] {node}" if counter[0] > 0 else str(node)
    if not isinstance(node, dict):
        return "—"
    if "fact" in node:
        fact = FACTS.get(str(node["fact"]))
        return fact.label.get(language) if fact else str(node["fact"])
    if "cases" in node:
        parts = []
        for case in node.get("cases") or []:
            try:
                when = "，".join(
                    line.strip() for line in render_rule(parse(case["when"]), language)
                )
            except (ValueError, KeyError, TypeError):
                when = "…"
            then = _text(case.get("then"), zh, counter, language)
            parts.append(f"若{when}，则 {then}" if zh else f"if {when}, then {then}")
        rest = _text(node.get("else"), zh, counter, language)
        parts.append(f"否则 {rest}" if zh else f"otherwise {rest}")
        return ("；" if zh else "; ").join(parts)
    for name, args in node.items():
        texts = [_text(arg, zh, counter, language) for arg in args or []]
        if name in _SYMBOLS:
            return "(" + _SYMBOLS[name].join(texts) + ")"
        if name in _EXTREMES:
            label = _EXTREMES[name][0 if zh else 1]
            return f"{label}（{'，'.join(texts)}）" if zh else f"{label} ({', '.join(texts)})"
    return "—"


def number_valid(text: str) -> bool:
    try:
        return Decimal(text.replace(",", "").strip()).is_finite()
    except InvalidOperation:
        return False


def formula_with(formula: Any, numbers: dict[Path, str]) -> Any:
    """The formula with some numbers replaced (as the catalogue writes them: quoted text)."""
    result = copy.deepcopy(formula)
    for path, text in numbers.items():
        holder = result
        for key in path[:-1]:
            holder = holder[key]
        old = holder[path[-1]]
        new = text.replace(",", "").strip()
        try:
            unchanged = Decimal(str(old)) == Decimal(new)
        except InvalidOperation:
            unchanged = False
        if not unchanged:
            holder[path[-1]] = new
    return result


def sources_rows(sources: Any) -> list[dict[str, str]]:
    """The stored sources as rows of text (one empty row more, for adding one)."""
    rows = [
        {key: "" if item.get(key) is None else str(item.get(key)) for key in SOURCE_KEYS}
        for item in sources or []
        if isinstance(item, dict)
    ]
    return [*rows, dict.fromkeys(SOURCE_KEYS, "")]


def rows_sources(rows: list[dict[str, str]], removed: set[int]) -> tuple[list[Any], list[int]]:
    """The sources the rows describe (empty and removed rows dropped), and for each source the
    row it came from (to put an error on the right row)."""
    sources, origin = [], []
    for index, row in enumerate(rows):
        if index in removed or not any(value.strip() for value in row.values()):
            continue
        sources.append({key: row[key].strip() for key in SOURCE_KEYS if row.get(key, "").strip()})
        origin.append(index)
    return sources, origin
