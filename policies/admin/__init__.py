"""Staff curation in the Django admin (design §6): drafts, impact preview, publishing, history,
catalogue import and export."""

from .policy import PolicyAdmin
from .version import PolicyVersionAdmin

__all__ = ["PolicyAdmin", "PolicyVersionAdmin"]
