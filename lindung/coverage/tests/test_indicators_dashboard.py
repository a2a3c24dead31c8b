"""The dashboard's figures for a month, read from the pre-aggregated tables, on a small real history.

Four people on APBD (JKK + JKM) from January 2026, Asep also saving JHT paid by himself; January to April
billed and each month paid right away, but for Dedi (the last registered) after January, so he lapses in
April; Citra moves away with April as her last month.
"""
from datetime import date

import pytest

from lindung.billing.models import ContributionLine, Invoice, Membership
from lindung.billing.services import enrol, record_payment, run_billing
from lindung.coverage.dashboard import dashboard, kecamatan_detail
from lindung.coverage.indicators import coverage
from lindung.enrolment.budget import budget_status
from lindung.enrolment.lifecycle import end_memberships, renew
from lindung.programmes.models import BudgetLine, Payer
from lindung.registry.models import Person
from lindung.registry.nik import make_nik
from lindung.registry.services import create_person

PEOPLE = [  # name, sex, village, segment
    ("Asep", "L", "32.16.04.2001", "farmer"),
    ("Bunga", "P", "32.16.04.2002", "fisher"),
    ("Citra", "P", "32.16.08.1008", "farmer"),
    ("Dedi", "L", "32.16.08.1008", "driver"),
]


def pay_all_but_last(month: str, keep_unpaid: int) -> None:
    for invoice in Invoice.objects.filter(month=month):
        owed_by_him = sum(
            ContributionLine.objects.filter(invoice=invoice, person_id=keep_unpaid).values_list("amount", flat=True)
        )
        if invoice.outstanding - owed_by_him > 0:
            record_payment(invoice, invoice.outstanding - owed_by_him, date(2026, 5, 1))


@pytest.fixture
def history(db):
    people = [
        create_person(
            source="test", nik=make_nik(village[:8], date(1990, 1, 1 + i), sex, i + 1), full_name=name,
            birth_place="Bekasi", birth_date=date(1990, 1, 1 + i), sex=sex, village_id=village, segment_id=segment,
            income=1_500_000,
        )
        for i, (name, sex, village, segment) in enumerate(PEOPLE)
    ]
    apbd = Payer.objects.get(kind="apbd")
    worker = Payer.objects.get(kind="self")
    BudgetLine.objects.create(payer=apbd, fiscal_year=2026, programme_id="JKK", amount=1_000_000)
    BudgetLine.objects.create(payer=apbd, fiscal_year=2026, programme_id="JKM", amount=700_000)
    enrol(Person.objects.filter(pk__in=[p.pk for p in people]), ["JKK", "JKM"], apbd, "2026-01")
    enrol(Person.objects.filter(pk=people[0].pk), ["JHT"], worker, "2026-01")
    for month in ("2026-01", "2026-02", "2026-03", "2026-04"):
        run_billing(month)  # April's run finds Dedi's February to April unpaid: he lapses
        pay_all_but_last(month, keep_unpaid=people[3].pk if month > "2026-01" else None)
    end_memberships(Membership.objects.filter(person=people[2]), "moved_away", "2026-04")
    return people, apbd, worker


def by_code(rows):
    return {row["code"]: row for row in rows}


def test_the_headline_counts_people_and_their_flows(history):
    people, apbd, worker = history
    january, april = dashboard("2026-01"), dashboard("2026-04")
    assert january["headline"]["protected"] == 4
    assert (january["headline"]["new"], january["headline"]["lapsed"], january["headline"]["ended"]) == (4, 0, 0)
    assert april["headline"]["protected"] == 3
    assert (april["headline"]["new"], april["headline"]["lapsed"], april["headline"]["ended"]) == (0, 1, 1)
    assert april["headline"]["previous_protected"] == 3
    # The shipped regency figure, with its source, until a table per kecamatan is loaded.
    assert april["headline"]["denominator"] == 1_500_000 and april["headline"]["denominator_year"] == 2025
    assert "DOMAIN.md" in april["headline"]["denominator_source"]
    assert april["headline"]["rate"] == pytest.approx(3 / 1_500_000)
    assert april["headline"]["target"] == 75_903 and april["headline"]["target_rate"] == pytest.approx(3 / 75_903)


def test_every_breakdown_adds_up_and_agrees_with_coverage(history):
    result = dashboard("2026-03")
    figures = coverage("2026-03")
    protected = result["headline"]["protected"]
    assert protected == figures["protected"] == 3
    kecamatan = by_code(result["by_kecamatan"])
    assert len(kecamatan) == 23 and kecamatan["32.16.04"]["name"] == "Tambelang"
    assert {code: row["protected"] for code, row in kecamatan.items() if row["protected"]} == figures["by_kecamatan"]
    assert {s["code"]: s["protected"] for s in result["by_segment"] if s["protected"]} == figures["by_segment"]
    assert result["by_sex"] == figures["by_sex"] == {"L": 1, "P": 2}
    assert result["by_age_band"] == figures["by_age_band"]
    assert result["by_programme"] == {"JKK": 3, "JKM": 3, "JHT": 1}
    assert [m["month"] for m in result["trend"]][0] == "2025-04" and len(result["trend"]) == 12
    assert [m["protected"] for m in result["trend"]][-3:] == [4, 3, 3]


def test_filters_apply_to_every_figure(history):
    people, apbd, worker = history
    farmers = dashboard("2026-01", segment="farmer")
    assert farmers["headline"]["protected"] == 2 and farmers["headline"]["new"] == 2
    assert {s["code"]: s["protected"] for s in farmers["by_segment"] if s["protected"]} == {"farmer": 2}
    assert [m["protected"] for m in farmers["trend"]][-1] == 2
    own = dashboard("2026-01", payer=worker)
    assert own["payer"] == worker.pk
    assert own["headline"]["protected"] == 1 and own["headline"]["new"] == 1
    assert own["by_programme"] == {"JKK": 0, "JKM": 0, "JHT": 1}
    assert [p["name"] for p in own["budget"]["payers"]] == ["Peserta mandiri"]
    drivers_on_apbd = dashboard("2026-04", segment="driver", payer=apbd.pk)
    assert drivers_on_apbd["headline"]["protected"] == 0 and drivers_on_apbd["headline"]["lapsed"] == 1


def test_the_budget_is_the_enrolment_budget(history):
    people, apbd, worker = history
    result = dashboard("2026-04", payer=apbd)["budget"]
    status = budget_status(apbd, 2026)
    assert (result["allocated"], result["committed"], result["billed"], result["paid"]) == (
        status.allocation, status.committed, status.billed, status.paid
    )
    assert result["allocated"] == 1_700_000 and result["remaining"] == status.remaining
    everyone = dashboard("2026-04")["budget"]
    assert everyone["billed"] == sum(i.total for i in Invoice.objects.filter(month__startswith="2026-"))
    # A membership created after the figures were stored is counted at the next request.
    enrol(Person.objects.filter(pk=people[1].pk), ["JHT"], apbd, "2026-06")
    assert dashboard("2026-04", payer=apbd)["budget"]["committed"] == budget_status(apbd, 2026).committed


def test_renewal_is_counted_in_january(history):
    people, apbd, worker = history
    Membership.objects.filter(payer=apbd, status__in=["active", "inactive"]).update(end_month="2026-12")
    assert dashboard("2027-01")["headline"]["renewed"] == 0  # January built before the renewal
    report = renew(apbd, 2027)
    assert report.carried == 3
    assert dashboard("2027-01")["headline"]["renewed"] == 3
    assert dashboard("2027-01", payer=worker)["headline"]["renewed"] == 0


def test_a_kecamatan_with_its_villages(history):
    detail = kecamatan_detail("2026-01", "32.16.08")
    assert detail["kecamatan"]["name"] == "Cikarang Barat" and detail["kecamatan"]["protected"] == 2
    villages = by_code(detail["by_village"])
    assert villages["32.16.08.1008"]["protected"] == 2
    assert sum(v["protected"] for v in villages.values()) == 2
    assert detail["flows"]["new"] == 2
    assert detail["trend"][-1] == {"month": "2026-01", "protected": 2}
    assert kecamatan_detail("2026-04", "32.16.08")["flows"] == {"new": 0, "renewed": 0, "lapsed": 1, "ended": 1}
    assert kecamatan_detail("2026-01", "32.16.04", segment="fisher")["kecamatan"]["protected"] == 1
    with pytest.raises(LookupError):
        kecamatan_detail("2026-01", "32.17.01")
