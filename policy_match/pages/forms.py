"""Forms of the startup pages, generated from the fact registry (design §4, §8).

Every non-derived fact of a subject becomes one optional field, labelled, explained and united
from the registry, so a new fact appears in the profile form without a template change. The
fields accept what people type (`2024/3/1`, `3,000,000`, `3.5%`) and normalise it; the range
checks are the profile's own (`Profile.from_data`), mapped back onto the fields by the views.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from enterprises.models import validate_visible_name
from policies.models import Category, Jurisdiction, SubjectType
from policy_match.rules import Fact, Kind, Subject, facts_for

# A year and month alone read as the month's first day (a birth date may be given so).
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d",
                "%Y-%m", "%Y/%m", "%Y.%m", "%Y年%m月"]  # fmt: skip
_NUMBER_NOISE = re.compile(r"[\s,，_¥￥元]")
# Raw draft values of a boolean fact (the session keeps what was posted, valid or not).
TRUE, FALSE = "true", "false"


def _number_text(value: Any) -> str:
    return _NUMBER_NOISE.sub("", str(value or ""))


class FactDateField(forms.DateField):
    widget = forms.DateInput(format="%Y-%m-%d", attrs={"autocomplete": "off"})
    default_error_messages = {"invalid": _("请按“年-月-日”填写日期，例如 2024-03-01")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=DATE_FORMATS, **kwargs)


class FactIntegerField(forms.IntegerField):
    default_error_messages = {"invalid": _("请填写整数，例如 8")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.TextInput(attrs={"inputmode": "numeric"}), **kwargs)

    def to_python(self, value: Any) -> Any:
        return super().to_python(_number_text(value))


class _FiniteDecimalField(forms.DecimalField):
    """Refuses NaN and infinities while reading the text, with the field's own message.

    Django's DecimalField refuses them later, in validate(), passing the value as a message
    parameter: a message holding a literal "%" (3.5%) then fails to format, a 500 on every
    later load of a step whose saved answer is "NaN"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **kwargs)

    def to_python(self, value: Any) -> Any:
        try:
            result = self.read(_number_text(value))
        except InvalidOperation:  # sNaN in arithmetic, or a text Decimal cannot read
            result = Decimal("NaN")
        if result is not None and not result.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return result

    def read(self, text: str) -> Decimal | None:
        return super().to_python(text)


class FactMoneyField(_FiniteDecimalField):
    """Yuan: thousands separators, ¥ and 元 are allowed in what people type."""

    default_error_messages = {"invalid": _("请填写金额（元），例如 3000000")}


class FactRatioField(_FiniteDecimalField):
    """A ratio (0.035 = 3.5 %); "3.5%" is read as a percentage."""

    default_error_messages = {"invalid": _("请填写小数（如 0.035）或百分比（如 3.5%）")}

    def read(self, text: str) -> Decimal | None:
        text = text.replace("％", "%")
        if not text.endswith("%"):
            return super().read(text)
        return Decimal(text[:-1]) / 100


def _bool(value: str) -> bool:
    return value == TRUE


def fact_field(fact: Fact, language: str) -> forms.Field:
    """One optional form field for a fact, in `language`."""
    options: dict[str, Any] = {
        "required": False,
        "label": fact.label.get(language),
        "help_text": fact.help.get(language),
    }
    unknown = _("不清楚")
    field: forms.Field
    if fact.kind is Kind.BOOL:
        choices = [(TRUE, _("是")), (FALSE, _("否")), ("", unknown)]
        field = forms.TypedChoiceField(
            choices=choices, coerce=_bool, empty_value=None, widget=forms.RadioSelect, **options
        )
    elif fact.kind is Kind.CODE:
        codes = [(c.code, c.label.get(language)) for c in fact.choices]
        field = forms.TypedChoiceField(
            choices=[("", _("— 不清楚 —")), *codes], empty_value=None, **options
        )
    elif fact.kind is Kind.CODES:
        codes = [(c.code, c.label.get(language)) for c in fact.choices]
        field = forms.TypedMultipleChoiceField(
            choices=codes, widget=forms.CheckboxSelectMultiple, empty_value=None, **options
        )
    elif fact.kind is Kind.INT:
        field = FactIntegerField(**options)
    elif fact.kind is Kind.DECIMAL:
        field = FactMoneyField(max_digits=16, **options)
    elif fact.kind is Kind.RATIO:
        field = FactRatioField(max_digits=12, decimal_places=6, **options)
    else:
        # A text box rather than <input type=date>: people type dates in several ways, and a
        # typo comes back as an error next to the field instead of being silently dropped.
        options["help_text"] = format_lazy(
            "{} {}", options["help_text"], _("（年-月-日，如 2024-03-01）")
        )
        field = FactDateField(**options)
    return field


def draft_value(fact: Fact, value: Any) -> Any:
    """A stored fact value as the raw text a form field would post."""
    if value is None:
        return ""
    if fact.kind is Kind.BOOL:
        return TRUE if value else FALSE
    if fact.kind is Kind.CODES:
        return [str(v) for v in value]
    if fact.kind in (Kind.DECIMAL, Kind.RATIO):
        text = format(Decimal(value).normalize(), "f")
        return text
    if fact.kind is Kind.DATE:
        return value.isoformat()
    return str(value)


class FactForm(forms.Form):
    """The facts of one subject (an enterprise, a person or a loan).

    A new form starts empty: a registry `default` (policies.md §6a) is never pre-filled, since a
    question the founder skipped must stay unknown, never become their "no" (#15)."""

    subject: Subject = Subject.ENTERPRISE

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for fact in facts_for(self.subject, derived=False):
            self.fields[fact.name] = fact_field(fact, language)

    @classmethod
    def facts(cls) -> list[Fact]:
        return facts_for(cls.subject, derived=False)

    def fact_values(self) -> dict[str, Any]:
        """The answered facts among the fields that are valid (after is_valid())."""
        cleaned = getattr(self, "cleaned_data", {})
        return {
            f.name: cleaned[f.name]
            for f in self.facts()
            if cleaned.get(f.name) not in (None, [], "")
        }


class EnterpriseForm(FactForm):
    subject = Subject.ENTERPRISE
    # Not a fact: shown on the printed results and used as the saved enterprise's name.
    enterprise_name = forms.CharField(
        label=_("企业名称（选填）"),
        help_text=_("打印结果时显示；登录后作为保存的企业名称"),
        required=False,
        max_length=200,
        validators=[validate_visible_name],
    )
    field_order = ["enterprise_name"]


class PersonForm(FactForm):
    subject = Subject.PERSON


class LoanForm(FactForm):
    subject = Subject.LOAN


FORMS: dict[str, type[FactForm]] = {
    "enterprise": EnterpriseForm,
    "people": PersonForm,
    "loans": LoanForm,
}


class MeasureFilterForm(forms.Form):
    """Filters of the published-measures list (GET)."""

    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *Category.choices]
    )
    subject = forms.ChoiceField(
        label=_("适用对象"), required=False, choices=[("", _("全部对象")), *SubjectType.choices]
    )
    jurisdiction = forms.ChoiceField(
        label=_("政策层级"), required=False, choices=[("", _("全部层级")), *Jurisdiction.choices]
    )


class AppliedForm(forms.Form):
    """ "Applied on <date>" for one result line (the measure and, for a person or loan, its
    ref); the use-case (applications.py) checks the line and the date's range."""

    policy = forms.SlugField(max_length=100)
    ref = forms.RegexField(regex=r"^[pl]\d{1,3}$", required=False)
    applied_on = FactDateField(
        label=_("申报日期"),
        error_messages={"required": _("请填写申报日期（年-月-日，如 2026-03-01）")},
    )
