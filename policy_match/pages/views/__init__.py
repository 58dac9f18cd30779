"""Startup pages (design §8): landing, profile form in steps, results, measures."""

from .measures import home, measure_detail, measure_list
from .profile import profile_step
from .results import results, results_applied
from .share import results_share, shared_open, shared_results
from .try_change import try_change

__all__ = [
    "home",
    "measure_detail",
    "measure_list",
    "profile_step",
    "results",
    "results_applied",
    "results_share",
    "shared_open",
    "shared_results",
    "try_change",
]
