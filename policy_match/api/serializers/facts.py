"""The facts a request may send, as serializer fields of the OpenAPI schema.

Request serializers describe every fact (from the registry, the one list of facts) in the
OpenAPI schema, but their validation is `Profile.from_data`, the same bilingual, path-naming
validator the pages and commands use (serializers.profile_input). `fact_schema` is the one
statement of each fact's wire form: the schema shows it and validation checks against it.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from enterprises.models import Enterprise, Loan, Person
from policy_match.rules import Fact, Kind, Subject, facts_for

MONEY_PATTERN = r"^\d+\.\d{2}$"
# Texts are stored, and PostgreSQL refuses the NUL character: the schema says so.
NO_NUL_PATTERN = r"^[^\x00]*$"
NO_NUL = RegexValidator(NO_NUL_PATTERN, _lazy("不能包含空字符（NUL）"))
INT_MAX = 2**31 - 1  # an IntegerField column on every database
_MODELS: dict[Subject, type[models.Model]] = {
    Subject.ENTERPRISE: Enterprise,
    Subject.PERSON: Person,
    Subject.LOAN: Loan,
}


class DocumentedField(serializers.JSONField):
    """A field whose OpenAPI schema is given as is (DRF deep-copies fields by re-running
    __init__, so the schema travels as an argument)."""

    def __init__(self, *, schema: dict[str, Any], **kwargs: Any) -> None:
        self.schema = schema
        super().__init__(**kwargs)


class DocumentedFieldSchema(OpenApiSerializerFieldExtension):
    target_class = DocumentedField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return dict(self.target.schema)


def money_field(*, allow_null: bool = False, help_text: str = "") -> serializers.Field:
    schema = {
        "type": "string",
        "format": "decimal",
        "pattern": MONEY_PATTERN,
        "example": "30000.00",
    }
    return DocumentedField(schema=schema, allow_null=allow_null, help_text=help_text)


def fact_column(fact: Fact) -> Any:
    """The column storing `fact`: its digits, decimal places and choices bound the wire form."""
    return _MODELS[fact.subject]._meta.get_field(fact.name)


def fact_schema(fact: Fact) -> dict[str, Any]:
    """JSON schema of one fact's value in a request: exactly what validation accepts."""
    if fact.kind is Kind.BOOL:
        return {"type": "boolean"}
    if fact.kind is Kind.INT:
        maximum = 130 if fact.name == "age" else INT_MAX
        return {"type": "integer", "minimum": 0, "maximum": maximum}
    if fact.kind is Kind.DATE:
        return {"type": "string", "format": "date"}
    if fact.kind is Kind.DECIMAL:
        digits = fact_column(fact).max_digits - 2
        return {
            "type": "string",
            "format": "decimal",
            "pattern": rf"^\d{{1,{digits}}}(\.\d{{1,2}})?$",
        }
    if fact.kind is Kind.RATIO:
        if fact.name == "rate":
            return {
                "type": "string",
                "format": "decimal",
                "pattern": r"^(0(\.\d{1,6})?|1(\.0{1,6})?)$",
            }
        return {"type": "string", "format": "decimal", "pattern": r"^-?\d{1,5}(\.\d{1,6})?$"}
    codes = [choice.code for choice in fact.choices]
    if fact.open_choices:
        return {"type": "string", "pattern": r"^[a-z][a-z0-9_]{0,39}$", "example": codes[0]}
    if fact.kind is Kind.CODES:
        return {"type": "array", "items": {"type": "string", "enum": codes}}
    return {"type": "string", "enum": codes}


def _fact_field(fact: Fact) -> serializers.Field:
    help_text = f"{fact.label.zh} · {fact.label.en}. {fact.help.zh} · {fact.help.en}"
    if fact.unit is not None:
        help_text += f" ({fact.unit.zh} · {fact.unit.en})"
    if fact.kind is Kind.CODE and not fact.open_choices:
        # The column's own choices, so that the schema names one enum for input and output.
        return serializers.ChoiceField(
            choices=fact_column(fact).choices,
            required=False,
            allow_null=True,
            help_text=help_text,
        )
    return DocumentedField(
        schema=fact_schema(fact), required=False, allow_null=True, help_text=help_text
    )


def _facts_serializer(name: str, subject: Subject, doc: str, *, one_off: bool = False) -> Any:
    """A request serializer of one subject's facts; `one_off` adds the derived facts a
    one-off match may be given directly (an age, when the birth date is unknown)."""
    attrs: dict[str, Any] = {"__module__": __name__, "__doc__": doc}
    if subject is not Subject.ENTERPRISE:
        attrs["ref"] = serializers.CharField(
            required=False,
            max_length=40,
            validators=[NO_NUL],
            help_text="your id for this person or loan, unique in its list (default p1 … / l1 …)",
        )
    facts = [f for f in facts_for(subject) if not f.derived or (one_off and f.accepts_input)]
    attrs.update({fact.name: _fact_field(fact) for fact in facts})
    return type(name, (serializers.Serializer,), attrs)


EnterpriseFactsInputSerializer = _facts_serializer(
    "EnterpriseFactsInputSerializer",
    Subject.ENTERPRISE,
    "The enterprise's own facts; every one optional (absent or null = unknown).",
)
PersonInputSerializer = _facts_serializer(
    "PersonInputSerializer",
    Subject.PERSON,
    "One person working in the enterprise; every fact optional. No names or ID numbers. "
    "`age` may stand in for `born_on` in a one-off match.",
    one_off=True,
)
StoredPersonInputSerializer = _facts_serializer(
    "StoredPersonInputSerializer",
    Subject.PERSON,
    "One person of a stored enterprise; every fact optional. No names or ID numbers. A stored "
    "person keeps a birth date (`born_on`): the age is worked out on each evaluation date.",
)
LoanInputSerializer = _facts_serializer(
    "LoanInputSerializer", Subject.LOAN, "One loan or financing; every fact optional."
)
