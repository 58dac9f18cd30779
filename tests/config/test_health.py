import json

import pytest
from django.test import Client, override_settings

from .conftest import RunDjango

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def test_it_answers_healthz_without_asking_anything_else(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_is_ready_when_the_configured_backends_answer(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert body["checks"]["database"] == "ok"


@override_settings(CELERY_BROKER_URL=UNREACHABLE_REDIS)
def test_it_is_not_ready_when_the_broker_redis_is_unreachable(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"] == "unreachable"
    assert body["checks"]["database"] == "ok"


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNREACHABLE_REDIS,
        }
    }
)
def test_it_is_not_ready_when_the_cache_redis_is_unreachable(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 503
    assert "cache" in response.json()["failing"]
    # Only names and outcomes are told: the address stays in the server's log.
    assert "127.0.0.1" not in response.content.decode()


def test_it_is_alive_but_not_ready_when_the_database_is_unreachable(
    run_django: RunDjango,
) -> None:
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "for path in ('/healthz', '/readyz'):\n"
        "    r = c.get(path)\n"
        "    print(json.dumps({'path': path, 'status': r.status_code, 'body': r.json()}))\n"
    )

    result = run_django(
        "-c",
        script,
        env={"DATABASE_URL": "postgres://postgres@127.0.0.1:1/unreachable"},
        keep_database=False,
    )

    assert result.returncode == 0, result.stderr
    healthz, readyz = (json.loads(line) for line in result.stdout.splitlines()[-2:])
    assert healthz["status"] == 200
    assert readyz["status"] == 503
    assert readyz["body"]["failing"] == ["database"]
