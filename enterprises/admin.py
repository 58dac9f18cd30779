from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Enterprise, Loan, Partner, Person


class PersonInline(admin.StackedInline):
    model = Person
    extra = 0


class LoanInline(admin.TabularInline):
    model = Loan
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "credit_code",
        "registered_district",
        "industry",
        "registered_on",
        "partner",
    )
    list_filter = ("registered_district", "industry", "partner")
    search_fields = ("name", "name_en", "credit_code")
    inlines = [PersonInline, LoanInline]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "contact_email", "is_active", "created_at")
    search_fields = ("name",)
