"""Model fields for facts, read from the rule engine's registry (the one list of facts)."""

from typing import Any

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import get_language

from policy_match.rules import FACTS, Kind, Text


def _localized(text: Text) -> str:
    return lazy(lambda: text.get(get_language()), str)()


def fact_field(name: str) -> Any:
    """A nullable column for one fact: null means unknown (three-valued logic)."""
    fact = FACTS[name]
    assert not fact.derived, f"{name} is derived and has no column"
    options: dict[str, Any] = {
        "null": True,
        "blank": True,
        "verbose_name": _localized(fact.label),
        "help_text": _localized(fact.help),
    }
    if fact.kind is Kind.BOOL:
        return models.BooleanField(**options)
    if fact.kind is Kind.INT:
        return models.IntegerField(**options)
    if fact.kind is Kind.DECIMAL:
        return models.DecimalField(max_digits=16, decimal_places=2, **options)
    if fact.kind is Kind.RATIO:
        return models.DecimalField(max_digits=12, decimal_places=6, **options)
    if fact.kind is Kind.DATE:
        return models.DateField(**options)
    if fact.kind is Kind.CODE and not fact.open_choices:
        options["choices"] = [(c.code, _localized(c.label)) for c in fact.choices]
    return models.CharField(max_length=40, **options)
