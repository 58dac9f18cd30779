"""Reads on enterprises."""

from django.db.models import QuerySet

from policy_match.profile import Profile

from .models import Enterprise


def enterprise_list() -> QuerySet[Enterprise]:
    return Enterprise.objects.order_by("id")


def enterprise_profile(*, enterprise: Enterprise) -> Profile:
    """The enterprise's stored facts, people and loans as a Profile (3 queries)."""
    facts = Enterprise.objects.filter(pk=enterprise.pk).values(*Profile.enterprise_fields())[0]
    people = [
        (row.pop("ref"), row)
        for row in enterprise.people.order_by("id").values("ref", *Profile.person_fields())
    ]
    loans = [
        (row.pop("ref"), row)
        for row in enterprise.loans.order_by("id").values("ref", *Profile.loan_fields())
    ]
    return Profile.from_rows(facts, people, loans)
