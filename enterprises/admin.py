from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import AbstractAPIKey, APIKey
from simple_history.admin import SimpleHistoryAdmin

from policy_match.admin.enterprise import (
    EligibleForPolicyFilter,
    UndeterminedForPolicyFilter,
    changes_table,
    matches_table,
    opportunities_table,
)
from policy_match.admin.paginator import ScaledListMixin
from policy_match.jobs import REMATCH_ENTERPRISE, job_send
from policy_match.models import Match, MatchStatus
from policy_match.rules import Subject, facts_for

from .models import Enterprise, Loan, Partner, PartnerAPIKey, Person


class PersonInline(admin.StackedInline):
    model = Person
    extra = 0


class LoanInline(admin.StackedInline):
    model = Loan
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(ScaledListMixin, SimpleHistoryAdmin):
    list_display = (
        "name",
        "credit_code",
        "registered_district",
        "industry",
        "registered_on",
        "eligible_count",
        "partner",
    )
    list_filter = (
        "registered_district",
        "industry",
        "partner",
        EligibleForPolicyFilter,
        UndeterminedForPolicyFilter,
    )
    search_fields = ("name", "name_en", "credit_code")
    readonly_fields = ("matches", "opportunities", "changes")
    inlines = [PersonInline, LoanInline]
    actions = ["rematch_now"]
    fieldsets = [
        (None, {"fields": [("name", "name_en"), "credit_code", ("owner", "partner")]}),
        (gettext_lazy("匹配结果"), {"fields": ["matches"]}),
        (gettext_lazy("待申报的机会"), {"fields": ["opportunities"]}),
        (gettext_lazy("匹配变化记录"), {"classes": ["collapse"], "fields": ["changes"]}),
        (
            gettext_lazy("企业情况"),
            {"fields": [f.name for f in facts_for(Subject.ENTERPRISE, derived=False)]},
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enterprise]:
        eligible = Match.objects.filter(enterprise=OuterRef("pk"), status=MatchStatus.ELIGIBLE)
        count = eligible.values("enterprise").annotate(n=Count("policy", distinct=True)).values("n")
        return super().get_queryset(request).annotate(eligible_policies=Subquery(count[:1]))

    @admin.display(description=gettext_lazy("符合政策数"), ordering="eligible_policies")
    def eligible_count(self, obj: Enterprise) -> int:
        return getattr(obj, "eligible_policies", None) or 0

    @admin.display(description=gettext_lazy("匹配结果"))
    def matches(self, obj: Enterprise) -> Any:
        return matches_table(obj) if obj.pk else "—"

    @admin.display(description=gettext_lazy("待申报的机会"))
    def opportunities(self, obj: Enterprise) -> Any:
        return opportunities_table(obj) if obj.pk else "—"

    @admin.display(description=gettext_lazy("匹配变化记录"))
    def changes(self, obj: Enterprise) -> Any:
        return changes_table(obj) if obj.pk else "—"

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # A changed profile is re-matched once its people and loans are saved too (design §6).
        enterprise_id = form.instance.pk
        transaction.on_commit(lambda: job_send(REMATCH_ENTERPRISE, enterprise_id))

    @admin.action(description=gettext_lazy("立即重新匹配所选企业"))
    def rematch_now(self, request: HttpRequest, queryset: QuerySet[Enterprise]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        for enterprise_id in ids:
            job_send(REMATCH_ENTERPRISE, enterprise_id)
        messages.success(request, _("已安排重新匹配 %(count)s 家企业。") % {"count": len(ids)})

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.rematch_view)
        own = [path("<int:object_id>/rematch/", view, name="enterprises_enterprise_rematch")]
        return own + super().get_urls()

    def rematch_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        enterprise = get_object_or_404(Enterprise, pk=object_id)
        if not self.has_view_permission(request, enterprise):
            raise PermissionDenied
        job_send(REMATCH_ENTERPRISE, enterprise.pk)
        messages.success(request, _("已重新匹配“%(name)s”。") % {"name": enterprise.name})
        url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
        return HttpResponseRedirect(url)


@admin.register(Partner)
class PartnerAdmin(ScaledListMixin, admin.ModelAdmin):
    list_display = ("name", "contact_email", "is_active", "enterprise_count", "created_at")
    search_fields = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Partner]:
        return super().get_queryset(request).annotate(enterprises_n=Count("enterprises"))

    @admin.display(description=gettext_lazy("企业数"), ordering="enterprises_n")
    def enterprise_count(self, obj: Partner) -> int:
        return getattr(obj, "enterprises_n", 0)


# Keys without a partner cannot call the API (every request is scoped to a partner), so the
# library's own key admin would only confuse staff.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(APIKeyModelAdmin):
    """Create (the key is shown once, in a message) and revoke partner API keys."""

    # The library types these as fixed-length tuples; ours are longer. Its labels are English
    # only (it ships no Chinese), so every label and help text staff read is ours.
    list_display = (
        "key_prefix", "key_name", "partner", "key_created", "key_expiry", "key_revoked",
    )  # fmt: skip
    list_filter = ("partner", "revoked", "created")  # type: ignore[assignment]
    search_fields = ("name", "prefix", "partner__name")  # type: ignore[assignment]
    list_select_related = ("partner",)
    _LABELS: dict[str, tuple[Any, Any]] = {
        "name": (
            gettext_lazy("名称"),
            gettext_lazy("用于区分同一合作方的多个密钥，如“生产环境”。"),
        ),
        "expiry_date": (
            gettext_lazy("到期时间"),
            gettext_lazy("留空表示永不过期；过期后密钥失效。"),
        ),
        "revoked": (gettext_lazy("已吊销"), gettext_lazy("勾选后此密钥立即失效，且不能恢复。")),
        "partner": (gettext_lazy("合作方"), ""),
    }

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self._LABELS:
            label, help_text = self._LABELS[db_field.name]
            field.label, field.help_text = str(label), str(help_text)
        return field

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return tuple("key_prefix" if name == "prefix" else name for name in fields)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = [name for name in super().get_fields(request, obj) if name != "prefix"]
        return ["key_prefix", *[n for n in fields if n != "key_prefix"]] if obj else fields

    @admin.display(description=gettext_lazy("前缀"), ordering="prefix")
    def key_prefix(self, obj: PartnerAPIKey) -> str:
        return obj.prefix or "—"

    @admin.display(description=gettext_lazy("名称"), ordering="name")
    def key_name(self, obj: PartnerAPIKey) -> str:
        return obj.name

    @admin.display(description=gettext_lazy("创建时间"), ordering="created")
    def key_created(self, obj: PartnerAPIKey) -> Any:
        return obj.created

    @admin.display(description=gettext_lazy("到期时间"), ordering="expiry_date")
    def key_expiry(self, obj: PartnerAPIKey) -> Any:
        return obj.expiry_date or "—"

    @admin.display(description=gettext_lazy("已吊销"), boolean=True, ordering="revoked")
    def key_revoked(self, obj: PartnerAPIKey) -> bool:
        return bool(obj.revoked)

    def save_model(
        self, request: HttpRequest, obj: AbstractAPIKey, form: Any = None, change: bool = False
    ) -> None:
        if change:
            obj.save()
            return
        # Only the hash is stored: this message is the one time anyone sees the key.
        key = PartnerAPIKey.objects.assign_key(obj)
        obj.save()
        partner = getattr(obj, "partner", "")
        messages.warning(
            request,
            _("“%(partner)s”的新 API 密钥：%(key)s 请立即妥善保存，此密钥之后不会再显示。")
            % {"partner": partner, "key": key},
        )
