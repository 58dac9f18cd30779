"""A report with its advice, as the API, the command and the pages show it (design §12).

Each line gains its honest money (`award`, `amount_kind`), its `confidence`, reasons with their
provenance, and its `unlock`; the summary gains `entitled_amount` and `competitive_amount`
(they sum to `total_amount`), `within_reach` (single changes ranked by the money they unlock)
and `ask_next` (missing facts ranked by the money they could settle).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar, cast

from policy_match.catalogue import CompiledPolicy
from policy_match.report import Line, MatchReport, cached_result, total
from policy_match.rules import FACTS, TRUE, UNKNOWN, Subject, normalize_language

from .line_json import CACHE_SIZE, change_json, line_extras
from .unlock import Change, Unlock, unlock

T = TypeVar("T")

# Unlocks and missing facts of lines, by what they depend on (as report.py's line cache): the
# measure (its id: the entry keeps it, so the id is not reused while cached), the subject, the
# outcome and trace, and every value the rule and formula read.
_UNLOCKS: dict[tuple[Any, ...], tuple[Any, Any]] = {}
_MISSING: dict[tuple[Any, ...], tuple[Any, Any]] = {}


def _key(line: Line) -> tuple[Any, ...] | None:
    try:
        shown = tuple(map(line.ctx.get, line.policy.shown_facts))
        key = (id(line.policy), line.ref, line.outcome, line.trace, shown)
        hash(key)
    except TypeError:  # an unhashable value: no cache
        return None
    return key


def _cached(
    store: dict[tuple[Any, ...], tuple[Any, Any]],
    key: tuple[Any, ...] | None,
    line: Line,
    make: Callable[[], T],
) -> T:
    """`make()`, cached in `store` by `key` for the line's measure (None: not cached)."""
    hit = store.get(key) if key is not None else None
    if hit is not None and hit[0] is line.policy:
        return cast(T, hit[1])
    made = make()
    if key is not None:
        if len(store) >= CACHE_SIZE:
            store.clear()
        store[key] = (line.policy, made)
    return made


@dataclass(frozen=True, slots=True)
class AdvisedLine:
    """A line as the answer shows it (its result with the advice's extras), its unlock, and
    for an undetermined line the facts it still needs."""

    json: dict[str, Any]
    unlock: Unlock | None
    missing: list[str] | None


# Advised lines by everything they show: the line's key above, its amount, the measure that won
# its 不重复享受 group, the language and the day. One lookup a line: the three lookups it
# replaces (unlock, missing facts, rendered extras, each with its own key) and merging the
# result with its extras were a fifth of a report's advice. Reports share the entries and
# never change them.
_ADVISED: dict[tuple[Any, ...], tuple[CompiledPolicy, AdvisedLine]] = {}


def advised_line(
    line: Line, report: MatchReport, excluded: dict[str, str], language: str
) -> AdvisedLine:
    winner = excluded.get(line.policy.slug) if line.outcome == TRUE else None
    base = _key(line)
    key = None if base is None else (base, line.amount, winner, language, report.as_of)
    hit = _ADVISED.get(key) if key is not None else None
    if hit is not None and hit[0] is line.policy:
        return hit[1]
    found = _cached(_UNLOCKS, base, line, lambda: unlock(line))
    missing = _cached(_MISSING, base, line, line.missing) if line.outcome == UNKNOWN else None
    result = cached_result(line, language, excluded, report.names)
    extras = line_extras(line, found, language, report.as_of)
    advised = AdvisedLine({**result, **extras}, found, missing)
    if key is not None:
        if len(_ADVISED) >= CACHE_SIZE:
            _ADVISED.clear()
        _ADVISED[key] = (line.policy, advised)
    return advised


def _as_eligible(line: Line, amount: Decimal | None) -> Line:
    return Line(line.policy, line.ref, TRUE, line.trace, line.ctx, amount)


def within_reach(
    report: MatchReport,
    unlocks: dict[int, Unlock | None],
    missing: dict[int, list[str]],
    language: str,
) -> list[dict[str, Any]]:
    """Single actionable changes, each with the measures it alone unlocks and the money."""
    by_change: dict[tuple[Any, ...], tuple[Change, list[Line]]] = {}
    for index, line in enumerate(report.lines):
        found = unlocks.get(index)
        if found is None or found.changes is None or len(found.changes) != 1:
            continue
        (change,) = found.changes
        if missing.get(index):
            continue  # still open after the change: a question decides it, not the change
        entry = by_change.setdefault(change.key, (change, []))
        entry[1].append(_as_eligible(line, found.amount))
    ranked = []
    for change, lines in by_change.values():
        ranked.append(
            {
                **change_json(change, language),
                "unlocks": sorted({line.policy.slug for line in lines}),
                "amount": str(report.gain(lines)),
            }
        )
    return sorted(ranked, key=lambda c: (-Decimal(c["amount"]), -len(c["unlocks"]), c["text"]))


def ask_next(
    report: MatchReport, missing: dict[int, list[str]], language: str
) -> list[dict[str, Any]]:
    """The missing facts, by the money the measures they could decide are worth."""
    decides: dict[tuple[str, str | None], list[Line]] = defaultdict(list)
    for index, names in missing.items():
        line = report.lines[index]
        for name in names:
            own = FACTS[name].subject is not Subject.ENTERPRISE
            decides[(name, line.ref if own else None)].append(line)
    # Several questions often decide the same lines (hukou city, district and date): their
    # money is worked out once.
    gains: dict[tuple[int, ...], str] = {}

    def gain(lines: list[Line]) -> str:
        key = tuple(map(id, lines))
        if key not in gains:
            # The lines as they are: gain() reads only their measures and amounts.
            gains[key] = str(report.gain(lines))
        return gains[key]

    asked = [
        {
            "fact": name,
            "ref": ref,
            "label": FACTS[name].label.get(language),
            "decides": sorted({line.policy.slug for line in lines}),
            "amount": gain(lines),
        }
        for (name, ref), lines in decides.items()
    ]
    return sorted(
        asked, key=lambda q: (-Decimal(q["amount"]), -len(q["decides"]), q["fact"], q["ref"] or "")
    )


def honest_money(report: MatchReport) -> dict[str, str]:
    """The eligible money that meeting the conditions gives, and the competitive maxima."""
    whole, _ = report.eligible_total
    entitled, _ = total(
        line for line in report.lines if line.outcome == TRUE and line.policy.award == "entitled"
    )
    entitled = min(entitled, whole)
    return {"entitled_amount": str(entitled), "competitive_amount": str(whole - entitled)}


def advised_json(report: MatchReport, language: str = "zh-hans") -> dict[str, Any]:
    """The design §7 response with the advice of §12, every string in `language`."""
    language = normalize_language(language)
    _, excluded = report.eligible_total
    lines = [advised_line(line, report, excluded, language) for line in report.lines]
    unlocks = {index: line.unlock for index, line in enumerate(lines)}
    # What the undetermined lines still need: the questions, and whether a change decides one.
    missing = {index: line.missing for index, line in enumerate(lines) if line.missing is not None}
    return {
        "as_of": report.as_of.isoformat(),
        "summary": {
            **report.summary_json(),
            **honest_money(report),
            "within_reach": within_reach(report, unlocks, missing, language),
            "ask_next": ask_next(report, missing, language),
        },
        "results": [lines[index].json for index in report.display_order()],
    }
