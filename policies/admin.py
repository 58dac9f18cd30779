from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Policy, PolicyVersion


class PolicyVersionInline(admin.TabularInline):
    model = PolicyVersion
    fields = ("number", "status", "name", "cap", "valid_from", "valid_to", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Policy)
class PolicyAdmin(SimpleHistoryAdmin):
    list_display = (
        "slug",
        "name",
        "category",
        "subject",
        "status",
        "cap",
        "valid_from",
        "valid_to",
    )
    list_filter = ("category", "subject", "status")
    search_fields = (
        "slug",
        "current_version__name_zh_hans",
        "current_version__name_en",
        "current_version__issuer_zh_hans",
    )
    list_select_related = ("current_version",)
    readonly_fields = ("current_version", "created_at", "updated_at")
    inlines = [PolicyVersionInline]

    @admin.display(description=PolicyVersion._meta.get_field("name").verbose_name)
    def name(self, obj: Policy) -> str:
        return obj.current_version.name if obj.current_version else "—"

    @admin.display(description=PolicyVersion._meta.get_field("cap").verbose_name)
    def cap(self, obj: Policy) -> object:
        return obj.current_version.cap if obj.current_version else None

    @admin.display(description=PolicyVersion._meta.get_field("valid_from").verbose_name)
    def valid_from(self, obj: Policy) -> object:
        return obj.current_version.valid_from if obj.current_version else None

    @admin.display(description=PolicyVersion._meta.get_field("valid_to").verbose_name)
    def valid_to(self, obj: Policy) -> object:
        return obj.current_version.valid_to if obj.current_version else None


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SimpleHistoryAdmin, TabbedTranslationAdmin):
    list_display = ("__str__", "name", "status", "cap", "valid_from", "valid_to", "published_at")
    list_filter = ("status", "policy__category", "confidence")
    search_fields = ("policy__slug", "name_zh_hans", "name_en")
    list_select_related = ("policy",)
    readonly_fields = ("content_hash", "created_at", "published_at", "published_by", "created_by")
