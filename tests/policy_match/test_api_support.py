"""The orjson renderer writes the bytes DRF's own JSON renderer writes."""

import datetime
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from policy_match.api.bodies import JSONRenderer

SAMPLES: list[Any] = [
    {"text": "最高学历：硕士；要求为 硕士 ✓", "amount": "50000.00", "ref": None, "count": 3},
    {"separators": "a\u2028b\u2029c", "quotes": "“引号”", "controls": '\n\t"\\\x01\x7f'},
    {"decimal": Decimal("1.10"), "float": 0.1, "big float": 1e16, "tuple": ("t", 1)},
    {"date": datetime.date(2026, 11, 23), "time": datetime.time(1, 2, 3, 4000)},
    {"datetime": datetime.datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=datetime.UTC)},
    {"lazy": gettext_lazy("API"), "uuid": uuid.UUID(int=1), "set": {1}},
    {1: "an int key", "huge": 2**70},  # orjson refuses both: DRF renders it
    [],
    "text",
]


@pytest.mark.parametrize("data", SAMPLES)
def test_it_renders_what_drf_renders(data: Any) -> None:
    assert JSONRenderer().render(data) == DRFJSONRenderer().render(data)


@pytest.mark.parametrize("media_type", ["application/json; indent=4", "application/json"])
def test_it_indents_when_asked_like_drf(media_type: str) -> None:
    data = {"a": [1, {"b": "中文"}]}

    assert JSONRenderer().render(data, media_type) == DRFJSONRenderer().render(data, media_type)
