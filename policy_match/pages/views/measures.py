"""The landing page, the list of published measures and one measure's page."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from policies.models import CapScope, Category, PolicyVersion, SubjectType, VersionStatus
from policy_match.rules import parse, render_rule

from ..forms import MeasureFilterForm
from .cards import manual_checks, source_link
from .profile import language_of
from .texts import shown


def _published() -> QuerySet[PolicyVersion]:
    """Each published measure once, by its current (latest) version."""
    return (
        PolicyVersion.objects.filter(
            status=VersionStatus.PUBLISHED, pk=F("policy__current_version")
        )
        .select_related("policy")
        .order_by("policy__category", "policy__slug")
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    versions = list(_published())
    largest = sorted((v for v in versions if v.cap), key=lambda v: (-(v.cap or 0), v.pk))[:3]
    context = {"count": len(versions), "largest": largest, "categories": _category_counts(versions)}
    return render(request, "pages/home.html", context)


def _category_counts(versions: list[PolicyVersion]) -> list[tuple[str, str, int]]:
    counts = Counter(v.policy.category for v in versions)
    return [(code, str(label), counts[code]) for code, label in Category.choices if counts[code]]


@require_GET
def measure_list(request: HttpRequest) -> HttpResponse:
    form = MeasureFilterForm(request.GET or None)
    versions = _published()
    if form.is_valid():
        if form.cleaned_data["category"]:
            versions = versions.filter(policy__category=form.cleaned_data["category"])
        if form.cleaned_data["subject"]:
            versions = versions.filter(policy__subject=form.cleaned_data["subject"])
        if form.cleaned_data["jurisdiction"]:
            versions = versions.filter(jurisdiction=form.cleaned_data["jurisdiction"])
    context = {"form": form, "versions": list(versions), "total": _published().count()}
    return render(request, "pages/measures.html", context)


@require_GET
def measure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    version = _published().filter(policy__slug=slug).first()
    if version is None:
        raise Http404
    language = language_of(request)
    context: dict[str, Any] = {
        "version": version,
        "criteria": _nested(render_rule(parse(version.rule), language)),
        "sources": [source_link(s, language) for s in version.sources or [] if isinstance(s, dict)],
        "checks": manual_checks(version, language),
        # Catalogue notes only in the page's language, without source refs (texts.py).
        "notes": {
            name: shown(getattr(version, name), language)
            for name in ("summary", "amount_note", "value_note", "application_channel")
        },
        "subject_label": dict(SubjectType.choices).get(version.policy.subject, ""),
        "cap_basis": _cap_basis(version, language),
    }
    return render(request, "pages/measure_detail.html", context)


def _cap_basis(version: PolicyVersion, language: str) -> str:
    """ "每人" or "per loan, in total per enterprise": what the cap counts."""
    parts = [str(version.get_unit_display())]
    if version.cap_scope == CapScope.ENTERPRISE:
        parts.append(str(version.get_cap_scope_display()))
    return ("，" if language == "zh-hans" else ", ").join(parts)


def _nested(lines: list[str]) -> list[dict[str, Any]]:
    """render_rule's indented lines as a tree of {text, children} for nested lists."""
    root: list[dict[str, Any]] = []
    stack: list[tuple[int, list[dict[str, Any]]]] = [(-1, root)]
    for line in lines:
        depth = (len(line) - len(line.lstrip(" "))) // 2
        node: dict[str, Any] = {"text": line.strip(), "children": []}
        while stack[-1][0] >= depth:
            stack.pop()
        stack[-1][1].append(node)
        stack.append((depth, node["children"]))
    return root
