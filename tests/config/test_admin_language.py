import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "expected"), [("en", "Log in"), ("zh-hans", "登录"), ("", "登录")]
)
def test_it_shows_the_admin_in_the_browsers_language(accept: str, expected: str) -> None:
    response = Client().get("/admin/login/", headers={"accept-language": accept})

    assert response.status_code == 200
    assert expected in response.content.decode()
