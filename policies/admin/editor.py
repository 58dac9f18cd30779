"""The structured editor's two requests that save nothing: a button that adds or removes a row
(the page drawn again with the posted values), and the live fragment its script asks for.

Without JavaScript every button posts the whole form; the draft is saved only by the admin's
own save buttons, so a half-built rule never reaches the database.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from ..editor_forms import ACTION
from ..models import PolicyVersion


def _draft(model_admin: admin.ModelAdmin[Any], request: HttpRequest, object_id: str) -> Any:
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not model_admin.has_change_permission(request, obj):
        raise PermissionDenied
    return obj


def _posted_initial(form_class: Any, request: HttpRequest) -> dict[str, Any]:
    """Each field's posted value as the initial value of an unbound form: shown as typed, and
    not validated yet (a row just added is empty, not wrong)."""
    initial = {}
    for name, field in form_class.base_fields.items():
        if field.widget.value_omitted_from_data(request.POST, request.FILES, name):
            continue
        initial[name] = field.widget.value_from_datadict(request.POST, request.FILES, name)
    return initial


def rearranged_view(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, object_id: str
) -> HttpResponse:
    obj: PolicyVersion = _draft(model_admin, request, object_id)
    form_class = model_admin.get_form(request, obj, change=True)
    form = form_class(instance=obj, initial=_posted_initial(form_class, request))
    fieldsets: Any = model_admin.get_fieldsets(request, obj)
    admin_form = helpers.AdminForm(
        form,
        list(fieldsets),
        model_admin.get_prepopulated_fields(request, obj),
        model_admin.get_readonly_fields(request, obj),
        model_admin=model_admin,
    )
    if request.POST.get(ACTION) != "refresh":
        messages.info(request, _("表格已更新，尚未保存：改完后请点“保存”。"))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("修改 %s") % model_admin.opts.verbose_name,
        "subtitle": str(obj),
        "adminform": admin_form,
        "object_id": object_id,
        "original": obj,
        "is_popup": False,
        "to_field": None,
        "media": model_admin.media + admin_form.media,
        "inline_admin_formsets": [],
        "errors": [],
        "preserved_filters": model_admin.get_preserved_filters(request),
    }
    return model_admin.render_change_form(request, context, change=True, obj=obj)


def fragment_view(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, object_id: str
) -> HttpResponse:
    """The editor's rows and sentences for what is posted (the script swaps them in)."""
    if request.method != "POST":
        return JsonResponse({"error": "POST"}, status=405)
    obj: PolicyVersion = _draft(model_admin, request, object_id)
    form = model_admin.get_form(request, obj, change=True)(instance=obj)
    field = form.fields["rule_editor"]
    state = field.widget.value_from_datadict(request.POST, request.FILES, "rule_editor")
    if state is None:
        return JsonResponse({"error": "rule_editor"}, status=400)
    with contextlib.suppress(ValidationError):  # the row in error shows it
        field.clean(state)
    return JsonResponse({"html": str(field.widget.render("rule_editor", state))})
