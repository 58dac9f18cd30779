import re
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey
from simple_history.models import HistoricalRecords
from stdnum.cn import uscc

from .fields import fact_field


def normalize_credit_code(value: str | None) -> str | None:
    """A code as stored: upper case, without surrounding spaces; None for no code. The check
    digit is computed over upper-case letters, and two spellings of one code are one code."""
    if value is None:
        return None
    return value.strip().upper() or None


_CONTROL = r"\x00-\x1f\x7f-\x9f"
# Spaces and the usual invisible format characters (soft hyphen, zero-width and direction
# marks, word joiners, the byte-order mark): none of them alone makes a name readable.
_INVISIBLE = r"\s\u00ad\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
# The rule as one pattern, which the API's schema states as it is.
VISIBLE_NAME_PATTERN = f"^[^{_CONTROL}]*[^{_CONTROL}{_INVISIBLE}][^{_CONTROL}]*$"
_VISIBLE_NAME = re.compile(VISIBLE_NAME_PATTERN)
_HAS_CONTROL = re.compile(f"[{_CONTROL}]")


def validate_visible_name(value: str) -> None:
    """A name needs something to read, and no control characters (a newline, a tab, an
    escape) anywhere: VISIBLE_NAME_PATTERN."""
    if not value:
        return
    if _HAS_CONTROL.search(value):
        raise ValidationError(_("不能包含控制字符（如换行）"), code="control_character")
    if not _VISIBLE_NAME.fullmatch(value):
        raise ValidationError(_("应包含可见的文字"), code="invisible")


class CreditCodeField(models.CharField):
    """A 统一社会信用代码 column that stores, and looks up, the normalised code."""

    def to_python(self, value: object) -> str | None:
        text = super().to_python(value)
        return normalize_credit_code(text)

    def get_prep_value(self, value: object) -> object:
        value = super().get_prep_value(value)
        return normalize_credit_code(value) if isinstance(value, str) else value


def validate_credit_code(value: str) -> None:
    """统一社会信用代码: 18 characters with a valid check digit (GB 32100-2015)."""
    if not uscc.is_valid(value):
        raise ValidationError(
            _("“%(value)s”不是有效的统一社会信用代码"), code="invalid", params={"value": value}
        )


CREDIT_CODE_TAKEN = "credit_code_taken"


class Partner(models.Model):
    """An organisation that uses the API; its keys and enterprises belong to it."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("合作方")
        verbose_name_plural = _("合作方")

    def __str__(self) -> str:
        return self.name


class PartnerAPIKey(AbstractAPIKey):
    """A partner's key for the REST API; only a hash is stored, the key is shown once."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("合作方"), on_delete=models.CASCADE, related_name="api_keys"
    )

    class Meta:
        ordering = ("-created",)
        verbose_name = _("API 密钥")
        verbose_name_plural = _("API 密钥")


class Enterprise(models.Model):
    name = models.CharField(_("企业名称"), max_length=200, validators=[validate_visible_name])
    name_en = models.CharField(
        _("英文名称"), max_length=200, blank=True, validators=[validate_visible_name]
    )
    # NULL, not "", for "no code": NULLs never collide in the unique constraints below.
    credit_code = CreditCodeField(
        _("统一社会信用代码"),
        max_length=18,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("所属用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("合作方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # One more on every save: the API's ETag, so that a partner can tell a concurrent edit.
    revision = models.PositiveIntegerField(_("修订号"), default=0, editable=False)
    # When the whole profile was last matched (every measure): results older than a profile
    # change are being worked out again. Set without a save (no revision, no history).
    matched_at = models.DateTimeField(_("上次匹配时间"), null=True, blank=True, editable=False)
    # When its owner last saw the results page: the changes since are "new" to them.
    changes_seen_at = models.DateTimeField(
        _("上次查看结果时间"), null=True, blank=True, editable=False
    )

    registered_district = fact_field("registered_district")
    registered_on = fact_field("registered_on")
    registered_capital = fact_field("registered_capital")
    employee_count = fact_field("employee_count")
    annual_revenue = fact_field("annual_revenue")
    revenue_growth_rate = fact_field("revenue_growth_rate")
    rd_expense = fact_field("rd_expense")
    industry = fact_field("industry")
    is_strategic_emerging = fact_field("is_strategic_emerging")
    is_future_industry = fact_field("is_future_industry")
    is_high_tech_enterprise = fact_field("is_high_tech_enterprise")
    in_hte_cultivation_pool = fact_field("in_hte_cultivation_pool")
    high_tech_certified_on = fact_field("high_tech_certified_on")
    is_specialized_sme = fact_field("is_specialized_sme")
    is_little_giant = fact_field("is_little_giant")
    invention_patents = fact_field("invention_patents")
    ip_count = fact_field("ip_count")
    has_bad_credit = fact_field("has_bad_credit")
    tax_registered_in_nanshan = fact_field("tax_registered_in_nanshan")
    is_in_sme_tech_database = fact_field("is_in_sme_tech_database")
    office_area_sqm = fact_field("office_area_sqm")
    funding_stage = fact_field("funding_stage")
    participates_open_source = fact_field("participates_open_source")
    is_scenario_publisher = fact_field("is_scenario_publisher")
    is_scenario_solver = fact_field("is_scenario_solver")
    is_space_operator = fact_field("is_space_operator")
    is_vc_institution = fact_field("is_vc_institution")
    vc_investment_last_year = fact_field("vc_investment_last_year")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["id"]
        # A credit code is unique per partner, and once more among the enterprises of no
        # partner (startups, demo, staff): globally unique, a partner storing a code would
        # learn from the refusal that another partner had stored it.
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "credit_code"],
                condition=models.Q(partner__isnull=False),
                name="enterprise_credit_code_unique_per_partner",
                violation_error_code=CREDIT_CODE_TAKEN,
                violation_error_message=_("已有企业使用此统一社会信用代码"),
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=models.Q(partner__isnull=True),
                name="enterprise_credit_code_unique_without_partner",
                violation_error_code=CREDIT_CODE_TAKEN,
                violation_error_message=_("已有企业使用此统一社会信用代码"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.revision += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "revision"}
        super().save(*args, **kwargs)

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        # Django reports a conditional constraint on no field; the admin form and the API
        # should show this one on the credit code field, where it can be fixed.
        try:
            super().validate_constraints(exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict({})
            others = errors.pop(NON_FIELD_ERRORS, [])
            taken = [e for e in others if getattr(e, "code", None) == CREDIT_CODE_TAKEN]
            if taken:
                errors.setdefault("credit_code", []).extend(taken)
            rest = [e for e in others if e not in taken]
            if rest:
                errors[NON_FIELD_ERRORS] = rest
            raise ValidationError(errors) from exc


class Person(models.Model):
    """Someone working in (or founding) an enterprise. Minimal personal data: no ID numbers."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="people"
    )
    ref = models.CharField(_("编号"), max_length=40)
    name = models.CharField(
        _("姓名（选填）"), max_length=100, blank=True, validators=[validate_visible_name]
    )

    degree = fact_field("degree")
    graduated_on = fact_field("graduated_on")
    is_fresh_graduate = fact_field("is_fresh_graduate")
    hukou_city = fact_field("hukou_city")
    hukou_district = fact_field("hukou_district")
    hukou_transferred_on = fact_field("hukou_transferred_on")
    # A birth date, not an age: the age is derived on each evaluation date (design §13).
    born_on = fact_field("born_on")
    born_on_estimated = models.BooleanField(
        _("出生日期为估算"),
        default=False,
        help_text=_("由旧版保存的年龄估算（年龄减半年），不是本人填写的日期"),
    )
    is_founder = fact_field("is_founder")
    talent_tier = fact_field("talent_tier")
    works_for_enterprise_since = fact_field("works_for_enterprise_since")
    is_student = fact_field("is_student")
    owns_home_in_shenzhen = fact_field("owns_home_in_shenzhen")

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "ref"], name="person_ref_unique")
        ]

    def __str__(self) -> str:
        return self.name or self.ref


class Loan(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="loans"
    )
    ref = models.CharField(_("编号"), max_length=40)

    product = fact_field("product")
    amount = fact_field("amount")
    rate = fact_field("rate")
    interest_paid = fact_field("interest_paid")
    guarantee_fee = fact_field("guarantee_fee")
    other_fees = fact_field("other_fees")

    class Meta:
        verbose_name = _("贷款/融资")
        verbose_name_plural = _("贷款/融资")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "ref"], name="loan_ref_unique")
        ]

    def __str__(self) -> str:
        return self.ref
