"""Catalogue import (check all files, apply all or nothing) and export from the admin."""

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from policies.models import PolicyVersion
from policy_match.models import RematchRun

from .conftest import policy

pytestmark = pytest.mark.django_db
URL = "/admin/policies/policy/import/"
SLUG = "talent-living-subsidy-master"


def _upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="application/yaml")


def _seed(seeds_dir: Path, slug: str) -> str:
    return (seeds_dir / "policies" / f"{slug}.yaml").read_text(encoding="utf-8")


def test_it_exports_the_catalogue_as_the_files_load_catalogue_reads(
    catalogue: None, editor: Client, seeds_dir: Path
) -> None:
    response = editor.get("/admin/policies/policy/export/")

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(archive.namelist())
    assert response["Content-Type"] == "application/zip"
    assert names == sorted(f"policies/{p.name}" for p in (seeds_dir / "policies").glob("*.yaml"))
    assert archive.read(f"policies/{SLUG}.yaml").decode() == _seed(seeds_dir, SLUG)


def test_it_checks_every_file_and_writes_nothing_when_one_is_broken(
    catalogue: None, publisher: Client, seeds_dir: Path
) -> None:
    changed = _seed(seeds_dir, SLUG).replace("cap: 50000", "cap: 60000")
    broken = _seed(seeds_dir, "loan-rd").replace("op: eq", "op: lt", 1)

    response = publisher.post(
        URL, {"uploads": [_upload(f"{SLUG}.yaml", changed), _upload("loan-rd.yaml", broken)]}
    )

    report = response.context["report"]
    results = {f["name"]: f for f in report["files"]}
    assert not report["valid"]
    assert results[f"{SLUG}.yaml"]["errors"] == []
    assert results["loan-rd.yaml"]["errors"] == [
        "rule.all[0].op: 运算符“lt”不适用于“注册地（区）”（代码）"
    ]
    assert 'id="pm-apply"' not in response.content.decode()
    assert policy(SLUG).versions.count() == 1


def test_it_applies_checked_files_all_at_once_and_rematches_what_changed(
    demo: None, publisher: Client, seeds_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    changed = _seed(seeds_dir, SLUG).replace("cap: 50000", "cap: 60000")
    unchanged = _seed(seeds_dir, "loan-rd")
    upload = io.BytesIO()
    with zipfile.ZipFile(upload, "w") as archive:
        archive.writestr(f"policies/{SLUG}.yaml", changed)
        archive.writestr("policies/loan-rd.yaml", unchanged)
    checked = publisher.post(URL, {"uploads": [SimpleUploadedFile("c.zip", upload.getvalue())]})
    outcomes = {f["name"]: f["outcome"] for f in checked.context["report"]["files"]}

    with django_capture_on_commit_callbacks(execute=True):
        applied = publisher.post(URL, {"action": "apply", "bundle": checked.context["bundle"]})

    assert outcomes == {f"{SLUG}.yaml": "changed", "loan-rd.yaml": "unchanged"}
    assert applied.status_code == 302
    current = policy(SLUG).current_version
    assert current is not None and (current.number, str(current.cap)) == (2, "60000.00")
    assert list(RematchRun.objects.values_list("policy__slug", "status")) == [(SLUG, "done")]
    assert policy("loan-rd").versions.count() == 1


def test_it_lets_an_editor_check_but_not_apply(
    catalogue: None, editor: Client, seeds_dir: Path
) -> None:
    changed = _seed(seeds_dir, SLUG).replace("cap: 50000", "cap: 60000")
    checked = editor.post(URL, {"uploads": [_upload(f"{SLUG}.yaml", changed)]})

    applied = editor.post(URL, {"action": "apply", "bundle": checked.context["bundle"]})

    assert checked.context["report"]["valid"]
    assert "只有“publisher”（发布员）组的成员可以导入" in checked.content.decode()
    assert applied.status_code == 403
    assert PolicyVersion.objects.filter(policy__slug=SLUG).count() == 1


def test_it_refuses_a_file_that_is_not_yaml(catalogue: None, publisher: Client) -> None:
    response = publisher.post(URL, {"uploads": [_upload("notes.txt", "hello")]})

    assert response.context["form"].errors["uploads"] == [
        "notes.txt：只接受 .yaml 文件或 zip 压缩包。"
    ]
    assert response.context["report"] is None
