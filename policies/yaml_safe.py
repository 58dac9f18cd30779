"""The catalogue's one YAML reader: PyYAML's safe loader, refusing aliases and deep nesting.

An alias (`*name`) lets a file of a few kilobytes expand to millions of conditions (the
"billion laughs"), and PyYAML composes nested collections by recursion, so a deep enough file
raises RecursionError. Both are refused while composing, before anything is built, with a
message naming the line. Used by `load_catalogue` and the admin import alike.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, SequenceNode

from policy_match.rules import Text

# Two YAML levels a rule level (`all:` and its list) under the engine's 50, plus the document:
# a rule the engine accepts always fits. Composing costs two Python frames a level, far below
# the interpreter's limit of 1,000.
MAX_DEPTH = 200

ALIAS = Text("不允许使用 YAML 别名（*{name}）", "YAML aliases (*{name}) are not allowed")
TOO_DEEP = Text("YAML 嵌套超过 {depth} 层", "YAML nested more than {depth} levels")
UNREADABLE = Text("无法读取的值（{problem}）", "unreadable value ({problem})")
AT_LINE = Text("第 {line} 行：{message}", "line {line}: {message}")


class YamlRefused(yaml.MarkedYAMLError):
    """A document this reader will not build; `text(language)` says why and on which line."""

    def __init__(self, mark: Mark, message: Text) -> None:
        super().__init__(problem=message.en, problem_mark=mark)
        self.line = mark.line + 1
        self.message = message

    def text(self, language: str | None) -> str:
        return AT_LINE.get(language).format(line=self.line, message=self.message.get(language))

    def __str__(self) -> str:
        return self.text("en")


class _Loader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlRefused(event.start_mark, ALIAS.format(name=event.anchor))
        return super().compose_node(parent, index)

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise YamlRefused(self.peek_event().start_mark, TOO_DEEP.format(depth=MAX_DEPTH))

    def compose_sequence_node(self, anchor: Any) -> SequenceNode:
        self._enter()
        try:
            return super().compose_sequence_node(anchor)
        finally:
            self.depth -= 1

    def compose_mapping_node(self, anchor: Any) -> MappingNode:
        self._enter()
        try:
            return super().compose_mapping_node(anchor)
        finally:
            self.depth -= 1

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            # `2025-02-30` is a date to YAML but not to Python; a 5,000-digit number passes
            # Python's limit on int(): neither may escape as a crash.
            raise YamlRefused(node.start_mark, UNREADABLE.format(problem=exc)) from None


def load(text: str) -> Any:
    """The one document in `text`, as yaml.safe_load reads it; raises YamlRefused or YAMLError."""
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_all(text: str) -> list[Any]:
    """Every document in `text` (`---` between them), each read as `load` reads one."""
    loader = _Loader(text)
    try:
        documents = []
        while loader.check_data():
            documents.append(loader.get_data())
        return documents
    finally:
        loader.dispose()
