"""Reads over stored matches."""

from django.db.models import QuerySet

from enterprises.models import Enterprise

from .models import Match


def match_list_for_enterprise(*, enterprise: Enterprise) -> QuerySet[Match]:
    return (
        Match.objects.filter(enterprise=enterprise)
        .select_related("policy", "version")
        .order_by("status", "policy__slug", "subject_id")
    )
