from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from policies.catalogue_dump import catalogue_dump


class Command(BaseCommand):
    help = "Write the catalogue as <slug>.yaml files, in the form load_catalogue reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        written = catalogue_dump(directory=options["directory"])
        self.stdout.write(f"{len(written)} files written to {options['directory']}")
