from django.contrib import admin

from .models import Match


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = (
        "enterprise",
        "policy",
        "subject_type",
        "subject_ref",
        "status",
        "amount",
        "evaluated_at",
    )
    list_filter = ("status", "policy")
    search_fields = ("enterprise__name", "enterprise__credit_code", "policy__slug")
    list_select_related = ("enterprise", "policy")
    readonly_fields = [f.name for f in Match._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False  # matches are written only by the match services
