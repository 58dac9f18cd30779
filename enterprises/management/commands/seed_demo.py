from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from enterprises.models import Enterprise
from enterprises.services import DemoDataError, demo_enterprises_load
from policy_match.demo_office import demo_office_prepare


class Command(BaseCommand):
    help = (
        "Load (upsert by credit code) the demo enterprises with their people and loans, then "
        "match them, record a few applications and compute take-up (a working office)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", type=Path, nargs="?", default=Path("seeds/demo_enterprises.yaml")
        )
        parser.add_argument(
            "--no-match",
            action="store_true",
            help="only load the enterprises (no matches, applications or take-up)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = demo_enterprises_load(path=options["path"])
        except DemoDataError as exc:
            raise CommandError(f"demo data not loaded, nothing written:\n{exc}") from exc
        self.stdout.write(f"{count} demo enterprises loaded")
        if options["no_match"]:
            return
        # The file was read and checked above: its credit codes name the demo enterprises.
        codes = [item["credit_code"] for item in yaml.safe_load(options["path"].read_text())]
        enterprises = Enterprise.objects.filter(
            credit_code__in=codes, partner__isnull=True
        ).order_by("pk")
        office = demo_office_prepare(enterprises=enterprises, today=timezone.localdate())
        self.stdout.write(
            f"{office.matched} matched ({office.changes} change events), "
            f"{office.applications} applications recorded, take-up computed"
        )
