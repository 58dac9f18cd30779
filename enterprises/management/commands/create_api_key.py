from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from enterprises.models import Partner, PartnerAPIKey


class Command(BaseCommand):
    help = (
        "Create an API key for a partner (by name or id) and print it on the last line. "
        "Only a hash is stored: the key cannot be shown again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("partner", help="partner name (exact) or id")
        parser.add_argument("--name", default="manage.py", help="a label for the key (≤ 50)")
        parser.add_argument(
            "--create-partner",
            action="store_true",
            help="create the partner when no partner has this name",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        wanted: str = options["partner"].strip()
        partner = Partner.objects.filter(name=wanted).first()
        if partner is None and wanted.isdigit():
            partner = Partner.objects.filter(pk=int(wanted)).first()
        if partner is None:
            if not options["create_partner"]:
                raise CommandError(
                    f"no partner named “{wanted}”; add --create-partner to create it"
                )
            partner = Partner.objects.create(name=wanted)
            self.stdout.write(f"created partner {partner.name} (id {partner.pk})")
        if not partner.is_active:
            raise CommandError(f"partner “{partner.name}” is disabled; enable it in the admin")
        label: str = options["name"]
        if not 0 < len(label) <= 50:
            raise CommandError("--name: 1 to 50 characters")
        api_key, key = PartnerAPIKey.objects.create_key(name=label, partner=partner)
        self.stdout.write(
            f"API key {api_key.prefix}… for partner {partner.name} (id {partner.pk}); "
            "store it now, it is not shown again:"
        )
        self.stdout.write(key)
