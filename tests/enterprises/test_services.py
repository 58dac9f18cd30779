from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from enterprises.models import Enterprise, Loan, Person
from enterprises.selectors import enterprise_profile
from enterprises.services import enterprise_save_profile
from policy_match.profile import Profile

pytestmark = pytest.mark.django_db


def test_it_loads_the_demo_enterprises_once_however_often_it_runs(seeds_dir: Path) -> None:
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"))
    counts = (Enterprise.objects.count(), Person.objects.count(), Loan.objects.count())

    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"))

    assert counts[0] >= 8 and counts[1] > 0 and counts[2] > 0
    assert (Enterprise.objects.count(), Person.objects.count(), Loan.objects.count()) == counts


def test_it_writes_no_demo_enterprise_when_one_is_broken(seeds_dir: Path, tmp_path: Path) -> None:
    text = (seeds_dir / "demo_enterprises.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "demo.yaml"
    broken.write_text(text.replace("industry: robotics", "industry: mining", 1), encoding="utf-8")

    with pytest.raises(CommandError, match=r"enterprise\.industry: 'mining' is not a choice"):
        call_command("seed_demo", str(broken))

    assert Enterprise.objects.count() == 0


@pytest.mark.parametrize("code", ["91440300MA5GLXJQRA", "123", "91440300MA5GLXJQR"])
def test_it_rejects_a_credit_code_with_a_wrong_check_digit(code: str) -> None:
    with pytest.raises(ValidationError) as error:
        enterprise_save_profile(profile=Profile(), name="x", credit_code=code)

    assert "credit_code" in error.value.message_dict
    assert Enterprise.objects.count() == 0


def test_it_stores_a_profile_and_reads_it_back_unchanged() -> None:
    profile = Profile.from_data(
        {
            "enterprise": {
                "registered_district": "nanshan",
                "registered_on": "2024-03-01",
                "annual_revenue": "12.50",
            },
            "people": [{"ref": "p1", "degree": "master", "age": 30}],
            "loans": [{"ref": "l1", "product": "rd_loan", "amount": "1000000.00", "rate": "0.035"}],
        }
    )

    enterprise = enterprise_save_profile(
        profile=profile, name="测试", credit_code="91440300MA5GLXJQRJ"
    )

    assert enterprise_profile(enterprise=enterprise) == profile
    assert enterprise.history.count() == 1
