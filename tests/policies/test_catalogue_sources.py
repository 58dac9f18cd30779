"""The catalogue's own data (issue #18): application windows and documents carried from the
sources, no internal codes in what a founder reads, and texts that fit their columns."""

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from policies.documents import validate
from policies.models import PolicyVersion

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "policies"
# Internal keys that link a condition to its quote; everything else may be shown.
LINK_KEYS = {"ref", "source"}
INTERNAL_CODE = re.compile(r"\bS\d+\b|\bseed \d{3}\b")


def _documents() -> list[tuple[str, dict[str, Any]]]:
    return [
        (path.stem, doc)
        for path in sorted(SEEDS.glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))
    ]


def _texts(data: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(data, dict):
        return [
            item
            for key, value in data.items()
            if key not in LINK_KEYS
            for item in _texts(value, f"{path}.{key}")
        ]
    if isinstance(data, list):
        return [item for i, value in enumerate(data) for item in _texts(value, f"{path}[{i}]")]
    return [(path, data)] if isinstance(data, str) else []


def _chinese(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.mark.parametrize(
    ("slug", "opens", "closes", "documents"),
    [
        ("green-financing-subsidy", date(2025, 9, 15), date(2025, 9, 26), 7),
        ("ip-securitization-subsidy", date(2025, 3, 28), date(2025, 4, 11), 4),
        ("specialized-sme-award", date(2023, 5, 19), date(2023, 6, 2), 1),
    ],
)
def test_it_carries_the_last_known_round_of_a_measure(
    slug: str, opens: date, closes: date, documents: int
) -> None:
    (doc,) = yaml.safe_load_all((SEEDS / f"{slug}.yaml").read_text(encoding="utf-8"))

    fields = validate(doc)

    assert (fields["apply_window"], fields["apply_opens"], fields["apply_closes"]) == (
        "dated",
        opens,
        closes,
    )
    assert len(fields["documents"]) == documents
    assert "最近一次已知批次" in fields["dates_note_zh_hans"]
    assert "last known round" in fields["dates_note_en"]


def test_it_quotes_every_application_date_in_a_source_of_its_file() -> None:
    dated = [(slug, doc) for slug, doc in _documents() if doc.get("apply_opens")]

    assert dated
    for slug, doc in dated:
        quotes = " ".join(source.get("quote") or "" for source in doc["sources"])
        for key in ("apply_opens", "apply_closes"):
            assert _chinese(doc[key]) in quotes, (slug, key)


def test_it_says_why_a_window_is_rolling_in_both_languages() -> None:
    rolling = [(slug, doc) for slug, doc in _documents() if doc.get("apply_window") == "rolling"]

    assert len(rolling) == 8
    for slug, doc in rolling:
        note = doc["dates_note"]
        assert "常年受理（推断" in note["zh-hans"], slug
        assert "rolling (inferred" in note["en"], slug


def test_it_names_no_internal_code_in_a_text_a_founder_reads() -> None:
    found = [
        (slug, path, text)
        for slug, doc in _documents()
        for path, text in _texts(doc)
        if INTERNAL_CODE.search(text)
    ]

    assert found == []


def test_it_keeps_every_text_within_its_column() -> None:
    too_long = []
    for slug, doc in _documents():
        for name, value in validate(doc).items():
            try:
                field = PolicyVersion._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            limit = field.max_length if isinstance(field, models.CharField) else None
            if limit and isinstance(value, str) and len(value) > limit:
                too_long.append((slug, name, len(value), limit))

    assert too_long == []
