"""Synthetic enterprises for the benchmark and load tests: realistic mixes of known and unknown
facts, with people and loans, inserted in bulk (no model save() per row): by COPY on
PostgreSQL (600,000 enterprises in about a minute, design §15), by bulk_create elsewhere.
Rows are made and written a batch at a time, so memory stays flat however many there are."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection

from enterprises.models import Enterprise, Loan, Person

DISTRICTS = ["nanshan"] * 6 + ["futian", "baoan", "longgang", None]
INDUSTRIES = ["ai", "robotics", "semiconductor", "digital_economy", "gaming", "biomedicine",
              "other", "modern_services", None]  # fmt: skip
DEGREES = ["bachelor", "bachelor", "master", "phd", "associate", None]
PRODUCTS = ["ip_pledge_loan", "rd_loan", "incubation_loan", "working_capital_loan",
            "financial_leasing", "green_loan"]  # fmt: skip


def _maybe(rng: random.Random, value: Any, known: float = 0.8) -> Any:
    return value if rng.random() < known else None


def synthetic_enterprises(*, count: int, seed: int = 2026, batch_size: int = 5000) -> int:
    """Insert `count` enterprises, about 1.2 people and 0.6 loans each; returns the count."""
    rng = random.Random(seed)
    start = date(2015, 1, 1)
    made = 0
    copy = connection.vendor == "postgresql"
    while made < count:
        size = min(batch_size, count - made)
        enterprises = [_enterprise(rng, made + i, start) for i in range(size)]
        created = (
            _copy_enterprises(enterprises) if copy else Enterprise.objects.bulk_create(enterprises)
        )
        people, loans = [], []
        for enterprise in created:
            for n in range(rng.choice([0, 1, 1, 2, 2])):
                people.append(_person(rng, enterprise.pk, n))
            for n in range(rng.choice([0, 0, 1, 1, 2])):
                loans.append(_loan(rng, enterprise.pk, n))
        if copy:
            _copy(Person, people)
            _copy(Loan, loans)
        else:
            Person.objects.bulk_create(people)
            Loan.objects.bulk_create(loans)
        made += size
    analyze(Enterprise, Person, Loan)
    return made


def _copy_enterprises(enterprises: list[Enterprise]) -> list[Enterprise]:
    """COPY with ids taken from the table's own sequence (people and loans need them)."""
    table = Enterprise._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(enterprises)],
        )
        for enterprise, (pk,) in zip(enterprises, cursor.fetchall(), strict=True):
            enterprise.pk = pk
    _copy(Enterprise, enterprises, with_id=True)
    return enterprises


def _copy(model: Any, objects: list[Any], *, with_id: bool = False) -> None:
    """COPY `objects` into `model`'s table: every concrete column, as save() would prepare
    it (auto_now dates, defaults), without a save() per row."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objects:
            copy.write_row(
                [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
            )


def vacuum(*models: Any) -> None:
    """VACUUM ANALYZE, as autovacuum soon would after a bulk write: rows read for the first
    time after they were inserted have their visibility worked out and stored on every page
    they sit on (each page dirtied and written again), a cost of the first read and not of
    later ones. Outside a transaction, as VACUUM must be."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def analyze(*models: Any) -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum soon would; without
    them PostgreSQL plans the first queries over the new rows as if the tables were empty."""
    if connection.vendor == "postgresql":
        tables = ", ".join(model._meta.db_table for model in models)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")


def _enterprise(rng: random.Random, i: int, start: date) -> Enterprise:
    revenue = rng.choice([Decimal(0), Decimal(800_000), Decimal(5_000_000), Decimal(40_000_000)])
    return Enterprise(
        name=f"合成企业{i:06d}",
        registered_district=_maybe(rng, rng.choice(DISTRICTS), 0.95),
        registered_on=_maybe(rng, start + timedelta(days=rng.randrange(0, 4000)), 0.9),
        industry=_maybe(rng, rng.choice(INDUSTRIES)),
        employee_count=_maybe(rng, rng.randrange(1, 300)),
        annual_revenue=_maybe(rng, revenue),
        revenue_growth_rate=_maybe(rng, Decimal(rng.choice(["0.1", "0.25", "0.6", "1.2"])), 0.5),
        rd_expense=_maybe(rng, revenue * Decimal(rng.choice(["0.02", "0.06", "0.25"])), 0.7),
        is_strategic_emerging=_maybe(rng, rng.random() < 0.5, 0.6),
        is_future_industry=_maybe(rng, rng.random() < 0.2, 0.5),
        is_high_tech_enterprise=_maybe(rng, rng.random() < 0.3),
        high_tech_certified_on=_maybe(rng, date(2025, rng.randrange(1, 13), 15), 0.3),
        is_specialized_sme=_maybe(rng, rng.random() < 0.1, 0.6),
        is_little_giant=_maybe(rng, rng.random() < 0.02, 0.6),
        ip_count=_maybe(rng, rng.randrange(0, 40)),
        has_bad_credit=_maybe(rng, rng.random() < 0.05),
        tax_registered_in_nanshan=_maybe(rng, rng.random() < 0.8),
        is_in_sme_tech_database=_maybe(rng, rng.random() < 0.4, 0.6),
        funding_stage=_maybe(rng, rng.choice(["none", "angel", "a", "b", "c_plus"]), 0.7),
        participates_open_source=rng.random() < 0.1,
        is_scenario_publisher=rng.random() < 0.03,
        is_scenario_solver=rng.random() < 0.05,
        is_space_operator=rng.random() < 0.005,
        is_vc_institution=rng.random() < 0.01,
        vc_investment_last_year=_maybe(rng, Decimal(rng.randrange(0, 50_000_000)), 0.05),
    )


def _person(rng: random.Random, enterprise_id: int, n: int) -> Person:
    shenzhen = rng.random() < 0.6
    return Person(
        enterprise_id=enterprise_id,
        ref=f"p{n + 1}",
        degree=_maybe(rng, rng.choice(DEGREES)),
        is_fresh_graduate=_maybe(rng, rng.random() < 0.2, 0.6),
        hukou_city=_maybe(rng, "shenzhen" if shenzhen else "wuhan"),
        hukou_district=_maybe(rng, rng.choice(["nanshan", "futian"]), 0.7) if shenzhen else None,
        hukou_transferred_on=_maybe(rng, date(2026, rng.randrange(1, 12), 1), 0.5)
        if shenzhen
        else None,
        born_on=_maybe(rng, date(1966, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365))),
        is_founder=_maybe(rng, rng.random() < 0.3),
        talent_tier=_maybe(rng, rng.choice(["none", "core", "nanshan_leading"]), 0.6),
        is_student=_maybe(rng, rng.random() < 0.05, 0.7),
        owns_home_in_shenzhen=_maybe(rng, rng.random() < 0.3, 0.6),
    )


def _loan(rng: random.Random, enterprise_id: int, n: int) -> Loan:
    amount = Decimal(rng.choice([500_000, 1_000_000, 3_000_000, 20_000_000]))
    return Loan(
        enterprise_id=enterprise_id,
        ref=f"l{n + 1}",
        product=_maybe(rng, rng.choice(PRODUCTS), 0.95),
        amount=_maybe(rng, amount, 0.9),
        rate=_maybe(rng, Decimal(rng.choice(["0.03", "0.035", "0.045"])), 0.85),
        guarantee_fee=rng.choice([Decimal(0), Decimal(10_000), None]),
        other_fees=rng.choice([Decimal(0), Decimal(0), Decimal(5_000), None]),
    )
