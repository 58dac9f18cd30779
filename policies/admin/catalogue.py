"""Catalogue import (check every file, then apply all or nothing) and export, in the admin.

The uploaded files go through the loader's own services (`catalogue_read_texts`,
`catalogue_load`), so the admin accepts exactly what `manage.py load_catalogue` accepts. They are
read in memory: an uploaded file name is only a label, never a path, and nothing is written to
disk. The checked files travel to the apply step inside the confirmation form, signed by the
server (an hour's validity) and checked again there: nothing is kept on the server between the
two requests, so any web process can take either of them, and the client can send back only
what it was given.
"""

from __future__ import annotations

import io
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policy_match.rematch import rematch_policy_start

from ..catalogue import CatalogueError, LoadResult, catalogue_load, file_label
from ..catalogue_dump import catalogue_dump
from ..models import Policy, PolicyStatus
from ..services import can_publish
from .common import language, page_context

# A whole catalogue is ~110 kB (its signed bundle ~32 kB); the checked files go back in a form
# field, which must stay under DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default).
MAX_BYTES = 2 * 1024 * 1024
MAX_FILES = 500
BUNDLE_SALT = "policies.admin.catalogue.import-bundle"
BUNDLE_MAX_AGE = 60 * 60  # seconds; the message below says "1 hour"
# Room for the rest of the apply form (CSRF token, action) within the request size limit.
FORM_OVERHEAD = 4096


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".yaml,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class CatalogueUploadForm(forms.Form):
    uploads = MultipleFileField(
        label=gettext_lazy("目录文件"),
        help_text=gettext_lazy("一个或多个 <标识>.yaml 文件，或包含它们的 zip 压缩包。"),
    )


class UploadError(Exception):
    pass


class BundleError(Exception):
    pass


class _DryRun(Exception):
    """Raised to roll back a trial load."""


def _member_problem(member: zipfile.ZipInfo) -> str | None:
    """Why an archive member is no plain file at a relative path, or None."""
    name = file_label(member.filename)
    if stat.S_ISLNK(member.external_attr >> 16):
        return _("%(name)s：是符号链接；只接受普通文件。") % {"name": name}
    path = member.filename
    if (
        path.startswith("/")
        or "\\" in path
        or "\x00" in path
        or ".." in path.split("/")
        or (len(path) > 1 and path[1] == ":")  # C:/… on Windows
    ):
        return _("%(name)s：压缩包中的路径不安全（绝对路径、“..”或反斜杠）。") % {"name": name}
    return None


def read_upload(files: list[Any]) -> dict[str, str]:
    """File name → YAML text from uploaded `.yaml` files and zips of them, all in memory.

    A name is a label only: an archive member's name without its folders (`policies/x.yaml` is
    `x.yaml`); catalogue_read_texts then accepts only `<slug>.yaml`.
    """
    texts: dict[str, str] = {}
    total = 0
    too_large = _("上传内容过大（最多 %(n)s 个文件、2 MB）。") % {"n": MAX_FILES}

    def add(name: str, data: bytes) -> None:
        nonlocal total
        total += len(data)
        if total > MAX_BYTES or len(texts) >= MAX_FILES:
            raise UploadError(too_large)
        if name in texts:
            raise UploadError(_("%(name)s：重复的文件名。") % {"name": file_label(name)})
        try:
            texts[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UploadError(
                _("%(name)s：不是 UTF-8 文本。") % {"name": file_label(name)}
            ) from None

    for upload in files:
        data = upload.read(MAX_BYTES + 1)
        if upload.name.lower().endswith(".zip"):
            try:
                archive = zipfile.ZipFile(io.BytesIO(data))
                for member in archive.infolist():
                    if member.is_dir() or not member.filename.endswith(".yaml"):
                        continue
                    problem = _member_problem(member)
                    if problem:
                        raise UploadError(problem)
                    name = member.filename.rsplit("/", 1)[-1]
                    if name.startswith("."):
                        continue  # macOS's ._x.yaml and the like
                    if member.file_size > MAX_BYTES:
                        raise UploadError(too_large)
                    add(name, archive.read(member))
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error):
                # Damaged, encrypted or compressed in a way zipfile cannot read.
                raise UploadError(
                    _("%(name)s：不是有效的 zip 文件。") % {"name": file_label(upload.name)}
                ) from None
        elif upload.name.endswith(".yaml"):
            add(upload.name, data)
        else:
            raise UploadError(
                _("%(name)s：只接受 .yaml 文件或 zip 压缩包。") % {"name": file_label(upload.name)}
            )
    if not texts:
        raise UploadError(_("没有找到 .yaml 文件。"))
    return texts


def bundle_sign(texts: dict[str, str]) -> str:
    """The checked files, signed for the apply step (compressed: the catalogue shrinks ~4×)."""
    return signing.dumps(texts, salt=BUNDLE_SALT, compress=True)


def bundle_read(bundle: str) -> dict[str, str]:
    """The files of a bundle this server signed within the hour; raises BundleError."""
    invalid = _("导入数据无效：不是本系统检查过的文件。未做任何更改，请重新上传并检查。")
    try:
        texts = signing.loads(bundle, salt=BUNDLE_SALT, max_age=BUNDLE_MAX_AGE)
    except signing.SignatureExpired:
        raise BundleError(
            _("检查结果已超过 1 小时，已失效。未做任何更改，请重新上传并检查。")
        ) from None
    except (signing.BadSignature, ValueError, RecursionError, zlib.error):
        # ValueError covers bad base64, UTF-8 and JSON inside a signature that is ours.
        raise BundleError(invalid) from None
    if not (
        isinstance(texts, dict)
        and texts
        and all(isinstance(k, str) and isinstance(v, str) for k, v in texts.items())
    ):
        raise BundleError(invalid)
    return texts


def check(texts: dict[str, str]) -> dict[str, Any]:
    """Every file's result and, when all are valid, what applying them would change."""
    problems: list[tuple[str, str]] = []
    result: LoadResult | None = None
    try:
        with transaction.atomic():
            result = catalogue_load(texts=texts, language=language())
            raise _DryRun  # a trial load, rolled back: exactly what applying would do
    except _DryRun:
        pass
    except CatalogueError as exc:
        problems = exc.problems
    by_file: dict[str, list[str]] = {label: [] for label in sorted(map(file_label, texts))}
    general = []
    for label, message in problems:
        if label in by_file:
            by_file[label].append(message)
        else:
            general.append(f"{label}: {message}" if label else message)
    outcome = {}
    if result is not None:
        outcome = {slug: "created" for slug in result.created}
        outcome |= {slug: "changed" for slug in result.changed}
        outcome |= {slug: "unchanged" for slug in result.unchanged}
    files = [
        {"name": label, "errors": errors, "outcome": outcome.get(label.removesuffix(".yaml"))}
        for label, errors in by_file.items()
    ]
    return {"files": files, "general": general, "valid": result is not None, "result": result}


@transaction.atomic
def apply(texts: dict[str, str]) -> tuple[LoadResult, int]:
    """Load all files in one transaction; re-match each measure whose published version changed."""
    before = dict(Policy.objects.values_list("slug", "current_version_id"))
    result = catalogue_load(texts=texts, language=language())
    rematched = 0
    for policy in Policy.objects.filter(slug__in=[*result.created, *result.changed]):
        if (
            policy.status == PolicyStatus.PUBLISHED
            and before.get(policy.slug) != policy.current_version_id
        ):
            rematch_policy_start(policy=policy, cause="import")
            rematched += 1
    return result, rematched


def import_view(model_admin: admin.ModelAdmin[Any], request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    allowed = can_publish(request.user)
    if request.method == "POST" and not allowed:
        # Checking runs the whole import (rolled back): the same right as importing, publishing.
        raise PermissionDenied
    form = CatalogueUploadForm()
    report = None
    bundle = ""
    status = 200
    if request.method == "POST" and request.POST.get("action") == "apply":
        try:
            result, rematched = apply(bundle_read(request.POST.get("bundle", "")))
        except BundleError as exc:
            messages.error(request, str(exc))
            status = 400
        except CatalogueError:
            messages.error(request, _("目录未通过检查，未做任何更改。请重新上传。"))
            status = 400
        else:
            messages.success(
                request,
                _("已导入：新增 %(created)s 项，更新 %(changed)s 项，未变 %(unchanged)s 项；"
                  "%(rematched)s 项政策正在重新匹配。")
                % {"created": len(result.created), "changed": len(result.changed),
                   "unchanged": len(result.unchanged), "rematched": rematched},
            )  # fmt: skip
            return HttpResponseRedirect(reverse("admin:policies_policy_changelist"))
    elif request.method == "POST":
        form = CatalogueUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                texts = read_upload(form.cleaned_data["uploads"])
            except UploadError as exc:
                form.add_error("uploads", str(exc))
            else:
                report = check(texts)
                if report["valid"]:
                    bundle = bundle_sign(texts)
                    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
                    if limit is not None and len(bundle) + FORM_OVERHEAD > limit:
                        bundle, report["valid"] = "", False
                        report["general"].append(
                            _("检查通过的文件太多或太大，无法一次导入：请分几次上传。")
                        )
    context = page_context(
        model_admin,
        request,
        title=_("导入政策目录"),
        form=form,
        report=report,
        bundle=bundle,
        user_can_publish=allowed,
    )
    return TemplateResponse(request, "admin/policies/policy/import.html", context, status=status)


def export_view(model_admin: admin.ModelAdmin[Any], request: HttpRequest) -> HttpResponse:
    """The catalogue as a zip of `policies/<slug>.yaml`, the layout load_catalogue reads."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "policies"
        paths = catalogue_dump(directory=target)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(paths):
                archive.write(path, f"policies/{path.name}")
    name = f"catalogue-{timezone.localdate():%Y%m%d}.zip"
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
