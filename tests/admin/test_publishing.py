"""Preview, publish and retire from the admin; only publishers publish or retire."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from enterprises.models import Enterprise
from policies.models import PolicyStatus, PolicyVersion, VersionStatus
from policy_match.models import Match, RematchRun

from .conftest import change_url, draft_of, form_data, policy

pytestmark = pytest.mark.django_db
SLUG = "open-source-ecosystem-support"
# One criterion and the cap changed: strategic emerging industries instead of open source.
NEW_RULE = (
    "all:\n- {fact: is_strategic_emerging, op: eq, value: true}\n"
    "- {fact: registered_district, op: eq, value: nanshan}\n"
    "- {fact: has_bad_credit, op: eq, value: false}\n"
)
GAIN = {"深圳市灵犀机器人科技有限公司", "深圳市芯跃微电子股份有限公司",
        "深圳市精研智能装备股份有限公司", "深圳市衡康生物医药科技有限公司"}  # fmt: skip


@pytest.fixture
def edited(demo: None, editor: Client) -> PolicyVersion:
    draft = draft_of(SLUG)
    response = editor.post(change_url(draft), form_data(draft, rule=NEW_RULE, cap="8000000"))
    assert response.status_code == 302
    return PolicyVersion.objects.get(pk=draft.pk)


def _names(ids: Any) -> set[str]:
    return set(Enterprise.objects.filter(pk__in=ids).values_list("name", flat=True))


def test_it_previews_who_gains_loses_and_changes_amount(
    edited: PolicyVersion, editor: Client
) -> None:
    stored = Match.objects.count()

    response = editor.get(f"/admin/policies/policyversion/{edited.pk}/preview/?as_of=2026-11-23")

    preview = response.context["preview"]
    assert response.status_code == 200
    assert {c.enterprise_name for c in preview.gain} == GAIN
    assert {c.enterprise_name for c in preview.lose} == {"深圳市像素纪元网络科技有限公司"}
    assert [(c.enterprise_name, c.before, c.after) for c in preview.change] == [
        ("深圳市智元星图人工智能有限公司", Decimal("10000000.00"), Decimal("8000000.00"))
    ]
    assert (preview.money_before, preview.money_after) == (
        Decimal("20000000.00"),
        Decimal("40000000.00"),
    )
    page = response.content.decode()
    assert "20,000,000.00 → 40,000,000.00" in page  # separators in either language
    assert "91440300MA5GLXJQRJ" in page  # enterprises named with their credit code
    assert Match.objects.count() == stored  # a preview saves nothing


def test_it_refuses_to_publish_for_an_editor(edited: PolicyVersion, editor: Client) -> None:
    page = editor.get(f"/admin/policies/policyversion/{edited.pk}/publish/")
    response = editor.post(f"/admin/policies/policyversion/{edited.pk}/publish/")

    assert (
        "您没有发布权限" in page.content.decode() and 'id="pm-publish"' not in page.content.decode()
    )
    assert response.status_code == 403
    assert PolicyVersion.objects.get(pk=edited.pk).status == VersionStatus.DRAFT
    assert not RematchRun.objects.exists()


def test_it_publishes_for_a_publisher_and_rematches_every_enterprise(
    edited: PolicyVersion, publisher: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = publisher.post(f"/admin/policies/policyversion/{edited.pk}/publish/")

    measure = policy(SLUG)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/policies/policy/{measure.pk}/change/"
    assert measure.current_version_id == edited.pk
    assert measure.versions.get(number=1).status == VersionStatus.SUPERSEDED
    eligible = Match.objects.filter(policy=measure, status="eligible")
    assert _names(eligible.values("enterprise")) == GAIN | {"深圳市智元星图人工智能有限公司"}
    assert set(eligible.values_list("amount", flat=True)) == {Decimal("8000000.00")}
    page = publisher.get(response["Location"]).content.decode()
    assert "已发布 open-source-ecosystem-support v2" in page
    assert '<td class="pm-num pm-progress">1 / 1</td>' in page  # chunks done / total


def test_it_retires_a_policy_only_for_a_publisher(
    demo: None, editor: Client, publisher: Client, django_capture_on_commit_callbacks: Any
) -> None:
    measure = policy(SLUG)
    url = f"/admin/policies/policy/{measure.pk}/retire/"

    refused = editor.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = publisher.post(url)

    assert refused.status_code == 403 and accepted.status_code == 302
    measure.refresh_from_db()
    assert measure.status == PolicyStatus.RETIRED and measure.current_version is None


def test_it_records_who_changed_the_draft_and_diffs_it_against_the_published_version(
    edited: PolicyVersion, editor: Client
) -> None:
    measure = policy(SLUG)

    response = editor.get(f"/admin/policies/policy/{measure.pk}/compare/")

    changes = {c["path"]: (c["old"], c["new"]) for c in response.context["diff"]["changes"]}
    assert changes["benefit.cap"] == ("10000000", "8000000")
    assert "fact: participates_open_source" in changes["rule"][0]
    assert "fact: is_strategic_emerging" in changes["rule"][1]
    diff = [line for kind, line in response.context["diff"]["lines"] if kind != "same"]
    assert "-  cap: 10000000" in diff and "+  cap: 8000000" in diff
    latest = response.context["trail"][0]
    assert (str(latest["user"]), latest["object"]) == ("editor", "v2")
    assert {"field": "最高金额（元）", "old": "10000000.00", "new": "8000000.00"} in latest[
        "changes"
    ]
