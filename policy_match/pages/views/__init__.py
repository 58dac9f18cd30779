"""Startup pages (design §8): landing, profile form in steps, results, measures."""

from .measures import home, measure_detail, measure_list
from .profile import profile_step
from .results import results

__all__ = ["home", "measure_detail", "measure_list", "profile_step", "results"]
