"""Structured parts of a policy version (the rule, the formula, the sources…) written as YAML
or JSON in monospace text areas, and read back as the JSON-ready data the catalogue stores.
"""

from __future__ import annotations

import copy
import json
from datetime import date, datetime
from typing import Any

import yaml
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import yaml_safe
from .catalogue_dump import dump_yaml

CODE_STYLE = (
    "font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace;"
    " font-size: 13px; line-height: 1.45; width: 100%; box-sizing: border-box; tab-size: 2;"
)


class CodeTextarea(forms.Textarea):
    def __init__(self, rows: int = 12) -> None:
        super().__init__(
            attrs={
                "rows": rows,
                "class": "vLargeTextField pm-code",
                "spellcheck": "false",
                "autocapitalize": "off",
                "style": CODE_STYLE,
            }
        )


def jsonable(data: Any) -> Any:
    """YAML data made JSON-ready in the catalogue's own conventions.

    YAML reads `2025-03-26` as a date and `0.04` as a float; the catalogue stores dates as ISO
    text and decimals as quoted strings (a float would round money), and the engine reads both.
    """
    if isinstance(data, dict):
        return {str(key): jsonable(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [jsonable(item) for item in data]
    if isinstance(data, datetime | date):
        return data.isoformat()
    if isinstance(data, float):
        return repr(data)
    return data


class StructuredField(forms.Field):
    """YAML or JSON text in a monospace textarea; cleans to JSON-ready data."""

    def __init__(self, *, empty: Any = None, rows: int = 12, **kwargs: Any) -> None:
        self.empty = empty
        kwargs.setdefault("widget", CodeTextarea(rows=rows))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str):  # what the user typed (a bound form shown again)
            return value
        if value in (None, [], {}):
            return ""
        return dump_yaml(value)

    def to_python(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return copy.copy(self.empty)
        try:
            return jsonable(json.loads(text))
        except RecursionError:  # in json.loads or jsonable: deeper than any rule may be
            raise ValidationError(_("嵌套层数过多"), code="too_deep") from None
        except ValueError:
            pass
        try:
            return jsonable(yaml_safe.load(text))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{mark.line + 1}:{mark.column + 1}" if mark else "?"
            problem = getattr(exc, "problem", None) or str(exc)
            raise ValidationError(
                _("不是有效的 YAML 或 JSON（第 %(where)s 处：%(problem)s）"),
                code="syntax",
                params={"where": where, "problem": problem},
            ) from None
