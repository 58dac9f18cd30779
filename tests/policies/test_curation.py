from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import TestCase

from policies.models import Policy, PolicyStatus, PolicyVersion, VersionStatus
from policies.services import (
    policy_publish,
    policy_retire,
    policy_version_check,
    policy_version_draft,
)
from policy_match.models import Match, RematchRun
from policy_match.preview import preview_policy_change
from policy_match.rules import RuleError

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 23)


@pytest.fixture
def loaded(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir))
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"))


def _user(group: str) -> User:
    user = User.objects.create_user(group, f"{group}@example.com", "a-long-password-1")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def test_it_copies_the_published_version_into_one_draft(loaded: None) -> None:
    policy = Policy.objects.get(slug="talent-living-subsidy-master")

    draft = policy_version_draft(policy=policy)

    assert draft.status == VersionStatus.DRAFT and draft.number == 2
    assert draft.rule == policy.current_version.rule and draft.cap == Decimal("50000.00")
    assert policy_version_draft(policy=policy).pk == draft.pk


def test_it_rejects_an_invalid_draft_naming_the_json_path(loaded: None) -> None:
    draft = policy_version_draft(policy=Policy.objects.get(slug="loan-rd"))
    draft.rule = {"all": [{"fact": "registered_district", "op": "lt", "value": "nanshan"}]}

    with pytest.raises(RuleError) as error:
        policy_version_check(version=draft)

    assert error.value.path == "rule.all[0].op"
    assert "运算符" in error.value.text("zh-hans")


def test_it_lets_only_publishers_publish(loaded: None) -> None:
    draft = policy_version_draft(policy=Policy.objects.get(slug="loan-rd"))

    with pytest.raises(PermissionDenied):
        policy_publish(version=draft, by=_user("editor"))

    assert PolicyVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_it_publishes_a_draft_and_rematches_every_enterprise(loaded: None) -> None:
    policy = Policy.objects.get(slug="talent-living-subsidy-master")
    draft = policy_version_draft(policy=policy)
    draft.cap = Decimal("60000")
    draft.save()

    with TestCase.captureOnCommitCallbacks(execute=True):
        policy_publish(version=draft, by=_user("publisher"))

    policy.refresh_from_db()
    assert policy.current_version_id == draft.pk
    assert list(policy.versions.values_list("number", "status")) == [
        (2, "published"),
        (1, "superseded"),
    ]
    run = RematchRun.objects.get(policy=policy)
    assert run.status == "done" and run.version_id == draft.pk
    amounts = set(
        Match.objects.filter(policy=policy, status="eligible").values_list("amount", flat=True)
    )
    assert amounts == {Decimal("60000.00")}


@pytest.mark.postgresql
def test_the_database_refuses_two_published_versions_that_overlap(loaded: None) -> None:
    # The exclusion constraint (PostgreSQL); on SQLite the publish service checks it.
    policy = Policy.objects.get(slug="loan-rd")
    draft = policy_version_draft(policy=policy)

    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.filter(pk=draft.pk).update(status=VersionStatus.PUBLISHED)


def test_it_cannot_hold_two_open_drafts_of_one_policy(loaded: None) -> None:
    policy = Policy.objects.get(slug="loan-rd")
    policy_version_draft(policy=policy)

    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.filter(pk=policy.current_version_id).update(
            status=VersionStatus.DRAFT
        )


def test_it_returns_the_open_draft_rather_than_a_second_one(loaded: None) -> None:
    policy = Policy.objects.get(slug="loan-rd")
    first = policy_version_draft(policy=policy)

    again = policy_version_draft(policy=Policy.objects.get(slug="loan-rd"))

    assert again.pk == first.pk
    assert policy.versions.filter(status=VersionStatus.DRAFT).count() == 1


def test_it_retires_a_policy_and_removes_its_matches(loaded: None) -> None:
    policy = Policy.objects.get(slug="lifecycle-one-stop-service")
    with TestCase.captureOnCommitCallbacks(execute=True):
        policy_publish(version=policy_version_draft(policy=policy), by=_user("publisher"))
    assert Match.objects.filter(policy=policy).exists()

    with TestCase.captureOnCommitCallbacks(execute=True):
        policy_retire(policy=policy, by=User.objects.get(username="publisher"))

    policy.refresh_from_db()
    assert policy.status == PolicyStatus.RETIRED and policy.current_version is None
    assert not Match.objects.filter(policy=policy).exists()


def test_it_previews_who_gains_and_who_loses(loaded: None) -> None:
    policy = Policy.objects.get(slug="lifecycle-one-stop-service")
    draft = policy_version_draft(policy=policy)
    # From "registered in Nanshan" to "registered in Futian".
    draft.rule = {"all": [{"fact": "registered_district", "op": "eq", "value": "futian"}]}
    draft.save()

    preview = preview_policy_change(draft=draft, as_of=AS_OF)

    from enterprises.models import Enterprise

    nanshan = set(
        Enterprise.objects.filter(registered_district="nanshan").values_list("id", flat=True)
    )
    futian = set(
        Enterprise.objects.filter(registered_district="futian").values_list("id", flat=True)
    )
    assert {c.enterprise_id for c in preview.lose} == nanshan
    assert {c.enterprise_id for c in preview.gain} == futian
    assert (preview.lose_count, preview.gain_count) == (len(nanshan), len(futian))
    assert preview.eligible_before == len(nanshan) and preview.eligible_after == len(futian)


def test_it_previews_an_amount_change_and_the_money_before_and_after(loaded: None) -> None:
    policy = Policy.objects.get(slug="ip-pledge-financing-subsidy")
    draft = policy_version_draft(policy=policy)
    draft.formula = {
        "mul": [
            "0.50",
            {"add": [{"fact": "interest"}, {"fact": "guarantee_fee"}, {"fact": "other_fees"}]},
        ]
    }
    draft.save()

    preview = preview_policy_change(draft=draft, as_of=AS_OF)

    assert preview.gain_count == 0 and preview.lose_count == 0
    assert preview.change_count >= 1
    for change in preview.change:
        assert change.before is not None and change.after is not None
        assert change.after == (change.before * 5 / 7).quantize(
            Decimal("0.01")
        ) or change.before == Decimal("1500000.00")
    assert preview.money_after < preview.money_before
