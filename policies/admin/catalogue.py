"""Catalogue import (check every file, then apply all or nothing) and export, in the admin.

The uploaded files go through the loader's own services (`catalogue_read`, `catalogue_load`),
so the admin accepts exactly what `manage.py load_catalogue` accepts. The checked files travel
to the apply step inside the confirmation form (and are checked again there): nothing is kept
on the server between the two requests, so any web process can take either of them.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policy_match.rematch import rematch_policy_start

from ..models import Policy, PolicyStatus
from ..services import CatalogueError, LoadResult, can_publish, catalogue_dump, catalogue_load
from .common import language, page_context

# A whole catalogue is ~150 kB; the checked files go back in a form field, under Django's
# 2.5 MB DATA_UPLOAD_MAX_MEMORY_SIZE.
MAX_BYTES = 2 * 1024 * 1024
MAX_FILES = 500


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


class _DryRun(Exception):
    """Raised to roll back a trial load."""


def read_upload(files: list[Any]) -> dict[str, str]:
    """File name → YAML text from uploaded `.yaml` files and zips of them."""
    texts: dict[str, str] = {}
    total = 0

    def add(name: str, data: bytes) -> None:
        nonlocal total
        name = Path(name).name  # never a path: zip entries like ../x.yaml stay inside
        total += len(data)
        if total > MAX_BYTES or len(texts) >= MAX_FILES:
            raise UploadError(_("上传内容过大（最多 %(n)s 个文件、2 MB）。") % {"n": MAX_FILES})
        if name in texts:
            raise UploadError(_("%(name)s：重复的文件名。") % {"name": name})
        try:
            texts[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UploadError(_("%(name)s：不是 UTF-8 文本。") % {"name": name}) from None

    for upload in files:
        data = upload.read(MAX_BYTES + 1)
        if upload.name.lower().endswith(".zip"):
            try:
                archive = zipfile.ZipFile(io.BytesIO(data))
                members = [
                    m for m in archive.infolist()
                    if not m.is_dir() and m.filename.endswith(".yaml")
                    and not Path(m.filename).name.startswith(".")
                ]  # fmt: skip
                for member in members:
                    if member.file_size > MAX_BYTES:
                        raise UploadError(
                            _("上传内容过大（最多 %(n)s 个文件、2 MB）。") % {"n": MAX_FILES}
                        )
                    add(member.filename, archive.read(member))
            except zipfile.BadZipFile:
                raise UploadError(
                    _("%(name)s：不是有效的 zip 文件。") % {"name": upload.name}
                ) from None
        elif upload.name.endswith(".yaml"):
            add(upload.name, data)
        else:
            raise UploadError(
                _("%(name)s：只接受 .yaml 文件或 zip 压缩包。") % {"name": upload.name}
            )
    if not texts:
        raise UploadError(_("没有找到 .yaml 文件。"))
    return texts


def _write(texts: dict[str, str], directory: Path) -> None:
    for name, text in texts.items():
        (directory / name).write_text(text, encoding="utf-8")


def check(texts: dict[str, str]) -> dict[str, Any]:
    """Every file's result and, when all are valid, what applying them would change."""
    lang = language()
    with tempfile.TemporaryDirectory() as tmp:
        _write(texts, Path(tmp))
        errors: list[str] = []
        result: LoadResult | None = None
        try:
            with transaction.atomic():
                result = catalogue_load(directory=Path(tmp), language=lang)
                raise _DryRun  # a trial load, rolled back: exactly what applying would do
        except _DryRun:
            pass
        except CatalogueError as exc:
            errors = exc.lines
    by_file: dict[str, list[str]] = {name: [] for name in sorted(texts)}
    general = []
    for line in errors:
        name, _sep, message = line.partition(": ")
        if name in by_file:
            by_file[name].append(message)
        else:
            general.append(line)
    outcome = {}
    if result is not None:
        outcome = {slug: "created" for slug in result.created}
        outcome |= {slug: "changed" for slug in result.changed}
        outcome |= {slug: "unchanged" for slug in result.unchanged}
    files = [
        {"name": name, "errors": messages_, "outcome": outcome.get(Path(name).stem)}
        for name, messages_ in by_file.items()
    ]
    return {"files": files, "general": general, "valid": result is not None, "result": result}


@transaction.atomic
def apply(texts: dict[str, str]) -> tuple[LoadResult, int]:
    """Load all files in one transaction; re-match each measure whose published version changed."""
    before = dict(Policy.objects.values_list("slug", "current_version_id"))
    with tempfile.TemporaryDirectory() as tmp:
        _write(texts, Path(tmp))
        result = catalogue_load(directory=Path(tmp), language=language())
    rematched = 0
    for policy in Policy.objects.filter(slug__in=[*result.created, *result.changed]):
        if (
            policy.status == PolicyStatus.PUBLISHED
            and before.get(policy.slug) != policy.current_version_id
        ):
            rematch_policy_start(policy=policy)
            rematched += 1
    return result, rematched


def import_view(model_admin: admin.ModelAdmin[Any], request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    allowed = can_publish(request.user)
    form = CatalogueUploadForm()
    report = None
    bundle = ""
    if request.method == "POST" and request.POST.get("action") == "apply":
        if not allowed:
            raise PermissionDenied  # applying publishes: the same right as publishing
        texts = json.loads(request.POST.get("bundle") or "{}")
        try:
            result, rematched = apply(texts)
        except CatalogueError:
            messages.error(request, _("目录未通过检查，未做任何更改。请重新上传。"))
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
                bundle = json.dumps(texts, ensure_ascii=False)
    context = page_context(
        model_admin,
        request,
        title=_("导入政策目录"),
        form=form,
        report=report,
        bundle=bundle,
        user_can_publish=allowed,
    )
    return TemplateResponse(request, "admin/policies/policy/import.html", context)


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
