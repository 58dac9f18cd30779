"""The result of matching one profile: lines of tuples, rendered to design §7 JSON on demand."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from .catalogue import CompiledPolicy
from .rules import FACTS, FALSE, TRUE, UNKNOWN, missing_facts, normalize_language, reasons
from .rules.facts import missing_inputs
from .rules.nodes import Basis

STATUS = {TRUE: "eligible", FALSE: "ineligible", UNKNOWN: "undetermined"}
_ORDER = {TRUE: 0, UNKNOWN: 1, FALSE: 2}
ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Line:
    """One measure for one subject; the trace stays raw until the report is rendered."""

    policy: CompiledPolicy
    ref: str | None
    outcome: int
    trace: tuple[int, ...]
    ctx: Mapping[str, Any]
    amount: Decimal | None

    @property
    def status(self) -> str:
        return STATUS[self.outcome]

    def missing(self) -> list[str]:
        names = missing_facts(self.policy.rule.rule, self.trace, self.ctx)
        if self.outcome != FALSE and self.amount is None and self.policy.formula is not None:
            # The amount is unknown: what would let us compute it is missing too.
            for fact_name in sorted(self.policy.formula_facts):
                if self.ctx.get(fact_name) is None:
                    for name in missing_inputs(FACTS[fact_name], self.ctx):
                        if name not in names:
                            names.append(name)
        return names


def enterprise_cap(policy: CompiledPolicy) -> Decimal | None:
    """The cap on the measure's lines summed over the enterprise, if any (else they just add)."""
    return policy.cap if policy.cap_scope == "enterprise" else None


def policy_amount(policy: CompiledPolicy, lines: Iterable[Line]) -> Decimal:
    """What one measure is worth to the enterprise: its lines summed, with enterprise caps."""
    cap = enterprise_cap(policy)
    if cap is None:
        return sum((line.amount or ZERO for line in lines), ZERO)
    groups: dict[Any, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        key = line.ctx.get(policy.cap_per) if policy.cap_per else None
        groups[key] += line.amount or ZERO
    return sum((min(total, cap) for total in groups.values()), ZERO)


def total(lines: Iterable[Line]) -> tuple[Decimal, dict[str, str]]:
    """Money at stake over `lines`, counting an exclusive group once at its best measure.

    Returns the total and, for each measure left out of a group, the measure that won.
    """
    by_policy: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        by_policy[line.policy.slug].append(line)
    return _grouped(
        (slug, ls[0].policy, policy_amount(ls[0].policy, ls)) for slug, ls in by_policy.items()
    )


def _grouped(
    amounts: Iterable[tuple[str, CompiledPolicy, Decimal]],
) -> tuple[Decimal, dict[str, str]]:
    """The sum of (slug, policy, money) with each exclusive group counted once at its best
    measure (the first of equals wins), and the measures a group left out, with their winner."""
    best: dict[str, tuple[Decimal, str]] = {}
    excluded: dict[str, str] = {}
    result = ZERO
    for slug, policy, amount in amounts:
        group = policy.exclusive_group
        if not group:
            result += amount
            continue
        if group in best and best[group][0] >= amount:
            excluded[slug] = best[group][1]
            continue
        if group in best:
            excluded[best[group][1]] = slug
        best[group] = (amount, slug)
    return result + sum((amount for amount, _ in best.values()), ZERO), excluded


@dataclass(frozen=True)
class MatchReport:
    as_of: date
    lines: tuple[Line, ...]

    @cached_property
    def eligible_total(self) -> tuple[Decimal, dict[str, str]]:
        """total() of the eligible lines: summary(), to_json() and the advice all need it."""
        amounts, _ = self.eligible_amounts
        return _grouped(
            (slug, lines[0].policy, amounts[slug])
            for slug, lines in self.eligible_by_policy.items()
        )

    @cached_property
    def eligible_by_policy(self) -> dict[str, list[Line]]:
        """The eligible lines by measure (slug)."""
        index: dict[str, list[Line]] = defaultdict(list)
        for line in self.lines:
            if line.outcome == TRUE:
                index[line.policy.slug].append(line)
        return index

    @cached_property
    def eligible_amounts(self) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
        """What the eligible lines are worth by measure (caps applied), and the best measure of
        each 不重复享受 group: the advice works out what a change adds from these, measure by
        measure, rather than adding up the whole report twice for each question and change."""
        amounts: dict[str, Decimal] = {}
        best: dict[str, Decimal] = {}
        for slug, lines in self.eligible_by_policy.items():
            policy = lines[0].policy
            amounts[slug] = amount = policy_amount(policy, lines)
            if group := policy.exclusive_group:
                best[group] = max(best.get(group, ZERO), amount)
        return amounts, best

    def gain(self, extra: Iterable[Line]) -> Decimal:
        """What `extra` lines, were they eligible, would add to the money the eligible lines are
        worth (caps and 不重复享受 groups applied, as in total_amount). Only the measures of
        `extra` change: an ungrouped one adds its new money less its old, and a group gains what
        its best measure gains. A measure's money never falls when lines are added (amounts are
        never negative and a cap is a minimum), so a group's new best is the larger of its old
        best and the new money of its measures in `extra`."""
        own = self.eligible_by_policy
        amounts, best = self.eligible_amounts
        by_policy: dict[str, list[Line]] = defaultdict(list)
        for line in extra:
            by_policy[line.policy.slug].append(line)
        gain = ZERO
        group_after: dict[str, Decimal] = {}
        for slug, lines in by_policy.items():
            policy = lines[0].policy
            if enterprise_cap(policy) is not None:
                after = policy_amount(policy, [*own.get(slug, ()), *lines])
            else:  # the lines' money adds to what the measure has, without summing it again
                after = amounts.get(slug, ZERO) + policy_amount(policy, lines)
            if group := policy.exclusive_group:
                group_after[group] = max(group_after.get(group, ZERO), after)
            else:
                gain += after - amounts.get(slug, ZERO)
        for group, after in group_after.items():
            gain += max(after - best.get(group, ZERO), ZERO)
        return max(gain, ZERO)

    def summary(self) -> dict[str, Any]:
        open_ = [line for line in self.lines if line.outcome == UNKNOWN]
        total_amount, _ = self.eligible_total
        return {
            "eligible": sum(1 for line in self.lines if line.outcome == TRUE),
            "ineligible": sum(1 for line in self.lines if line.outcome == FALSE),
            "undetermined": len(open_),
            "total_amount": total_amount,
            "could_unlock_amount": self.gain(open_),
        }

    def summary_json(self) -> dict[str, Any]:
        """summary() with its money as decimal strings (design §7)."""
        summary = self.summary()
        summary["total_amount"] = str(summary["total_amount"])
        summary["could_unlock_amount"] = str(summary["could_unlock_amount"])
        return summary

    @cached_property
    def names(self) -> dict[str, Any]:
        """Each measure's name by slug (a 不重复享受 note names the measure that won)."""
        return {line.policy.slug: line.policy.name for line in self.lines}

    def display_order(self) -> list[int]:
        """The lines' indices as results are shown: eligible, undetermined, ineligible, each
        by measure (a measure's lines in their own order)."""
        lines = self.lines
        return sorted(
            range(len(lines)), key=lambda i: (_ORDER[lines[i].outcome], lines[i].policy.slug)
        )

    def to_json(self, language: str = "zh-hans") -> dict[str, Any]:
        """The design §7 response, every human-readable string in `language`."""
        language = normalize_language(language)
        _, excluded = self.eligible_total
        return {
            "as_of": self.as_of.isoformat(),
            "summary": self.summary_json(),
            "results": [
                cached_result(self.lines[i], language, excluded, self.names)
                for i in self.display_order()
            ],
        }


# Rendered result lines by everything they show (design §10: rendering a report cost more than
# matching it). A measure's line depends only on the facts its rule and formula read, so
# profiles that differ elsewhere share it, as they share explain.py's sentences. Keyed by
# id(policy) like those: the entry keeps its policy, so the id is not reused while cached, and
# a new catalogue (a publish) brings new policies. The lines are shared between reports:
# callers read them and never change them.
_LINES: dict[tuple[Any, ...], tuple[CompiledPolicy, dict[str, Any]]] = {}
_LINES_MAX = 10_000  # about 1.5 KB a line


def cached_result(
    line: Line, language: str, excluded: dict[str, str], names: dict
) -> dict[str, Any]:
    policy = line.policy
    winner = excluded.get(policy.slug) if line.outcome == TRUE else None
    try:
        shown = tuple(map(line.ctx.get, policy.shown_facts))
        key = (id(policy), language, line.ref, line.outcome, line.trace, line.amount, winner, shown)
        cached = _LINES.get(key)
    except TypeError:  # an unhashable value: render without the cache
        return _result(line, language, excluded, names)
    if cached is not None and cached[0] is policy:
        return cached[1]
    result = _result(line, language, excluded, names)
    if len(_LINES) >= _LINES_MAX:
        _LINES.clear()
    _LINES[key] = (policy, result)
    return result


def _result(line: Line, language: str, excluded: dict[str, str], names: dict) -> dict[str, Any]:
    policy = line.policy
    notes = [note.get(language) for note in (policy.amount_note, policy.value_note) if note]
    winner = excluded.get(policy.slug)
    if winner and line.outcome == TRUE:
        notes.append(
            f"与“{names[winner].zh}”不重复享受，合计按较高者计"
            if language == "zh-hans"
            else f"Not cumulative with '{names[winner].en}': the total counts the higher one"
        )
    return {
        "policy": policy.slug,
        "name": policy.name.get(language),
        "category": policy.category,
        "status": line.status,
        "subject": {"type": policy.subject.value, "ref": line.ref},
        "amount": None if line.amount is None else str(line.amount),
        "amount_note": "；".join(notes) if language == "zh-hans" else "; ".join(notes),
        "reasons": reasons_json(
            reasons(policy.rule.rule, line.trace, line.ctx, language), policy, language
        ),
        "missing": [
            {"fact": name, "label": FACTS[name].label.get(language)} for name in line.missing()
        ],
    }


def _source(basis: Basis | None, policy: CompiledPolicy) -> dict[str, Any] | None:
    """The source a condition rests on: named by ref, else the one quoting it."""
    if basis is None:
        return None
    chosen = None
    for source in policy.sources:
        if basis.source and source.get("ref") == basis.source:
            chosen = source
            break
        quote = str(source.get("quote") or "")
        if basis.kind == "stated" and quote and (basis.text.zh in quote or quote in basis.text.zh):
            chosen = chosen or source
    if chosen is None and basis.kind == "stated" and len(policy.sources) == 1:
        chosen = policy.sources[0]
    url = str((chosen or {}).get("url") or "")
    return {
        "quote": basis.text.zh if basis.kind == "stated" else None,
        "title": (chosen or {}).get("title"),
        "url": url if url.startswith(("http://", "https://")) else None,
    }


def reasons_json(
    items: list[dict[str, Any]], policy: CompiledPolicy, language: str
) -> list[dict[str, Any]]:
    """The engine's reason items with their provenance: `basis`, the reasoning (`note`) of a
    derived or assumed condition, and the `source` (quote, title, link) a condition rests on."""
    shown = []
    for item in items:
        basis: Basis | None = item["basis"]
        shown.append(
            {
                **{k: v for k, v in item.items() if k != "basis"},
                "basis": basis.kind if basis else None,
                "note": basis.text.get(language) if basis and basis.kind != "stated" else None,
                "source": _source(basis, policy),
            }
        )
    return shown
