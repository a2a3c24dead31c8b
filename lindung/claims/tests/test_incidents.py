"""Incidents through the claim flow (report_incident): the coverage check on the incident date against the
protection ledger and the benefit the rules promise (docs/DOMAIN.md, "Benefits"; claims/data/benefits.csv)."""
from datetime import date, timedelta

import pytest

from lindung.billing.models import Membership, MembershipStatus
from lindung.claims import protection
from lindung.claims.models import ClaimStatus, Incident
from lindung.claims.services import ClaimError, report_incident
from lindung.claims.views import coverage_text
from lindung.enrolment.lifecycle import end_memberships
from lindung.registry.models import Person

pytestmark = pytest.mark.django_db

DEATH = date(2025, 6, 10)


def report(person, kind="death", day=DEATH, **extra):
    return report_incident(person, kind=kind, occurred_on=day, place="Sawah Kp. Pulo",
                           contact_name="Ujang Suryana", contact_relation="anak", contact_phone="081299998888",
                           **extra)


def parts(incident) -> dict[str, int]:
    return {p["name"]: p["amount"] for p in incident.expected_parts}


def test_a_protected_members_death_not_from_work_promises_42_million(asep, history):
    history(asep, "2022-05", paid=["2025-05", "2025-06"])
    incident = report(asep)
    assert incident.protected and incident.coverage["reason"] == protection.PROTECTED
    assert incident.programme_id == "JKM"
    assert incident.expected_amount == 42_000_000
    assert parts(incident) == {"JKM lump sum": 20_000_000, "JKM periodic benefit paid at once": 12_000_000,
                               "JKM funeral": 10_000_000}
    assert incident.coverage["paid_programmes"] == ["JKK", "JKM"]
    assert "dibayar" in coverage_text(incident.coverage)  # "… iuran JKM untuk Juni 2025 sudah dibayar"
    assert incident.status == ClaimStatus.REPORTED and incident.steps.get().status == ClaimStatus.REPORTED


def test_a_death_ends_the_memberships_and_records_the_date_of_death(asep, history):
    history(asep, "2022-05", paid=["2025-06"])
    report(asep)
    asep = Person.objects.get(pk=asep.pk)
    assert asep.died_on == DEATH
    ended = Membership.objects.filter(person=asep)
    assert {(m.status, m.end_month) for m in ended} == {(MembershipStatus.ENDED, "2025-06")}
    assert {m.changes.last().reason for m in ended} == {"meninggal dunia / died: claims"}


def test_a_death_can_be_reported_without_ending_the_memberships(asep, history):
    history(asep, "2022-05", paid=["2025-06"])
    report(asep, end_memberships=False)
    assert not Membership.objects.filter(person=asep, status=MembershipStatus.ENDED).exists()


def test_a_death_within_the_first_three_months_promises_only_10_million(asep, history):
    history(asep, "2025-04", paid=["2025-04", "2025-05"])
    incident = report(asep, day=date(2025, 5, 20))
    assert incident.protected
    assert incident.coverage["member_since"] == "2025-04-01"
    assert incident.expected_amount == 10_000_000
    [part] = incident.expected_parts
    assert "first 3 months" in part["rule"]


def test_a_work_accident_death_at_1_million_declared_income(asep, history):
    history(asep, "2024-01", paid=["2025-06"], income=1_000_000)
    incident = report(asep, kind="work_death")
    assert incident.protected and incident.programme_id == "JKK"
    found = parts(incident)
    # 60 % x 80 = 48 x Rp 1,000,000, above the JKM death benefit (Rp 42 M); funeral and periodic on top.
    assert found["JKK death benefit"] == 48_000_000 >= 42_000_000
    assert found["JKK funeral"] == 10_000_000 and found["JKK periodic benefit paid at once"] == 12_000_000
    assert incident.expected_amount == 70_000_000


def test_a_work_accident_death_at_a_low_income_gets_at_least_the_jkm_amount(asep, history):
    history(asep, "2024-01", paid=["2025-06"], income=500_000)
    incident = report(asep, kind="work_death")
    assert parts(incident)["JKK death benefit"] == 42_000_000  # 48 x 500,000 = 24 M, raised to the JKM death benefit
    assert incident.expected_amount == 64_000_000


def test_without_declared_income_the_wage_is_the_minimum_basis(asep, history):
    history(asep, "2024-01", paid=["2025-06"])
    incident = report(asep, kind="work_death")
    assert incident.coverage["declared_income"] is None
    assert parts(incident)["JKK death benefit"] == 48_000_000  # the rate schedule's Rp 1,000,000 basis


def test_an_inactive_member_gets_no_benefit_and_a_clear_reason(asep, history):
    # Billed from March, nothing paid: the third unpaid month in a row (May) and June are lapsed.
    history(asep, "2025-01", paid=["2025-01", "2025-02"], unpaid=["2025-03", "2025-04", "2025-05", "2025-06"])
    incident = report(asep)
    assert not incident.protected
    assert incident.coverage["reason"] == protection.LAPSED
    assert incident.expected_amount == 0 and incident.expected_parts == []
    assert coverage_text(incident.coverage) == (
        "Tidak terlindungi: kepesertaan tidak aktif pada Juni 2025 setelah beberapa bulan berturut-turut tidak dibayar."
    )


def test_an_unpaid_month_before_lapsing_is_not_protected_either(asep, history):
    history(asep, "2025-01", paid=["2025-05"], unpaid=["2025-06"])
    incident = report(asep)
    assert (incident.protected, incident.coverage["reason"]) == (False, protection.UNPAID)


def test_a_scholarship_after_three_years_of_membership(asep, history):
    history(asep, "2022-05", paid=["2025-06"])
    incident = report(asep, children=[["primary", 4], ["junior_high", None]])
    found = parts(incident)
    # Child 1: 4 years of primary at 1.5 M, junior high 3 x 2 M, senior high 3 x 3 M, university 5 x 12 M.
    assert found["scholarship, child 1"] == 6_000_000 + 6_000_000 + 9_000_000 + 60_000_000
    # Child 2: all of junior high, senior high and university.
    assert found["scholarship, child 2"] == 6_000_000 + 9_000_000 + 60_000_000
    assert incident.expected_amount == 42_000_000 + 81_000_000 + 75_000_000


def test_no_scholarship_before_three_years(asep, history):
    history(asep, "2023-01", paid=["2025-06"])
    incident = report(asep, children=[["primary", None]])
    assert parts(incident)["scholarship"] == 0
    assert incident.expected_amount == 42_000_000


def test_someone_never_enrolled_is_not_a_member(asep):
    incident = report(asep)
    assert (incident.protected, incident.coverage["reason"]) == (False, protection.NOT_MEMBER)
    assert coverage_text(incident.coverage).startswith("Tidak terlindungi: bukan peserta")


def test_a_death_before_the_membership_began(asep, history):
    history(asep, "2025-07", paid=["2025-07"])
    incident = report(asep)
    assert incident.coverage["reason"] == protection.NOT_STARTED
    assert "Juli 2025" in coverage_text(incident.coverage)


def test_a_membership_that_ended_before_the_incident(asep, history):
    history(asep, "2025-01", paid=["2025-01"])
    end_memberships(Membership.objects.filter(person=asep), "moved_away", "2025-03")
    incident = report(asep)
    assert incident.coverage["reason"] == protection.ENDED
    text = coverage_text(incident.coverage)
    assert "Maret 2025" in text and "pindah ke luar kabupaten/kota" in text


def test_a_month_not_billed_yet_cannot_be_confirmed(asep, history):
    history(asep, "2025-01", paid=["2025-05"])
    incident = report(asep)
    assert (incident.protected, incident.coverage["reason"]) == (False, protection.NOT_BILLED)


def test_a_work_accident_injury_is_jkk_and_counts_months_of_incapacity(asep, history):
    history(asep, "2024-01", paid=["2025-06"], income=2_000_000)
    incident = report(asep, kind="work_accident", incapacity_months=2)
    assert incident.programme_id == "JKK"
    assert incident.expected_amount == 4_000_000  # 100 % of the wage for the first 12 months
    assert Person.objects.get(pk=asep.pk).died_on is None  # an injury is not a death


def test_the_contact_is_encrypted_at_rest(asep):
    from django.db import connection

    incident = report(asep)
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_name, contact_phone FROM claims_incident WHERE id = %s", [incident.pk])
        name, phone = cursor.fetchone()
    assert "Ujang" not in name and "0812" not in phone
    assert Incident.objects.get(pk=incident.pk).contact_name == "Ujang Suryana"
    assert incident.masked_contact_name == "U**** S******"


def test_an_incident_in_the_future_is_refused(asep):
    with pytest.raises(ClaimError, match="future"):
        report(asep, day=date(2025, 7, 1), today=date(2025, 6, 30))
    assert not Incident.objects.exists()


def test_a_claim_is_checked_again_once_the_month_is_billed_and_paid(asep, history, apbd):
    from datetime import date as day

    from lindung.billing.models import Invoice
    from lindung.billing.services import record_payment, run_billing
    from lindung.claims.services import check_again

    history(asep, "2025-01", paid=["2025-05"])
    incident = report(asep, end_memberships=False)
    assert (incident.protected, incident.expected_amount) == (False, 0)
    assert not check_again(incident)  # nothing new yet
    run_billing("2025-06")
    invoice = Invoice.objects.get(month="2025-06", payer=apbd)
    record_payment(invoice, invoice.total, day(2025, 7, 15))
    assert check_again(incident)
    incident.refresh_from_db()
    assert (incident.protected, incident.expected_amount) == (True, 42_000_000)
    assert incident.steps.last().note == "pemeriksaan ulang / checked again: protected"


def test_a_death_is_reported_once(asep, history):
    history(asep, "2022-05", paid=["2025-06"])
    first = report(asep)
    with pytest.raises(ClaimError, match=f"already reported as {first.number}"):
        report(asep, kind="work_death")
    assert Incident.objects.count() == 1


def test_the_same_work_accident_is_reported_once(asep, history):
    history(asep, "2022-05", paid=["2025-06"])
    first = report(asep, kind="work_accident")
    with pytest.raises(ClaimError, match=f"already reported as {first.number}"):
        report(asep, kind="work_accident")
    second = report(asep, kind="work_accident", day=first.occurred_on - timedelta(days=1))
    assert Incident.objects.count() == 2 and second.number != first.number


def test_a_work_accident_with_a_partial_disability(asep, history):
    from decimal import Decimal

    history(asep, "2024-01", paid=["2025-06"], income=2_000_000)
    incident = report(asep, kind="work_accident", disability_percent=Decimal("12.5"))
    # Table 12.5 % x 80 months x Rp 2,000,000.
    assert incident.expected_amount == 20_000_000
    assert Incident.objects.get(pk=incident.pk).disability_percent == Decimal("12.50")
