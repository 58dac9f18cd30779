"""The policy version admin's own pages: the preview of a draft's effect, and publishing."""

from __future__ import annotations

from time import perf_counter

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policy_match.preview import preview_policy_change
from policy_match.rules import RuleError

from ..models import PolicyVersion, VersionStatus
from ..services import can_publish, policy_publish
from ..versions import VersionOverlap
from .common import language, page_context


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=gettext_lazy("按日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("按此日期判断有效期和成立年限等；默认今天。"),
    )


def _version(
    model_admin: admin.ModelAdmin[PolicyVersion], request: HttpRequest, object_id: int
) -> PolicyVersion:
    version = get_object_or_404(model_admin.get_queryset(request), pk=object_id)
    if not model_admin.has_view_permission(request, version):
        raise PermissionDenied
    return version


def preview_view(
    model_admin: admin.ModelAdmin[PolicyVersion], request: HttpRequest, object_id: int
) -> HttpResponse:
    """Who would gain, lose or change amount: computed in SQL now, saved nowhere."""
    version = _version(model_admin, request, object_id)
    form = AsOfForm(request.GET or None)
    as_of = (form.is_valid() and form.cleaned_data["as_of"]) or timezone.localdate()
    started = perf_counter()
    preview = preview_policy_change(draft=version, as_of=as_of)
    elapsed_ms = (perf_counter() - started) * 1000
    context = page_context(
        model_admin,
        request,
        title=_("预览影响：%(version)s") % {"version": version},
        original=version,
        form=form,
        as_of=as_of,
        preview=preview,
        money_delta=preview.money_after - preview.money_before,
        elapsed_ms=elapsed_ms,
        is_draft=version.status == VersionStatus.DRAFT,
        user_can_publish=can_publish(request.user),
        buckets=[
            (_("新增符合"), "gain", preview.gain, preview.gain_count),
            (_("不再符合"), "lose", preview.lose, preview.lose_count),
            (_("金额变化"), "change", preview.change, preview.change_count),
        ],
    )
    return TemplateResponse(request, "admin/policies/policyversion/preview.html", context)


def publish_view(
    model_admin: admin.ModelAdmin[PolicyVersion], request: HttpRequest, object_id: int
) -> HttpResponse:
    """Confirm, then publish (publishers only) and start re-matching every enterprise."""
    version = _version(model_admin, request, object_id)
    status = 200
    if request.method == "POST":
        try:
            policy_publish(version=version, by=request.user)
        except PermissionDenied:
            messages.error(request, _("发布被拒绝：只有“publisher”（发布员）组的成员可以发布。"))
            status = 403
        except RuleError as exc:
            messages.error(request, _("无法发布：%(error)s") % {"error": exc.text(language())})
        except VersionOverlap as exc:
            messages.error(
                request, _("无法发布：%(error)s") % {"error": exc.message.get(language())}
            )
        except ValueError:
            messages.error(request, _("无法发布：只有草稿可以发布。"))
        else:
            messages.success(
                request,
                _("已发布 %(version)s；正在对全部企业重新匹配，进度见下方。")
                % {"version": version},
            )
            url = reverse("admin:policies_policy_change", args=[version.policy_id])
            return HttpResponseRedirect(url)
        version = _version(model_admin, request, object_id)
    context = page_context(
        model_admin,
        request,
        title=_("发布 %(version)s") % {"version": version},
        original=version,
        current=version.policy.current_version,
        is_draft=version.status == VersionStatus.DRAFT,
        user_can_publish=can_publish(request.user),
    )
    return TemplateResponse(
        request, "admin/policies/policyversion/publish.html", context, status=status
    )
