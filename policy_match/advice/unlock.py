"""What would make a line eligible (design §12): the smallest set of actionable changes.

Read from the rule tree and the line's trace, never written per measure. For `all`, every
failing child must change; for `any`, the cheapest branch (fewest changes, then most money);
a numeric threshold names its exact target beside the current value. Only facts the registry
marks `actionable` are suggested: a line that only a `fixed` or `slow` fact blocks has no
unlock, and says which facts block it. An unknown fact is no change but a question (ask_next).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from policy_match.report import Line
from policy_match.rules import FALSE, TRUE, UNKNOWN, Subject, compute, money
from policy_match.rules.nodes import All, Cond, Node, Not
from policy_match.rules.to_q import COMPLEMENT

Changes = tuple["Change", ...]


@dataclass(frozen=True, slots=True)
class Change:
    """Set `fact` (of the person or loan `ref`, or of the enterprise) so that `op value`."""

    fact: str
    ref: str | None
    op: str
    value: Any
    current: Any

    @property
    def key(self) -> tuple[Any, ...]:
        value = tuple(sorted(self.value)) if isinstance(self.value, frozenset) else self.value
        return (self.fact, self.ref, self.op, value)


@dataclass(frozen=True, slots=True)
class Unlock:
    changes: Changes | None  # None: no actionable change makes the line eligible
    amount: Decimal | None  # what the line would then be worth
    blocked_by: tuple[str, ...] = ()  # the fixed or slow facts in the way, when None


class _Walk:
    def __init__(self, line: Line) -> None:
        self.line, self.trace, self.ctx = line, line.trace, line.ctx
        self.blocked: list[str] = []

    def best(self, node: Node, want: bool) -> Changes | None:
        outcome = self.trace[node.index]
        if outcome == (TRUE if want else FALSE):
            return ()
        if isinstance(node, Cond):
            return () if outcome == UNKNOWN else self._change(node, want)
        if isinstance(node, Not):
            return self.best(node.child, not want)
        every = isinstance(node, All) == want  # all wanted true, or any wanted false
        options = [self.best(child, want) for child in node.children]
        if every:
            if any(option is None for option in options):
                return None
            merged: dict[tuple[Any, ...], Change] = {}
            for option in options:
                merged.update({change.key: change for change in option or ()})
            return tuple(merged.values())
        possible = [option for option in options if option is not None]
        if not possible:
            return None
        fewest = min(len(option) for option in possible)
        cheapest = [option for option in possible if len(option) == fewest]
        return max(cheapest, key=lambda option: amount_after(self.line, option) or Decimal(0))

    def _change(self, cond: Cond, want: bool) -> Changes | None:
        fact = cond.fact
        op = cond.op if want else COMPLEMENT.get(cond.op)
        if fact.changeability != "actionable" or op is None:
            self.blocked.append(fact.name)
            return None
        policy = self.line.policy
        own = fact.subject is policy.subject and policy.subject is not Subject.ENTERPRISE
        ref = self.line.ref if own else None
        return (Change(fact.name, ref, op, cond.value, self.ctx.get(fact.name)),)


def unlock(line: Line) -> Unlock | None:
    """The unlock of an ineligible or undetermined line (None for an eligible one)."""
    if line.outcome == TRUE:
        return None
    walk = _Walk(line)
    changes = walk.best(line.policy.rule.rule.root, True)
    if changes is None:
        return Unlock(None, None, tuple(dict.fromkeys(walk.blocked)))
    return Unlock(changes, amount_after(line, changes))


def amount_after(line: Line, changes: Changes) -> Decimal | None:
    """The line's amount once `changes` are made (each set to a value that meets it)."""
    policy = line.policy
    if policy.formula is None:
        return money(policy.cap, None)
    ctx: dict[str, Any] = dict(line.ctx)
    for change in changes:
        ctx[change.fact] = witness(change)
    return money(compute(policy.formula, ctx), policy.cap)


def witness(change: Change) -> Any:
    """A value that meets `op value` (the threshold itself where one is named)."""
    op, value = change.op, change.value
    if op in ("eq", "gte", "lte"):
        return value
    if op == "in":
        return sorted(value)[0]
    if op == "between":
        return value[0]
    if op in ("gt", "lt"):
        step = _step(value)
        return value + step if op == "gt" else value - step
    if isinstance(value, bool):  # ne
        return not value
    return change.current  # ne / not_in of a code: no single value to name


def _step(value: Any) -> Any:
    if isinstance(value, date):
        return timedelta(days=1)
    if isinstance(value, Decimal):
        return Decimal("0.01") if value == value.quantize(Decimal("0.01")) else Decimal("1e-6")
    return 1


def json_value(value: Any) -> Any:
    """A fact value as the API shows it (decimals and dates as strings, sets as lists)."""
    if isinstance(value, frozenset | set):
        return sorted(json_value(v) for v in value)
    if isinstance(value, tuple):
        return [json_value(v) for v in value]
    if isinstance(value, Decimal | date):
        return str(value)
    return value
