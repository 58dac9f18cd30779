"""#14.6–7, #18.5: the catalogue file's provenance, money and jurisdiction fields load and dump
back, and a file may not claim more confidence than its weakest tag."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from policies.catalogue import CatalogueError, catalogue_load
from policies.catalogue_dump import catalogue_dump, dump_documents
from policies.models import Policy, PolicyStatus, PolicyVersion, VersionStatus
from policies.provenance import computed_confidence
from policy_match.rules import parse

pytestmark = pytest.mark.django_db
SLUG = "tech-loan-interest-subsidy"


def _doc(seeds_dir: Path, slug: str = SLUG) -> dict[str, Any]:
    return yaml.safe_load((seeds_dir / "policies" / f"{slug}.yaml").read_text(encoding="utf-8"))


def _load(doc: dict[str, Any]) -> None:
    catalogue_load(texts={f"{doc['slug']}.yaml": dump_documents([doc])})


def test_it_refuses_a_file_that_claims_more_confidence_than_its_tags(seeds_dir: Path) -> None:
    doc = _doc(seeds_dir)
    weakest = computed_confidence(parse(doc["rule"]), {"benefit": doc["benefit"]["assumed"]})
    doc["confidence"]["level"] = "stated"

    with pytest.raises(CatalogueError) as refused:
        _load(doc)

    assert weakest != "stated"
    assert (
        f"claims stated, but the weakest basis of its conditions, amount or dates is {weakest}"
        in str(refused.value)
    )


def test_an_untagged_condition_or_an_assumed_amount_makes_a_measure_assumed() -> None:
    tagged = {"all": [{"fact": "registered_district", "op": "eq", "value": "nanshan",
                       "stated": "注册地在南山区"}]}  # fmt: skip
    untagged = {"all": [{"fact": "registered_district", "op": "eq", "value": "nanshan"}]}

    assert computed_confidence(parse(tagged), {}) == "stated"
    assert computed_confidence(parse(untagged), {}) == "assumed"
    assert computed_confidence(parse(tagged), {"benefit": "cap read as yearly"}) == "assumed"
    assert computed_confidence(parse(tagged), {"issuer": "who pays"}) == "stated"


def test_the_new_fields_load_and_dump_back_as_written(seeds_dir: Path, tmp_path: Path) -> None:
    doc = _doc(seeds_dir)
    doc["jurisdiction"] = {"level": "city", "name": {"zh-hans": "深圳市", "en": "Shenzhen"}}
    doc["benefit"]["award"] = "entitled"
    doc["benefit"]["award_assumed"] = None
    doc["benefit"]["amount_kind"] = "exact"
    doc["dates_note"] = {"zh-hans": "2024年度申报", "en": "the 2024 round"}
    doc["rule"]["all"][0]["derived"] = {"zh-hans": "专项资金的注册地条件", "en": "the fund's rule"}
    doc["rule"]["all"][0].pop("stated", None)
    doc["confidence"]["level"] = "assumed"
    text = dump_documents([doc])

    catalogue_load(texts={f"{SLUG}.yaml": text})
    catalogue_dump(directory=tmp_path)

    version = PolicyVersion.objects.get(policy__slug=SLUG, status=VersionStatus.PUBLISHED)
    assert (version.jurisdiction, version.award, version.amount_kind) == (
        "city",
        "entitled",
        "exact",
    )
    assert (tmp_path / f"{SLUG}.yaml").read_text(encoding="utf-8") == text


def test_a_retired_measure_is_loaded_as_retired_and_dumped_back(
    seeds_dir: Path, tmp_path: Path
) -> None:
    call_command("load_catalogue", str(seeds_dir), stdout=io.StringIO())
    doc = _doc(seeds_dir, "loan-rd")
    doc["status"] = "retired"
    doc["notes"] = {"zh-hans": "已停止", "en": "discontinued"}
    text = dump_documents([doc])

    catalogue_load(texts={"loan-rd.yaml": text})
    again = catalogue_load(texts={"loan-rd.yaml": text})
    catalogue_dump(directory=tmp_path)

    policy = Policy.objects.get(slug="loan-rd")
    assert policy.status == PolicyStatus.RETIRED and policy.current_version is None
    assert not policy.versions.filter(status=VersionStatus.PUBLISHED).exists()
    assert again.unchanged == ["loan-rd"]
    assert (tmp_path / "loan-rd.yaml").read_text(encoding="utf-8") == text
