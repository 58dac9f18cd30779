import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from policies.models import Policy, PolicyVersion, VersionStatus

pytestmark = pytest.mark.django_db


def _copy(seeds_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(seeds_dir / "policies", target / "policies")
    return target


def _policy_count() -> tuple[int, int]:
    return Policy.objects.count(), PolicyVersion.objects.count()


def test_it_loads_every_measure_of_the_catalogue(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir))

    files = sorted(p.stem for p in (seeds_dir / "policies").glob("*.yaml"))
    assert sorted(Policy.objects.values_list("slug", flat=True)) == files
    assert len(files) == 35
    assert PolicyVersion.objects.filter(status=VersionStatus.PUBLISHED).count() == 34
    draft = Policy.objects.get(slug="shenzhen-new-talent-living-subsidy")
    assert draft.current_version is None
    assert draft.versions.get().status == VersionStatus.DRAFT


def test_it_changes_nothing_when_loaded_twice(
    seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("load_catalogue", str(seeds_dir))
    before = list(PolicyVersion.objects.values_list("id", "content_hash", "status"))

    call_command("load_catalogue", str(seeds_dir))

    assert list(PolicyVersion.objects.values_list("id", "content_hash", "status")) == before
    assert "0 created, 0 changed, 35 unchanged" in capsys.readouterr().out


def test_it_gives_a_changed_measure_a_new_published_version(
    seeds_dir: Path, tmp_path: Path
) -> None:
    call_command("load_catalogue", str(seeds_dir))
    copy = _copy(seeds_dir, tmp_path)
    path = copy / "policies" / "talent-living-subsidy-master.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["benefit"]["cap"] = 60000
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")

    call_command("load_catalogue", str(copy))

    policy = Policy.objects.get(slug="talent-living-subsidy-master")
    versions = list(policy.versions.order_by("number").values_list("number", "status", "cap"))
    assert [(n, s) for n, s, _ in versions] == [(1, "superseded"), (2, "published")]
    assert versions[1][2] == 60000
    assert policy.current_version is not None and policy.current_version.number == 2


@pytest.mark.parametrize(
    ("slug", "change", "message"),
    [
        (
            "loan-rd",
            lambda d: d["rule"]["all"][0].update(fact="no_such_fact"),
            "loan-rd.yaml: rule.all[0].fact: unknown fact 'no_such_fact'",
        ),
        (
            "loan-rd",
            lambda d: d["rule"]["all"][0].update(op="lt"),
            "loan-rd.yaml: rule.all[0].op: operator 'lt' does not fit 'registered_district'",
        ),
        (
            "vc-institution-support",
            lambda d: d["benefit"].update(formula={"mul": ["0.1"]}),
            "vc-institution-support.yaml: benefit.formula.mul: wrong number of arguments",
        ),
        (
            "joint-incubation",
            lambda d: d.update(valid_from="someday"),
            "joint-incubation.yaml: valid_from: expected a date (YYYY-MM-DD)",
        ),
        (  # YAML reads a date with a time as a datetime (found by test_parse_fuzz.py)
            "joint-incubation",
            lambda d: d.update(valid_from=datetime(2025, 3, 26, 9, 0), valid_to=date(2026, 1, 1)),
            "joint-incubation.yaml: valid_from: expected a date (YYYY-MM-DD)",
        ),
        (
            "joint-incubation",
            lambda d: d["name"].pop("en"),
            "joint-incubation.yaml: name: expected {zh-hans: …, en: …}",
        ),
    ],
)
def test_it_writes_nothing_when_one_file_is_broken(
    seeds_dir: Path, tmp_path: Path, slug: str, change: object, message: str
) -> None:
    copy = _copy(seeds_dir, tmp_path)
    path = copy / "policies" / f"{slug}.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("load_catalogue", str(copy))

    assert message in str(error.value)
    assert _policy_count() == (0, 0)


def test_it_reports_a_yaml_syntax_error_with_the_file_name(seeds_dir: Path, tmp_path: Path) -> None:
    copy = _copy(seeds_dir, tmp_path)
    (copy / "policies" / "loan-rd.yaml").write_text("slug: [unclosed", encoding="utf-8")

    with pytest.raises(CommandError, match=r"loan-rd\.yaml: "):
        call_command("load_catalogue", str(copy))

    assert _policy_count() == (0, 0)


def test_it_keeps_the_catalogue_in_place_when_an_update_is_broken(
    seeds_dir: Path, tmp_path: Path
) -> None:
    call_command("load_catalogue", str(seeds_dir))
    before = list(PolicyVersion.objects.values_list("id", "status"))
    copy = _copy(seeds_dir, tmp_path)
    good = copy / "policies" / "talent-living-subsidy-master.yaml"
    good.write_text(
        good.read_text(encoding="utf-8").replace("cap: 50000", "cap: 60000"), encoding="utf-8"
    )
    (copy / "policies" / "loan-rd.yaml").write_text("slug: loan-rd\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"loan-rd\.yaml: category: this key is required"):
        call_command("load_catalogue", str(copy))

    assert list(PolicyVersion.objects.values_list("id", "status")) == before


def test_it_dumps_the_catalogue_back_byte_for_byte(seeds_dir: Path, tmp_path: Path) -> None:
    call_command("load_catalogue", str(seeds_dir))

    call_command("dump_catalogue", str(tmp_path / "out"))

    for original in sorted((seeds_dir / "policies").glob("*.yaml")):
        dumped = tmp_path / "out" / original.name
        assert dumped.read_text(encoding="utf-8") == original.read_text(encoding="utf-8"), (
            original.name
        )


def test_it_reads_its_own_dump_as_unchanged(
    seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("load_catalogue", str(seeds_dir))
    call_command("dump_catalogue", str(tmp_path / "out"))
    capsys.readouterr()

    call_command("load_catalogue", str(tmp_path / "out"))

    assert "0 created, 0 changed, 35 unchanged" in capsys.readouterr().out
