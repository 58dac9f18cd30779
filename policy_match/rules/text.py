"""Bilingual text for the engine, which stays free of Django (and so of gettext)."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("zh-hans", "en")
DEFAULT_LANGUAGE = "zh-hans"


def normalize_language(language: str | None) -> str:
    """Map any language tag (`en-us`, `zh-cn`, None) to one of LANGUAGES."""
    if language and language.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True)
class Text:
    """One user-visible string in zh-hans (the source language) and en."""

    zh: str
    en: str

    def get(self, language: str | None) -> str:
        return self.en if normalize_language(language) == "en" else self.zh

    def format(self, **kwargs: object) -> Text:
        return Text(self.zh.format(**kwargs), self.en.format(**kwargs))

    def as_dict(self) -> dict[str, str]:
        return {"zh-hans": self.zh, "en": self.en}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Text:
        return cls(data["zh-hans"], data["en"])
