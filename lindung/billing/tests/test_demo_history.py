from datetime import date

from lindung.billing.demo import build_demo_history
from lindung.billing.ledger import protected_people
from lindung.billing.models import Invoice
from lindung.coverage.models import CoverageMonth
from lindung.months import months_between
from lindung.registry.services import load_demo_register


def test_the_demo_history_is_billed_monthly_and_paid_the_month_after(db):
    load_demo_register(workers=300, seed=1, today=date(2026, 11, 25))
    history = build_demo_history(date(2026, 11, 25))
    assert (history.months, history.enrolled) == (11, 600)
    invoices = {i.month: i for i in Invoice.objects.all()}
    assert sorted(invoices) == [f"2026-{m:02d}" for m in range(1, 12)]
    assert all(i.total == 300 * 16_800 for i in invoices.values())
    assert all(invoices[f"2026-{m:02d}"].outstanding == 0 for m in range(1, 10))
    # October was paid on 15 November, for 90 %; November is not due until 15 December.
    assert 0 < invoices["2026-10"].paid < invoices["2026-10"].total
    assert invoices["2026-11"].paid == 0
    assert protected_people("2026-09").count() == 300
    assert protected_people("2026-10").count() == 300 * 9 // 10
    assert protected_people("2026-11").count() == 0


def test_the_demo_history_leaves_the_dashboards_year_of_figures_built(db):
    load_demo_register(workers=300, seed=1, today=date(2026, 11, 25))
    build_demo_history(date(2026, 11, 25))
    built = dict(CoverageMonth.objects.values_list("month", "stale"))
    assert all(built.get(month) is False for month in months_between("2025-11", "2026-11"))  # none left to a reader
    assert CoverageMonth.objects.get(month="2026-10").protected == 300 * 9 // 10
