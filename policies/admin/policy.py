"""The policy list and page: draft with one click, retire, history and catalogue import/export."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from policy_match.models import RematchRun
from policy_match.rematch import rematch_progress

from ..catalogue_dump import dump_yaml
from ..document_canonical import content_hash, to_document
from ..models import BenefitUnit, Policy, PolicyVersion, SubjectType, VersionStatus
from ..services import can_publish, policy_retire, policy_version_draft
from ..versions import in_force, timeline
from . import catalogue, history
from .common import page_context
from .filters import IssuerFilter, ValidityFilter

_FIRST_UNIT = {
    SubjectType.ENTERPRISE: BenefitUnit.PER_ENTERPRISE,
    SubjectType.PERSON: BenefitUnit.PER_PERSON,
    SubjectType.LOAN: BenefitUnit.PER_LOAN,
}


class PolicyVersionInline(admin.TabularInline):
    model = PolicyVersion
    fields = ("number", "status", "name", "cap_yuan", "valid_from", "valid_to", "published_at")
    readonly_fields = fields
    extra = 0

    @admin.display(description=PolicyVersion._meta.get_field("cap").verbose_name)
    def cap_yuan(self, obj: PolicyVersion) -> str:
        return "—" if obj.cap is None else f"{obj.cap:,.2f}"

    can_delete = False
    show_change_link = True
    verbose_name_plural = gettext_lazy("全部版本")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _current(field: str) -> Any:
    """A list column showing one field of the current (published) version."""

    @admin.display(
        description=cast(
            "models.Field[Any, Any]", PolicyVersion._meta.get_field(field)
        ).verbose_name,
        ordering=f"current_version__{field}",
    )
    def column(model_admin: Any, obj: Policy) -> Any:
        version = obj.current_version
        return getattr(version, field) if version is not None else None

    return column


@admin.register(Policy)
class PolicyAdmin(SimpleHistoryAdmin):
    list_display = (
        "slug",
        "name",
        "category",
        "status",
        "cap",
        "valid_from",
        "valid_to",
        "draft",
    )
    list_filter = ("category", "status", IssuerFilter, ValidityFilter, "subject")
    # Every version's texts, both languages: a measure is found by its old name as well.
    search_fields = (
        "slug",
        "versions__name_zh_hans",
        "versions__name_en",
        "versions__issuer_zh_hans",
        "versions__issuer_en",
        "versions__summary_zh_hans",
        "versions__summary_en",
    )
    list_select_related = ("current_version",)
    inlines = [PolicyVersionInline]
    name = _current("name")
    cap = _current("cap")
    valid_from = _current("valid_from")
    valid_to = _current("valid_to")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Policy]:
        drafts = PolicyVersion.objects.filter(policy=OuterRef("pk"), status=VersionStatus.DRAFT)
        return (
            super()
            .get_queryset(request)
            .annotate(draft_id=Subquery(drafts.order_by("-number").values("pk")[:1]))
        )

    @admin.display(description=gettext_lazy("草稿"), ordering="draft_id")
    def draft(self, obj: Policy) -> SafeString | str:
        draft_id = getattr(obj, "draft_id", None)
        if draft_id is None:
            return "—"
        url = reverse("admin:policies_policyversion_change", args=[draft_id])
        return format_html('<a href="{}">{}</a>', url, _("编辑中的草稿"))

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("slug", "category", "subject")
        return (
            ("slug", "subject"),
            "category",
            ("status", "current_version_link"),
            "timeline",
            "rematch_status",
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return ("slug", "subject", "status", "current_version_link", "timeline", "rematch_status")

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a measure is retired, never deleted: its matches and history stay known

    def save_model(self, request: HttpRequest, obj: Policy, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # A new measure starts as a valid placeholder draft that staff then fill in.
            draft = PolicyVersion(
                policy=obj,
                number=1,
                status=VersionStatus.DRAFT,
                created_by_id=request.user.pk,
                name_zh_hans=obj.slug,
                name_en=obj.slug,
                rule={"fact": "registered_district", "op": "eq", "value": "nanshan"},
                benefit_kind="cash_subsidy",
                unit=_FIRST_UNIT[SubjectType(obj.subject)],
            )
            draft.content_hash = content_hash(to_document(draft))
            draft.save()

    def response_add(self, request: HttpRequest, obj: Policy, post_url_continue: Any = None) -> Any:
        draft = obj.versions.get(number=1)
        return HttpResponseRedirect(reverse("admin:policies_policyversion_change", args=[draft.pk]))

    @admin.display(description=gettext_lazy("当前发布版本"))
    def current_version_link(self, obj: Policy) -> SafeString | str:
        if obj.current_version_id is None:
            return "—"
        url = reverse("admin:policies_policyversion_change", args=[obj.current_version_id])
        return format_html('<a href="{}">{}</a>', url, obj.current_version)

    @admin.display(description=gettext_lazy("已发布版本的时间线"))
    def timeline(self, obj: Policy) -> str:
        """The published versions in the order of their periods: which is in force today,
        which ended, which starts later (an `as_of` picks the one in force on it)."""
        today = timezone.localdate()
        versions = [
            {
                "version": v,
                "in_force": in_force(v, today),
                "future": v.valid_from is not None and v.valid_from > today,
            }
            for v in timeline(obj.versions.filter(status=VersionStatus.PUBLISHED))
        ]
        return render_to_string("admin/policies/policy/timeline.html", {"versions": versions})

    @admin.display(description=gettext_lazy("重新匹配进度"))
    def rematch_status(self, obj: Policy) -> str:
        runs = []
        for run in RematchRun.objects.filter(policy=obj).select_related("version")[:3]:
            done, total = rematch_progress(run=run)
            runs.append({"run": run, "done": done, "total": total})
        return render_to_string("admin/policies/policy/rematch_status.html", {"runs": runs})

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None:
            draft = obj.versions.filter(status=VersionStatus.DRAFT).order_by("-number").first()
            context.update(
                draft=draft,
                user_can_publish=can_publish(request.user),
                user_can_draft=request.user.has_perm("policies.add_policyversion"),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra = {"user_can_publish": can_publish(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def get_urls(self) -> list[URLPattern]:
        def own(route: str, view: Any, name: str) -> URLPattern:
            return path(route, self.admin_site.admin_view(view), name=f"policies_policy_{name}")

        return [
            own("import/", lambda r: catalogue.import_view(self, r), "import"),
            own("export/", lambda r: catalogue.export_view(self, r), "export"),
            own("<int:object_id>/draft/", self.draft_view, "draft"),
            own("<int:object_id>/retire/", self.retire_view, "retire"),
            own("<int:object_id>/compare/", self.compare_view, "compare"),
            own("<int:object_id>/yaml/", self.yaml_view, "yaml"),
            *super().get_urls(),
        ]

    def _policy(self, request: HttpRequest, object_id: int) -> Policy:
        policy = get_object_or_404(Policy.objects.select_related("current_version"), pk=object_id)
        if not self.has_view_permission(request, policy):
            raise PermissionDenied
        return policy

    def draft_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """One click: the open draft, or a new one copied from the published version."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("policies.add_policyversion"):
            raise PermissionDenied
        draft = policy_version_draft(policy=self._policy(request, object_id), by=request.user)
        return HttpResponseRedirect(reverse("admin:policies_policyversion_change", args=[draft.pk]))

    def retire_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        policy = self._policy(request, object_id)
        status = 200
        if request.method == "POST":
            try:
                policy_retire(policy=policy, by=request.user)
            except PermissionDenied:
                messages.error(
                    request, _("停用被拒绝：只有“publisher”（发布员）组的成员可以停用。")
                )
                status = 403
            else:
                messages.success(
                    request, _("已停用 %(policy)s；其匹配结果正在移除。") % {"policy": policy.slug}
                )
                url = reverse("admin:policies_policy_change", args=[policy.pk])
                return HttpResponseRedirect(url)
        context = page_context(
            self,
            request,
            title=_("停用 %(policy)s") % {"policy": policy.slug},
            original=policy,
            user_can_publish=can_publish(request.user),
            matches=policy.matches.count(),
        )
        return TemplateResponse(
            request, "admin/policies/policy/retire.html", context, status=status
        )

    def compare_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        return history.compare_view(self, request, self._policy(request, object_id))

    def yaml_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The measure as its catalogue file (published version, else the latest draft)."""
        policy = self._policy(request, object_id)
        version = policy.current_version or policy.versions.order_by("-number").first()
        if version is None:
            raise PermissionDenied
        response = HttpResponse(
            dump_yaml(to_document(version)), content_type="application/yaml; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{policy.slug}.yaml"'
        return response
