"""Partner webhooks in the admin: endpoints registered by staff (the secret shown once, the URL
checked as the API checks it), and every delivery with its attempts, read-only.

Registering an endpoint sends a partner's events to a URL, so no staff group is given the
add or change permission by default (create_staff_groups): a superuser grants it explicitly.
Endpoints are written only by policy_match.webhooks.endpoints, like the API's; the form calls
it in clean(), inside the admin view's transaction, so a refused URL is an error next to its
field."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ..models.webhooks import EVENT_TYPE_CHOICES
from ..webhooks.endpoints import EndpointError, endpoint_create, endpoint_update
from .matches import ReadOnlyAdmin

SECRET_KEY = "webhook_secret_once"  # session key: the secret of the endpoint just created


class EndpointForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        label=gettext_lazy("事件类型"),
        choices=EVENT_TYPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    saved: WebhookEndpoint | None = None
    secret: str = ""

    class Meta:
        model = WebhookEndpoint
        fields = ("partner", "url", "event_types", "description", "is_active")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        given = {name: data.get(name) for name in ("url", "event_types", "description")}
        try:
            if self.instance.pk:
                given["is_active"] = bool(data.get("is_active"))
                self.saved = endpoint_update(endpoint=self.instance, changes=given)
            else:
                self.saved, self.secret = endpoint_create(partner=data["partner"], **given)
        except EndpointError as refused:
            for name, message in refused.errors.items():
                self.add_error(name if name in self.fields else None, message)
        return data


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("at", "status_code", "duration_ms", "error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ("url", "partner", "is_active", "failing_since", "disabled_at", "created_at")
    list_filter = ("is_active", "partner")
    search_fields = ("url", "partner__name")
    readonly_fields = ("failing_since", "disabled_at", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # An endpoint stays its partner's: another partner's is another endpoint.
        return (*self.readonly_fields, "partner") if obj is not None else self.readonly_fields

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["partner", "url", "event_types", "description"]
        return [*fields, "is_active", *self.readonly_fields] if obj is not None else fields

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        if form.secret:
            request.session[SECRET_KEY] = {"id": form.saved.pk, "secret": form.secret}
        return form.saved

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved by the endpoint service in the form's clean()."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing related: the endpoint is the whole of it."""

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None) -> Any:
        return HttpResponseRedirect(
            reverse("admin:policy_match_webhookendpoint_secret", args=[obj.pk])
        )

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:object_id>/secret/",
                self.admin_site.admin_view(self.secret_view),
                name="policy_match_webhookendpoint_secret",
            )
        ]
        return own + super().get_urls()

    def secret_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The secret of the endpoint just created, once: it is taken out of the session."""
        endpoint = self.get_object(request, str(object_id))
        if endpoint is None or not self.has_view_permission(request, endpoint):
            return HttpResponseRedirect(reverse("admin:policy_match_webhookendpoint_changelist"))
        held = request.session.get(SECRET_KEY) or {}
        secret = held.get("secret") if held.get("id") == endpoint.pk else None
        if secret:
            del request.session[SECRET_KEY]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "endpoint": endpoint,
            "secret": secret,
            "title": gettext_lazy("签名密钥"),
        }
        return TemplateResponse(request, "admin/policy_match/webhookendpoint/secret.html", context)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", "event__type", "endpoint__partner")
    search_fields = ("event__event_id", "endpoint__url")
    list_select_related = ("event", "endpoint")
    readonly_fields = ("event_payload",)
    exclude = ("event",)
    inlines = [AttemptInline]

    @admin.display(description=gettext_lazy("事件类型"), ordering="event__type")
    def event_type(self, obj: WebhookDelivery) -> str:
        return obj.event.type

    @admin.display(description=gettext_lazy("事件内容"))
    def event_payload(self, obj: WebhookDelivery) -> Any:
        text = json.dumps(obj.event.payload, ensure_ascii=False, indent=2)
        return format_html("<pre>{}</pre>", text)
