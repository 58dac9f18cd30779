"""History of a policy: who changed what and when, and a diff between two of its versions."""

from __future__ import annotations

import difflib
from datetime import datetime
from typing import Any

import yaml
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..catalogue_dump import dump_yaml
from ..document_canonical import to_document
from ..models import Policy, PolicyVersion, VersionStatus
from ..version_sentences import field_changes, rule_changes, shown
from .common import language, page_context, rule_sentences

AUDIT_LIMIT = 40
# Fields whose change is bookkeeping, not content: left out of the audit list.
_QUIET = {"content_hash", "updated_at", "created_at"}


def _short(value: Any, limit: int = 140) -> str:
    text = "—" if value in (None, "", [], {}) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _flat(doc: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Document paths to values; rule, formula and lists stay whole (shown as YAML)."""
    flat: dict[str, Any] = {}
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and key not in ("rule", "formula") and prefix.count(".") < 1:
            if set(value) == {"zh-hans", "en"}:
                flat[name] = value
            else:
                flat.update(_flat(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _yaml(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str | int | float):
        return str(value)
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100).strip()


def _document(version: PolicyVersion) -> dict[str, Any]:
    doc = to_document(version)
    doc.pop("status")  # draft vs published is what a publish changes, not content
    return doc


def version_diff(old: PolicyVersion, new: PolicyVersion) -> dict[str, Any]:
    """The changed document paths and a unified YAML diff between two versions."""
    before, after = _document(old), _document(new)
    flat_before, flat_after = _flat(before), _flat(after)
    changes = [
        {
            "path": path,
            "old": _yaml(flat_before.get(path)),
            "new": _yaml(flat_after.get(path)),
        }
        for path in dict.fromkeys([*flat_before, *flat_after])
        if flat_before.get(path) != flat_after.get(path)
    ]
    lines = difflib.unified_diff(
        dump_yaml(before).splitlines(),
        dump_yaml(after).splitlines(),
        fromfile=f"v{old.number}",
        tofile=f"v{new.number}",
        lineterm="",
    )
    kinds = {"+": "add", "-": "del", "@": "hunk"}
    return {
        "changes": changes,
        "rule_changes": rule_changes(before["rule"], after["rule"]),
        "field_changes": field_changes(flat_before, flat_after),
        "lines": [(kinds.get(line[:1], "same"), line) for line in lines],
    }


def _shown(field: Any, value: Any, versions: dict[int, str]) -> str:
    """A recorded value as staff read it: choice labels, version numbers for the version link."""
    if field.name == "current_version" and value in versions:
        return versions[value]
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if field.is_relation and value is not None:
        return str(field.related_model._default_manager.filter(pk=value).first() or value)
    return _short(value)


def _readable(field: Any, old: Any, new: Any, versions: dict[int, str]) -> list[dict[str, Any]]:
    """One recorded change as staff read it: a rule as its changed sentences, structured
    fields in words, nothing when both sides read the same."""
    if field.name == "rule":
        return [
            {"field": field.verbose_name, "old": c["old"] or "—", "new": c["new"] or "—"}
            for c in rule_changes(old, new)
        ]
    if field.get_internal_type() == "JSONField":
        path = "benefit.formula" if field.name == "formula" else field.name
        was, now = shown(path, old, language()), shown(path, new, language())
    else:
        was, now = _shown(field, old, versions), _shown(field, new, versions)
    if was == now:
        return []
    return [{"field": field.verbose_name, "old": was, "new": now}]


def audit_trail(policy: Policy) -> list[dict[str, Any]]:
    """Recent history records of the policy and its versions, newest first, with their changes."""
    versions = {pk: f"v{number}" for pk, number in policy.versions.values_list("pk", "number")}
    version_history = PolicyVersion.history.filter(policy_id=policy.pk)  # type: ignore[attr-defined]
    policy_history = Policy.history.filter(id=policy.pk)
    records = sorted(
        [*version_history.select_related("history_user")[:AUDIT_LIMIT],
         *policy_history.select_related("history_user")[:AUDIT_LIMIT]],
        key=lambda r: r.history_date,
        reverse=True,
    )[:AUDIT_LIMIT]  # fmt: skip
    trail = []
    for record in records:
        previous = record.prev_record
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in _QUIET:
                    continue
                field = record.instance._meta.get_field(change.field)
                changes.extend(_readable(field, change.old, change.new, versions))
        is_version = isinstance(record.instance, PolicyVersion)
        trail.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "type": record.get_history_type_display(),
                "object": f"v{record.number}" if is_version else _("政策"),
                "changes": changes,
            }
        )
    return trail


def compare_view(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, policy: Policy
) -> HttpResponse:
    versions = list(policy.versions.order_by("-number"))
    by_id = {str(v.pk): v for v in versions}
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    new = by_id.get(request.GET.get("new", "")) or draft or (versions[0] if versions else None)
    default_old = policy.current_version if policy.current_version != new else None
    if default_old is None and new is not None:
        default_old = next((v for v in versions if v.number < new.number), None)
    old = by_id.get(request.GET.get("old", "")) or default_old
    diff = version_diff(old, new) if old is not None and new is not None else None
    context = page_context(
        model_admin,
        request,
        title=_("历史与版本对比：%(policy)s") % {"policy": policy.slug},
        original=policy,
        versions=versions,
        old=old,
        new=new,
        diff=diff,
        old_sentences=rule_sentences(old.rule) if old else [],
        new_sentences=rule_sentences(new.rule) if new else [],
        trail=audit_trail(policy),
    )
    return TemplateResponse(request, "admin/policies/policy/compare.html", context)
