"""Running a month again: lines follow the memberships, paid lines never move, and nothing changed means
nothing written (the run checks the month's lines in one pass before it writes)."""
from datetime import date

import pytest

from lindung.billing.models import ContributionLine, Invoice, Membership, MembershipStatus
from lindung.billing.services import enrol, record_payment, run_billing
from lindung.programmes.models import Payer
from lindung.registry.models import Person
from lindung.registry.services import create_person

MONTH = "2026-01"
# Both on a declared income of Rp 1,500,000 (two_villages): JKK 1 % = 15,000, JKM 6,800.
EACH = 15_000 + 6_800


def every_line(**only):
    return list(
        ContributionLine.objects.filter(**only)
        .order_by("pk")
        .values_list("pk", "membership_id", "invoice_id", "amount", "payment_id")
    )


@pytest.fixture
def billed(two_villages):
    """Asep and Siti on APBD for JKK and JKM on their declared income since 2025-12, billed for MONTH; Asep paid."""
    asep, siti = two_villages
    apbd = Payer.objects.get(kind="apbd")
    enrol(Person.objects.all(), ["JKK", "JKM"], apbd, "2025-12", declared_income=True)
    first = run_billing(MONTH)
    assert (first.members, first.lines, first.total) == (2, 4, 2 * EACH)
    record_payment(Invoice.objects.get(month=MONTH), EACH, date(2026, 1, 20))
    assert ContributionLine.objects.filter(person=asep, payment__isnull=False).count() == 2
    return asep, siti, first


def test_a_rerun_with_nothing_new_writes_nothing_and_says_so(billed):
    _, _, first = billed
    before, invoice = every_line(), Invoice.objects.values().get(month=MONTH)
    again = run_billing(MONTH)
    assert not again.changed and again.as_json()["changed"] is False
    assert (again.added, again.repriced, again.removed) == (0, 0, 0)
    assert (again.members, again.lines, again.total) == (first.members, first.lines, first.total)
    assert again.by_programme == first.by_programme == {"JKK": 30_000, "JKM": 13_600}
    assert every_line() == before
    assert Invoice.objects.values().get(month=MONTH) == invoice


def test_a_new_member_is_added_and_nothing_else_moves(billed):
    before = every_line()
    budi = create_person(
        source="test", nik="3216040506910011", full_name="Budi", birth_date=date(1990, 6, 5), sex="L",
        village_id="32.16.04.2001", segment_id="fisher",
    )
    enrol(Person.objects.filter(pk=budi.pk), ["JKK", "JKM"], Payer.objects.get(kind="apbd"), MONTH)
    again = run_billing(MONTH)
    assert (again.added, again.repriced, again.removed, again.changed) == (2, 0, 0, True)
    assert (again.members, again.lines, again.total) == (3, 6, 2 * EACH + 16_800)
    assert every_line(pk__lte=before[-1][0]) == before
    assert not run_billing(MONTH).changed


def test_an_ended_membership_loses_its_unpaid_line_but_a_paid_one_stays(billed):
    asep, siti, _ = billed
    Membership.objects.update(end_month="2025-12", status=MembershipStatus.ENDED)
    paid = every_line(payment__isnull=False)
    again = run_billing(MONTH)
    assert (again.added, again.repriced, again.removed) == (0, 0, 2)
    assert every_line() == paid  # Asep's paid lines, untouched
    assert (again.members, again.lines, again.total) == (1, 2, EACH)
    invoice = Invoice.objects.get(month=MONTH)
    assert (invoice.total, invoice.paid, invoice.outstanding) == (EACH, EACH, 0)
    assert not run_billing(MONTH).changed


def test_a_rejected_membership_is_no_longer_billed(billed):
    _, siti, _ = billed
    Membership.objects.filter(person=siti, programme_id="JKM").update(status=MembershipStatus.REJECTED)
    again = run_billing(MONTH)
    assert (again.removed, again.lines, again.total) == (1, 3, 2 * EACH - 6_800)
    assert again.by_programme == {"JKK": 30_000, "JKM": 6_800}


def test_a_changed_income_reprices_unpaid_lines_only(billed):
    asep, siti, _ = billed
    Membership.objects.update(declared_income=2_000_000)
    paid = every_line(payment__isnull=False)
    again = run_billing(MONTH)
    assert (again.added, again.repriced, again.removed, again.changed) == (0, 1, 0, True)
    assert every_line(payment__isnull=False) == paid  # Asep's paid JKK stays at the old price
    assert ContributionLine.objects.get(person=siti, programme_id="JKK").amount == 20_000
    assert (again.members, again.lines, again.total) == (2, 4, 2 * EACH + 5_000)
    assert again.by_programme == {"JKK": 35_000, "JKM": 13_600}
    assert not run_billing(MONTH).changed


def test_two_payers_each_get_their_invoice_and_members_are_counted_once(two_villages):
    asep, siti = two_villages
    apbd = Payer.objects.get(kind="apbd")
    sponsor = Payer.objects.create(name="CSR Test", kind="sponsor")
    enrol(Person.objects.all(), ["JKK", "JKM"], apbd, MONTH)
    enrol(Person.objects.filter(pk=siti.pk), ["JHT"], sponsor, MONTH)
    first = run_billing(MONTH)
    assert (first.members, first.lines) == (2, 5)
    assert Invoice.objects.get(month=MONTH, payer=apbd).members == 2
    assert Invoice.objects.get(month=MONTH, payer=sponsor).members == 1
    assert first.total == sum(Invoice.objects.filter(month=MONTH).values_list("total", flat=True))
    again = run_billing(MONTH)
    assert not again.changed
    assert (again.members, again.lines, again.total, again.by_programme) == (
        first.members, first.lines, first.total, first.by_programme,
    )
