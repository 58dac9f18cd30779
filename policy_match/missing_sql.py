"""The missing facts of bulk re-matched rows, worked out by the database (design §10).

`Line.missing()` lists the inputs of every condition reached through UNKNOWN nodes only, then,
when the amount could not be computed, the unknown inputs of the formula. Which facts those are
depends on a handful of yes/no questions about the row: is each condition UNKNOWN together with
all the groups above it, is the formula's amount unknown, is each formula fact unknown, and
which inputs of a several-input derived fact are NULL. Each question is one bit of a signature
computed in SQL. A chunk first asks the database for its distinct signatures (a few dozen at
most), turns each into its list here with the same `missing_inputs` the engine uses, then joins
that little table into the `INSERT … SELECT`: no row is read into Python and nothing is
updated afterwards.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any

from django.db.models import BigIntegerField, Case, F, Q, Value, When
from django.db.models.lookups import IsNull

from .catalogue import CompiledPolicy
from .formula_sql import null_condition
from .rules import FACTS, Fact, Subject
from .rules.facts import missing_inputs
from .rules.nodes import All, Any_, Cond, FactRef, Node, Not
from .rules.to_q import node_pair

WORD_BITS = 62  # bits per signature column: a signed 64-bit integer, with room to spare
Values = dict[str, Any]


@dataclass(frozen=True)
class Signature:
    """The questions (one SQL condition per bit) and how to read the answers back."""

    bits: tuple[Q, ...]
    conditions: tuple[Cond, ...]  # bit i answers "condition i and its ancestors are UNKNOWN"
    formula_facts: tuple[Fact, ...]  # after the amount bit, one bit per formula fact
    inputs: tuple[str, ...]  # then one bit per input of a several-input derived fact

    def columns(self) -> list[str]:
        return [f"sig{n}" for n in range(self._words())]

    def annotations(self) -> dict[str, Any]:
        """One integer column per word of `WORD_BITS` bits."""
        words: dict[str, Any] = {}
        for n, name in enumerate(self.columns()):
            terms = [
                Case(
                    When(q, then=Value(1 << (i - n * WORD_BITS))),
                    default=Value(0),
                    output_field=BigIntegerField(),
                )
                for i, q in enumerate(self.bits)
                if i // WORD_BITS == n
            ]
            words[name] = reduce(operator.add, terms)
        return words

    def missing(self, words: tuple[int, ...]) -> list[str]:
        """The list `Line.missing()` gives for a row with these signature words."""
        flags = [bool(words[i // WORD_BITS] >> (i % WORD_BITS) & 1) for i in range(len(self.bits))]
        answers = iter(flags)
        reached = [next(answers) for _ in self.conditions]
        amount_unknown = next(answers)
        unknown_facts = [next(answers) for _ in self.formula_facts]
        values: Values = {name: None if next(answers) else True for name in self.inputs}
        found: list[str] = []
        chosen = [c.fact for c, on in zip(self.conditions, reached, strict=True) if on]
        if amount_unknown:
            chosen += [f for f, on in zip(self.formula_facts, unknown_facts, strict=True) if on]
        for fact in chosen:
            for name in missing_inputs(fact, values):
                if name not in found:
                    found.append(name)
        return found

    def _words(self) -> int:
        return max(1, -(-len(self.bits) // WORD_BITS))


def signature(compiled: CompiledPolicy, *, as_of: date) -> Signature:
    subject, rule = compiled.subject, compiled.rule.rule
    conditions, reached = zip(*_reached(rule.root, ~Q(pk__in=[]), as_of, subject), strict=True)
    bits = list(reached)
    if compiled.formula is None:  # the amount is the cap: never "unknown" for want of a fact
        amount_unknown: Q = Q(pk__in=[])
    else:
        false = node_pair(rule.root, as_of=as_of, subject=subject)[1]
        amount_unknown = ~false & null_condition(compiled.formula, as_of=as_of, subject=subject)
    bits.append(amount_unknown)
    formula_facts = tuple(FACTS[name] for name in sorted(compiled.formula_facts))
    bits += [null_condition(FactRef(fact), as_of=as_of, subject=subject) for fact in formula_facts]
    inputs = sorted(
        {
            name
            for fact in (*(c.fact for c in conditions), *formula_facts)
            if fact.derived and len(fact.ask_for or fact.inputs) > 1
            for name in fact.ask_for or fact.inputs
        }
    )
    bits += [Q(IsNull(_column(FACTS[name], subject), True)) for name in inputs]
    return Signature(tuple(bits), tuple(conditions), formula_facts, tuple(inputs))


def _reached(node: Node, above: Q, as_of: date, subject: Subject) -> Iterator[tuple[Cond, Q]]:
    """Each condition in the order `explain` visits them, with "it and every node above it
    are UNKNOWN". A group is UNKNOWN when one child is: then `all` has no FALSE child and `any`
    no TRUE one, which is all we need to add at each level."""
    if isinstance(node, Cond):
        true, false = node_pair(node, as_of=as_of, subject=subject)
        yield node, above & ~true & ~false
    elif isinstance(node, Not):
        yield from _reached(node.child, above, as_of, subject)
    else:
        pairs = [node_pair(child, as_of=as_of, subject=subject) for child in node.children]
        # An `all` is UNKNOWN iff no child is FALSE and not every child is TRUE: the second
        # half follows from the UNKNOWN child we descend into. `any` mirrors it.
        side = 1 if isinstance(node, All) else 0
        assert isinstance(node, All | Any_)
        here = above
        for pair in pairs:
            here &= ~pair[side]
        for child in node.children:
            yield from _reached(child, here, as_of, subject)


def _column(fact: Fact, subject: Subject) -> F:
    return F(fact.orm_field if fact.subject == subject else f"enterprise__{fact.orm_field}")


def values_table(signature: Signature, rows: Sequence[tuple[int, ...]]) -> tuple[str, list[Any]]:
    """`(VALUES (sig0, …, missing), …)` for the distinct signatures of a chunk, JSON as text."""
    placeholders = ", ".join(["%s"] * (len(signature.columns()) + 1))
    sql = ", ".join(f"({placeholders})" for _ in rows)
    params: list[Any] = []
    for words in rows:
        params += [*words, json.dumps(signature.missing(words), ensure_ascii=False)]
    return sql, params
