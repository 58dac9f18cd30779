"""When a measure can be applied for (design §14): open now and closing in N days, opening on
a date, closed (the last round's dates), rolling, or unknown. Read on an evaluation date,
never today() deep inside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from .rules import normalize_language


@dataclass(frozen=True)
class Window:
    state: str  # open | upcoming | closed | rolling | unknown
    opens: date | None
    closes: date | None
    days_left: int | None  # open: days until it closes (0: the last day); upcoming: until it opens


class Dated(Protocol):
    """What has a window: a policy version, or a compiled measure (read-only)."""

    @property
    def apply_window(self) -> str: ...
    @property
    def apply_opens(self) -> date | None: ...
    @property
    def apply_closes(self) -> date | None: ...


def window_of(measure: Dated, *, as_of: date) -> Window:
    """The window of a version (or compiled measure) on `as_of`."""
    return window_on(
        kind=measure.apply_window,
        opens=measure.apply_opens,
        closes=measure.apply_closes,
        as_of=as_of,
    )


def window_on(*, kind: str, opens: date | None, closes: date | None, as_of: date) -> Window:
    if kind == "rolling":
        return Window("rolling", None, None, None)
    if kind != "dated" or (opens is None and closes is None):
        return Window("unknown", None, None, None)
    if opens is not None and as_of < opens:
        return Window("upcoming", opens, closes, (opens - as_of).days)
    if closes is not None and as_of > closes:
        return Window("closed", opens, closes, None)
    return Window("open", opens, closes, None if closes is None else (closes - as_of).days)


_TEXTS = {
    "zh-hans": {
        "open": "申报中，还有 {days} 天截止（{closes}）",
        "open_last_day": "申报中，今天截止",
        "open_no_end": "申报中（未公布截止日期）",
        "upcoming": "将于 {opens} 开始申报",
        "closed": "上一轮申报已于 {closes} 截止",
        "closed_no_end": "上一轮申报已结束",
        "rolling": "常年受理",
        "unknown": "尚未公布申报时间",
    },
    "en": {
        "open": "open now, closes in {days} days ({closes})",
        "open_last_day": "open now, closes today",
        "open_no_end": "open now (no closing date published)",
        "upcoming": "opens on {opens}",
        "closed": "the last round closed on {closes}",
        "closed_no_end": "the last round is over",
        "rolling": "rolling: apply at any time",
        "unknown": "window not published yet",
    },
}


def window_text(window: Window, language: str) -> str:
    texts = _TEXTS[normalize_language(language)]
    key = window.state
    if key == "open" and window.closes is None:
        key = "open_no_end"
    elif key == "open" and window.days_left == 0:
        key = "open_last_day"
    elif key == "closed" and window.closes is None:
        key = "closed_no_end"
    return texts[key].format(
        days=window.days_left,
        opens=window.opens.isoformat() if window.opens else "",
        closes=window.closes.isoformat() if window.closes else "",
    )
