"""Rule and formula nodes: frozen dataclasses built by `parse` and read by every backend."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .facts import Fact
from .text import Text


@dataclass(frozen=True, slots=True)
class Basis:
    """Where a condition comes from: `kind` stated | derived | assumed, the quote or the
    reasoning, and the ref of the measure's source it rests on, if named."""

    kind: str
    text: Text
    source: str | None = None


# Three-valued outcomes as small ints so that Kleene logic is min / max / 2 - x.
FALSE, UNKNOWN, TRUE = 0, 1, 2
OUTCOME_NAMES = {FALSE: "false", UNKNOWN: "unknown", TRUE: "true"}


@dataclass(frozen=True, slots=True)
class Cond:
    index: int
    path: str
    fact: Fact
    op: str
    value: Any  # normalised: Decimal / int / date / bool / str, a frozenset for in/not_in,
    # a (low, high) tuple for between
    basis: Basis | None = None


@dataclass(frozen=True, slots=True)
class All:
    index: int
    path: str
    children: tuple[Node, ...]
    basis: Basis | None = None


@dataclass(frozen=True, slots=True)
class Any_:
    index: int
    path: str
    children: tuple[Node, ...]
    basis: Basis | None = None


@dataclass(frozen=True, slots=True)
class Not:
    index: int
    path: str
    child: Node
    basis: Basis | None = None


Node = Cond | All | Any_ | Not


@dataclass(frozen=True, slots=True)
class Rule:
    """A parsed rule: its root and every node in index order (for traces)."""

    root: Node
    nodes: tuple[Node, ...]

    @property
    def conditions(self) -> tuple[Cond, ...]:
        return tuple(n for n in self.nodes if isinstance(n, Cond))

    @property
    def facts(self) -> frozenset[str]:
        return frozenset(c.fact.name for c in self.conditions)


# --- formulas ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Num:
    value: Decimal


@dataclass(frozen=True, slots=True)
class FactRef:
    fact: Fact


@dataclass(frozen=True, slots=True)
class Op:
    name: str  # add sub mul div min max
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Case:
    when: Rule
    then: Expr | None


@dataclass(frozen=True, slots=True)
class Cases:
    cases: tuple[Case, ...]
    otherwise: Expr | None


Expr = Num | FactRef | Op | Cases
