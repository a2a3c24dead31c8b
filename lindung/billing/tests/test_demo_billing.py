"""The issue's figures on the real demo register: 75,903 people on APBD (JKK+JKM) from 2023-01."""
from datetime import date

import pytest
from django.db import connection, transaction

from lindung.billing.models import ContributionLine, Invoice, Membership
from lindung.billing.services import enrol, record_payment, run_billing
from lindung.months import months_between
from lindung.programmes.models import Payer
from lindung.registry.models import Person
from lindung.registry.services import load_demo_register


@pytest.fixture(scope="module")
def demo_year(django_db_setup, django_db_blocker):
    """The demo register enrolled from 2023-01 and billed for each month of 2023 (rolled back afterwards)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_register(workers=75_903, seed=1, today=date(2023, 1, 1))
        apbd = Payer.objects.get(kind="apbd")
        enrolment = enrol(Person.objects.all(), ["JKK", "JKM"], apbd, "2023-01")
        reports = [run_billing(month) for month in months_between("2023-01", "2023-12")]
        # PostgreSQL checks deferred foreign keys at the end of every test: check the 1.8 M lines once here.
        connection.check_constraints()
        yield enrolment, reports
        transaction.set_rollback(True)


def test_the_whole_demo_register_is_enrolled_in_both_programmes(demo_year, db):
    enrolment, _ = demo_year
    assert enrolment.enrolled == 2 * 75_903
    assert Membership.objects.filter(payer__kind="apbd", start_month="2023-01").count() == 151_806


def test_one_month_bills_1_275_170_400_rupiah(demo_year, db):
    january = demo_year[1][0]
    assert january.total == 1_275_170_400
    assert (january.members, january.lines) == (75_903, 151_806)
    assert january.by_programme == {"JKK": 759_030_000, "JKM": 516_140_400}
    assert Invoice.objects.get(month="2023-01").total == 1_275_170_400


def test_a_year_bills_15_302_044_800_rupiah(demo_year, db):
    assert sum(report.total for report in demo_year[1]) == 15_302_044_800
    assert Invoice.objects.filter(month__startswith="2023-").count() == 12


def test_rerunning_a_month_changes_nothing(demo_year, db):
    before = list(ContributionLine.objects.filter(month="2023-06").order_by("pk").values_list("pk", "amount"))
    again = run_billing("2023-06")
    assert not again.changed
    assert again.total == 1_275_170_400
    assert list(ContributionLine.objects.filter(month="2023-06").order_by("pk").values_list("pk", "amount")) == before


def test_a_partly_paid_invoice_names_who_was_unprotected(demo_year, db):
    invoice = Invoice.objects.get(month="2023-03")
    payment = record_payment(invoice, 1_000_000_000, date(2023, 3, 20), reference="SP2D 0001")
    paid_members = 1_000_000_000 // 16_800
    assert payment.allocated == paid_members * 16_800
    assert payment.unallocated == 1_000_000_000 - paid_members * 16_800
    unpaid = ContributionLine.objects.filter(month="2023-03", payment__isnull=True)
    assert unpaid.values("person").distinct().count() == 75_903 - paid_members
    # Each member is paid whole: nobody has JKK paid and JKM unpaid.
    half_paid = ContributionLine.objects.filter(month="2023-03", payment__isnull=False).values("person")
    assert not unpaid.filter(person__in=half_paid).exists()
    assert not run_billing("2023-03").changed
    assert ContributionLine.objects.filter(month="2023-03", payment=payment).count() == 2 * paid_members
