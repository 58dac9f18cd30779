"""An enterprise profile (its facts, people and loans), validated against the fact registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .rules import FACTS, Kind, RuleError, Subject, Text, coerce_value, facts_for, with_derived

Values = dict[str, Any]
_LIMITS: dict[str, tuple[int, int]] = {"age": (0, 130)}


class ProfileError(ValueError):
    """Every problem of a profile, keyed by field path (`people[1].graduated_on`)."""

    def __init__(self, errors: dict[str, Text]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{path}: {text.en}" for path, text in errors.items()))

    def messages(self, language: str | None) -> dict[str, str]:
        return {path: text.get(language) for path, text in self.errors.items()}


@dataclass(frozen=True)
class Profile:
    enterprise: Values = field(default_factory=dict)
    people: tuple[tuple[str, Values], ...] = ()
    loans: tuple[tuple[str, Values], ...] = ()

    @classmethod
    def from_data(cls, data: Any, *, for_storage: bool = False) -> Profile:
        """Validate a design §7 request body (without its as_of); raises ProfileError.

        A one-off match may also give the derived facts that accept input (a person's age,
        when the birth date is unknown); a profile to be stored may not: it keeps the inputs."""
        errors: dict[str, Text] = {}
        if not isinstance(data, dict):
            raise ProfileError({"": Text("应为 JSON 对象", "expected a JSON object")})
        unknown = sorted(set(data) - {"enterprise", "people", "loans", "as_of"})
        for key in unknown:
            errors[key] = Text(f"未知的字段“{key}”", f"unknown field '{key}'")
        # An absent section is empty; a section sent as null is a mistake (the schema says
        # none is nullable), never a way to wipe it: a fact set to null is how one fact
        # becomes unknown.
        for key in ("enterprise", "people", "loans"):
            if key in data and data[key] is None:
                errors[key] = Text("不能为 null：不填请省略此项", "may not be null: leave it out")
        fields = _STORED if for_storage else _GIVEN
        enterprise = _values(
            data.get("enterprise", {}), fields[Subject.ENTERPRISE], "enterprise", errors
        )
        people = _subjects(data.get("people"), fields[Subject.PERSON], "people", "p", errors)
        loans = _subjects(data.get("loans"), fields[Subject.LOAN], "loans", "l", errors)
        if errors:
            raise ProfileError(errors)
        return cls(enterprise, people, loans)

    @staticmethod
    def enterprise_fields() -> tuple[str, ...]:
        return tuple(_FIELDS[Subject.ENTERPRISE])

    @staticmethod
    def person_fields() -> tuple[str, ...]:
        return tuple(_FIELDS[Subject.PERSON])

    @staticmethod
    def loan_fields() -> tuple[str, ...]:
        return tuple(_FIELDS[Subject.LOAN])

    @classmethod
    def from_rows(
        cls, enterprise: Values, people: list[tuple[str, Values]], loans: list[tuple[str, Values]]
    ) -> Profile:
        """A profile from stored rows (already typed): None columns are unknown facts."""

        def known(values: Values, names: dict[str, Any]) -> Values:
            return {k: v for k, v in values.items() if k in names and v is not None}

        return cls(
            known(enterprise, _FIELDS[Subject.ENTERPRISE]),
            tuple((ref, known(v, _FIELDS[Subject.PERSON])) for ref, v in people),
            tuple((ref, known(v, _FIELDS[Subject.LOAN])) for ref, v in loans),
        )

    def date_problems(self, as_of: date, language: str | None) -> dict[str, str]:
        """Dates that cannot be true on `as_of`, by field path: a company registered after
        it (a "younger than 3 years" measure would take 9999-12-31 for a new company), a
        person born after it."""
        text = Text(
            f"不能晚于评估日期 {as_of.isoformat()}",
            f"may not be after the evaluation date {as_of.isoformat()}",
        ).get(language)
        found = {}
        registered = self.enterprise.get("registered_on")
        if registered is not None and registered > as_of:
            found["enterprise.registered_on"] = text
        for index, (_ref, values) in enumerate(self.people):
            born = values.get("born_on")
            if born is not None and born > as_of:
                found[f"people[{index}].born_on"] = text
        return found

    def contexts(
        self, as_of: date
    ) -> tuple[Values, list[tuple[str, Values]], list[tuple[str, Values]]]:
        """Fact values with derived facts for the enterprise, each person and each loan."""
        ent = with_derived(Subject.ENTERPRISE, dict(self.enterprise), as_of)
        people = [
            (ref, with_derived(Subject.PERSON, {**ent, **v}, as_of)) for ref, v in self.people
        ]
        loans = [(ref, with_derived(Subject.LOAN, {**ent, **v}, as_of)) for ref, v in self.loans]
        return ent, people, loans


_FIELDS = {s: {f.name: f for f in facts_for(s, derived=False)} for s in Subject}
_STORED = {s: (s, _FIELDS[s]) for s in Subject}
_GIVEN = {
    s: (s, {**_FIELDS[s], **{f.name: f for f in facts_for(s) if f.accepts_input}}) for s in Subject
}
Allowed = tuple[Subject, dict[str, Any]]


def _values(raw: Any, fields: Allowed, path: str, errors: dict[str, Text]) -> Values:
    if raw is None:  # reported by from_data
        return {}
    if not isinstance(raw, dict):
        errors[path] = Text("应为 JSON 对象", "expected a JSON object")
        return {}
    subject, allowed = fields
    values: Values = {}
    for name, value in raw.items():
        key = f"{path}.{name}"
        if name in ("ref", "name") and subject is not Subject.ENTERPRISE:
            continue
        fact = allowed.get(name)
        if fact is None:
            hint = FACTS.get(name)
            errors[key] = (
                Text(
                    f"“{name}”是计算得出的，请填写{'、'.join(hint.inputs)}",
                    f"'{name}' is computed: give {', '.join(hint.inputs)} instead",
                )
                if hint is not None and hint.derived and hint.subject == subject
                else Text(f"未知的字段“{name}”", f"unknown field '{name}'")
            )
            continue
        if value is None or value == "":
            continue  # unknown
        try:
            coerced = coerce_value(fact, value, key)
        except RuleError as exc:
            errors[key] = exc.message
            continue
        problem = _out_of_range(fact.name, fact.kind, coerced)
        if problem:
            errors[key] = problem
            continue
        values[name] = coerced
    return values


def _out_of_range(name: str, kind: Kind, value: Any) -> Text | None:
    # The columns hold 14 whole digits (money: 16 digits, 2 decimals) or 6 (ratios: 12, 6).
    if (
        value is not None
        and kind in (Kind.DECIMAL, Kind.RATIO)
        and (value.adjusted() >= (14 if kind is Kind.DECIMAL else 6))
    ):
        return Text("数值过大", "number too large")
    if kind is Kind.INT and abs(value) > 2**31 - 1:
        return Text("数值过大", "number too large")
    if kind is Kind.DECIMAL and value < 0:
        return Text("金额不能为负数", "an amount cannot be negative")
    if kind is Kind.DECIMAL and value != value.quantize(Decimal("0.01")):
        return Text("金额最多保留两位小数（分）", "an amount has at most two decimals (fen)")
    if kind is Kind.INT and value < 0:
        return Text("不能为负数", "cannot be negative")
    low, high = _LIMITS.get(name, (None, None))
    if low is not None and high is not None and not low <= value <= high:
        return Text(f"应在 {low} 到 {high} 之间", f"must be between {low} and {high}")
    if name == "rate" and not Decimal(0) <= value <= Decimal(1):
        return Text(
            "年利率应在 0 到 1 之间（0.035 表示 3.5%）", "a rate is between 0 and 1 (0.035 = 3.5%)"
        )
    return None


def _subjects(
    raw: Any, fields: Allowed, path: str, prefix: str, errors: dict[str, Text]
) -> tuple[tuple[str, Values], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        errors[path] = Text("应为列表", "expected a list")
        return ()
    result: list[tuple[str, Values]] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        item_path = f"{path}[{i}]"
        if not isinstance(item, dict):
            errors[item_path] = Text("应为 JSON 对象", "expected a JSON object")
            continue
        ref = item.get("ref") or f"{prefix}{i + 1}"
        if not isinstance(ref, str) or len(ref) > 40:
            errors[f"{item_path}.ref"] = Text(
                "编号应为不超过 40 个字符的文字", "ref is a text of at most 40 characters"
            )
            continue
        if ref in seen:
            errors[f"{item_path}.ref"] = Text(f"编号“{ref}”重复", f"ref '{ref}' is used twice")
        seen.add(ref)
        result.append((ref, _values(item, fields, item_path, errors)))
    return tuple(result)
