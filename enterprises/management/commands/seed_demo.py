from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enterprises.services import DemoDataError, demo_enterprises_load


class Command(BaseCommand):
    help = "Load (upsert by credit code) the demo enterprises with their people and loans."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", type=Path, nargs="?", default=Path("seeds/demo_enterprises.yaml")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = demo_enterprises_load(path=options["path"])
        except DemoDataError as exc:
            raise CommandError(f"demo data not loaded, nothing written:\n{exc}") from exc
        self.stdout.write(f"{count} demo enterprises loaded")
