import re

import pytest

from .conftest import REPO

DOCUMENTED = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.M))

READERS = {
    "config/settings.py": r"\benv\.\w+\(\s*\"([A-Z][A-Z0-9_]+)\"",
    "gunicorn.conf.py": r"os\.environ\.get\(\"([A-Z][A-Z0-9_]+)\"",
    "docker-compose.yml": r"\$\{([A-Z][A-Z0-9_]+)",
}


@pytest.mark.parametrize("path", sorted(READERS))
def test_it_documents_every_variable_in_the_env_example(path: str) -> None:
    read = set(re.findall(READERS[path], (REPO / path).read_text()))

    assert read, f"no variables found in {path}: the pattern is stale"
    assert sorted(read - DOCUMENTED) == []
