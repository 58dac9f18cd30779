"""Use-cases send their background jobs by name (jobs.py): a task renamed in tasks.py without
jobs.py would only fail when its job is sent, so every name is checked against the registry."""

from celery import current_app

from policy_match import jobs


def test_every_job_names_a_task_that_the_app_has_registered() -> None:
    registered = current_app.tasks
    for name in jobs.NAMES:
        assert name in registered, name
