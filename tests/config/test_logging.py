import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils.module_loading import import_string

from config.logging import RequestIdFilter
from policies.tasks import policy_deadlines_remind

from .conftest import RunDjango


def _json_handler() -> logging.StreamHandler[io.StringIO]:
    """A handler built like the production one: the configured JSON formatter and filter."""
    options = dict(settings.LOGGING["formatters"]["json"])
    formatter = import_string(options.pop("()"))(**options)
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    return handler


@pytest.fixture
def task_log() -> Iterator[io.StringIO]:
    handler = _json_handler()
    logger = logging.getLogger("policy_match.task")
    logger.addHandler(handler)
    try:
        yield handler.stream
    finally:
        logger.removeHandler(handler)


def test_it_writes_one_json_line_per_request_with_its_request_id(run_django: RunDjango) -> None:
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "print(c.get('/healthz', HTTP_X_REQUEST_ID='caller-id-42')['X-Request-ID'])\n"
        "print(c.get('/healthz')['X-Request-ID'])\n"
    )

    result = run_django("-c", script, env={"DJANGO_LOG_FORMAT": "json"})

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "policy_match.access"]
    offered, generated = result.stdout.split()
    assert offered == "caller-id-42"
    assert [line["request_id"] for line in access] == [offered, generated]
    assert access[0]["method"] == "GET"
    assert access[0]["path"] == "/healthz"
    assert access[0]["status"] == 200
    assert access[0]["level"] == "INFO"
    assert "timestamp" in access[0]


def test_it_writes_plain_lines_by_default(run_django: RunDjango) -> None:
    script = (
        "import django; django.setup()\nfrom django.test import Client\nClient().get('/healthz')\n"
    )

    result = run_django("-c", script, env={})

    access = [line for line in result.stderr.splitlines() if "policy_match.access" in line]
    assert len(access) == 1
    assert "GET /healthz 200" in access[0]
    assert not access[0].startswith("{")


def test_it_replaces_an_unsafe_request_id_with_a_new_one(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="evil\nid with spaces")

    request_id = response["X-Request-ID"]
    assert request_id != "evil\nid with spaces"
    assert len(request_id) == 32


@pytest.mark.django_db
def test_it_writes_one_json_line_per_task(task_log: io.StringIO) -> None:
    result = policy_deadlines_remind.apply()

    lines = [json.loads(line) for line in task_log.getvalue().splitlines()]
    assert len(lines) == 1
    line = lines[0]
    assert line["task"] == "policies.tasks.policy_deadlines_remind"
    assert line["state"] == "SUCCESS"
    assert line["task_id"] == result.id
    # Outside a request, the task's own id ties its lines together.
    assert line["request_id"] == result.id
    assert isinstance(line["duration_ms"], float)


def test_it_escapes_a_newline_in_a_path_so_that_no_line_can_be_forged(
    run_django: RunDjango,
) -> None:
    # #12.14: /a%0a… made the plain access line end early and print a line of the caller's.
    forged = "2026-01-01 00:00:00,000 INFO policy_match.access [x] GET /admin/ 200 1.00ms"
    script = (
        "import django, urllib.parse; django.setup()\n"
        "from django.test import Client\n"
        f"Client().get('/nowhere' + urllib.parse.quote('\\n' + {forged!r}, safe='/'))\n"
    )

    result = run_django("-c", script, env={"DJANGO_LOG_FORMAT": "plain"})

    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    access = [line for line in lines if line.split()[3:4] == ["policy_match.access"]]
    assert len(access) == 1
    assert "GET /nowhere\\n2026-01-01 00:00:00,000 INFO" in access[0]
    assert access[0].split()[-2] == "404"
    assert not any(line.startswith("2026-01-01 00:00:00,000") for line in lines)
