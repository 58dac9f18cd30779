"""Advice (design §12): from a verdict to the next step, computed from the rule tree and the
trace, never written per measure."""

from .render import advised_json
from .unlock import Change, Unlock, unlock

__all__ = ["Change", "Unlock", "advised_json", "unlock"]
