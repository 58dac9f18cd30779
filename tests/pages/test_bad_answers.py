"""#12.6: any text in any field of the profile form is a field error, never a 500, and a
session holding a bad value never breaks a page."""

from __future__ import annotations

import pytest
from django.test import Client

from policy_match.pages.forms import LoanForm
from policy_match.rules import Kind, Subject, facts_for

from .support import post_step

pytestmark = pytest.mark.django_db
NASTY = [
    "NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "NaN%", "Infinity%", "sNaN%",
    "%", "%%", "%s", "%(value)s", "{value}", "1e999999999", "9" * 5000, "-1e-999999999",
    "0x1F", "١٢٣", "\x00", "a\x00b", "'; DROP TABLE x; --", "<script>alert(1)</script>",
    "2024-02-30", "99999-01-01", "true", "", " ",
]  # fmt: skip
PAGES = ["/profile/enterprise/", "/profile/people/", "/profile/loans/", "/profile/review/",
         "/results/", "/en/profile/loans/", "/en/results/"]  # fmt: skip


@pytest.mark.parametrize("text", NASTY)
def test_it_answers_every_field_of_every_step_with_a_page_not_a_500(
    catalogue: None, client: Client, text: str
) -> None:
    for step, subject in (("enterprise", Subject.ENTERPRISE), ("people", Subject.PERSON),
                          ("loans", Subject.LOAN)):  # fmt: skip
        names = [f.name for f in facts_for(subject, derived=False) if f.kind is not Kind.CODES]
        answers = {name if step == "enterprise" else f"0-{name}": text for name in names}
        response = post_step(client, step, answers, rows=None if step == "enterprise" else 1)
        assert response.status_code == 302, (step, text)

    statuses = {url: client.get(url).status_code for url in PAGES}

    assert set(statuses.values()) <= {200, 302}, statuses


@pytest.mark.parametrize("text", ["NaN", "Infinity", "sNaN", "NaN%", "-Infinity%"])
def test_it_shows_a_ratio_it_cannot_read_as_an_error_on_its_field(
    client: Client, text: str
) -> None:
    post_step(client, "loans", {"0-rate": text}, rows=1, language="en")

    page = client.get("/en/profile/loans/").content.decode()

    field = page.split('id="field-loans-0-rate"')[1][:1500]
    assert "a decimal (such as 0.035) or a percentage (such as 3.5%)" in field
    form = LoanForm({"rate": text}, language="en")
    assert not form.is_valid() and list(form.errors) == ["rate"]
