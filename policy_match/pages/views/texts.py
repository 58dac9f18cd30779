"""Catalogue texts as a page shows them: in the page's language, without internal codes.

The catalogue's notes are written for staff as much as for founders: they cite their sources
by ref ("(S5)", "seed 002"), name other measures by slug, and some were written in one
language only. A page shows a text only in its own language (or marks it with its language,
for a quoted source), with refs dropped and slugs replaced by the measure's name (#15).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from policy_match.rules import normalize_language

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# Source refs of the catalogue (S5, seed 002) and its named assumptions (STARTUP); shorter
# capitals are words of the text (AI, CCER).
_REF = r"(?:S\d+|seed \d+|[A-Z][A-Z_]{4,})"
_REF_IN_BRACKETS = re.compile(rf"\s*[(（]\s*{_REF}(?:\s*[,;，；、]\s*{_REF})*\s*[)）]")
_REF_LAST_IN_BRACKETS = re.compile(rf"\s*[,;，；]\s*{_REF}(?=\s*[)）])")
_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def script_of(text: str) -> str:
    """ "zh-hans" when Chinese characters outweigh Latin letters, else "en"."""
    han, latin = len(_HAN.findall(text)), len(_LATIN.findall(text))
    # A Chinese character carries about a word: weigh it as five letters.
    return "zh-hans" if han * 5 >= latin and han else "en"


def in_language(text: str, language: str) -> bool:
    """Whether `text` reads in `language` (an English page may name 模力营, a Chinese one AI)."""
    return script_of(text) == normalize_language(language) if text.strip() else False


def lang_attr(text: str, language: str) -> str:
    """The HTML lang of `text` when it is not the page's language (a quoted source), else ""."""
    if not text or in_language(text, language):
        return ""
    return "zh-Hans" if script_of(text) == "zh-hans" else "en"


def without_refs(text: str) -> str:
    """ "… applies (S5)" → "… applies"; "(“tenure”, S5)" → "(“tenure”)"."""
    text = _REF_IN_BRACKETS.sub("", text)
    return _REF_LAST_IN_BRACKETS.sub("", text).strip()


def with_names(text: str, names: Mapping[str, str]) -> str:
    """Slugs of measures in `text` replaced by the measures' names."""
    if not names or "-" not in text:
        return text
    slugs = sorted(names, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, slugs)) + r")(?![\w-])")
    return pattern.sub(lambda m: f"“{names[m.group(1)]}”", text)


def shown(text: str | None, language: str, names: Mapping[str, str] | None = None) -> str:
    """A catalogue note as a page shows it: "" unless it reads in the page's language."""
    cleaned = with_names(without_refs(str(text or "")), names or {})
    return cleaned if in_language(cleaned, language) else ""


def source_date(text: str) -> str:
    """A source's date when it is one (2025, 2025-03, 2025-03-26); "" for a description of
    an unknown date ("2021–2022 (undated)"), which would mix languages on either page."""
    text = str(text or "").strip()
    return text if _ISO_DATE.match(text) else ""
