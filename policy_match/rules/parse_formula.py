"""JSON/dict → a frozen benefit formula (numbers, numeric facts, operations and cases),
rejecting anything the engine cannot compute; each error names its JSON path."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import RuleError
from .facts import NUMERIC_KINDS
from .nodes import Case, Cases, Expr, FactRef, Num, Op
from .parse import check_depth, join_path, parse, resolve_fact
from .text import Text

FORMULA_OPS = ("add", "sub", "mul", "div", "min", "max")


def parse_formula(data: Any, path: str = "formula") -> Expr | None:
    """Parse a benefit formula (None = no formula); raises RuleError naming the JSON path."""
    if data is None:
        return None
    return _expr(data, path)


def _expr(data: Any, path: str, depth: int = 0) -> Expr:
    check_depth(path, depth)
    if isinstance(data, bool):
        raise RuleError(
            path, Text("应为数字、事实或运算", "expected a number, a fact or an operation")
        )
    if isinstance(data, int | float | Decimal | str):
        try:
            value = Decimal(str(data).strip())
        except InvalidOperation:
            raise RuleError(path, Text("应为数字", "expected a number")) from None
        if not value.is_finite():
            raise RuleError(path, Text("应为数字", "expected a number"))
        return Num(value)
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise RuleError(
            path,
            Text("应为数字、{fact: …} 或一个运算", "expected a number, {fact: …} or one operation"),
        )
    if "fact" in data:
        if len(data) != 1:
            extra = sorted(k for k in data if k != "fact")[0]
            raise RuleError(
                join_path(path, str(extra)),
                Text(f"{{fact: …}} 旁不能有“{extra}”", f"nothing may stand beside fact: '{extra}'"),
            )
        fact = resolve_fact(data["fact"], join_path(path, "fact"))
        if fact.kind not in NUMERIC_KINDS:
            raise RuleError(
                join_path(path, "fact"),
                Text(
                    f"公式只能使用数值事实，“{fact.label.zh}”不是", f"'{fact.name}' is not a number"
                ),
            )
        return FactRef(fact)
    if "cases" in data:
        return _cases(data, path, depth)
    (name, args), *_ = data.items()
    if name not in FORMULA_OPS or len(data) != 1:
        raise RuleError(
            join_path(path, str(name)),
            Text(
                f"未知的运算“{name}”（可用：{' '.join(FORMULA_OPS)} cases）",
                f"unknown operation '{name}' (use one of: {' '.join(FORMULA_OPS)} cases)",
            ),
        )
    arg_path = join_path(path, name)
    if not isinstance(args, list) or len(args) < 2 or (name in ("sub", "div") and len(args) != 2):
        raise RuleError(arg_path, Text("参数个数不对", "wrong number of arguments"))
    return Op(
        name, tuple(_expr(arg, join_path(arg_path, i), depth + 1) for i, arg in enumerate(args))
    )


def _cases(data: dict[str, Any], path: str, depth: int) -> Cases:
    if set(data) - {"cases", "else"}:
        raise RuleError(path, Text("cases 之外只能有 else", "only 'else' may stand beside 'cases'"))
    items, cases_path = data["cases"], join_path(path, "cases")
    if not isinstance(items, list) or not items:
        raise RuleError(cases_path, Text("应为非空列表", "expected a non-empty list"))
    cases = []
    for i, item in enumerate(items):
        item_path = join_path(cases_path, i)
        if not isinstance(item, dict) or set(item) != {"when", "then"}:
            raise RuleError(
                item_path,
                Text("应为 {when: 规则, then: 公式}", "expected {when: rule, then: formula}"),
            )
        then_path = join_path(item_path, "then")
        then = None if item["then"] is None else _expr(item["then"], then_path, depth + 1)
        cases.append(Case(parse(item["when"], join_path(item_path, "when")), then))
    otherwise = data.get("else")
    other = None if otherwise is None else _expr(otherwise, join_path(path, "else"), depth + 1)
    return Cases(tuple(cases), other)
