import re
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from policies.catalogue import CatalogueError, catalogue_load
from policies.models import Policy, PolicyVersion, VersionStatus
from policies.services import policy_version_draft
from policies.yaml_safe import MAX_DEPTH

from .test_yaml_safe import CONDITION, laughs

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
    assert len(files) == 36
    # 34 published measures, one draft and one retired; three published ones hold two dated
    # versions (the age limit 40, then 45).
    assert PolicyVersion.objects.filter(status=VersionStatus.PUBLISHED).count() == 37
    twice = PolicyVersion.objects.filter(status=VersionStatus.PUBLISHED, number=2)
    assert sorted(twice.values_list("policy__slug", flat=True)) == [
        "key-industry-startup-talent-award",
        "startup-talent-rent-free-housing",
        "youth-pilot-startup-team",
    ]
    draft = Policy.objects.get(slug="shenzhen-new-phd-living-subsidy")
    assert draft.current_version is None
    assert draft.versions.get().status == VersionStatus.DRAFT
    retired = Policy.objects.get(slug="shenzhen-new-talent-living-subsidy")
    assert retired.current_version is None
    assert retired.versions.get().status == VersionStatus.RETIRED


def test_it_changes_nothing_when_loaded_twice(
    seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("load_catalogue", str(seeds_dir))
    before = list(PolicyVersion.objects.values_list("id", "content_hash", "status"))

    call_command("load_catalogue", str(seeds_dir))

    assert list(PolicyVersion.objects.values_list("id", "content_hash", "status")) == before
    assert "0 created, 0 changed, 36 unchanged" in capsys.readouterr().out


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

    assert "0 created, 0 changed, 36 unchanged" in capsys.readouterr().out


# --- reading files by name only, safely (issue #12) ----------------------------------------------


def _seed_text(seeds_dir: Path, slug: str) -> str:
    return (seeds_dir / "policies" / f"{slug}.yaml").read_text(encoding="utf-8")


def _with_rule(seeds_dir: Path, slug: str, rule_yaml: str) -> str:
    """The seed file of `slug` with its rule replaced by `rule_yaml` (the text after `rule:`)."""
    doc = yaml.safe_load(_seed_text(seeds_dir, slug))
    doc["rule"] = "RULE"
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    return text.replace("rule: RULE\n", f"rule: {rule_yaml}\n")


@pytest.mark.parametrize(
    "name",
    [
        5,
        None,
        ("loan-rd.yaml",),
        "/tmp/loan-rd.yaml",
        "../loan-rd.yaml",
        "../../../../tmp/loan-rd.yaml",
        "policies/loan-rd.yaml",
        "loan-rd\x00.yaml",
        "..\\loan-rd.yaml",
        "link -> /etc/passwd",
        "Loan-RD.yaml",
        "loan-rd.yml",
        "loan-rd.yaml\n",
        ".yaml",
        "",
    ],
)
def test_it_takes_a_file_name_only_as_a_bare_slug_label(seeds_dir: Path, name: object) -> None:
    texts = {name: _seed_text(seeds_dir, "loan-rd")}

    with pytest.raises(CatalogueError) as error:
        catalogue_load(texts=texts, language="en")  # type: ignore[arg-type]

    [(label, message)] = error.value.problems
    assert message == "the file name must be <slug>.yaml (lower-case letters, digits, hyphens)"
    assert "\x00" not in label and "\n" not in label
    assert _policy_count() == (0, 0)


def test_it_refuses_a_text_that_is_not_a_string(seeds_dir: Path) -> None:
    with pytest.raises(CatalogueError) as error:
        catalogue_load(texts={"loan-rd.yaml": 5}, language="zh-hans")  # type: ignore[dict-item]

    assert error.value.lines == ["loan-rd.yaml: 文件内容应为文字"]
    assert _policy_count() == (0, 0)


def test_it_loads_texts_exactly_as_it_loads_the_directory(seeds_dir: Path) -> None:
    texts = {p.name: p.read_text(encoding="utf-8") for p in (seeds_dir / "policies").glob("*.yaml")}

    result = catalogue_load(texts=texts)

    assert len(result.created) == 36
    assert catalogue_load(directory=seeds_dir).unchanged == sorted(result.created)


def test_it_refuses_yaml_aliases_before_expanding_them(seeds_dir: Path, tmp_path: Path) -> None:
    copy = _copy(seeds_dir, tmp_path)
    path = copy / "policies" / "loan-rd.yaml"
    text = _with_rule(seeds_dir, "loan-rd", "RULE").replace("rule: RULE\n", laughs())
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  - &l1 {all: [" + ", ".join(["*l0"] * 10) + "]}") + 1

    with pytest.raises(CommandError) as error:
        call_command("load_catalogue", str(copy))

    assert f"loan-rd.yaml: line {line}: YAML aliases (*l0) are not allowed" in str(error.value)
    assert _policy_count() == (0, 0)


@pytest.mark.parametrize(
    "rule",
    ["{not: " * 2_000 + CONDITION + "}" * 2_000, "[" * 50_000 + "]" * 50_000],
    ids=["rule 2,000 deep", "list 50,000 deep"],
)
def test_it_refuses_nesting_too_deep_to_read_with_a_message(
    seeds_dir: Path, tmp_path: Path, rule: str
) -> None:
    copy = _copy(seeds_dir, tmp_path)
    text = _with_rule(seeds_dir, "loan-rd", rule)
    (copy / "policies" / "loan-rd.yaml").write_text(text, encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s.startswith("rule: "))

    with pytest.raises(CommandError) as error:
        call_command("load_catalogue", str(copy))

    message = f"loan-rd.yaml: line {line}: YAML nested more than {MAX_DEPTH} levels"
    assert message in str(error.value)
    assert _policy_count() == (0, 0)


def test_it_reports_a_date_that_does_not_exist_instead_of_crashing(
    seeds_dir: Path, tmp_path: Path
) -> None:
    copy = _copy(seeds_dir, tmp_path)
    path = copy / "policies" / "joint-incubation.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"valid_from: .*", "valid_from: 2025-02-30", text), encoding="utf-8")

    with pytest.raises(CommandError, match=r"joint-incubation\.yaml: line \d+: unreadable value"):
        call_command("load_catalogue", str(copy))

    assert _policy_count() == (0, 0)


# --- drafts in the catalogue: one open draft per measure (issue #12) ---------------------------

DRAFT_SLUG = "shenzhen-new-phd-living-subsidy"


def test_it_updates_the_open_draft_when_a_changed_draft_file_is_loaded(
    seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("load_catalogue", str(seeds_dir))
    draft = PolicyVersion.objects.get(policy__slug=DRAFT_SLUG)
    copy = _copy(seeds_dir, tmp_path)
    path = copy / "policies" / f"{DRAFT_SLUG}.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["notes"] = "changed"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")

    call_command("load_catalogue", str(copy))
    call_command("load_catalogue", str(copy))

    versions = PolicyVersion.objects.filter(policy__slug=DRAFT_SLUG)
    assert list(versions.values_list("pk", "number", "status", "notes")) == [
        (draft.pk, 1, "draft", "changed")
    ]
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == ["0 created, 1 changed, 35 unchanged", "0 created, 0 changed, 36 unchanged"]


def test_it_leaves_a_published_measure_alone_while_staff_edit_its_draft(
    seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("load_catalogue", str(seeds_dir))
    policy = Policy.objects.get(slug="loan-rd")
    draft = policy_version_draft(policy=policy)
    before = list(PolicyVersion.objects.values_list("id", "status", "content_hash"))

    call_command("load_catalogue", str(seeds_dir))

    assert list(PolicyVersion.objects.values_list("id", "status", "content_hash")) == before
    assert "0 created, 0 changed, 36 unchanged" in capsys.readouterr().out
    assert PolicyVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_it_replaces_the_staff_draft_when_the_file_drafts_the_measure(
    seeds_dir: Path, tmp_path: Path
) -> None:
    call_command("load_catalogue", str(seeds_dir))
    policy = Policy.objects.get(slug="loan-rd")
    draft = policy_version_draft(policy=policy)
    copy = _copy(seeds_dir, tmp_path)
    path = copy / "policies" / "loan-rd.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["status"], doc["notes"] = "draft", "from the file"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")

    call_command("load_catalogue", str(copy))

    drafts = policy.versions.filter(status=VersionStatus.DRAFT)
    assert list(drafts.values_list("pk", "notes")) == [(draft.pk, "from the file")]
    assert policy.versions.get(status=VersionStatus.PUBLISHED).number == 1
