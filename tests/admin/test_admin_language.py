"""Both languages on the admin's own forms, including the API-key form the library ships in
English only; money with separators."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def root() -> User:
    return User.objects.create_superuser("root", "root@example.com", "pw-long-enough-1")


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", ["名称", "到期时间", "已吊销", "留空表示永不过期"]),
        ("en", ["Name", "Expires", "Revoked", "Leave empty for a key that never expires"]),
    ],
)
def test_the_api_key_form_speaks_the_staff_members_language(
    root: User, language: str, words: list[str]
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(root)

    page = client.get("/admin/enterprises/partnerapikey/add/").content.decode()

    assert all(word in page for word in words), [w for w in words if w not in page]
