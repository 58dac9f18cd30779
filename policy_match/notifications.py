"""E-mails to startups about their matches."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation

from enterprises.models import Enterprise
from policies.models import PolicyVersion


def notify_newly_eligible(
    *, enterprise: Enterprise, slugs: list[str], language: str = "zh-hans"
) -> bool:
    """Tell the enterprise's owner which measures it has newly become eligible for."""
    owner = enterprise.owner
    if not slugs or owner is None or not owner.email:
        return False
    versions = PolicyVersion.objects.filter(policy__slug__in=slugs, status="published")
    with translation.override(language):
        names = "\n".join(f"- {v.name}" for v in versions.order_by("policy__slug"))
        if language == "en":
            subject = f"{enterprise.name}: new support measures apply to you"
            body = f"Your profile now qualifies for:\n{names}\n"
        else:
            subject = f"{enterprise.name}：有新的扶持政策适用于您"
            body = f"根据您填写的企业信息，您现在符合以下政策：\n{names}\n"
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [owner.email])
    return True
