"""`make run` leaves a working office: every demo enterprise matched, change events, a few
applications, take-up and dashboard figures that agree with the enterprise pages."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from enterprises.models import Enterprise
from policy_match.models import Application, Match, MatchChange, TakeUp

pytestmark = pytest.mark.django_db


def test_every_demo_enterprise_has_stored_matches_and_events(demo: None) -> None:
    enterprises = list(Enterprise.objects.all())

    assert len(enterprises) == 11
    for enterprise in enterprises:
        assert Match.objects.filter(enterprise=enterprise, status="eligible").exists(), enterprise
        assert MatchChange.objects.filter(enterprise=enterprise).exists(), enterprise
    assert Application.objects.count() >= 3
    assert {a.status for a in Application.objects.all()} >= {"applied", "awarded", "paid"}
    assert TakeUp.objects.filter(applied__gt=0).exists()


def test_the_dashboard_counts_every_demo_enterprise_and_the_unclaimed_money(demo: None) -> None:
    root = User.objects.create_superuser("root", "root@example.com", "pw-long-enough-1")
    client = Client()
    client.force_login(root)

    board = client.get("/admin/policy_match/match/dashboard/").context["board"]

    assert board.enterprises == board.enterprises_eligible == 11
    assert board.unclaimed_amount > 0 and board.applied >= 3
