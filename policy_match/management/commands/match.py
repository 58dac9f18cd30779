import json
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from enterprises.models import Enterprise
from enterprises.selectors import enterprise_profile
from policy_match.advice import advised_json
from policy_match.profile import Profile, ProfileError
from policy_match.services import match_profile

_HEADINGS = {
    "zh-hans": ("符合", "待确定", "不符合", "合计金额", "补充信息后可能增加", "缺少", "元"),
    "en": ("Eligible", "Undetermined", "Ineligible", "Total", "Could unlock", "Missing", "yuan"),
}
_ADVICE = {
    "zh-hans": {
        "entitled": "符合条件即可获得",
        "competitive": "可申请的择优资助（最高）",
        "reach": "一步可及",
        "ask": "回答这些问题，可确定的金额",
        "up_to": "最高",
        "unlocks": "可解锁",
    },
    "en": {
        "entitled": "Yours if you meet the conditions",
        "competitive": "Competitive, up to",
        "reach": "Within reach (one change)",
        "ask": "Answer these to find out",
        "up_to": "up to",
        "unlocks": "unlocks",
    },
}


class Command(BaseCommand):
    help = "Match one profile (design §7 request, YAML or JSON) against the published catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("profile", type=Path, nargs="?", help="a YAML or JSON profile file")
        parser.add_argument(
            "--enterprise", help="match a stored enterprise instead (id or 统一社会信用代码)"
        )
        parser.add_argument("--as-of", type=date.fromisoformat, default=None)
        parser.add_argument("--lang", default="zh-hans", choices=["zh-hans", "en"])
        parser.add_argument("--json", action="store_true", help="print the §7 response JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enterprise"]:
            profile, as_of = _stored(options["enterprise"]), options["as_of"]
            if as_of is None:
                raise CommandError("give --as-of YYYY-MM-DD with --enterprise")
        elif options["profile"]:
            profile, as_of = _read(options["profile"], options["as_of"], options["lang"])
        else:
            raise CommandError("give a profile file or --enterprise")
        report = advised_json(match_profile(profile=profile, as_of=as_of), options["lang"])
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self._table(report, options["lang"])

    def _table(self, report: dict[str, Any], language: str) -> None:
        eligible, open_, ineligible, total, unlock, missing, yuan = _HEADINGS[language]
        titles = {"eligible": eligible, "undetermined": open_, "ineligible": ineligible}
        for status, title in titles.items():
            rows = [r for r in report["results"] if r["status"] == status]
            self.stdout.write(self.style.MIGRATE_HEADING(f"\n{title} ({len(rows)})"))
            for row in rows:
                subject = f" [{row['subject']['ref']}]" if row["subject"]["ref"] else ""
                up_to = f"{_ADVICE[language]['up_to']} " if row["amount_kind"] == "up_to" else ""
                amount = f"{up_to}{row['amount']} {yuan}" if row["amount"] else "—"
                self.stdout.write(f"  {row['policy']}{subject}  {row['name']}  {amount}")
                for reason in row["reasons"]:
                    if status != "ineligible" or reason["outcome"] == "false":
                        indent = "  " * int(reason["depth"])
                        self.stdout.write(f"      {indent}{reason['text']}")
                if row["missing"]:
                    labels = ", ".join(m["label"] for m in row["missing"])
                    self.stdout.write(f"      {missing}: {labels}")
        summary = report["summary"]
        words = _ADVICE[language]
        self.stdout.write(self.style.MIGRATE_HEADING(f"\n{words['reach']}"))
        for change in summary["within_reach"][:10]:
            slugs = ", ".join(change["unlocks"])
            self.stdout.write(
                f"  {change['text']}  → {words['unlocks']} {slugs}  {change['amount']} {yuan}"
            )
        self.stdout.write(self.style.MIGRATE_HEADING(f"\n{words['ask']}"))
        for question in summary["ask_next"][:10]:
            ref = f" [{question['ref']}]" if question["ref"] else ""
            self.stdout.write(
                f"  {question['label']}{ref}  → {', '.join(question['decides'])}  "
                f"{question['amount']} {yuan}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"\n{total}: {summary['total_amount']} {yuan}"
                f" ({words['entitled']} {summary['entitled_amount']} {yuan};"
                f" {words['competitive']} {summary['competitive_amount']} {yuan})   "
                f"{unlock}: {summary['could_unlock_amount']} {yuan}   (as of {report['as_of']})"
            )
        )


def _read(path: Path, as_of: date | None, language: str) -> tuple[Profile, date]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML too
    except (OSError, yaml.YAMLError) as exc:
        raise CommandError(f"{path}: {exc}") from exc
    as_of = as_of or _as_of(data)
    try:
        return Profile.from_data(data), as_of
    except ProfileError as exc:
        lines = [f"{p}: {m}" for p, m in exc.messages(language).items()]
        raise CommandError(f"{path}:\n" + "\n".join(lines)) from exc


def _stored(key: str) -> Profile:
    lookup: dict[str, object] = {"pk": int(key)} if key.isdigit() else {"credit_code": key}
    found = list(Enterprise.objects.filter(**lookup).order_by("id"))
    if not found:
        raise CommandError(f"no enterprise {key}")
    if len(found) > 1:  # a credit code is unique per partner only: partners may share one
        ids = ", ".join(str(e.pk) for e in found)
        raise CommandError(f"several enterprises have the credit code {key}: give an id ({ids})")
    return enterprise_profile(enterprise=found[0])


def _as_of(data: Any) -> date:
    raw = data.get("as_of") if isinstance(data, dict) else None
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError as exc:
            raise CommandError(f"as_of: {exc}") from exc
    raise CommandError("the profile has no as_of: give --as-of YYYY-MM-DD")
