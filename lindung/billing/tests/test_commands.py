"""`lindung billing …` and `lindung demo --enrol-from` as a script would call them."""
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lindung.billing.models import ContributionLine, Membership


def lindung(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_enrol_run_pay_and_statement_as_json(two_villages):
    enrolled = json.loads(lindung("billing", "enrol", "--from", "2026-01", "--json"))
    assert enrolled == {"enrolled": 4, "already_members": 0, "by_programme": {"JKK": 2, "JKM": 2}}

    report = json.loads(lindung("billing", "run", "2026-01", "--json"))
    assert {k: report[k] for k in ("month", "members", "lines", "total", "by_programme", "by_payer")} == {
        "month": "2026-01",
        "members": 2,
        "lines": 4,
        "total": 33_600,
        "by_programme": {"JKK": 20_000, "JKM": 13_600},
        "by_payer": {"APBD Pemerintah Daerah": 33_600},
    }
    assert report["changed"] is True
    assert json.loads(lindung("billing", "run", "2026-01", "--json"))["changed"] is False

    paid = json.loads(lindung("billing", "pay", "2026-01", "--amount", "20000", "--reference", "SP2D 1", "--json"))
    assert paid == {"invoice": paid["invoice"], "amount": 20_000, "allocated": 16_800, "unallocated": 3_200,
                    "outstanding": 16_800}

    statement = json.loads(lindung("billing", "statement", "--json"))
    assert (statement["billed"], statement["paid"], statement["arrears"]) == (33_600, 16_800, 16_800)
    assert [i["month"] for i in statement["invoices"]] == ["2026-01"]


def test_enrol_a_segment_of_one_kecamatan(two_villages):
    asep, siti = two_villages
    lindung("billing", "enrol", "--from", "2026-01", "--segment", "farmer", "--area", "32.16.04")
    assert set(Membership.objects.values_list("person_id", flat=True)) == {asep.pk}


def test_paying_without_amount_settles_the_invoice(two_villages):
    lindung("billing", "enrol", "--from", "2026-01")
    lindung("billing", "run", "2026-01")
    out = lindung("billing", "pay", "2026-01", "--date", "2026-01-20")
    assert "Rp 0 still owed" in out
    assert not ContributionLine.objects.filter(payment__isnull=True).exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (("billing", "run", "2026-13"), "YYYY-MM"),
        (("billing", "run", "Januari"), "Bulan harus ditulis YYYY-MM"),
        (("billing", "pay", "2026-01"), "no invoice"),
        (("billing", "pay", "2026-01", "--payer", "nobody"), "unknown payer"),
        (("billing", "enrol", "--from", "2026-01", "--programmes", "JKP"), "unknown programmes"),
        (("billing", "enrol", "--from", "2026-01", "--segment", "astronaut"), "unknown segments"),
    ],
)
def test_bad_input_is_refused_in_both_languages(two_villages, args, message):
    with pytest.raises(CommandError, match=message) as refused:
        call_command(*args, stdout=StringIO())
    assert " / " in str(refused.value)


def test_a_payment_above_what_is_owed_is_refused(two_villages):
    lindung("billing", "enrol", "--from", "2026-01")
    lindung("billing", "run", "2026-01")
    with pytest.raises(CommandError, match="exceeds the Rp 33,600 still owed"):
        call_command("billing", "pay", "2026-01", "--amount", "50000", stdout=StringIO())


def test_demo_enrol_from(db):
    out = lindung("demo", "--workers", "300", "--enrol-from", "2023-01")
    assert "600 new memberships" in out
    again = lindung("demo", "--workers", "300", "--enrol-from", "2023-01")
    assert "0 new memberships, 600 already members" in again
    assert Membership.objects.filter(start_month="2023-01", payer__kind="apbd").count() == 600
