"""The structured rule editor: rows from the rule tree, values with the fact's own widget."""

from decimal import Decimal

import pytest
from django.test import Client

from policies.models import PolicyVersion
from policies.rule_editor import Row, RowError, Rows, rows_rearranged, rows_rule, rule_rows

from .conftest import change_url, draft_of
from .editor_support import editor_data, row_of

pytestmark = pytest.mark.django_db
AGE_SLUG = "key-industry-startup-talent-award"


def _errors(response: object, field: str) -> list[str]:
    return list(response.context["adminform"].form.errors.get(field, []))  # type: ignore[attr-defined]


def test_it_turns_a_rule_into_rows_and_back_unchanged() -> None:
    rule = {
        "all": [
            {"fact": "registered_district", "op": "eq", "value": "nanshan"},
            {
                "any": [
                    {"fact": "employee_count", "op": "gte", "value": 3},
                    {"not": {"fact": "has_bad_credit", "op": "eq", "value": True}},
                ]
            },
            {"fact": "annual_revenue", "op": "between", "value": ["1000000", "5000000.00"]},
        ]
    }

    state = rule_rows(rule)

    assert [(r.depth, r.kind) for r in state.rows] == [
        (0, "all"),
        (1, "cond"),
        (1, "any"),
        (2, "cond"),
        (2, "not"),
        (3, "cond"),
        (1, "cond"),
    ]
    assert state.rows[6].raw == ("1,000,000", "5,000,000")
    assert rows_rule(state)[0] == rule


def test_it_keeps_a_bare_condition_bare_unless_a_sibling_is_added() -> None:
    rule = {"fact": "registered_district", "op": "eq", "value": "nanshan"}
    state = rule_rows(rule)

    added = rows_rearranged(state, "add_cond:0")

    assert rows_rule(state) == (rule, ["rule", "rule"])
    assert [r.kind for r in added.rows] == ["all", "cond", "cond"]
    with pytest.raises(RowError) as error:
        rows_rule(added)
    assert error.value.row == 2 and error.value.text.en == "choose a fact"


def test_it_adds_a_nested_group_and_removes_a_row_with_everything_in_it() -> None:
    state = rule_rows({"all": [{"fact": "employee_count", "op": "gte", "value": 3}]})

    grouped = rows_rearranged(state, "add_group:0")
    removed = rows_rearranged(grouped, "remove:2")

    assert [(r.depth, r.kind) for r in grouped.rows] == [
        (0, "all"),
        (1, "cond"),
        (1, "any"),
        (2, "cond"),
    ]
    assert removed.rows == state.rows
    assert rows_rearranged(state, "remove:0") == state  # the top group stays


def test_it_reads_yuan_with_separators_and_percents_as_the_catalogue_writes_them() -> None:
    rows = Rows(
        (
            Row(0, "all"),
            Row(1, "cond", "annual_revenue", "gte", ("3,000,000 元",)),
            Row(1, "cond", "revenue_growth_rate", "gte", ("20",)),
            Row(1, "cond", "employee_count", "lt", ("3.5",)),
        )
    )

    with pytest.raises(RowError) as error:
        rows_rule(rows)

    assert error.value.row == 3 and error.value.text.zh == "应为整数"
    ok = Rows(rows.rows[:3])
    assert rows_rule(ok)[0]["all"] == [
        {"fact": "annual_revenue", "op": "gte", "value": "3000000"},
        {"fact": "revenue_growth_rate", "op": "gte", "value": "0.2"},
    ]


def test_the_draft_page_shows_each_condition_as_a_row_with_its_sentence(
    demo: None, editor: Client
) -> None:
    draft = draft_of(AGE_SLUG)

    page = editor.get(change_url(draft)).content.decode()

    assert 'id="pm-rule-editor"' in page and 'name="rule_editor-0-kind"' in page
    assert "年龄不超过 45 岁</span>" in page
    assert "同时满足以下全部条件：\n  " in page  # the whole rule beside the rows


def test_a_threshold_change_is_one_number_and_a_save(demo: None, editor: Client) -> None:
    draft = draft_of(AGE_SLUG)
    row = row_of(draft, "age")

    response = editor.post(change_url(draft), editor_data(draft, {row: ["50"]}))

    assert response.status_code == 302, _errors(response, "rule_editor")
    saved = PolicyVersion.objects.get(pk=draft.pk)
    assert "'value': 50" in str(saved.rule) and "'value': 45" not in str(saved.rule)
    # Everything else, provenance included, is kept as it was.
    assert str(saved.rule).replace("'value': 50", "'value': 45") == str(draft.rule)


def test_a_wrong_value_is_shown_on_its_row_and_nothing_is_saved(demo: None, editor: Client) -> None:
    draft = draft_of(AGE_SLUG)
    row = row_of(draft, "age")

    response = editor.post(change_url(draft), editor_data(draft, {row: ["forty"]}))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="pm-row-{row}-error"' in page and "年龄：应为整数" in page
    assert PolicyVersion.objects.get(pk=draft.pk).rule == draft.rule


def test_the_error_is_in_english_for_an_english_speaking_editor(demo: None, staff: object) -> None:
    client = staff("editor", language="en")  # type: ignore[operator]
    draft = draft_of(AGE_SLUG)
    row = row_of(draft, "age")

    response = client.post(change_url(draft), editor_data(draft, {row: ["forty"]}))

    assert "Age: expected a whole number" in response.content.decode()


def test_the_add_button_draws_a_new_row_without_saving(demo: None, editor: Client) -> None:
    draft = draft_of(AGE_SLUG)
    data = editor_data(draft, _rule_action="add_cond:0")
    total = int(data["rule_editor-TOTAL"])

    response = editor.post(change_url(draft), data)

    assert response.status_code == 200
    assert f'name="rule_editor-TOTAL" value="{total + 1}"' in response.content.decode()
    assert PolicyVersion.objects.get(pk=draft.pk).rule == draft.rule


def test_the_formula_numbers_and_sources_are_fields(demo: None, editor: Client) -> None:
    draft = draft_of("tech-loan-interest-subsidy")
    page = editor.get(change_url(draft)).content.decode()
    assert 'name="formula_numbers-0"' in page and 'name="sources_rows-0-title"' in page

    response = editor.post(
        change_url(draft),
        editor_data(draft, **{"formula_numbers-0": "0.80", "sources_rows-0-title": "新标题"}),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = PolicyVersion.objects.get(pk=draft.pk)
    assert "'0.80'" in str(saved.formula) and saved.sources[0]["title"] == "新标题"


def test_a_changed_yaml_box_wins_over_the_unchanged_table(demo: None, editor: Client) -> None:
    draft = draft_of(AGE_SLUG)
    data = editor_data(draft)
    data["cap"] = "700000"
    data["rule"] = data["rule"].replace("value: 45", "value: 42")

    response = editor.post(change_url(draft), data)

    assert response.status_code == 302, _errors(response, "rule")
    saved = PolicyVersion.objects.get(pk=draft.pk)
    assert "'value': 42" in str(saved.rule) and saved.cap == Decimal("700000")


def test_the_script_gets_the_rearranged_rows_without_a_save(demo: None, editor: Client) -> None:
    draft = draft_of(AGE_SLUG)
    data = editor_data(draft, _rule_action="add_group:0")
    total = int(data["rule_editor-TOTAL"])

    response = editor.post(f"/admin/policies/policyversion/{draft.pk}/rule-editor/", data)

    assert response.status_code == 200
    assert f'name="rule_editor-TOTAL" value="{total + 2}"' in response.json()["html"]
    assert PolicyVersion.objects.get(pk=draft.pk).rule == draft.rule
