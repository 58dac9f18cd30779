"""Turn a trace into bilingual sentences and the list of facts still missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .facts import FACTS, missing_inputs
from .nodes import FALSE, OUTCOME_NAMES, TRUE, UNKNOWN, All, Any_, Cond, Node, Not, Rule
from .shown import format_value, requirement
from .text import Text, normalize_language

MARKS = {TRUE: "✓", FALSE: "✗", UNKNOWN: "?"}
_OPS: dict[str, Text] = {
    "eq": Text("为", "is"),
    "ne": Text("不为", "is not"),
    "lt": Text("少于", "less than"),
    "lte": Text("不超过", "at most"),
    "gt": Text("大于", "more than"),
    "gte": Text("不少于", "at least"),
    "in": Text("属于", "one of"),
    "not_in": Text("不属于", "none of"),
    "between": Text("介于", "between"),
    "contains": Text("包含", "includes"),
}
# A condition under a `not` is read as its opposite, so the sentence states what is required.
_NEGATED = {
    "eq": "ne",
    "ne": "eq",
    "lt": "gte",
    "gte": "lt",
    "lte": "gt",
    "gt": "lte",
    "in": "not_in",
    "not_in": "in",
    "between": "not_between",
    "contains": "not_contains",
}


# Rendered sentences by (condition, negated, outcome, the values it shows, language): a
# catalogue has a few hundred conditions and profiles repeat the same answers, so a report
# rarely formats anything twice. Keyed by id(cond): the compiled catalogue keeps conditions
# alive, and the entry keeps its own condition so an id is never reused while cached.
_SENTENCES: dict[tuple[Any, ...], tuple[Cond, str]] = {}
_SENTENCES_MAX = 50_000


def sentence(
    cond: Cond, outcome: int, ctx: Mapping[str, Any], language: str, negated: bool = False
) -> str:
    """The sentence for one condition, e.g. "成立年限：5 年；要求少于 3 年 ✗"."""
    fact = cond.fact
    shown = (
        tuple(ctx.get(name) for name in fact.inputs)
        if outcome == UNKNOWN and fact.derived
        else ctx.get(fact.name)
    )
    try:
        key = (id(cond), negated, outcome, shown, language)
        cached = _SENTENCES.get(key)
    except TypeError:  # an unhashable value: render without the cache
        return _sentence(cond, outcome, ctx, language, negated)
    if cached is not None and cached[0] is cond:
        return cached[1]
    text = _sentence(cond, outcome, ctx, language, negated)
    if len(_SENTENCES) >= _SENTENCES_MAX:
        _SENTENCES.clear()
    _SENTENCES[key] = (cond, text)
    return text


def _sentence(
    cond: Cond, outcome: int, ctx: Mapping[str, Any], language: str, negated: bool
) -> str:
    """Read as the condition's opposite when it stands under an odd number of `not`s."""
    fact, zh = cond.fact, normalize_language(language) == "zh-hans"
    op = _NEGATED[cond.op] if negated else cond.op
    if negated:
        outcome = TRUE - outcome
    label = fact.label.get(language)
    wanted = requirement(fact, op, cond.value, language)
    if outcome == UNKNOWN:
        asked = "、".join if zh else ", ".join
        names = asked(FACTS[n].label.get(language) for n in missing_inputs(fact, ctx))
        if zh:
            context = f"{label}要求{wanted}" if fact.derived else f"要求{wanted}"
            return f"缺少：{names}（{context}）"
        context = f"{label} {wanted}" if fact.derived else wanted
        return f"Missing: {names} ({context})"
    actual = format_value(fact, ctx.get(fact.name), language)
    if zh:
        return f"{label}：{actual}；要求{wanted} {MARKS[outcome]}"
    return f"{label}: {actual}; {wanted} {MARKS[outcome]}"


_HEADINGS: dict[str, Text] = {
    "all": Text("同时满足以下各项", "All of the following"),
    "any": Text("满足以下任一项", "Any of the following"),
    "not_any": Text("不属于以下任一情形", "None of the following"),
    "not_all": Text("不同时满足以下各项", "Not all of the following"),
}
ALTERNATIVE_MARK = "○"  # a branch of a satisfied `any` that was not needed: no failure


def reasons(
    rule: Rule, trace: tuple[int, ...], ctx: Mapping[str, Any], language: str
) -> list[dict[str, Any]]:
    """The reasons in rule order, flat: a heading before each group's children (`kind` all,
    any or not; `depth` its nesting) and one item per condition (`kind` condition), each with
    its basis. A condition under a `not` is read as its opposite; a group under one gets a
    "none of the following" heading. The branches a satisfied `any` did not need are marked
    as alternatives, never as failures."""
    items: list[dict[str, Any]] = []
    root = rule.root
    if isinstance(root, All):  # the usual top: its conditions need no heading
        for child in root.children:
            _items(child, trace, ctx, language, 0, False, False, items)
    else:
        _items(root, trace, ctx, language, 0, False, False, items)
    return items


def _items(
    node: Node,
    trace: tuple[int, ...],
    ctx: Mapping[str, Any],
    language: str,
    depth: int,
    negated: bool,
    alternative: bool,
    items: list[dict[str, Any]],
) -> None:
    node = _simplest(node)
    outcome = trace[node.index]
    if isinstance(node, Cond):
        shown = TRUE - outcome if negated else outcome
        text = sentence(node, outcome, ctx, language, negated)
        if alternative and shown != TRUE:
            text = text.removesuffix(f" {MARKS[shown]}") + f" {ALTERNATIVE_MARK}"
        items.append(_item(text, shown, node.fact.name, "condition", depth, alternative, node))
        return
    if isinstance(node, Not) and isinstance(node.child, Cond):
        _items(node.child, trace, ctx, language, depth, not negated, alternative, items)
        return
    if isinstance(node, Not):
        group = node.child
        assert isinstance(group, All | Any_)
        kind, heading = "not", _HEADINGS["not_any" if isinstance(group, Any_) else "not_all"]
        children, shown = group.children, outcome if not negated else TRUE - outcome
        inner_negated = negated  # the heading says "none of": children read as they are
    else:
        assert isinstance(node, All | Any_)
        is_any = isinstance(node, Any_) != negated  # under a `not`, all and any swap
        kind = "any" if is_any else "all"
        heading, children = _HEADINGS[kind], node.children
        shown = TRUE - outcome if negated else outcome
        inner_negated = negated
    mark = ALTERNATIVE_MARK if alternative and shown != TRUE else MARKS[shown]
    text = f"{heading.get(language)} {mark}"
    items.append(_item(text, shown, None, kind, depth, alternative, node))
    # Branches of a satisfied `any` other than the ones it needed are alternatives.
    satisfied_any = kind == "any" and shown == TRUE
    for child in children:
        child_shown = trace[child.index]
        if inner_negated:
            child_shown = TRUE - child_shown
        child_alternative = alternative or (satisfied_any and child_shown != TRUE)
        _items(child, trace, ctx, language, depth + 1, inner_negated, child_alternative, items)


def _simplest(node: Node) -> Node:
    """The node read in the place of `node`: a group of one says nothing its child does not,
    and a `not` of a `not` is its child (their trace outcomes are the same)."""
    while True:
        if isinstance(node, All | Any_) and len(node.children) == 1:
            node = node.children[0]
        elif isinstance(node, Not) and isinstance(node.child, Not):
            node = node.child.child
        elif isinstance(node, Not) and isinstance(node.child, All | Any_):
            if len(node.child.children) != 1:
                return node
            node = replace(node, child=node.child.children[0])
        else:
            return node


def _item(
    text: str,
    outcome: int,
    fact: str | None,
    kind: str,
    depth: int,
    alternative: bool,
    node: Node,
) -> dict[str, Any]:
    basis = node.basis
    return {
        "text": text,
        "outcome": OUTCOME_NAMES[outcome],
        "fact": fact,
        "kind": kind,
        "depth": depth,
        "alternative": alternative,
        "basis": basis,
    }


def _conditions(node: Node, negated: bool) -> list[tuple[Cond, bool]]:
    if isinstance(node, Cond):
        return [(node, negated)]
    if isinstance(node, Not):
        return _conditions(node.child, not negated)
    return [pair for child in node.children for pair in _conditions(child, negated)]


def missing_facts(rule: Rule, trace: tuple[int, ...], ctx: Mapping[str, Any]) -> list[str]:
    """Input facts still unknown that could change the outcome (only under UNKNOWN branches)."""
    found: list[str] = []
    if trace[rule.root.index] == UNKNOWN:
        _collect(rule.root, trace, ctx, found)
    return found


def _collect(node: Node, trace: tuple[int, ...], ctx: Mapping[str, Any], found: list[str]) -> None:
    if trace[node.index] != UNKNOWN:
        return
    if isinstance(node, Cond):
        for name in missing_inputs(node.fact, ctx):
            if name not in found:
                found.append(name)
    elif isinstance(node, Not):
        _collect(node.child, trace, ctx, found)
    elif isinstance(node, All | Any_):
        for child in node.children:
            _collect(child, trace, ctx, found)


def fact_label(name: str, language: str) -> str:
    return FACTS[name].label.get(language)


def render_rule(rule: Rule, language: str) -> list[str]:
    """The rule as indented sentences without a profile (policy pages, admin preview)."""
    lines: list[str] = []
    _render(rule.root, language, 0, lines)
    return lines


_GROUPS = {
    All: Text("同时满足以下全部条件：", "All of the following:"),
    Any_: Text("满足以下任一条件：", "Any of the following:"),
    Not: Text("不满足以下条件：", "Not the following:"),
}


def _render(node: Node, language: str, depth: int, lines: list[str]) -> None:
    indent = "  " * depth
    if isinstance(node, Cond):
        label = node.fact.label.get(language)
        value = format_value(node.fact, node.value, language)
        joiner = "" if normalize_language(language) == "zh-hans" else " "
        lines.append(f"{indent}{label}{joiner}{_OPS[node.op].get(language)} {value}")
        return
    lines.append(indent + _GROUPS[type(node)].get(language))
    children = (node.child,) if isinstance(node, Not) else node.children
    for child in children:
        _render(child, language, depth + 1, lines)
