"""JSON/dict → frozen rule and formula nodes, rejecting anything the engine cannot evaluate."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import RuleError
from .facts import FACTS, ORDERED_KINDS, Fact, Kind
from .nodes import All, Any_, Basis, Cond, Node, Not, Rule
from .text import Text

BASIS_KEYS = ("stated", "derived", "assumed")
OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "between", "contains")
_OPS_BY_KIND: dict[Kind, frozenset[str]] = {
    Kind.BOOL: frozenset({"eq", "ne"}),
    Kind.CODE: frozenset({"eq", "ne", "in", "not_in"}),
    Kind.CODES: frozenset({"contains"}),
}
_ORDERED_OPS = frozenset({"eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "between"})
for _kind in ORDERED_KINDS:
    _OPS_BY_KIND[_kind] = _ORDERED_OPS

_KIND_NAMES = {
    Kind.BOOL: Text("布尔值（true/false）", "a boolean (true/false)"),
    Kind.INT: Text("整数", "an integer"),
    Kind.DECIMAL: Text("金额（数字）", "an amount (a number)"),
    Kind.RATIO: Text("比例（数字，0.2 表示 20%）", "a ratio (a number, 0.2 = 20%)"),
    Kind.DATE: Text("日期（YYYY-MM-DD）", "a date (YYYY-MM-DD)"),
    Kind.CODE: Text("代码", "a code"),
    Kind.CODES: Text("代码列表", "a list of codes"),
}
_CODE_PATTERN = re.compile(r"\A[a-z][a-z0-9_]*\Z")
# Nesting of all/any/not groups, and of formula operations (the seeds nest under ten deep).
# Deeper input is refused before it can exhaust Python's stack (a RecursionError, not a
# RuleError, would be a server error wherever a rule is checked).
MAX_DEPTH = 50


def check_depth(path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise RuleError(
            path, Text(f"嵌套超过 {MAX_DEPTH} 层", f"nested more than {MAX_DEPTH} levels deep")
        )


def join_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def coerce_value(fact: Fact, raw: Any, path: str) -> Any:
    """One value for `fact`, normalised to its Python type, or RuleError naming `path`."""
    kind = fact.kind

    def wrong() -> RuleError:  # made only when raised: most values are fine
        return RuleError(
            path, Text(f"应为{_KIND_NAMES[kind].zh}", f"expected {_KIND_NAMES[kind].en}")
        )

    if kind is Kind.BOOL:
        if isinstance(raw, bool):
            return raw
        raise wrong()
    if kind is Kind.INT:
        if isinstance(raw, bool):
            raise wrong()
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str) and re.fullmatch(r"-?[0-9]+", raw.strip()):
            try:
                return int(raw)
            except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
                raise wrong() from None
        raise wrong()
    if kind in (Kind.DECIMAL, Kind.RATIO):
        if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
            raise wrong()
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise wrong() from None
        if not value.is_finite():
            raise wrong()
        return value
    if kind is Kind.DATE:
        if isinstance(raw, datetime):  # a date with a time is not a date fact's value
            raise wrong()
        if isinstance(raw, date):
            return raw
        # Only the extended calendar form: Python also reads 20240301 and 2026-W01-1, which a
        # careless client may send by mistake and which nothing else in the API accepts.
        if isinstance(raw, str) and ISO_DATE.fullmatch(raw.strip()):
            try:
                return date.fromisoformat(raw.strip())
            except ValueError:
                raise wrong() from None
        raise wrong()
    # codes
    if not isinstance(raw, str):
        raise wrong()
    if raw in fact.choice_codes or (fact.open_choices and _CODE_PATTERN.match(raw)):
        return raw
    allowed = ", ".join(c.code for c in fact.choices)
    raise RuleError(
        path,
        Text(
            f"“{raw}”不是“{fact.label.zh}”的可选值（可选：{allowed}）",
            f"'{raw}' is not a choice of '{fact.label.en}' (choices: {allowed})",
        ),
    )


def _basis(data: dict[str, Any], path: str) -> Basis | None:
    """A node's provenance: `stated` (the source's own words, a quote kept as written),
    `derived` or `assumed` (our reasoning, a text or {zh-hans, en}), and optionally `source`,
    the `ref` of the measure's source it rests on."""
    found = [key for key in BASIS_KEYS if key in data]
    if len(found) > 1:
        raise RuleError(
            path,
            Text("stated、derived、assumed 只能写一个", "use only one of stated, derived, assumed"),
        )
    source = data.get("source")
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise RuleError(
            join_path(path, "source"), Text("应为来源的 ref", "expected a source's ref")
        )
    if not found:
        if source is not None:
            raise RuleError(
                join_path(path, "source"),
                Text("有 source 时须写明 stated、derived 或 assumed", "source needs a basis"),
            )
        return None
    note = data[found[0]]
    note_path = join_path(path, found[0])
    if isinstance(note, dict):
        if set(note) != {"zh-hans", "en"} or not all(
            isinstance(v, str) and v.strip() for v in note.values()
        ):
            raise RuleError(
                note_path,
                Text("应为 {zh-hans: …, en: …}，两种语言都要填写", "expected {zh-hans: …, en: …}"),
            )
        text = Text(note["zh-hans"], note["en"])
    elif isinstance(note, str) and note.strip():
        text = Text(note, note)
    else:
        raise RuleError(note_path, Text("应为非空文字", "expected a non-empty text"))
    return Basis(found[0], text, source)


class _Parser:
    def __init__(self) -> None:
        self.nodes: list[Node] = []

    def node(self, data: Any, path: str, depth: int = 0) -> Node:
        check_depth(path, depth)
        if not isinstance(data, dict):
            raise RuleError(
                path,
                Text(
                    "应为条件（fact/op/value）或 all/any/not 组合",
                    "expected a condition (fact/op/value) or an all/any/not group",
                ),
            )
        groups = [key for key in ("all", "any", "not") if key in data]
        if "fact" in data and not groups:
            return self.condition(data, path)
        if len(groups) != 1 or "fact" in data:
            raise RuleError(
                path,
                Text(
                    "每个节点只能是一个条件或一个 all/any/not 组合",
                    "each node is exactly one condition or one all/any/not group",
                ),
            )
        key = groups[0]
        self._no_extra_keys(data, {key, *BASIS_KEYS, "source"}, path)
        basis = _basis(data, path)
        index = len(self.nodes)
        self.nodes.append(None)  # type: ignore[arg-type]  # reserve: parents precede children
        child_path = join_path(path, key)
        if key == "not":
            result: Node = Not(index, path, self.node(data["not"], child_path, depth + 1), basis)
        else:
            items = data[key]
            if not isinstance(items, list) or not items:
                raise RuleError(child_path, Text("应为非空列表", "expected a non-empty list"))
            children = tuple(
                self.node(item, join_path(child_path, i), depth + 1) for i, item in enumerate(items)
            )
            result = (All if key == "all" else Any_)(index, path, children, basis)
        self.nodes[index] = result
        return result

    def condition(self, data: dict[str, Any], path: str) -> Cond:
        self._no_extra_keys(data, {"fact", "op", "value", *BASIS_KEYS, "source"}, path)
        fact = resolve_fact(data["fact"], join_path(path, "fact"))
        op = data.get("op")
        if op not in OPERATORS:
            raise RuleError(
                join_path(path, "op"),
                Text(
                    f"未知的运算符“{op}”（可用：{' '.join(OPERATORS)}）",
                    f"unknown operator '{op}' (use one of: {' '.join(OPERATORS)})",
                ),
            )
        if op not in _OPS_BY_KIND[fact.kind]:
            raise RuleError(
                join_path(path, "op"),
                Text(
                    f"运算符“{op}”不适用于“{fact.label.zh}”（{_KIND_NAMES[fact.kind].zh}）",
                    f"operator '{op}' does not fit '{fact.name}' ({_KIND_NAMES[fact.kind].en})",
                ),
            )
        if "value" not in data:
            raise RuleError(path, Text("缺少 value", "value is missing"))
        value_path = join_path(path, "value")
        value = self.value(fact, op, data["value"], value_path)
        cond = Cond(len(self.nodes), path, fact, op, value, _basis(data, path))
        self.nodes.append(cond)
        return cond

    @staticmethod
    def value(fact: Fact, op: str, raw: Any, path: str) -> Any:
        if op in ("in", "not_in"):
            if not isinstance(raw, list) or not raw:
                raise RuleError(path, Text("应为非空列表", "expected a non-empty list"))
            return frozenset(
                coerce_value(fact, item, join_path(path, i)) for i, item in enumerate(raw)
            )
        if op == "between":
            if not isinstance(raw, list) or len(raw) != 2:
                raise RuleError(path, Text("应为 [下限, 上限]", "expected [low, high]"))
            low, high = (coerce_value(fact, item, join_path(path, i)) for i, item in enumerate(raw))
            if low > high:
                raise RuleError(path, Text("下限大于上限", "low is greater than high"))
            return (low, high)
        if op == "contains":
            if not isinstance(raw, str) or raw not in fact.choice_codes:
                raise RuleError(
                    path,
                    Text(
                        f"应为“{fact.label.zh}”的一个可选值",
                        f"expected one choice of '{fact.label.en}'",
                    ),
                )
            return raw
        return coerce_value(fact, raw, path)

    @staticmethod
    def _no_extra_keys(data: dict[str, Any], allowed: set[str], path: str) -> None:
        extra = sorted(set(data) - allowed)
        if extra:
            raise RuleError(
                join_path(path, extra[0]),
                Text(f"未知的键“{extra[0]}”", f"unknown key '{extra[0]}'"),
            )


def resolve_fact(name: Any, path: str) -> Fact:
    """The registry entry for `name`, or RuleError naming `path`."""
    fact = FACTS.get(name) if isinstance(name, str) else None
    if fact is None:
        raise RuleError(path, Text(f"未知的事实“{name}”", f"unknown fact '{name}'"))
    return fact


def parse(data: Any, path: str = "") -> Rule:
    """Parse a rule (JSON-like data) into frozen nodes; raises RuleError naming the JSON path."""
    parser = _Parser()
    root = parser.node(data, path)
    return Rule(root, tuple(parser.nodes))
