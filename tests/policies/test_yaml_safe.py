"""The catalogue's one YAML reader: what yaml.safe_load reads, minus aliases and deep nesting."""

from pathlib import Path

import pytest
import yaml

from policies import yaml_safe
from tests.conftest import SEEDS

SEED_FILES = sorted((SEEDS / "policies").glob("*.yaml"))
CONDITION = "{fact: registered_district, op: eq, value: nanshan}"


def laughs(levels: int = 9, width: int = 10) -> str:
    """A rule of a few hundred bytes whose aliases expand to width ** (levels - 1) conditions."""
    lines = ["rule:", "  all:", f"  - &l0 {CONDITION}"]
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"  - &l{level} {{all: [{refs}]}}")
    return "\n".join(lines) + "\n"


def _refusal(text: str) -> yaml_safe.YamlRefused:
    with pytest.raises(yaml_safe.YamlRefused) as error:
        yaml_safe.load(text)
    return error.value


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_it_reads_every_seed_file_as_yaml_safe_load_does(path: Path) -> None:
    text = path.read_text(encoding="utf-8")

    assert yaml_safe.load_all(text) == list(yaml.safe_load_all(text))


def test_it_refuses_an_alias_naming_its_line_before_expanding_anything() -> None:
    error = _refusal(laughs())

    assert error.text("zh-hans") == "第 4 行：不允许使用 YAML 别名（*l0）"
    assert error.text("en") == "line 4: YAML aliases (*l0) are not allowed"


@pytest.mark.parametrize(
    "text",
    ["a: &x 1\nb: *x\n", "base: &b {x: 1}\nmore:\n  <<: *b\n", "- &x [1]\n- [*x]\n"],
    ids=["scalar", "merge key", "nested"],
)
def test_it_refuses_every_alias(text: str) -> None:
    assert "YAML aliases (*" in _refusal(text).text("en")


def test_it_reads_an_anchor_that_no_alias_uses() -> None:
    assert yaml_safe.load("a: &x 1\nb: 2\n") == {"a": 1, "b": 2}


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[" * 50_000 + "]" * 50_000, 1),
        ("rule: " + "{not: " * 2_000 + CONDITION + "}" * 2_000, 1),
        ("".join(f"{' ' * i}- \n" for i in range(300)), yaml_safe.MAX_DEPTH + 1),
        ("".join(f"{' ' * i}k:\n" for i in range(300)), yaml_safe.MAX_DEPTH + 1),
    ],
    ids=["list 50,000 deep", "rule 2,000 deep", "block list 300 deep", "block mapping 300 deep"],
)
def test_it_refuses_nesting_deeper_than_its_cap_without_recursing(text: str, line: int) -> None:
    error = _refusal(text)

    assert error.text("en") == f"line {line}: YAML nested more than {yaml_safe.MAX_DEPTH} levels"
    assert error.text("zh-hans") == f"第 {line} 行：YAML 嵌套超过 {yaml_safe.MAX_DEPTH} 层"


def test_it_reads_nesting_up_to_its_cap() -> None:
    depth = yaml_safe.MAX_DEPTH

    data = yaml_safe.load("[" * depth + "]" * depth)

    for _level in range(depth - 1):
        data = data[0]
    assert data == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [("valid_from: 2025-02-30", "day is out of range"), ("cap: " + "9" * 5_000, "4300 digits")],
)
def test_it_refuses_a_value_python_cannot_build_naming_its_line(text: str, problem: str) -> None:
    error = _refusal("slug: x\n" + text)

    assert error.text("en").startswith("line 2: unreadable value (")
    assert problem in error.text("en")


def test_it_is_a_yaml_error_for_callers_that_catch_those() -> None:
    assert issubclass(yaml_safe.YamlRefused, yaml.YAMLError)
