"""Applications recorded by staff for any enterprise, and the take-up of each measure.

A record is written only by `application_save`, the same use-case the pages and the API call,
so that its transitions, values and history are checked once, the same way everywhere. The
admin form calls it in `clean()`: the admin view runs in one transaction, so the line's row
lock is held from the check to the end of the request and a refused record is an error next
to its field, never a 500.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from policies.models import Policy, PolicyStatus

from ..applications import ApplicationError, application_line, application_save
from ..models import Application, TakeUp
from ..takeup import takeup_refresh
from .matches import ReadOnlyAdmin
from .paginator import ScaledListMixin

VALUES = ("applied_on", "awarded_amount", "paid_amount", "paid_on", "reason")
FIELD_OF = {"subject": "subject_ref"}  # the use-case names fields as the API does


class ApplicationForm(forms.ModelForm):
    request: HttpRequest  # set by ApplicationAdmin.get_form
    saved: Application | None = None

    class Meta:
        model = Application
        fields = ("enterprise", "policy", "subject_ref", "status", *VALUES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "policy" in self.fields:
            self.fields["policy"].queryset = Policy.objects.filter(  # type: ignore[attr-defined]
                status=PolicyStatus.PUBLISHED
            ).order_by("slug")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        record = self.instance if self.instance.pk else None
        enterprise = record.enterprise if record else data.get("enterprise")
        policy = record.policy if record else data.get("policy")
        if enterprise is None or policy is None:
            return data
        try:
            line = application_line(
                enterprise=enterprise,
                policy_slug=policy.slug,
                subject_ref=record.subject_ref if record else data.get("subject_ref"),
            )
            self.saved, _created = application_save(
                enterprise=enterprise,
                line=line,
                status=data.get("status") or "",
                values={name: data.get(name) for name in VALUES},
                by=self.request.user,
                today=timezone.localdate(),
                create_only=record is None,
            )
        except ApplicationError as refused:
            for name, message in refused.errors.items():
                name = FIELD_OF.get(name, name)
                self.add_error(name if name in self.fields else None, message)
        return data

    def validate_unique(self) -> None:
        """application_save keeps one record per line (and says so next to the field)."""


@admin.register(Application)
class ApplicationAdmin(ScaledListMixin, SimpleHistoryAdmin):
    form = ApplicationForm
    list_display = (
        "enterprise",
        "policy",
        "subject_ref",
        "status",
        "applied_on",
        "awarded_amount",
        "paid_amount",
        "paid_on",
        "updated_at",
    )
    list_filter = ("status", "policy")
    search_fields = ("enterprise__name", "enterprise__credit_code", "policy__slug")
    list_select_related = ("enterprise", "policy")
    raw_id_fields = ("enterprise",)
    history_list_display = ("status", "applied_on", "awarded_amount", "paid_amount", "paid_on")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The line of a record does not change; a record of another line is another record.
        return ("enterprise", "policy", "subject_ref") if obj is not None else ()

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        form.request = request
        return form

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        return form.saved

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved by application_save in the form's clean()."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing related: the record is the whole of it."""


@admin.register(TakeUp)
class TakeUpAdmin(ReadOnlyAdmin):
    """Per measure: eligible, applied, awarded, paid and the money nobody applied for. The rows
    are aggregates refreshed by a task (every 15 minutes and after each re-match), so this page
    reads one row per measure however many enterprises there are."""

    list_display = (
        "measure",
        "eligible",
        "undetermined",
        "applied",
        "awarded",
        "paid",
        "rejected",
        "unclaimed",
        "unclaimed_amount",
        "awarded_amount",
        "paid_amount",
        "computed_at",
    )
    list_filter = ("policy__category",)
    search_fields = ("policy__slug",)
    ordering = ("-unclaimed_amount", "policy__slug")
    list_select_related = ("policy__current_version",)
    actions = ["refresh"]

    @admin.display(description=gettext_lazy("政策"), ordering="policy__slug")
    def measure(self, obj: TakeUp) -> str:
        version = obj.policy.current_version
        return version.name if version is not None and version.name else obj.policy.slug

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Read-only otherwise: the refresh is the one action (no delete of aggregates).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=gettext_lazy("立即重新统计所选政策"))
    def refresh(self, request: HttpRequest, queryset: QuerySet[TakeUp]) -> None:
        count = takeup_refresh(policy_ids=list(queryset.values_list("policy_id", flat=True)))
        messages.success(request, _("已重新统计 %(count)s 项政策。") % {"count": count})
