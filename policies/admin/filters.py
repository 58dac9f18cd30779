"""List filters of the policy list: issuer and validity of the current version."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Policy, PolicyVersion, VersionStatus
from .common import language


class IssuerFilter(admin.SimpleListFilter):
    title = _("发布部门")
    parameter_name = "issuer"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        rows = (
            PolicyVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .exclude(issuer_zh_hans="")
            .exclude(issuer_zh_hans__isnull=True)
            .values_list("issuer_zh_hans", "issuer_en")
            .distinct()
            .order_by("issuer_zh_hans")
        )
        english = language() == "en"
        return [(zh, (en or zh) if english else zh) for zh, en in rows]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Policy]) -> QuerySet[Policy]:
        if self.value():
            return queryset.filter(current_version__issuer_zh_hans=self.value())
        return queryset


class ValidityFilter(admin.SimpleListFilter):
    """The current version's validity on today's date (Asia/Shanghai)."""

    title = _("有效期")
    parameter_name = "validity"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("active", _("现行有效")),
            ("ending", _("30 天内到期")),
            ("future", _("尚未生效")),
            ("expired", _("已过期")),
            ("open", _("无截止日期")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Policy]) -> QuerySet[Policy]:
        today = timezone.localdate()
        started = Q(current_version__valid_from__isnull=True) | Q(
            current_version__valid_from__lte=today
        )
        not_ended = Q(current_version__valid_to__isnull=True) | Q(
            current_version__valid_to__gte=today
        )
        conditions = {
            "active": started & not_ended,
            "ending": Q(
                current_version__valid_to__gte=today,
                current_version__valid_to__lte=today + timedelta(days=30),
            ),
            "future": Q(current_version__valid_from__gt=today),
            "expired": Q(current_version__valid_to__lt=today),
            "open": Q(current_version__isnull=False, current_version__valid_to__isnull=True),
        }
        condition = conditions.get(self.value() or "")
        return queryset if condition is None else queryset.filter(condition)
