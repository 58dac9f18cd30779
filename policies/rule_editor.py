"""The structured rule editor's model: a rule tree as rows (one per condition or group) and back.

A form cannot post a tree, so the tree travels as rows in document order, each with its depth:
a group row (all / any / not) owns the rows below it that are one level deeper. Values travel
as the text a person typed (`raw`), converted per the fact's kind only when the rule is built,
so that a row that does not convert is shown again as typed, with its error beside it. Every
rule built here is then checked by the engine's own parser (`documents.validate`), exactly as
the YAML was; this module only knows the shapes, never the rules' meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from policy_match.rules import FACTS, RuleError, Text
from policy_match.rules.facts import Kind

GROUPS = ("all", "any", "not")
BASIS = ("stated", "derived", "assumed", "source")
LIST_OPS = ("in", "not_in")


class RowError(Exception):
    """A row that cannot become part of a rule: which row, and why in both languages."""

    def __init__(self, row: int, text: Text) -> None:
        super().__init__(text.en)
        self.row, self.text = row, text


@dataclass(frozen=True)
class Row:
    depth: int
    kind: str  # "cond" or one of GROUPS
    fact: str = ""
    op: str = ""
    raw: tuple[str, ...] = ()  # the value as typed: one text, two for between, n for in
    basis: dict[str, Any] = field(default_factory=dict)  # provenance, kept as written
    original: Any = None  # the stored value: kept verbatim when the typed one means the same


@dataclass(frozen=True)
class Rows:
    rows: tuple[Row, ...]
    # The stored rule was one bare condition, shown inside an "all" so that siblings can be
    # added; with one child left it is saved bare again (nothing changes unless edited).
    wrapped: bool = False


# --- rule → rows ---------------------------------------------------------------------------


def _yuan_text(value: Any) -> str:
    amount = Decimal(str(value))
    text = f"{amount:,.2f}"
    return text.removesuffix(".00")


def raw_of(fact_name: str, value: Any) -> tuple[str, ...]:
    """A stored value as the editor shows it: yuan with separators, ratios as percents."""
    fact = FACTS.get(fact_name)
    if isinstance(value, list) and fact is not None and fact.kind is not Kind.CODES:
        return tuple(raw_of(fact_name, item)[0] for item in value)
    if fact is None or value is None:
        return ("" if value is None else str(value),)
    if isinstance(value, bool):
        return ("true" if value else "false",)
    try:
        if fact.kind is Kind.DECIMAL:
            return (_yuan_text(value),)
        if fact.kind is Kind.RATIO:
            return (f"{(Decimal(str(value)) * 100).normalize():f}",)
    except InvalidOperation:
        pass
    return (value.isoformat() if isinstance(value, date) else str(value),)


def rule_rows(rule: Any) -> Rows:
    """The rows of a stored rule (JSON-ready, already valid)."""
    rows: list[Row] = []
    wrapped = not (isinstance(rule, dict) and any(key in rule for key in GROUPS))
    if wrapped:
        rows.append(Row(depth=0, kind="all"))
        _rows(rule, 1, rows)
    else:
        _rows(rule, 0, rows)
    return Rows(tuple(rows), wrapped)


def _rows(node: Any, depth: int, rows: list[Row]) -> None:
    if not isinstance(node, dict):
        return
    basis = {key: node[key] for key in BASIS if key in node}
    kind = next((key for key in GROUPS if key in node), None)
    if kind is None:
        fact, value = str(node.get("fact", "")), node.get("value")
        raw = raw_of(fact, value)
        rows.append(Row(depth, "cond", fact, str(node.get("op", "")), raw, basis, value))
        return
    rows.append(Row(depth, kind, basis=basis))
    children = [node["not"]] if kind == "not" else list(node[kind] or [])
    for child in children:
        _rows(child, depth + 1, rows)


# --- rows → rule ---------------------------------------------------------------------------


def _number(text: str) -> Decimal:
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "").removesuffix("元")
    cleaned = cleaned.removesuffix("%")
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation
    return value


_WRONG = {
    Kind.BOOL: Text("请选择“是”或“否”", "choose yes or no"),
    Kind.INT: Text("应为整数", "expected a whole number"),
    Kind.DECIMAL: Text(
        "应为金额（元），如 3,000,000", "expected an amount in yuan, e.g. 3,000,000"
    ),
    Kind.RATIO: Text("应为百分数，如 20 表示 20%", "expected a percentage, e.g. 20 for 20%"),
    Kind.DATE: Text("应为日期（YYYY-MM-DD）", "expected a date (YYYY-MM-DD)"),
}


def _value_of(fact_name: str, text: str) -> Any:
    """One typed value in the catalogue's own form; ValueError when it does not convert."""
    kind = FACTS[fact_name].kind
    text = text.strip()
    try:
        if kind is Kind.BOOL:
            return {"true": True, "false": False}[text]
        if kind is Kind.INT:
            number = _number(text)
            if number != number.to_integral_value():
                raise ValueError(text)
            return int(number)
        if kind is Kind.DECIMAL:
            return f"{_number(text).normalize():f}"
        if kind is Kind.RATIO:
            return f"{(_number(text) / 100).normalize():f}"
    except (KeyError, InvalidOperation) as exc:
        raise ValueError(text) from exc
    if kind is Kind.DATE:
        date.fromisoformat(text)  # ValueError names nothing: the row says what is expected
    return text


def _same(fact_name: str, converted: Any, original: Any) -> bool:
    """Whether a converted value means the stored one (then the stored form is kept)."""
    if isinstance(converted, list):
        return (
            isinstance(original, list)
            and len(original) == len(converted)
            and all(_same(fact_name, c, o) for c, o in zip(converted, original, strict=True))
        )
    if original is None or isinstance(original, bool) != isinstance(converted, bool):
        return False
    if FACTS[fact_name].kind in (Kind.DECIMAL, Kind.RATIO, Kind.INT):
        try:
            return Decimal(str(converted)) == Decimal(str(original))
        except InvalidOperation:
            return False
    return bool(converted == original)


def _condition_value(index: int, row: Row) -> Any:
    if not row.fact:
        raise RowError(index, Text("请选择事实", "choose a fact"))
    if row.fact not in FACTS:
        raise RowError(index, Text(f"未知的事实“{row.fact}”", f"unknown fact '{row.fact}'"))
    texts = [text for text in row.raw if text.strip()]
    if not texts:
        raise RowError(index, Text("请填写值", "enter a value"))
    kind = FACTS[row.fact].kind
    try:
        if row.op in LIST_OPS:
            value: Any = [_value_of(row.fact, text) for text in texts]
        elif row.op == "between":
            if len(texts) != 2:
                raise RowError(index, Text("请填写下限和上限", "enter a low and a high value"))
            value = [_value_of(row.fact, text) for text in texts]
        else:
            value = _value_of(row.fact, texts[0])
    except ValueError:
        wrong = _WRONG.get(kind, Text("值无效", "not a valid value"))
        raise RowError(index, wrong) from None
    return row.original if _same(row.fact, value, row.original) else value


def rows_rule(state: Rows) -> tuple[Any, list[str]]:
    """The rule the rows describe, and each row's JSON path (for the engine's errors)."""
    rows = state.rows
    if not rows:
        raise RowError(0, Text("至少需要一个条件", "at least one condition is needed"))
    paths = [""] * len(rows)
    node, end = _build(rows, 0, "rule", paths)
    if end != len(rows):
        raise RowError(end, Text("这一行不在任何组内", "this row is outside every group"))
    if state.wrapped and rows[0].kind == "all" and not rows[0].basis:
        children = node["all"]
        if len(children) == 1:
            paths = [_unwrap(path) for path in paths]
            paths[0] = "rule"
            return children[0], paths
    return node, paths


def _unwrap(path: str) -> str:
    return "rule" + path.removeprefix("rule.all[0]") if path.startswith("rule.all[0]") else path


def _build(rows: tuple[Row, ...], index: int, path: str, paths: list[str]) -> tuple[Any, int]:
    row = rows[index]
    paths[index] = path
    if row.kind == "cond":
        node = {"fact": row.fact, "op": row.op, "value": _condition_value(index, row)}
        return {**node, **row.basis}, index + 1
    if row.kind not in GROUPS:
        raise RowError(index, Text("未知的组合方式", "unknown kind of group"))
    children: list[Any] = []
    position = index + 1
    while position < len(rows) and rows[position].depth > row.depth:
        if rows[position].depth != row.depth + 1:
            raise RowError(position, Text("缩进有误", "wrongly indented"))
        child_path = f"{path}.not" if row.kind == "not" else f"{path}.{row.kind}[{len(children)}]"
        child, position = _build(rows, position, child_path, paths)
        children.append(child)
    if not children:
        raise RowError(index, Text("组内至少要有一个条件", "a group needs at least one condition"))
    if row.kind == "not":
        if len(children) > 1:
            raise RowError(index, Text("“不满足”组只能有一项", "a 'not' group holds one item"))
        return {"not": children[0], **row.basis}, position
    return {row.kind: children, **row.basis}, position


def row_of_path(paths: list[str], path: str) -> int | None:
    """The row an engine error's JSON path points into (the longest matching row path)."""
    best, found = -1, None
    for index, row_path in enumerate(paths):
        inside = path == row_path or path.startswith((f"{row_path}.", f"{row_path}["))
        if inside and len(row_path) > best:
            best, found = len(row_path), index
    return found


def error_row(paths: list[str], exc: RuleError) -> int | None:
    return row_of_path(paths, exc.path)


# --- rearranging (the add / remove buttons) ------------------------------------------------


def _subtree_end(rows: tuple[Row, ...], index: int) -> int:
    end = index + 1
    while end < len(rows) and rows[end].depth > rows[index].depth:
        end += 1
    return end


def rows_rearranged(state: Rows, action: str) -> Rows:
    """The rows after one button: `add_cond:i`, `add_group:i` (at the end of group i) or
    `remove:i` (the row and everything in it; the top group stays). Unknown actions: as is."""
    verb, _sep, where = action.partition(":")
    rows = list(state.rows)
    if not where.isdigit() or int(where) >= len(rows):
        return state
    index = int(where)
    target = rows[index]
    if verb == "remove":
        if index == 0:
            return state
        del rows[index : _subtree_end(state.rows, index)]
        return replace(state, rows=tuple(rows))
    if target.kind == "cond":
        return state
    end = _subtree_end(state.rows, index)
    added = [Row(depth=target.depth + 1, kind="cond")]
    if verb == "add_group":
        added = [Row(depth=target.depth + 1, kind="any"), Row(depth=target.depth + 2, kind="cond")]
    elif verb != "add_cond":
        return state
    rows[end:end] = added
    return replace(state, rows=tuple(rows))
