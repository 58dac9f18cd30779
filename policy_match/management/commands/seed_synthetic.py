"""Insert synthetic enterprises (people and loans included) for timing and load tests."""

from time import perf_counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from enterprises.models import Enterprise
from policy_match.synthetic import synthetic_enterprises

NAME_PREFIX = "合成企业"  # the names synthetic_enterprises gives


class Command(BaseCommand):
    help = "Insert N synthetic enterprises with a realistic mix of known and unknown facts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=10_000, help="how many to insert")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (repeatable data)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete earlier synthetic enterprises (and their matches) first",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        started = perf_counter()
        if options["replace"]:
            deleted, _ = Enterprise.objects.filter(name__startswith=NAME_PREFIX).delete()
            self.stdout.write(f"deleted {deleted} rows of earlier synthetic data")
        count = synthetic_enterprises(count=options["enterprises"], seed=options["seed"])
        self.stdout.write(
            self.style.SUCCESS(f"inserted {count} enterprises in {perf_counter() - started:.2f} s")
        )
