from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from .models import PolicyVersion


@register(PolicyVersion)
class PolicyVersionTranslationOptions(TranslationOptions):
    fields = (
        "name",
        "summary",
        "issuer",
        "jurisdiction_name",
        "value_note",
        "amount_note",
        "application_channel",
        "dates_note",
        "notes",
        "confidence_note",
    )


# History is registered here, after the translated columns exist, so that the historical
# model records both languages (registered in models.py it would miss them).
register_history(PolicyVersion, app=__package__)
