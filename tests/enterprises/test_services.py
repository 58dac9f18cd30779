from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from enterprises.models import Enterprise, Loan, Person
from enterprises.selectors import enterprise_profile
from enterprises.services import enterprise_save_profile
from policy_match.profile import Profile
from tests.factories import PartnerFactory

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
            "people": [{"ref": "p1", "degree": "master", "born_on": "1996-05-01"}],
            "loans": [{"ref": "l1", "product": "rd_loan", "amount": "1000000.00", "rate": "0.035"}],
        }
    )

    enterprise = enterprise_save_profile(
        profile=profile, name="测试", credit_code="91440300MA5GLXJQRJ"
    )

    assert enterprise_profile(enterprise=enterprise) == profile
    assert enterprise.history.count() == 1


CODE = "91440300MA5GLXJQRJ"


def test_it_keeps_a_credit_code_unique_within_a_partner_only() -> None:
    first, second = PartnerFactory(), PartnerFactory()
    enterprise_save_profile(profile=Profile(), name="a", credit_code=CODE, partner=first)

    enterprise_save_profile(profile=Profile(), name="b", credit_code=CODE, partner=second)
    enterprise_save_profile(profile=Profile(), name="c", credit_code=CODE)  # no partner
    with pytest.raises(ValidationError) as error:
        enterprise_save_profile(profile=Profile(), name="d", credit_code=CODE, partner=first)

    assert error.value.message_dict == {"credit_code": ["已有企业使用此统一社会信用代码"]}
    assert sorted(Enterprise.objects.values_list("name", flat=True)) == ["a", "b", "c"]


def test_it_keeps_a_credit_code_unique_among_enterprises_of_no_partner() -> None:
    enterprise_save_profile(profile=Profile(), name="a", credit_code=CODE)

    with pytest.raises(ValidationError) as error:
        enterprise_save_profile(profile=Profile(), name="b", credit_code=CODE)

    assert list(error.value.message_dict) == ["credit_code"]


def test_it_lets_an_enterprise_keep_its_own_credit_code_when_saved_again() -> None:
    partner = PartnerFactory()
    saved = enterprise_save_profile(profile=Profile(), name="a", credit_code=CODE, partner=partner)

    again = enterprise_save_profile(profile=Profile(), name="b", credit_code=CODE, enterprise=saved)

    assert (again.pk, again.name, again.partner) == (saved.pk, "b", partner)


def test_it_lets_many_enterprises_have_no_credit_code() -> None:
    partner = PartnerFactory()
    for name in ("a", "b"):
        enterprise_save_profile(profile=Profile(), name=name, partner=partner)
        enterprise_save_profile(profile=Profile(), name=name)

    assert Enterprise.objects.filter(credit_code=None).count() == 4


@pytest.mark.parametrize("shared", [True, False])
def test_it_enforces_the_credit_code_constraints_in_the_database(shared: bool) -> None:
    # Without validation (a bulk write, a race): the partial unique indexes still hold.
    partner = PartnerFactory() if shared else None
    Enterprise.objects.create(name="a", credit_code=CODE, partner=partner)

    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.create(name="b", credit_code=CODE, partner=partner)

    Enterprise.objects.create(name="c", credit_code=CODE, partner=PartnerFactory())
    assert Enterprise.objects.count() == 2


def test_it_loads_demo_data_beside_a_partners_enterprise_with_the_same_code(
    seeds_dir: Path,
) -> None:
    partner = PartnerFactory()
    theirs = enterprise_save_profile(
        profile=Profile(), name="合作方的企业", credit_code=CODE, partner=partner
    )

    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"))
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"))

    theirs.refresh_from_db()
    assert (theirs.name, theirs.partner) == ("合作方的企业", partner)
    assert Enterprise.objects.filter(credit_code=CODE, partner=None).count() == 1
