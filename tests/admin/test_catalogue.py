"""Catalogue import (check all files, apply all or nothing) and export from the admin."""

import io
import json
import os
import re
import secrets
import stat
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from policies.admin import catalogue as catalogue_admin
from policies.models import Policy, PolicyVersion
from policies.yaml_safe import MAX_DEPTH
from policy_match.models import RematchRun
from tests.conftest import REPO
from tests.policies.test_yaml_safe import CONDITION, laughs

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


def test_it_lets_only_those_who_may_import_check_or_apply(
    catalogue: None, editor: Client, publisher: Client, seeds_dir: Path
) -> None:
    changed = _seed(seeds_dir, SLUG).replace("cap: 50000", "cap: 60000")
    bundle = publisher.post(URL, {"uploads": [_upload(f"{SLUG}.yaml", changed)]}).context["bundle"]

    page = editor.get(URL)
    checked = editor.post(URL, {"uploads": [_upload(f"{SLUG}.yaml", changed)]})
    applied = editor.post(URL, {"action": "apply", "bundle": bundle})

    assert page.status_code == 200
    assert "只有“publisher”（发布员）组的成员可以检查和导入目录文件" in page.content.decode()
    assert 'name="uploads"' not in page.content.decode()
    assert (checked.status_code, applied.status_code) == (403, 403)
    assert PolicyVersion.objects.filter(policy__slug=SLUG).count() == 1


def test_it_refuses_a_file_that_is_not_yaml(catalogue: None, publisher: Client) -> None:
    response = publisher.post(URL, {"uploads": [_upload("notes.txt", "hello")]})

    assert response.context["form"].errors["uploads"] == [
        "notes.txt：只接受 .yaml 文件或 zip 压缩包。"
    ]
    assert response.context["report"] is None


# --- the apply step trusts nothing the client sends (issue #12) ---------------------------------

TOKEN = secrets.token_hex(8)
EVIL = f"pm-evil-{TOKEN}"
UNSAFE_NAMES = [
    f"/tmp/{EVIL}.yaml",
    f"../../{EVIL}.yaml",
    f"../../../../../../../tmp/{EVIL}.yaml",
    f"policies/../../{EVIL}.yaml",
    f"{EVIL}\x00.yaml",
    f"..\\..\\{EVIL}.yaml",
    f"link -> /tmp/{EVIL}.yaml",
    f"{EVIL}.yaml/../../../{EVIL}.yaml",
]
INVALID = "导入数据无效：不是本系统检查过的文件。未做任何更改，请重新上传并检查。"


def _evil_text(seeds_dir: Path) -> str:
    """A valid measure whose slug is EVIL: it would load if its name were ever accepted."""
    return _seed(seeds_dir, "loan-rd").replace("slug: loan-rd", f"slug: {EVIL}")


def _written() -> list[Path]:
    """Every file named after TOKEN that a client-chosen name could have created."""
    tmp = Path(tempfile.gettempdir())
    found = [p for base in (Path("/"), tmp, tmp.parent) for p in base.glob(f"*{TOKEN}*")]
    found += list(tmp.glob(f"*/*{TOKEN}*"))
    for root in {Path.cwd(), REPO}:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in (".venv", ".git", "node_modules")]
            found += [Path(folder, f) for f in files if TOKEN in f]
    return found


def _state() -> list[tuple[Any, ...]]:
    return list(PolicyVersion.objects.order_by("pk").values_list("pk", "status", "content_hash"))


def _message(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_it_refuses_a_bundle_it_did_not_sign_and_writes_no_file(
    catalogue: None, publisher: Client, seeds_dir: Path, name: str
) -> None:
    before = _state()

    response = publisher.post(
        URL, {"action": "apply", "bundle": json.dumps({name: _evil_text(seeds_dir)})}
    )

    assert response.status_code == 400
    assert _message(response) == [INVALID]
    assert _written() == []
    assert _state() == before and not Policy.objects.filter(slug=EVIL).exists()


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_it_validates_the_names_of_a_signed_bundle_again_and_writes_no_file(
    catalogue: None, publisher: Client, seeds_dir: Path, name: str
) -> None:
    before = _state()
    bundle = catalogue_admin.bundle_sign({name: _evil_text(seeds_dir)})

    response = publisher.post(URL, {"action": "apply", "bundle": bundle})

    assert response.status_code == 400
    assert _message(response) == ["目录未通过检查，未做任何更改。请重新上传。"]
    assert _written() == []
    assert _state() == before and not Policy.objects.filter(slug=EVIL).exists()


def _zip(members: list[tuple[zipfile.ZipInfo | str, str]]) -> SimpleUploadedFile:
    upload = io.BytesIO()
    with zipfile.ZipFile(upload, "w") as archive:
        for member, text in members:
            archive.writestr(member, text)
    return SimpleUploadedFile("catalogue.zip", upload.getvalue())


def _symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


UNSAFE_PATH = "：压缩包中的路径不安全（绝对路径、“..”或反斜杠）。"


@pytest.mark.parametrize(
    ("member", "message"),
    [
        (f"/tmp/{EVIL}.yaml", f"/tmp/{EVIL}.yaml{UNSAFE_PATH}"),
        (f"../../{EVIL}.yaml", f"../../{EVIL}.yaml{UNSAFE_PATH}"),
        (f"policies/../../{EVIL}.yaml", f"policies/../../{EVIL}.yaml{UNSAFE_PATH}"),
        (f"..\\..\\{EVIL}.yaml", f"..\\..\\{EVIL}.yaml{UNSAFE_PATH}"),
        (f"C:/{EVIL}.yaml", f"C:/{EVIL}.yaml{UNSAFE_PATH}"),
        (_symlink(f"{EVIL}.yaml"), f"{EVIL}.yaml：是符号链接；只接受普通文件。"),
    ],
    ids=["absolute", "dot-dot", "nested dot-dot", "backslash", "drive", "symlink"],
)
def test_it_refuses_an_archive_member_that_is_not_a_plain_relative_file(
    catalogue: None, publisher: Client, seeds_dir: Path, member: Any, message: str
) -> None:
    before = _state()
    text = f"/tmp/{EVIL}.yaml" if isinstance(member, zipfile.ZipInfo) else _evil_text(seeds_dir)

    response = publisher.post(URL, {"uploads": [_zip([(member, text)])]})

    assert response.status_code == 200
    assert response.context["form"].errors["uploads"] == [message]
    assert response.context["report"] is None and response.context["bundle"] == ""
    assert _written() == []
    assert _state() == before


@pytest.mark.parametrize("name", [f"../../{EVIL}.yaml", f"/tmp/{EVIL}.yaml", f"{EVIL}\x00.yaml"])
def test_it_uses_an_uploaded_file_name_only_as_a_label(
    catalogue: None, publisher: Client, seeds_dir: Path, name: str
) -> None:
    before = _state()

    response = publisher.post(URL, {"uploads": [_upload(name, _evil_text(seeds_dir))]})

    files = response.context["report"]["files"]
    assert [(f["name"], f["errors"], f["outcome"]) for f in files] == [
        (f"{EVIL}.yaml", [], "created")
    ]
    assert _written() == []
    assert _state() == before


def test_it_shows_a_file_name_that_is_not_a_slug_as_the_files_error(
    catalogue: None, publisher: Client, seeds_dir: Path
) -> None:
    text = _seed(seeds_dir, "loan-rd")

    response = publisher.post(URL, {"uploads": [_zip([("policies/Loan RD.yaml", text)])]})

    report = response.context["report"]
    assert [(f["name"], f["errors"]) for f in report["files"]] == [
        ("Loan RD.yaml", ["文件名应为 <标识>.yaml（小写字母、数字和连字符）"])
    ]
    assert not report["valid"] and 'id="pm-apply"' not in response.content.decode()


def _signed_raw(raw: bytes) -> str:
    """A bundle signed with our key and salt holding `raw` as its JSON."""

    class Raw:
        def dumps(self, obj: object) -> bytes:
            return raw

        def loads(self, data: bytes) -> object:  # pragma: no cover - never called
            raise NotImplementedError

    return signing.dumps(None, salt=catalogue_admin.BUNDLE_SALT, serializer=Raw, compress=True)


@pytest.mark.parametrize(
    "bundle",
    [
        "",
        "not json",
        "[]",
        "[1, 2]",
        "null",
        '"text"',
        "{}",
        '{"loan-rd.yaml": 5}',
        '{"loan-rd.yaml": null}',
        '{"loan-rd.yaml": ["slug: loan-rd"]}',
        '[["loan-rd.yaml", "slug: loan-rd"]]',
        "[" * 100_000 + "]" * 100_000,
        "signed:list",
        "signed:number values",
        "signed:null values",
        "signed:empty",
        "signed:deep json",
        "signed:not json",
        "signed:truncated",
    ],
)
def test_it_refuses_a_malformed_bundle_with_a_message(
    catalogue: None, publisher: Client, bundle: str
) -> None:
    sign = catalogue_admin.bundle_sign
    forged = {
        "signed:list": lambda: sign(["loan-rd.yaml", "slug: loan-rd"]),  # type: ignore[arg-type]
        "signed:number values": lambda: sign({"loan-rd.yaml": 5}),  # type: ignore[dict-item]
        "signed:null values": lambda: sign({"loan-rd.yaml": None}),  # type: ignore[dict-item]
        "signed:empty": lambda: sign({}),
        "signed:deep json": lambda: _signed_raw(b"[" * 100_000 + b"]" * 100_000),
        "signed:not json": lambda: _signed_raw(b"\xff{not json"),
        "signed:truncated": lambda: sign({"loan-rd.yaml": "x"})[:-3],
    }
    before = _state()

    response = publisher.post(
        URL, {"action": "apply", "bundle": forged.get(bundle, lambda: bundle)()}
    )

    assert response.status_code == 400
    assert _message(response) == [INVALID]
    assert _state() == before


def test_it_refuses_a_bundle_checked_more_than_an_hour_ago(
    catalogue: None, publisher: Client, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = _seed(seeds_dir, SLUG).replace("cap: 50000", "cap: 60000")
    two_hours_ago = int(time.time()) - 2 * 3600
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(two_hours_ago)
    )
    bundle = publisher.post(URL, {"uploads": [_upload(f"{SLUG}.yaml", changed)]}).context["bundle"]
    monkeypatch.undo()

    response = publisher.post(URL, {"action": "apply", "bundle": bundle})

    assert response.status_code == 400
    assert _message(response) == ["检查结果已超过 1 小时，已失效。未做任何更改，请重新上传并检查。"]
    assert policy(SLUG).versions.count() == 1


def test_it_keeps_a_whole_catalogue_bundle_well_under_the_request_size_limit(
    catalogue: None, publisher: Client, seeds_dir: Path, settings: Any
) -> None:
    upload = io.BytesIO()
    files = sorted((seeds_dir / "policies").glob("*.yaml"))
    with zipfile.ZipFile(upload, "w") as archive:
        for path in files:
            archive.writestr(f"policies/{path.name}", path.read_text(encoding="utf-8"))

    response = publisher.post(URL, {"uploads": [SimpleUploadedFile("all.zip", upload.getvalue())]})

    bundle = response.context["bundle"]
    report = response.context["report"]
    assert report["valid"] and len(report["files"]) == len(files)
    assert 0 < len(bundle) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 10
    applied = publisher.post(URL, {"action": "apply", "bundle": bundle})
    assert applied.status_code == 302


def test_it_says_so_when_the_checked_files_would_not_fit_in_one_request(
    catalogue: None, publisher: Client, seeds_dir: Path, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000  # a file's upload is not counted, the bundle is
    changed = _seed(seeds_dir, SLUG).replace("cap: 50000", "cap: 60000")

    response = publisher.post(URL, {"uploads": [_upload(f"{SLUG}.yaml", changed)]})

    assert response.context["report"]["general"] == [
        "检查通过的文件太多或太大，无法一次导入：请分几次上传。"
    ]
    assert response.context["bundle"] == "" and 'id="pm-apply"' not in response.content.decode()


# --- YAML that would expand or recurse without end (issue #12) ----------------------------------


def test_it_refuses_yaml_aliases_before_expanding_them(
    catalogue: None, publisher: Client, seeds_dir: Path
) -> None:
    doc = _seed(seeds_dir, "loan-rd")
    rule = doc[doc.index("rule:") : doc.index("benefit:")]
    text = doc.replace(rule, laughs())
    line = text.splitlines().index("  - &l1 {all: [" + ", ".join(["*l0"] * 10) + "]}") + 1
    before = _state()

    response = publisher.post(URL, {"uploads": [_upload("loan-rd.yaml", text)]})

    report = response.context["report"]
    assert [(f["name"], f["errors"]) for f in report["files"]] == [
        ("loan-rd.yaml", [f"第 {line} 行：不允许使用 YAML 别名（*l0）"])
    ]
    assert not report["valid"] and response.context["bundle"] == ""
    assert _state() == before


@pytest.mark.parametrize(
    "rule",
    [
        "rule: " + "{not: " * 2_000 + CONDITION + "}" * 2_000 + "\n",
        "rule:\n" + "".join(f"{' ' * (i + 1)}not:\n" for i in range(2_000))
        + f"{' ' * 2_001}{CONDITION}\n",
        "rule: " + "[" * 50_000 + "]" * 50_000 + "\n",
    ],
    ids=["rule 2,000 deep", "block rule 2,000 deep", "list 50,000 deep"],
)  # fmt: skip
def test_it_refuses_nesting_too_deep_to_read_with_a_message(
    catalogue: None, publisher: Client, seeds_dir: Path, rule: str
) -> None:
    doc = _seed(seeds_dir, "loan-rd")
    text = doc.replace(doc[doc.index("rule:") : doc.index("benefit:")], rule)
    start = text.splitlines().index(rule.splitlines()[0]) + 1
    before = _state()

    response = publisher.post(URL, {"uploads": [_upload("loan-rd.yaml", text)]})

    [file] = response.context["report"]["files"]
    [error] = file["errors"]
    line = int(re.fullmatch(rf"第 (\d+) 行：YAML 嵌套超过 {MAX_DEPTH} 层", error)[1])  # type: ignore[index]
    assert start <= line <= start + MAX_DEPTH
    assert _state() == before
