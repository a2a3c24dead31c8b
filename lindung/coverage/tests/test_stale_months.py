"""Billing runs and payments do not wait for the coverage figures: they mark the month, the job worker
rebuilds it, and a reader who comes first rebuilds it themselves, so no one ever reads stale figures."""
from datetime import date

import pytest
from django_tasks_db.models import DBTaskResult

from lindung.billing.models import Invoice
from lindung.billing.services import enrol, record_payment, run_billing
from lindung.coverage.aggregate import refresh_coverage
from lindung.coverage.indicators import coverage
from lindung.coverage.models import CoverageCell, CoverageMonth
from lindung.coverage.tasks import refresh_stale_coverage
from lindung.programmes.models import Payer
from lindung.registry.models import Person

@pytest.fixture
def billed(two_villages):
    enrol(Person.objects.all(), ["JKK", "JKM"], Payer.objects.get(kind="apbd"), "2026-01")
    run_billing("2026-01")
    refresh_coverage("2026-01")
    return Invoice.objects.get(month="2026-01")


def cells_protected(month):
    return sum(CoverageCell.objects.filter(month=month, payer__isnull=True, village="").values_list("people", flat=True))


def test_a_payment_marks_its_month_and_asks_the_worker_without_rebuilding_it_itself(billed, django_capture_on_commit_callbacks):
    queued = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        record_payment(billed, billed.total, date(2026, 1, 20))
    assert CoverageMonth.objects.get(month="2026-01").stale
    assert cells_protected("2026-01") == 0  # not rebuilt during the payment
    assert DBTaskResult.objects.count() == queued + 1
    assert DBTaskResult.objects.order_by("-enqueued_at").first().task_path.endswith("refresh_stale_coverage")


def test_the_worker_rebuilds_the_marked_months(billed):
    record_payment(billed, billed.total, date(2026, 1, 20))
    assert refresh_stale_coverage.call() == ["2026-01"]
    month = CoverageMonth.objects.get(month="2026-01")
    assert (month.stale, month.protected, cells_protected("2026-01")) == (False, 2, 2)
    assert refresh_stale_coverage.call() == []


def test_a_reader_before_the_worker_sees_the_payment(billed):
    assert coverage("2026-01")["protected"] == 0
    record_payment(billed, 16_800, date(2026, 1, 20))
    assert coverage("2026-01")["protected"] == 1
    assert not CoverageMonth.objects.get(month="2026-01").stale


def test_a_rerun_that_changes_nothing_marks_nothing(billed):
    assert not CoverageMonth.objects.get(month="2026-01").stale
    assert not run_billing("2026-01").changed
    assert not CoverageMonth.objects.get(month="2026-01").stale


def test_a_month_never_built_is_marked_by_the_change_itself(billed):
    run_billing("2026-02")
    assert CoverageMonth.objects.get(month="2026-02").stale  # the row is made, marked, before anyone reads it
    record_payment(Invoice.objects.get(month="2026-02"), 16_800, date(2026, 2, 20))
    assert coverage("2026-02")["protected"] == 1
    assert not CoverageMonth.objects.get(month="2026-02").stale


def test_ending_memberships_marks_the_month_they_end_in_not_only_the_month_asked(two_villages):
    from lindung.billing.models import Membership
    from lindung.coverage.dashboard import flows
    from lindung.enrolment.lifecycle import end_memberships

    asep, _ = two_villages
    enrol(Person.objects.filter(pk=asep.pk), ["JKK", "JKM"], Payer.objects.get(kind="apbd"), "2025-06")
    Membership.objects.filter(person=asep).update(end_month="2025-12")  # covered until December, not renewed
    for month in ("2025-12", "2026-01"):
        refresh_coverage(month)
    assert flows("2025-12")["ended"] == 0
    end_memberships(Membership.objects.filter(person=asep), "death", "2026-01")  # ends at its end, December
    assert flows("2025-12")["ended"] == 1


def test_the_worker_rebuilds_the_other_months_when_one_fails_and_reports_the_failure(billed, monkeypatch):
    from lindung.coverage import aggregate

    run_billing("2026-02")
    CoverageMonth.objects.filter(month__in=["2026-01", "2026-02"]).update(stale=True)
    real = aggregate.refresh_cells

    def failing_in_january(month):
        if month == "2026-01":
            raise RuntimeError("disk full")
        return real(month)

    monkeypatch.setattr(aggregate, "refresh_cells", failing_in_january)
    with pytest.raises(RuntimeError, match="disk full"):
        refresh_stale_coverage.call()
    assert dict(CoverageMonth.objects.values_list("month", "stale")) == {"2026-01": True, "2026-02": False}
