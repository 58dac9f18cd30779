"""Policy versions: drafts are edited (validated on save), previewed and published here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from ..document_canonical import content_hash, to_document
from ..editor_forms import ACTION
from ..forms import PolicyVersionForm
from ..models import PolicyVersion, VersionStatus
from ..services import can_publish
from .common import code_block, sentences_block
from .editor import fragment_view, rearranged_view
from .version_views import preview_view, publish_view


def _pair(name: str) -> tuple[str, str]:
    return (f"{name}_zh_hans", f"{name}_en")


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SimpleHistoryAdmin):
    form = PolicyVersionForm
    list_display = ("__str__", "name", "status", "cap", "valid_from", "valid_to", "published_at")
    list_filter = ("status", "policy__category")
    search_fields = ("policy__slug", "name_zh_hans", "name_en")
    list_select_related = ("policy",)
    readonly_fields = (
        "policy_link",
        "number",
        "status",
        "rule_sentences",
        "rule_yaml",
        "formula_yaml",
        "sources_yaml",
        "manual_checks_yaml",
        "documents_yaml",
        "assumptions_yaml",
        "created_by",
        "created_at",
        "published_by",
        "published_at",
    )
    history_list_display = ["status"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        editable = obj is not None and self.has_change_permission(request, obj)

        def code(name: str) -> str:
            # A published version is shown as YAML, never as the raw JSON of a read-only field.
            return name if editable else f"{name}_yaml"

        return [
            (None, {"fields": [("policy_link", "number", "status")]}),
            (
                gettext_lazy("名称与说明（中文 | English）"),
                {
                    "classes": ["pm-bilingual"],
                    "fields": [
                        _pair("name"),
                        _pair("summary"),
                        _pair("issuer"),
                        "jurisdiction",
                        _pair("jurisdiction_name"),
                    ],
                },
            ),
            (
                gettext_lazy("申报条件"),
                {
                    "fields": ["rule_editor", "editor_base"]
                    if editable
                    else ["rule_yaml", "rule_sentences"]
                },
            ),
            (
                gettext_lazy("扶持内容"),
                {
                    "classes": ["pm-bilingual"],
                    "fields": [
                        ("benefit_kind", "unit"),
                        ("award", "amount_kind"),
                        ("cap", "cap_scope", "cap_per"),
                        "formula_numbers" if editable else "formula_yaml",
                        "estimated_value",
                        _pair("value_note"),
                        _pair("amount_note"),
                    ],
                },
            ),
            (
                gettext_lazy("有效期与申报"),
                {
                    "classes": ["pm-bilingual"],
                    "fields": [
                        ("valid_from", "valid_to"),
                        ("apply_opens", "apply_closes", "apply_window"),
                        code("documents"),
                        _pair("dates_note"),
                        "exclusive_group",
                        _pair("application_channel"),
                        "application_url",
                    ],
                },
            ),
            (
                gettext_lazy("依据与可信度"),
                {
                    "classes": ["collapse"],
                    "fields": [
                        "sources_rows" if editable else "sources_yaml",
                        "confidence",
                        _pair("confidence_note"),
                        code("manual_checks"),
                        code("assumptions"),
                        _pair("notes"),
                    ],
                },
            ),
            *(
                [
                    (
                        gettext_lazy(
                            "YAML（高级：与上面的表格是同一份草稿，改了这里就以这里为准）"
                        ),
                        {"classes": ["collapse"], "fields": ["rule", "formula", "sources"]},
                    )
                ]
                if editable
                else []
            ),
            (
                gettext_lazy("版本记录"),
                {"fields": [("created_by", "created_at"), ("published_by", "published_at")]},
            ),
        ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PolicyVersion]:
        return super().get_queryset(request).select_related("policy__current_version")

    # Published, superseded and retired versions are never edited: edits make a new draft.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status == VersionStatus.DRAFT)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and obj is not None and obj.status == VersionStatus.DRAFT

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would not ask whether a version is a draft
        return actions

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The loader compares hashes to tell a changed measure from an unchanged one.
        obj.content_hash = content_hash(to_document(obj))
        super().save_model(request, obj, form, change)

    @admin.display(description=gettext_lazy("政策"))
    def policy_link(self, obj: PolicyVersion) -> SafeString:
        url = reverse("admin:policies_policy_change", args=[obj.policy_id])
        return format_html('<a href="{}">{}</a>', url, obj.policy.slug)

    @admin.display(description=gettext_lazy("已保存的条件（按句子）"))
    def rule_sentences(self, obj: PolicyVersion) -> SafeString:
        return sentences_block(obj.rule)

    @admin.display(description=PolicyVersion._meta.get_field("rule").verbose_name)
    def rule_yaml(self, obj: PolicyVersion) -> SafeString:
        return code_block(to_document(obj)["rule"])

    @admin.display(description=PolicyVersion._meta.get_field("formula").verbose_name)
    def formula_yaml(self, obj: PolicyVersion) -> SafeString:
        return code_block(to_document(obj)["benefit"]["formula"])

    @admin.display(description=PolicyVersion._meta.get_field("sources").verbose_name)
    def sources_yaml(self, obj: PolicyVersion) -> SafeString:
        return code_block(obj.sources)

    @admin.display(description=PolicyVersion._meta.get_field("documents").verbose_name)
    def documents_yaml(self, obj: PolicyVersion) -> SafeString:
        return code_block(obj.documents)

    @admin.display(description=PolicyVersion._meta.get_field("manual_checks").verbose_name)
    def manual_checks_yaml(self, obj: PolicyVersion) -> SafeString:
        return code_block(obj.manual_checks)

    @admin.display(description=PolicyVersion._meta.get_field("assumptions").verbose_name)
    def assumptions_yaml(self, obj: PolicyVersion) -> SafeString:
        return code_block(obj.assumptions)

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
            context.update(
                is_draft=obj.status == VersionStatus.DRAFT,
                user_can_publish=can_publish(request.user),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # An editor button (add / remove a row): drawn again, saved nowhere.
        if request.method == "POST" and object_id and ACTION in request.POST:
            return rearranged_view(self, request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<path:object_id>/rule-editor/",
                self.admin_site.admin_view(self.rule_editor_view),
                name="policies_policyversion_rule_editor",
            ),
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="policies_policyversion_preview",
            ),
            path(
                "<int:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="policies_policyversion_publish",
            ),
        ]
        return own + super().get_urls()

    def rule_editor_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return fragment_view(self, request, object_id)

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        return preview_view(self, request, object_id)

    def publish_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        return publish_view(self, request, object_id)
