"""The set-based re-match writes exactly what matching each enterprise one by one writes."""

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from celery.signals import task_prerun
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enterprises.models import Enterprise, Loan, Person
from policies.models import Policy, PolicyStatus, PolicyVersion
from policy_match.catalogue import published_catalogue
from policy_match.models import Match, MatchChange, RematchChunk, RematchRun, RematchStatus
from policy_match.records import typed_inputs
from policy_match.rematch import rematch_chunk_run, rematch_policy_start, rematch_progress
from policy_match.rematch_rows import Scope, select_sql
from policy_match.rules import Subject
from policy_match.selectors import match_confirmed
from policy_match.services import match_enterprise
from tests.policy_match.rules.test_to_q import _row

pytestmark = pytest.mark.django_db(transaction=False)
AS_OF = date(2026, 11, 23)
# SQLite computes SQL formulas in binary floats: a half-fen can round the other way there.
TOLERANCE = Decimal("0") if connection.vendor == "postgresql" else Decimal("0.01")


@pytest.fixture
def catalogue(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir))


Stored = dict[tuple[int, int, int], tuple[Any, ...]]


def _stored() -> Stored:
    """Each row's status, amount, missing facts, version and decision record (typed)."""
    return {
        (m.enterprise_id, m.policy_id, m.subject_id): (
            m.status,
            m.amount,
            tuple(m.missing),
            m.version_id,
            m.trace,
            typed_inputs(m.inputs),
            m.evaluated_on,
        )
        for m in Match.objects.all()
    }


def _events() -> set[tuple[Any, ...]]:
    return {
        (c.enterprise_id, c.policy_id, c.subject_id, c.from_status, c.to_status, c.to_amount)
        for c in MatchChange.objects.all()
    }


def _assert_same(one_by_one: Stored, set_based: Stored) -> None:
    assert set(one_by_one) == set(set_based)
    for key, (status, amount, *record) in one_by_one.items():
        other_status, other_amount, *other_record = set_based[key]
        assert (status, *record) == (other_status, *other_record), key
        if amount is None or other_amount is None:
            assert amount == other_amount, key
        else:
            assert abs(amount - other_amount) <= TOLERANCE, (key, amount, other_amount)


def _assert_same_events(one_by_one: set, set_based: set) -> None:
    """The same changes, amounts within the rounding tolerance (SQLite's floats)."""

    def key(event: tuple[Any, ...]) -> tuple[Any, ...]:
        return event[:5]

    assert {key(e) for e in one_by_one} == {key(e) for e in set_based}
    amounts = {key(e): e[5] for e in set_based}
    for event in one_by_one:
        other = amounts[key(event)]
        assert (event[5] is None) == (other is None), event
        if other is not None:
            assert abs(event[5] - other) <= TOLERANCE, event


def _rematch(policy: Policy) -> RematchRun:
    # The chunks are sent on commit; tests run inside a transaction that never commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return rematch_policy_start(policy=policy, as_of=AS_OF)


def _rematch_everything() -> None:
    for policy in Policy.objects.filter(status=PolicyStatus.PUBLISHED):
        _rematch(policy)


def test_it_writes_the_same_matches_as_matching_each_demo_enterprise(
    catalogue: None, seeds_dir: Path, settings: Any
) -> None:
    settings.REMATCH_CHUNK_SIZE = 4  # several chunks over the 11 demo enterprises
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"), "--no-match")
    for enterprise in Enterprise.objects.all():
        match_enterprise(enterprise=enterprise, as_of=AS_OF)
    one_by_one, created = _stored(), _events()
    Match.objects.all().delete()
    MatchChange.objects.all().delete()

    _rematch_everything()

    _assert_same(one_by_one, _stored())
    _assert_same_events(created, _events())
    assert RematchRun.objects.exclude(status=RematchStatus.DONE).count() == 0


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    enterprises=st.lists(
        st.tuples(
            _row(Subject.ENTERPRISE),
            st.lists(_row(Subject.PERSON), max_size=2),
            st.lists(_row(Subject.LOAN), max_size=2),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_it_agrees_with_one_by_one_matching_on_random_enterprises(
    catalogue: None, enterprises: list
) -> None:
    Enterprise.objects.all().delete()
    for i, (facts, people, loans) in enumerate(enterprises):
        enterprise = Enterprise.objects.create(name=f"e{i}", **facts)
        for j, person in enumerate(people):
            Person.objects.create(enterprise=enterprise, ref=f"p{j}", **person)
        for j, loan in enumerate(loans):
            Loan.objects.create(enterprise=enterprise, ref=f"l{j}", **loan)
    for enterprise in Enterprise.objects.all():
        match_enterprise(enterprise=enterprise, as_of=AS_OF)
    one_by_one, created = _stored(), _events()
    Match.objects.all().delete()
    MatchChange.objects.all().delete()

    _rematch_everything()

    _assert_same(one_by_one, _stored())
    _assert_same_events(created, _events())


def test_it_runs_a_chunk_twice_without_changing_anything(catalogue: None, seeds_dir: Path) -> None:
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"), "--no-match")
    run = _rematch(Policy.objects.get(slug="talent-living-subsidy-master"))
    first = _stored()
    chunk = run.chunks.get()
    RematchChunk.objects.filter(pk=chunk.pk).update(done_at=None)  # as if the ack was lost

    rematch_chunk_run(chunk_id=chunk.pk)

    assert {k: v for k, v in _stored().items()} == first
    assert rematch_progress(run=run) == (1, 1)


def test_it_removes_the_matches_of_a_person_who_left(catalogue: None, seeds_dir: Path) -> None:
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"), "--no-match")
    policy = Policy.objects.get(slug="talent-living-subsidy-master")
    _rematch(policy)
    person = Person.objects.filter(enterprise__credit_code="91440300MA5GLXJQRJ").first()
    assert person is not None and Match.objects.filter(policy=policy, subject_id=person.pk).exists()
    person.delete()

    _rematch(policy)

    assert not Match.objects.filter(policy=policy, subject_id=person.pk).exists()


def test_it_removes_the_matches_of_a_retired_policy(catalogue: None, seeds_dir: Path) -> None:
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"), "--no-match")
    policy = Policy.objects.get(slug="lifecycle-one-stop-service")
    _rematch(policy)
    assert Match.objects.filter(policy=policy).count() == Enterprise.objects.count()
    Policy.objects.filter(pk=policy.pk).update(status=PolicyStatus.RETIRED, current_version=None)

    _rematch(Policy.objects.get(pk=policy.pk))

    assert Match.objects.filter(policy=policy).count() == 0


def test_an_enterprise_measure_removes_its_rows_about_people_with_an_event_each(
    catalogue: None, seeds_dir: Path
) -> None:
    """Rows of another subject (a measure once about people, now about enterprises) go, each
    with its removal event."""
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"), "--no-match")
    policy = Policy.objects.get(slug="lifecycle-one-stop-service")
    _rematch(policy)
    person = Person.objects.select_related("enterprise").first()
    assert person is not None
    Match.objects.create(
        enterprise=person.enterprise, policy=policy, version=policy.current_version,
        subject_type="person", subject_id=person.pk, subject_ref=person.ref,
        status="eligible", evaluated_on=AS_OF, evaluated_at=timezone.now(),
    )  # fmt: skip

    run = _rematch(policy)

    assert not Match.objects.filter(policy=policy, subject_id=person.pk).exists()
    assert Match.objects.filter(policy=policy).count() == Enterprise.objects.count()
    gone = MatchChange.objects.filter(policy=policy, subject_id=person.pk)
    assert [(c.from_status, c.to_status) for c in gone] == [("eligible", None)]
    assert sum(run.chunks.values_list("rows", flat=True)) == 1


def test_a_republish_that_changes_nothing_writes_no_row(catalogue: None, seeds_dir: Path) -> None:
    # #13.5: rows are written only when their status, amount or missing facts change.
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"), "--no-match")
    policy = Policy.objects.get(slug="talent-living-subsidy-master")
    _rematch(policy)
    before = dict(Match.objects.filter(policy=policy).values_list("pk", "evaluated_at"))
    events = MatchChange.objects.count()

    run = _rematch(policy)

    assert sum(run.chunks.values_list("rows", flat=True)) == 0
    assert dict(Match.objects.filter(policy=policy).values_list("pk", "evaluated_at")) == before
    assert MatchChange.objects.count() == events
    confirmed = match_confirmed(match=Match.objects.filter(policy=policy).first())
    assert confirmed.on == AS_OF and confirmed.version_number == policy.current_version.number


def test_a_changed_amount_writes_only_its_rows_with_one_event_each(
    catalogue: None, seeds_dir: Path
) -> None:
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"), "--no-match")
    policy = Policy.objects.get(slug="talent-living-subsidy-master")
    _rematch(policy)
    eligible = Match.objects.filter(policy=policy, status="eligible").count()
    version = policy.current_version
    PolicyVersion.objects.filter(pk=version.pk).update(cap=Decimal("60000"))  # as a new version

    run = _rematch(Policy.objects.get(pk=policy.pk))

    changed = MatchChange.objects.filter(policy=policy, cause="publish", from_status__isnull=False)
    assert eligible > 0
    assert changed.count() == Match.objects.filter(policy=policy, amount=Decimal("60000")).count()
    assert {(c.from_amount, c.to_amount) for c in changed if c.from_status == "eligible"} == {
        (Decimal("50000.00"), Decimal("60000.00"))
    }
    assert sum(run.chunks.values_list("rows", flat=True)) == changed.count()


def test_a_republish_rewrites_only_the_changed_rows_and_builds_their_records(
    catalogue: None, seeds_dir: Path
) -> None:
    """Records are built only for the rows whose outcome changed (and a row stored without
    one), and those are the records one-by-one matching writes; the other rows stay as
    they were."""
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"), "--no-match")
    policy = Policy.objects.get(slug="talent-living-subsidy-master")
    _rematch(policy)
    untraced = Match.objects.filter(policy=policy, status="ineligible").first()
    assert untraced is not None
    Match.objects.filter(pk=untraced.pk).update(trace="", inputs={})
    before = dict(Match.objects.filter(policy=policy).values_list("pk", "evaluated_at"))
    PolicyVersion.objects.filter(pk=policy.current_version.pk).update(cap=Decimal("60000"))

    _rematch(Policy.objects.get(pk=policy.pk))

    after = Match.objects.filter(policy=policy)
    raised = {m.pk for m in after if m.amount == Decimal("60000")}
    assert raised and {m.pk for m in after if m.evaluated_at != before[m.pk]} == raised | {
        untraced.pk
    }
    set_based = {key: row for key, row in _stored().items() if key[1] == policy.pk}
    after.delete()
    for enterprise in Enterprise.objects.all():
        match_enterprise(enterprise=enterprise, as_of=AS_OF)
    _assert_same({key: row for key, row in _stored().items() if key[1] == policy.pk}, set_based)


def test_a_run_kicks_the_outbox_once_a_few_seconds_and_when_it_ends(
    catalogue: None, seeds_dir: Path, settings: Any
) -> None:
    # Each outbox pass re-counts the last minutes' events: one after every chunk made a large
    # run quadratic. Beat's dispatch every 30 s stays the safety net.
    settings.REMATCH_CHUNK_SIZE = 2  # 6 chunks over the 11 demo enterprises
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"), "--no-match")
    cache.delete("rematch:events-kicked")
    ran: list[str] = []

    def record(sender: Any = None, **kwargs: Any) -> None:
        ran.append(sender.name)

    task_prerun.connect(record, weak=False)
    try:
        run = _rematch(Policy.objects.get(slug="talent-living-subsidy-master"))
    finally:
        task_prerun.disconnect(record)

    assert run.chunks.count() >= 5 and run.chunks.filter(done_at__isnull=True).count() == 0
    # The first chunk's kick (the next ones fall within KICK_SECONDS) and the run's end.
    assert ran.count("policy_match.tasks.events_dispatch") == 2
    assert MatchChange.objects.filter(policy=run.policy).exists()


def test_a_person_chunk_reads_only_its_own_enterprises(catalogue: None) -> None:
    """A person measure with an enterprise fact joins the enterprises of the chunk's range only:
    PostgreSQL did not carry the person's range over the join and scanned every enterprise."""
    people = [c for c in published_catalogue() if c.subject is Subject.PERSON]
    scope = Scope(people[0].policy_id, 41, 42, AS_OF, "test", now=timezone.now())
    joined = [c for c in people if "enterprises_enterprise" in select_sql(c, scope)[0][0]]
    assert joined, "no person measure reads an enterprise fact"
    for compiled in joined:
        decision, record, _missing = select_sql(compiled, scope)
        for sql, params in (decision, record):  # the record's SELECT joins them too
            if "enterprises_enterprise" not in sql:
                continue
            assert '"enterprises_enterprise"."id" BETWEEN' in sql, compiled.policy_id
            assert params.count(41) >= 2 and params.count(42) >= 2, compiled.policy_id
