"""The engine's one exception type: what is wrong, where (a JSON path), in both languages."""

from __future__ import annotations

from .text import Text


class RuleError(ValueError):
    """Raised for any invalid rule, formula or benefit; `path` is like `all[2].any[0].value`."""

    def __init__(self, path: str, message: Text) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message.en}" if path else message.en)

    def text(self, language: str | None = None) -> str:
        """`path: message` in the given language."""
        body = self.message.get(language)
        return f"{self.path}: {body}" if self.path else body
