"""Stored matches, re-match runs and the measure dashboard in the Django admin."""

from .matches import MatchAdmin, RematchRunAdmin

__all__ = ["MatchAdmin", "RematchRunAdmin"]
