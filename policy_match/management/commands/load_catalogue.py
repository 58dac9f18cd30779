from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policies.catalogue import CatalogueError, catalogue_load


class Command(BaseCommand):
    help = "Validate every catalogue file, then load them all in one transaction."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="seeds/ or seeds/policies/")
        parser.add_argument("--lang", default="en", help="language of error messages")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = catalogue_load(directory=options["directory"], language=options["lang"])
        except CatalogueError as exc:
            raise CommandError("catalogue not loaded, nothing written:\n" + str(exc)) from exc
        self.stdout.write(
            f"{len(result.created)} created, {len(result.changed)} changed, "
            f"{len(result.unchanged)} unchanged"
        )
