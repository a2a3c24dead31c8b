"""`lindung coverage`: the month's figures with filters, and `refresh`."""
import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lindung.billing.models import Invoice
from lindung.billing.services import enrol, record_payment, run_billing
from lindung.coverage.indicators import coverage_from_lines
from lindung.coverage.models import CoverageCell, CoverageMonth
from lindung.programmes.models import Payer
from lindung.registry.models import Person

KEYS = ["month", "protected", "by_kecamatan", "by_segment", "by_sex", "by_age_band"]


def lindung(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def paid(two_villages):
    """Asep (farmer, Tambelang) and Siti (farmer, Cikarang Barat) on APBD; Siti also saves JHT herself."""
    asep, siti = two_villages
    Person.objects.filter(pk=siti.pk).update(segment_id="fisher")
    enrol(Person.objects.filter(pk__in=[asep.pk, siti.pk]), ["JKK", "JKM"], Payer.objects.get(kind="apbd"), "2026-02")
    enrol(Person.objects.filter(pk=siti.pk), ["JHT"], Payer.objects.get(kind="self"), "2026-02")
    for month in ("2026-02", "2026-03"):
        run_billing(month)
    for invoice in Invoice.objects.filter(month="2026-02"):
        record_payment(invoice, invoice.outstanding, date(2026, 3, 5))
    return asep, siti


def test_the_json_keeps_its_keys_and_the_filters_narrow_it(paid):
    everyone = json.loads(lindung("coverage", "--month", "2026-02", "--json"))
    assert list(everyone) == KEYS
    assert everyone == coverage_from_lines("2026-02")
    assert everyone["by_segment"] == {"farmer": 1, "fisher": 1}
    fishers = json.loads(lindung("coverage", "--month", "2026-02", "--segment", "fisher", "--json"))
    assert (fishers["protected"], fishers["by_kecamatan"], list(fishers)) == (1, {"32.16.08": 1}, KEYS)
    own = json.loads(lindung("coverage", "--month", "2026-02", "--payer", "self", "--json"))
    assert own["protected"] == 1 and own["by_sex"] == {"L": 0, "P": 1}
    apbd_farmers = json.loads(lindung("coverage", "--month", "2026-02", "--payer", "apbd", "--segment", "farmer", "--json"))
    assert apbd_farmers["protected"] == 1 and apbd_farmers["by_kecamatan"] == {"32.16.04": 1}


def test_unknown_filters_and_a_missing_month_are_refused(paid):
    with pytest.raises(CommandError, match="unknown segment 'miner'"):
        lindung("coverage", "--month", "2026-02", "--segment", "miner")
    with pytest.raises(CommandError, match="unknown payer 'nobody'"):
        lindung("coverage", "--month", "2026-02", "--payer", "nobody")
    with pytest.raises(CommandError, match="--month is required"):
        lindung("coverage")


def test_refresh_rebuilds_every_month_or_one(paid):
    CoverageCell.objects.all().delete()
    CoverageMonth.objects.all().delete()
    printed = json.loads(lindung("coverage", "refresh", "--json"))
    assert printed == {"refreshed": {"2026-02": 2, "2026-03": 0}}
    assert json.loads(lindung("coverage", "--month", "2026-02", "--json")) == coverage_from_lines("2026-02")
    text = lindung("coverage", "refresh", "--month", "2026-03")
    assert "2026-03: 0 people protected" in text and "1 month(s) refreshed" in text
    with pytest.raises(CommandError, match="the month must be written YYYY-MM"):
        lindung("coverage", "refresh", "--month", "2026-3")
