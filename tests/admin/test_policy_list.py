"""The policy list: filters, search in both languages, current cap and validity; staff groups."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from policies.models import PolicyVersion, VersionStatus

from .conftest import policy

pytestmark = pytest.mark.django_db
URL = "/admin/policies/policy/"


def _slugs(response: object) -> set[str]:
    return {p.slug for p in response.context["cl"].result_list}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("硕士毕业生", {"talent-living-subsidy-master"}),
        ("master's graduates", {"talent-living-subsidy-master"}),
        ("Nanshan District Human Resources", {"talent-living-subsidy-master"}),
    ],
)
def test_it_finds_a_measure_by_its_text_in_either_language(
    catalogue: None, editor: Client, query: str, expected: set[str]
) -> None:
    response = editor.get(URL, {"q": query})

    assert expected <= _slugs(response)
    assert len(_slugs(response)) < 10


def test_it_filters_by_category_issuer_and_validity(catalogue: None, editor: Client) -> None:
    ending = policy("loan-rd").current_version
    assert ending is not None
    PolicyVersion.objects.filter(pk=ending.pk).update(
        valid_to=timezone.localdate() + timedelta(days=10)
    )

    finance = _slugs(editor.get(URL, {"category__exact": "finance"}))
    issuer = _slugs(editor.get(URL, {"issuer": "南山区人力资源局"}))
    ending_soon = _slugs(editor.get(URL, {"validity": "ending"}))

    assert "tech-loan-interest-subsidy" in finance and "talent-living-subsidy-master" not in finance
    assert "talent-living-subsidy-master" in issuer and "loan-rd" not in issuer
    assert ending_soon == {"loan-rd"}


def test_it_lists_the_current_versions_cap_and_validity(catalogue: None, editor: Client) -> None:
    response = editor.get(URL, {"q": "talent-living-subsidy-master"})

    page = response.content.decode()
    row = page.split(">talent-living-subsidy-master</a>")[1].split("</tr>")[0]
    assert "50000.00" in row and "2025年3月26日" in row


def test_it_gives_editors_drafts_and_publishers_new_measures(catalogue: None) -> None:
    call_command("create_staff_groups", stdout=io.StringIO())
    call_command("create_staff_groups", stdout=io.StringIO())  # a second run changes nothing

    editor = set(Group.objects.get(name="editor").permissions.values_list("codename", flat=True))
    publisher = set(
        Group.objects.get(name="publisher").permissions.values_list("codename", flat=True)
    )
    assert {"add_policyversion", "change_policyversion", "change_enterprise"} <= editor
    assert "add_policy" not in editor and "delete_policy" not in editor
    assert publisher - editor == {"add_policy"}


def test_it_starts_a_new_measure_as_a_valid_placeholder_draft(
    catalogue: None, publisher: Client
) -> None:
    response = publisher.post(
        "/admin/policies/policy/add/",
        {"slug": "new-measure", "category": "funding", "subject": "person"},
    )

    draft = PolicyVersion.objects.get(policy__slug="new-measure")
    assert response["Location"] == f"/admin/policies/policyversion/{draft.pk}/change/"
    assert (draft.status, draft.unit) == (VersionStatus.DRAFT, "per_person")
