from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from policies.models import Policy

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/policies/policy/",
        "/admin/policies/policyversion/",
        "/admin/enterprises/enterprise/",
        "/admin/policy_match/match/",
    ],
)
def test_it_serves_the_admin_lists_with_the_catalogue_loaded(seeds_dir: Path, url: str) -> None:
    call_command("load_catalogue", str(seeds_dir))
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"))
    client = Client()
    client.force_login(User.objects.create_superuser("staff", "s@example.com", "pw-long-enough-1"))

    response = client.get(url)

    assert response.status_code == 200


def test_it_shows_a_policy_with_its_versions(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir))
    client = Client()
    client.force_login(User.objects.create_superuser("staff", "s@example.com", "pw-long-enough-1"))
    policy = Policy.objects.get(slug="tech-loan-interest-subsidy")

    response = client.get(f"/admin/policies/policy/{policy.pk}/change/")

    assert response.status_code == 200
    assert "科技金融贷款贴息" in response.content.decode()
