"""How far a measure can be trusted (policies.md §1): the weakest basis of what decides its
result, computed from the tags of its catalogue file, never simply claimed.

A condition is `stated` (the source says it), `derived` (follows from a source by a step we
explain) or `assumed` (our choice); a condition without a tag counts as assumed. The amount and
dates count too: an `assumed` note on the benefit (cap, unit, formula reading) or on the dates
makes the measure assumed. The issuer and the application channel do not decide a result.
"""

from __future__ import annotations

from collections.abc import Mapping

from policy_match.rules import Rule
from policy_match.rules.nodes import Cond

RANK = {"assumed": 0, "derived": 1, "stated": 2}
AFFECTING = ("benefit", "dates")  # assumption notes that decide a result


def node_basis(rule: Rule) -> str:
    """The weakest basis of a rule's conditions (a group's own tag covers its choice of
    children, so it counts as well)."""
    levels = []
    for node in rule.nodes:
        if node.basis is not None:
            levels.append(node.basis.kind)
        elif isinstance(node, Cond):
            levels.append("assumed")
    return min(levels, key=RANK.__getitem__, default="stated")


def computed_confidence(rule: Rule, assumptions: Mapping[str, str]) -> str:
    """The weakest basis that affects a measure's result."""
    if any(assumptions.get(key) for key in AFFECTING):
        return "assumed"
    return node_basis(rule)
