"""Where an engine error is shown: the form field of a policy version that holds a document
path, and which of those fields are bilingual (a `_zh_hans` / `_en` pair).
"""

from __future__ import annotations

# Document paths (documents.validate) → the form field that holds them. The longest match wins.
_PATH_FIELDS = {
    "rule": "rule",
    "name": "name",
    "summary": "summary",
    "issuer": "issuer",
    "issuer_assumed": "assumptions",
    "benefit.kind": "benefit_kind",
    "benefit.cap": "cap",
    "benefit.cap_scope": "cap_scope",
    "benefit.cap_per": "cap_per",
    "benefit.unit": "unit",
    "benefit.formula": "formula",
    "benefit.value_note": "value_note",
    "benefit.estimated_value": "estimated_value",
    "benefit.amount_note": "amount_note",
    "benefit.assumed": "assumptions",
    "valid_from": "valid_from",
    "valid_to": "valid_to",
    "apply_opens": "apply_opens",
    "apply_closes": "apply_closes",
    "dates_note": "dates_note_zh_hans",
    "dates_assumed": "assumptions",
    "exclusive_group": "exclusive_group",
    "application.channel": "application_channel",
    "application.url": "application_url",
    "application.assumed": "assumptions",
    "sources": "sources",
    "confidence.level": "confidence",
    "confidence.note": "confidence_note_zh_hans",
    "manual_checks": "manual_checks",
    "apply_window": "apply_window",
    "documents": "documents",
    "notes": "notes_zh_hans",
    "benefit.award": "award",
    "jurisdiction.level": "jurisdiction",
    "jurisdiction.name": "jurisdiction_name",
    "benefit.award_assumed": "assumptions",
    "benefit.amount_kind": "amount_kind",
}
TRANSLATED = (
    "name", "summary", "issuer", "jurisdiction_name", "value_note", "amount_note",
    "application_channel",
    "dates_note", "notes", "confidence_note",
)  # fmt: skip


def field_for_path(path: str) -> str | None:
    """The model field a document path belongs to (`benefit.formula.mul[1]` → formula)."""
    best = ""
    for prefix in _PATH_FIELDS:
        if (path == prefix or path.startswith((f"{prefix}.", f"{prefix}["))) and len(prefix) > len(
            best
        ):
            best = prefix
    return _PATH_FIELDS[best] if best else None
