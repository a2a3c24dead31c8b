"""A payer's fiscal year: allocation, what its memberships commit, billed, paid, forecast, and the warning."""
import itertools
from datetime import date

import pytest

from lindung.billing.models import Invoice, Membership
from lindung.billing.services import enrol, record_payment, run_billing
from lindung.enrolment.budget import BudgetError, budget_status, warning_for
from lindung.enrolment.targeting import preview
from lindung.programmes.models import BudgetLine, Payer
from lindung.programmes.rates import Rate, shipped_rates
from lindung.registry.models import Person
from lindung.registry.services import create_person, delete_person

_niks = itertools.count(1)


def person(name):
    return create_person(
        source="test", nik=f"3216041206{next(_niks):06d}", kk=None, phone=None, full_name=name,
        birth_date=date(1985, 3, 12), sex="P", village_id="32.16.04.2001", segment_id="farmer",
    )


def member(who, payer, start, end=None, status="active", programmes=("JKK", "JKM")):
    for code in programmes:
        Membership.objects.create(person=who, programme_id=code, payer=payer, start_month=start, end_month=end,
                                  status=status)


@pytest.fixture
def apbd(db):
    return Payer.objects.get(kind="apbd")


@pytest.fixture
def worker(db):
    return Payer.objects.get(kind="self")


def allocate(payer, year, **amounts):
    for code, amount in amounts.items():
        BudgetLine.objects.create(payer=payer, fiscal_year=year, programme_id=code, amount=amount)


def test_a_year_of_the_regency_budget(apbd, worker):
    allocate(apbd, 2026, JKK=500_000, JKM=400_000)
    allocate(apbd, 2027, JKK=1)                       # another year: not counted
    allocate(worker, 2026, JKK=7)                     # another payer: not counted
    asep, siti, calon, lapsed, gone, removed = (
        person(n) for n in ("Asep", "Siti", "Calon", "Lalai", "Selesai", "Hapus"))
    enrol(Person.objects.filter(pk__in=[asep.pk, siti.pk]), ["JKK", "JKM"], apbd, "2026-01")  # 12 months each
    member(calon, apbd, "2026-07", "2027-06", status="candidate")                       # 6 months in 2026
    member(lapsed, apbd, "2026-10", status="inactive")                                   # 3 months
    member(gone, apbd, "2025-12", "2026-03", status="ended")                            # ended: not committed
    member(removed, apbd, "2026-01")
    delete_person(removed, source="test")                                                # deleted: not committed
    member(person("Mandiri"), worker, "2026-01")                                         # another payer

    run_billing("2025-12")
    run_billing("2026-01")
    record_payment(Invoice.objects.get(payer=apbd, month="2026-01"), 50_400, date(2026, 2, 15))
    run_billing("2026-02")
    run_billing("2026-03")

    status = budget_status(apbd, 2026)
    assert status.allocation == 900_000
    assert status.by_programme == {"JKK": 500_000, "JKM": 400_000}
    member_months = 2 * 12 + 6 + 3
    assert status.committed_by_programme == {"JKK": member_months * 10_000, "JKM": member_months * 6_800}
    assert status.committed == 554_400
    assert status.remaining == 900_000 - 554_400
    # Asep, Siti and the ended membership are billed January to March; December 2025 is another year.
    assert status.billed == 3 * 3 * 16_800
    assert status.paid == 50_400
    assert status.latest_billed_month == "2026-03"
    # The run rate of March for the rest of the year: the ended membership stops with March.
    assert status.forecast_year_end == 151_200 + 2 * 16_800 * 9
    assert status.as_json()["remaining"] == 345_600


def test_nothing_allocated_or_billed_yet(apbd):
    status = budget_status(apbd, 2026)
    assert (status.allocation, status.committed, status.billed, status.paid, status.remaining) == (0, 0, 0, 0, 0)
    assert (status.forecast_year_end, status.latest_billed_month, status.has_allocation) == (0, None, False)


def test_a_worker_paying_himself_commits_the_discounted_rate_in_2026_only(worker):
    member(person("Mandiri"), worker, "2026-07", "2027-06")
    assert budget_status(worker, 2026).committed == 6 * 8_400
    assert budget_status(worker, 2027).committed == 6 * 16_800


def test_a_rate_change_within_the_year_is_counted_month_by_month(apbd):
    dearer = Rate("JKM", date(2026, 7, 1), "flat", 0, 0, 7_000, 0, frozenset({"apbd"}), "test: a new JKM rate")
    member(person("Asep"), apbd, "2026-01", programmes=("JKM",))
    assert budget_status(apbd, 2026, rates=(*shipped_rates(), dearer)).committed == 6 * 6_800 + 6 * 7_000


def test_a_fiscal_year_must_be_a_year(apbd):
    with pytest.raises(BudgetError, match="not a fiscal year") as refused:
        budget_status(apbd, "2026")
    assert " / " in str(refused.value)


# The warning ----------------------------------------------------------------------------------------


def test_no_allocation_recorded_is_a_warning(apbd):
    warning = warning_for(apbd, "2026-01", 12, 201_600)
    assert warning == (
        "Anggaran: belum ada pagu APBD Pemerintah Daerah untuk tahun 2026 / "
        "Budget: no budget allocation recorded for APBD Pemerintah Daerah in 2026"
    )


def test_a_batch_may_use_the_allocation_to_the_last_rupiah(apbd):
    allocate(apbd, 2026, JKK=120_000, JKM=81_600)
    assert warning_for(apbd, "2026-01", 12, 201_600) is None
    warning = warning_for(apbd, "2026-01", 12, 201_601)
    assert "melebihi pagu Rp 201,600 sebesar Rp 1" in warning
    assert "Rp 0 committed + Rp 201,601 for this batch exceeds the allocation of Rp 201,600 by Rp 1" in warning


def test_what_is_committed_already_counts(apbd):
    allocate(apbd, 2026, JKK=120_000, JKM=81_600)
    member(person("Calon"), apbd, "2026-01", "2026-06", status="candidate")  # Rp 100,800
    assert warning_for(apbd, "2026-01", 12, 100_800) is None
    assert "Rp 100,800 committed + Rp 100,801 for this batch" in warning_for(apbd, "2026-01", 12, 100_801)


def test_a_period_across_two_fiscal_years_needs_both_allocations(apbd):
    allocate(apbd, 2026, JKK=60_000, JKM=40_800)  # six months of one member
    # July 2026 to June 2027: half the cost falls in each year; 2027 has no allocation yet.
    warning = warning_for(apbd, "2026-07", 12, 201_600)
    assert "2027" in warning and "2026" not in warning.replace("2027", "")
    allocate(apbd, 2027, JKK=60_000, JKM=40_800)
    assert warning_for(apbd, "2026-07", 12, 201_600) is None
    # The cost per year may also be given exactly.
    assert "2026: Rp 0 committed + Rp 100,801" in warning_for(apbd, "2026-07", 12, {2026: 100_801, 2027: 100_799})


def test_a_preview_carries_the_warning(apbd):
    allocate(apbd, 2026, JKK=100_000, JKM=100_000)
    person("Asep")
    assert "exceeds the allocation of Rp 200,000 by Rp 1,600" in preview(201_600, 12, "2026-01").budget_warning
    assert preview(200_000, 12, "2026-01").budget_warning is None  # covers nobody: nothing to warn about
