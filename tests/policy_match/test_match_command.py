import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import REPO
from tests.factories import EnterpriseFactory, PartnerFactory

pytestmark = pytest.mark.django_db
EXAMPLE = REPO / "docs" / "examples" / "robotics-startup.yaml"


@pytest.fixture
def catalogue(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir))


def test_it_prints_the_three_lists_and_the_money_in_chinese(
    catalogue: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("match", str(EXAMPLE))

    out = capsys.readouterr().out
    assert "符合 (" in out and "待确定 (" in out and "不符合 (" in out
    master = "talent-living-subsidy-master [p1]  新引进入户硕士毕业生生活补贴  最高 50000.00 元"
    assert master in out
    assert "合计金额: 744500.00 元" in out


def test_it_prints_english_with_lang_en(
    catalogue: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("match", str(EXAMPLE), "--lang", "en")

    out = capsys.readouterr().out
    assert "Living subsidy for newly settled master's graduates  up to 50000.00 yuan" in out
    assert "Industry: robotics / embodied AI; must be gaming / digital creative ✗" in out
    assert "Total: 744500.00 yuan" in out


def test_it_prints_the_design_json_with_json(
    catalogue: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("match", str(EXAMPLE), "--json", "--as-of", "2026-11-23")

    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"as_of", "summary", "results"}
    assert set(data["summary"]) == {
        "eligible",
        "ineligible",
        "undetermined",
        "total_amount",
        "entitled_amount",
        "competitive_amount",
        "could_unlock_amount",
        "within_reach",
        "ask_next",
    }
    assert {
        "policy",
        "name",
        "category",
        "status",
        "subject",
        "amount",
        "amount_note",
        "reasons",
        "missing",
        "amount_kind",
        "award",
        "confidence",
        "window",
        "documents",
        "unlock",
        "unlock_amount",
        "unlock_reason",
    } == set(data["results"][0])
    ip = next(r for r in data["results"] if r["policy"] == "ip-pledge-financing-subsidy")
    # 0.70 × (3,000,000 × 0.035 + 30,000 + 0)
    assert ip["amount"] == "94500.00" and ip["subject"] == {"type": "loan", "ref": "l1"}


def test_it_uses_as_of_from_the_command_line_over_the_file(
    catalogue: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("match", str(EXAMPLE), "--json", "--as-of", "2027-03-15")

    data = json.loads(capsys.readouterr().out)
    master = next(r for r in data["results"] if r["policy"] == "talent-living-subsidy-master")
    assert data["as_of"] == "2027-03-15"
    assert master["status"] == "ineligible"  # the hukou moved 2026-03-15: one full year by then


def test_it_matches_a_stored_demo_enterprise(
    seeds_dir: Path, catalogue: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"))
    capsys.readouterr()

    call_command(
        "match", "--enterprise", "91440300MA5GLXJQRJ", "--as-of", "2026-11-23", "--lang", "en"
    )

    assert "Total: 6409250.00 yuan" in capsys.readouterr().out


def test_it_asks_for_an_id_when_partners_share_a_credit_code() -> None:
    # A credit code is unique per partner only (enterprises/models.py): the code alone may
    # name several enterprises, and the command must not pick one of them silently.
    first = EnterpriseFactory(partner=PartnerFactory(), credit_code="91440300MA5GLXJQRJ")
    second = EnterpriseFactory(partner=PartnerFactory(), credit_code="91440300MA5GLXJQRJ")

    with pytest.raises(CommandError, match=rf"give an id \({first.pk}, {second.pk}\)"):
        call_command("match", "--enterprise", "91440300MA5GLXJQRJ", "--as-of", "2026-11-23")


def test_it_names_the_bad_field_of_a_profile(catalogue: None, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"as_of": "2026-11-23", "people": [{"graduated_on": "soon"}]}))

    with pytest.raises(CommandError, match=r"people\[0\]\.graduated_on: 应为日期"):
        call_command("match", str(path))
