"""Editing a draft in the admin: one click to start, the engine's checks on save."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from policies.forms import PolicyVersionForm
from policies.models import PolicyVersion, VersionStatus
from policies.services import policy_version_draft

from .conftest import change_url, draft_of, form_data, policy

pytestmark = pytest.mark.django_db
TYPO = "all:\n- {fact: is_strategic_emergent, op: eq, value: true}\n"


def _errors(response: object, field: str) -> list[str]:
    return list(response.context["adminform"].form.errors.get(field, []))  # type: ignore[attr-defined]


def test_it_creates_a_draft_from_the_published_version_with_one_click(
    demo: None, editor: Client
) -> None:
    measure = policy("open-source-ecosystem-support")

    response = editor.post(f"/admin/policies/policy/{measure.pk}/draft/")

    draft = measure.versions.get(status=VersionStatus.DRAFT)
    assert response.status_code == 302 and response["Location"] == change_url(draft)
    assert draft.number == 2 and draft.rule == measure.current_version.rule


def test_it_shows_the_engine_error_with_its_json_path_on_the_rule_field(
    demo: None, editor: Client
) -> None:
    draft = draft_of("open-source-ecosystem-support")

    response = editor.post(change_url(draft), form_data(draft, rule=TYPO))

    assert response.status_code == 200
    assert _errors(response, "rule") == ["rule.all[0].fact: 未知的事实“is_strategic_emergent”"]
    assert PolicyVersion.objects.get(pk=draft.pk).rule == draft.rule  # nothing saved


def test_it_words_the_error_in_the_staff_members_language(demo: None) -> None:
    draft = draft_of("open-source-ecosystem-support")
    data = form_data(draft, rule=TYPO)

    # The active language decides (LocaleMiddleware sets it per request).
    with translation.override("en"):
        english = PolicyVersionForm(data, instance=draft).errors["rule"]
    with translation.override("zh-hans"):
        chinese = PolicyVersionForm(data, instance=draft).errors["rule"]

    assert english == ["rule.all[0].fact: unknown fact 'is_strategic_emergent'"]
    assert chinese == ["rule.all[0].fact: 未知的事实“is_strategic_emergent”"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rule": "all: [ {fact: age"}, "rule", "不是有效的 YAML 或 JSON"),
        (
            {"rule": '{"all": [{"fact": "registered_district", "op": "lt", "value": "nanshan"}]}'},
            "rule",
            "rule.all[0].op: 运算符“lt”不适用于",
        ),
        (
            {"formula": "{mul: ['0.5', {fact: age}]}"},
            "formula",
            "benefit.formula: “age”是person的事实",
        ),
        (
            {"formula": "{mul: ['0.5', {fact: industry}]}"},
            "formula",
            "benefit.formula.mul[1].fact:",
        ),
        ({"cap": "-5"}, "cap", "benefit.cap: 应为非负数"),
        ({"valid_to": "2020-01-01"}, "valid_to", "valid_to: 截止日期早于生效日期"),
        ({"name_en": ""}, "name_en", "name: 应为 {zh-hans: …, en: …}"),
        ({"cap_per": "degree"}, "cap_per", "benefit.cap_per: 应为本政策对象的一个事实"),
    ],
)
def test_it_never_saves_an_invalid_draft_and_says_why_on_the_field(
    demo: None, editor: Client, changes: dict[str, str], field: str, message: str
) -> None:
    draft = draft_of("open-source-ecosystem-support")

    response = editor.post(change_url(draft), form_data(draft, **changes))

    assert response.status_code == 200
    assert any(message in error for error in _errors(response, field)), _errors(response, field)
    assert PolicyVersion.objects.get(pk=draft.pk).content_hash == draft.content_hash


def test_it_saves_a_valid_draft_written_as_json_and_shows_it_as_sentences(
    demo: None, editor: Client
) -> None:
    draft = draft_of("open-source-ecosystem-support")
    rule = '{"all": [{"fact": "is_strategic_emerging", "op": "eq", "value": true}]}'

    response = editor.post(change_url(draft), form_data(draft, rule=rule, cap="8000000"))

    assert response.status_code == 302
    saved = PolicyVersion.objects.get(pk=draft.pk)
    assert saved.rule == {"all": [{"fact": "is_strategic_emerging", "op": "eq", "value": True}]}
    assert saved.cap == Decimal("8000000.00") and saved.content_hash != draft.content_hash
    page = editor.get(change_url(draft)).content.decode()
    assert "同时满足以下全部条件：\n  是否属于战略性新兴产业为 是" in page


def test_it_keeps_dates_and_decimals_in_the_catalogues_own_form(demo: None, editor: Client) -> None:
    draft = draft_of("open-source-ecosystem-support")
    rule = (
        "all:\n- {fact: registered_on, op: gte, value: 2024-01-01}\n"
        "- {fact: rd_intensity, op: gte, value: 0.04}\n"
    )

    editor.post(change_url(draft), form_data(draft, rule=rule))

    assert PolicyVersion.objects.get(pk=draft.pk).rule == {
        "all": [
            {"fact": "registered_on", "op": "gte", "value": "2024-01-01"},
            {"fact": "rd_intensity", "op": "gte", "value": "0.04"},
        ]
    }


def test_it_never_changes_the_published_version_when_the_draft_is_edited_in_place(
    demo: None,
) -> None:
    measure = policy("open-source-ecosystem-support")

    draft = policy_version_draft(policy=measure)
    draft.rule["all"][0]["value"] = False

    assert measure.current_version is not None
    assert measure.current_version.rule["all"][0]["value"] is True


def test_it_never_lets_a_published_version_be_edited(demo: None, publisher: Client) -> None:
    published = policy("open-source-ecosystem-support").current_version
    assert published is not None

    page = publisher.get(change_url(published))
    response = publisher.post(change_url(published), form_data(published, cap="1"))

    assert "已发布或历史版本不能修改" in page.content.decode()
    assert response.status_code == 403
    assert PolicyVersion.objects.get(pk=published.pk).cap == Decimal("10000000.00")
