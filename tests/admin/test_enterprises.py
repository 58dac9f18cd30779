"""The enterprise side of the admin: search, matches with reasons, re-match, filter, dashboard."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from enterprises.models import Enterprise
from policies.models import PolicyVersion
from policy_match.models import Match
from policy_match.services import match_enterprise
from tests.factories import PartnerFactory

from .conftest import policy

pytestmark = pytest.mark.django_db
LINGXI = "91440300MA5GLXJQRJ"  # 深圳市灵犀机器人科技有限公司


def _as_posted(form: Any) -> dict[str, Any]:
    """What the browser posts back for a form shown with its current values."""
    values = {form.add_prefix(name): form[name].value() for name in form.fields}
    return {name: "" if value is None else value for name, value in values.items()}


@pytest.fixture
def matched(demo: None) -> None:
    for enterprise in Enterprise.objects.all():
        match_enterprise(enterprise=enterprise)


def test_it_finds_an_enterprise_by_its_credit_code(demo: None, editor: Client) -> None:
    response = editor.get("/admin/enterprises/enterprise/", {"q": LINGXI})

    assert [e.name for e in response.context["cl"].result_list] == ["深圳市灵犀机器人科技有限公司"]


def test_it_shows_the_stored_matches_with_status_amount_and_reasons(
    matched: None, editor: Client
) -> None:
    enterprise = Enterprise.objects.get(credit_code=LINGXI)

    page = editor.get(f"/admin/enterprises/enterprise/{enterprise.pk}/change/").content.decode()

    row = page.split('data-policy="scenario-solver-grant"')[1].split("</tr>")[0]
    assert "符合" in row and "5,000,000.00" in row
    assert "是否拟作为揭榜挂帅揭榜方：是；要求为 是 ✓" in row


def test_it_rematches_an_enterprise_now(demo: None, editor: Client) -> None:
    enterprise = Enterprise.objects.get(credit_code=LINGXI)

    response = editor.post(f"/admin/enterprises/enterprise/{enterprise.pk}/rematch/")

    assert response.status_code == 302
    assert Match.objects.filter(enterprise=enterprise, status="eligible").count() >= 10


def test_it_rematches_the_selected_enterprises_with_the_list_action(
    demo: None, editor: Client
) -> None:
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)[:2])
    before = dict(Enterprise.objects.values_list("pk", "matched_at"))

    editor.post(
        "/admin/enterprises/enterprise/",
        {"action": "rematch_now", "_selected_action": [str(i) for i in ids]},
    )

    after = dict(Enterprise.objects.values_list("pk", "matched_at"))
    assert {pk for pk in after if after[pk] != before[pk]} == set(ids)
    assert set(Match.objects.values_list("enterprise_id", flat=True)) >= set(ids)


def test_it_rematches_an_enterprise_saved_in_the_admin(
    demo: None, editor: Client, django_capture_on_commit_callbacks: Any
) -> None:
    enterprise = Enterprise.objects.get(credit_code=LINGXI)
    page = editor.get(f"/admin/enterprises/enterprise/{enterprise.pk}/change/")
    data = _as_posted(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= _as_posted(formset.management_form)
        for subform in formset.forms:
            data |= _as_posted(subform)
    data["is_scenario_solver"] = "false"

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(f"/admin/enterprises/enterprise/{enterprise.pk}/change/", data)

    assert response.status_code == 302
    solver = Match.objects.get(enterprise=enterprise, policy=policy("scenario-solver-grant"))
    assert solver.status == "ineligible"


def test_it_filters_enterprises_eligible_for_a_measure(matched: None, editor: Client) -> None:
    measure = policy("scenario-solver-grant")

    response = editor.get("/admin/enterprises/enterprise/", {"eligible_for": measure.pk})

    assert [e.credit_code for e in response.context["cl"].result_list] == [LINGXI]


def test_it_counts_eligible_and_undetermined_enterprises_per_measure(
    matched: None, editor: Client
) -> None:
    response = editor.get("/admin/policy_match/match/dashboard/")

    board = response.context["board"]
    rows = {row.policy.slug: row for row in board.rows}
    solver = rows["scenario-solver-grant"]
    assert (solver.eligible, solver.undetermined, solver.amount) == (1, 1, Decimal("5000000.00"))
    assert board.enterprises == 11 and board.enterprises_eligible == 11
    assert board.rows[0].eligible <= board.rows[-1].eligible  # under-used measures first
    assert board.total_amount == sum(
        (
            match_enterprise(enterprise=e).report.summary()["total_amount"]
            for e in Enterprise.objects.all()
        ),
        Decimal("0.00"),
    )


def test_it_adds_up_the_dashboard_when_no_measure_caps_per_product(
    matched: None, editor: Client
) -> None:
    PolicyVersion.objects.update(cap_per="")

    response = editor.get("/admin/policy_match/match/dashboard/")

    rows = {row.policy.slug: row for row in response.context["board"].rows}
    assert rows["scenario-solver-grant"].eligible == 1


def _add_form_data(editor: Client, **changes: Any) -> dict[str, Any]:
    page = editor.get("/admin/enterprises/enterprise/add/")
    data = _as_posted(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data |= _as_posted(inline.formset.management_form)
    return data | changes


def test_it_shows_a_credit_code_already_used_on_its_field(demo: None, editor: Client) -> None:
    data = _add_form_data(editor, name="重名企业", credit_code=LINGXI, partner="")

    response = editor.post("/admin/enterprises/enterprise/add/", data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"credit_code": ["已有企业使用此统一社会信用代码"]}
    assert Enterprise.objects.filter(credit_code=LINGXI).count() == 1


def test_it_saves_a_demo_credit_code_for_a_partner(demo: None, editor: Client) -> None:
    partner = PartnerFactory()
    data = _add_form_data(editor, name="合作方的企业", credit_code=LINGXI, partner=partner.pk)

    response = editor.post("/admin/enterprises/enterprise/add/", data)

    assert response.status_code == 302
    assert Enterprise.objects.get(credit_code=LINGXI, partner=partner).name == "合作方的企业"
