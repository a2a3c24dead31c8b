"""The billing run prices in SQL (services.amount_expression); it must price exactly like Rate.amount.

Each member is enrolled on their declared income in JKK, JKM and JHT, billed for one month, and every
contribution line is compared with programmes.rates.contribution() for that income, month and payer kind.
"""
from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.billing.models import ContributionLine, Invoice
from lindung.billing.services import enrol, run_billing
from lindung.programmes.models import Payer
from lindung.programmes.rates import PAYER_KINDS, contribution, shipped_rates
from lindung.programmes.services import rate_schedule
from lindung.registry.models import Person
from lindung.registry.services import create_person

PROGRAMMES = ["JKK", "JKM", "JHT"]
# Both sides of the PP 50/2025 discount year.
MONTHS = ["2025-12", "2026-01", "2026-12", "2027-01"]
INCOMES = [
    None, 0, 1, 999_999, 1_000_000, 1_000_001, 1_000_099, 1_234_567, 1_500_000, 2_500_000, 2_500_049,
    2_500_050, 2_500_099, 9_999_999, 20_700_000, 29_999_999, 30_000_000,
]


def payer_of(kind: str) -> Payer:
    payer = Payer.objects.filter(kind=kind).order_by("pk").first()
    return payer or Payer.objects.create(name=f"Test payer ({kind})", kind=kind)


def person(number: int, income: int | None) -> Person:
    return create_person(
        source="test",
        nik=f"3216040506{number:06d}",
        kk=None,
        full_name=f"Peserta {number}",
        birth_place="Bekasi",
        birth_date=date(1990, 6, 5),
        sex="L",
        village_id="32.16.04.2001",
        address="Kp. Pulo RT 003/RW 002",
        phone=None,
        segment_id="farmer",
        income=income,
    )


def bill(members: list[tuple[int | None, str]], month: str) -> dict[int, tuple[int | None, str]]:
    """Enrol one new person per (income, payer kind) from `month`, run the billing; {person pk: (income, kind)}."""
    people = {}
    for number, (income, kind) in enumerate(members, start=1):
        p = person(number, income)
        enrol(Person.objects.filter(pk=p.pk), PROGRAMMES, payer_of(kind), month, declared_income=True)
        people[p.pk] = (income, kind)
    run_billing(month)
    return people


def billed_amounts(month: str) -> dict[int, dict[str, int]]:
    amounts: dict[int, dict[str, int]] = {}
    for person_id, programme, amount in ContributionLine.objects.filter(month=month).values_list(
        "person_id", "programme_id", "amount"
    ):
        amounts.setdefault(person_id, {})[programme] = amount
    return amounts


def expected_amounts(people: dict[int, tuple[int | None, str]], month: str) -> dict[int, dict[str, int]]:
    return {pk: contribution(income, PROGRAMMES, month, kind) for pk, (income, kind) in people.items()}


def test_the_stored_schedule_is_the_shipped_one(db):
    assert sorted(rate_schedule(), key=repr) == sorted(shipped_rates(), key=repr)


@pytest.mark.parametrize("month", MONTHS)
def test_sql_prices_like_rate_amount_for_every_payer_kind(db, month):
    members = [(income, kind) for income in INCOMES for kind in PAYER_KINDS]
    people = bill(members, month)
    billed = billed_amounts(month)
    assert billed == expected_amounts(people, month)
    assert all(type(a) is int for amounts in billed.values() for a in amounts.values())
    assert sum(i.total for i in Invoice.objects.filter(month=month)) == sum(
        sum(amounts.values()) for amounts in billed.values()
    )


def test_the_issue_figures_through_sql(db):
    people = bill([(None, "apbd"), (0, "self"), (2_500_000, "apbd"), (2_500_000, "self")], "2026-01")
    by_income_kind = {people[pk]: amounts for pk, amounts in billed_amounts("2026-01").items()}
    assert by_income_kind == {
        (None, "apbd"): {"JKK": 10_000, "JKM": 6_800, "JHT": 20_000},
        (0, "self"): {"JKK": 5_000, "JKM": 3_400, "JHT": 20_000},
        (2_500_000, "apbd"): {"JKK": 25_000, "JKM": 6_800, "JHT": 50_000},
        (2_500_000, "self"): {"JKK": 12_500, "JKM": 3_400, "JHT": 50_000},
    }


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    members=st.lists(
        st.tuples(st.none() | st.integers(0, 30_000_000), st.sampled_from(["self", "apbd"])), min_size=1, max_size=4
    ),
    month=st.sampled_from(["2025-12", "2026-01", "2027-01"]),
)
def test_sql_prices_like_rate_amount_for_any_income(db, members, month):
    # Each example in a savepoint rolled back at the end: fresh people, memberships and lines every time.
    with transaction.atomic():
        people = bill(members, month)
        assert billed_amounts(month) == expected_amounts(people, month)
        transaction.set_rollback(True)
