"""Reaching the money in the admin (#16): staff record applications for any enterprise through
the same checks as the API, see take-up per measure and an enterprise's open opportunities,
register webhook endpoints (secret shown once, URL checked) and read every delivery."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client

from enterprises.models import Enterprise
from enterprises.services import enterprise_save_profile
from policy_match.models import (
    Application,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from policy_match.profile import Profile
from policy_match.services import match_enterprise
from policy_match.takeup import takeup_refresh
from tests.factories import PartnerFactory

from .conftest import StaffClient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

ADD = "/admin/policy_match/application/add/"
MASTER = "talent-living-subsidy-master"


@pytest.fixture
def robotics() -> Enterprise:
    profile = Profile.from_data(
        {
            "enterprise": {"registered_district": "nanshan", "industry": "robotics"},
            "people": [{"ref": "p1", "degree": "master", "hukou_transferred_on": "2026-09-01"}],
        },
        for_storage=True,
    )
    enterprise = enterprise_save_profile(profile=profile, name="南山灵巧机器人有限公司")
    match_enterprise(enterprise=enterprise, as_of=date(2026, 12, 1))
    return enterprise


def _policy_id(slug: str) -> int:
    from policies.models import Policy

    return Policy.objects.get(slug=slug).pk


def _form(enterprise: Enterprise, **values: str) -> dict[str, str]:
    data = {
        "enterprise": str(enterprise.pk),
        "policy": str(_policy_id(MASTER)),
        "subject_ref": "p1",
    }
    return {**data, **values}


def test_an_editor_records_an_application_with_its_history(
    editor: Client, robotics: Enterprise
) -> None:
    response = editor.post(ADD, _form(robotics, status="applied", applied_on="2026-11-02"))
    assert response.status_code == 302, response.content.decode()[:2000]
    record = Application.objects.get(enterprise=robotics)
    assert (record.status, record.applied_on) == ("applied", date(2026, 11, 2))
    assert record.history.get().history_user == User.objects.get(username="editor")

    change = f"/admin/policy_match/application/{record.pk}/change/"
    awarded = editor.post(change, {"status": "awarded", "awarded_amount": "50000"})
    assert awarded.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.applied_on) == ("awarded", date(2026, 11, 2))  # kept
    assert record.history.count() == 2


def test_a_refused_record_is_an_error_next_to_its_field_and_nothing_is_written(
    editor: Client, robotics: Enterprise
) -> None:
    response = editor.post(ADD, _form(robotics, status="paid", paid_amount="50000"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "paid_on" in errors and not Application.objects.exists()

    unknown = editor.post(ADD, _form(robotics, status="applied", applied_on="2026-11-02",
                                     subject_ref="p9"))  # fmt: skip
    assert "subject_ref" in unknown.context["adminform"].form.errors

    editor.post(ADD, _form(robotics, status="applied", applied_on="2026-11-02"))
    again = editor.post(ADD, _form(robotics, status="applied", applied_on="2026-11-03"))
    assert again.status_code == 200 and Application.objects.count() == 1
    assert "这一项已有申报记录" in again.content.decode()


def test_take_up_and_open_opportunities(
    editor: Client, robotics: Enterprise, staff: StaffClient
) -> None:
    page = editor.get(f"/admin/enterprises/enterprise/{robotics.pk}/change/").content.decode()
    assert 'id="pm-opportunities"' in page and "新引进入户硕士毕业生生活补贴" in page
    assert f"{ADD}?enterprise={robotics.pk}" in page.replace("&amp;", "&")

    takeup_refresh()
    listing = editor.get("/admin/policy_match/takeup/").content.decode()
    assert "新引进入户硕士毕业生生活补贴" in listing
    editor.post(ADD, _form(robotics, status="applied", applied_on="2026-11-02"))
    editor.post(
        "/admin/policy_match/takeup/",
        {"action": "refresh", "_selected_action": [str(_takeup_pk(MASTER))]},
    )
    from policy_match.models import TakeUp

    row = TakeUp.objects.get(policy__slug=MASTER)
    # Undetermined (the person's age is not given): counted, applied for, nothing unclaimed.
    assert (row.eligible, row.undetermined, row.applied, row.unclaimed) == (0, 1, 1, 0)
    assert editor.get("/admin/policy_match/takeup/add/").status_code == 403


def _takeup_pk(slug: str) -> int:
    from policy_match.models import TakeUp

    return TakeUp.objects.get(policy__slug=slug).pk


def test_a_superuser_registers_an_endpoint_and_sees_its_secret_once(
    admin_client: Client, editor: Client, settings: object
) -> None:
    partner = PartnerFactory()
    add = "/admin/policy_match/webhookendpoint/add/"
    data = {"partner": partner.pk, "url": "http://10.0.0.5/hooks", "event_types": ["match.gained"]}
    refused = admin_client.post(add, data)
    assert refused.status_code == 200 and "url" in refused.context["adminform"].form.errors
    assert not WebhookEndpoint.objects.exists()

    loopback = admin_client.post(add, {**data, "url": "https://127.0.0.1/hooks"})
    assert "url" in loopback.context["adminform"].form.errors  # SSRF: no loopback in production
    settings.WEBHOOK_ALLOW_PRIVATE = True  # type: ignore[attr-defined]
    created = admin_client.post(add, {**data, "url": "https://127.0.0.1/hooks"})
    assert created.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    first = admin_client.get(created["Location"]).content.decode()
    (secret,) = re.findall(r"whsec_[A-Za-z0-9+/=]+", first)
    assert secret == endpoint.secret and endpoint.event_types == ["match.gained"]
    assert "whsec_" not in admin_client.get(created["Location"]).content.decode()

    # Editors read endpoints and deliveries, but register none.
    assert editor.get(add).status_code == 403
    event = WebhookEvent.objects.create(
        event_id="evt_1", partner=partner, type="match.gained", payload={"a": 1}, source_key="k"
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=event, status=DeliveryStatus.PENDING
    )
    listing = editor.get("/admin/policy_match/webhookdelivery/").content.decode()
    assert "match.gained" in listing
    detail = editor.get(f"/admin/policy_match/webhookdelivery/{delivery.pk}/change/")
    assert detail.status_code == 200 and "&quot;a&quot;: 1" in detail.content.decode()
