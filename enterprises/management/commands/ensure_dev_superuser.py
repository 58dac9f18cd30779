import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the development superuser (DEV_SUPERUSER / DEV_SUPERUSER_PASSWORD) if absent."

    def handle(self, *args: Any, **options: Any) -> None:
        username = os.environ.get("DEV_SUPERUSER", "admin")
        password = os.environ.get("DEV_SUPERUSER_PASSWORD", "admin-dev-only")
        user_model = get_user_model()
        if not user_model.objects.filter(username=username).exists():
            user_model.objects.create_superuser(username, f"{username}@localhost", password)
            self.stdout.write(f"created superuser {username}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: http://127.0.0.1:8000/admin/  user: {username}  password: {password}"
            )
        )
