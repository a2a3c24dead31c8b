from datetime import date

import pytest

from lindung.billing.models import Invoice, Membership
from lindung.billing.services import enrol, record_payment, run_billing
from lindung.programmes.models import Payer
from lindung.registry.models import Person


@pytest.fixture
def apbd(db):
    return Payer.objects.get(kind="apbd")


@pytest.fixture
def history(apbd):
    """history(person, since="2022-05", paid=["2025-06"], unpaid=[], income=None): the person enrolled in
    JKK and JKM on APBD from `since`; the months of `paid` and `unpaid` billed, the former paid in full.
    Months not listed are not billed (the ledger needs only the incident month and the run before it)."""

    def build(person, since, paid=(), unpaid=(), income=None):
        enrol(Person.objects.filter(pk=person.pk), ["JKK", "JKM"], apbd, since)
        if income is not None:
            Membership.objects.filter(person=person).update(declared_income=income)
        for month in sorted([*paid, *unpaid]):
            run_billing(month)
            if month in paid:
                invoice = Invoice.objects.get(month=month, payer=apbd)
                if invoice.outstanding:
                    record_payment(invoice, invoice.outstanding, date.fromisoformat(f"{month}-28"))
        person.refresh_from_db()
        return person

    return build


@pytest.fixture
def asep(two_villages):
    """Asep Saepudin of Sukawijaya (Tambelang), the village the village_operator fixture serves."""
    return two_villages[0]


@pytest.fixture
def siti(two_villages):
    """Siti Aminah of Telaga Asih (Cikarang Barat): outside the village operator's village."""
    return two_villages[1]
